/** Labelled buffer helpers and one-shot readback (docs/architecture.md "every resource has a label"). */

/**
 * Creates a buffer, optionally initialised from `data` (mappedAtCreation).
 * @param label e.g. 'SingleNeuron.state'
 * @param size bytes; rounded up to a multiple of 4.
 */
export function createBuffer(
  device: GPUDevice, label: string, usage: GPUBufferUsageFlags, size: number, data?: ArrayBufferView | ArrayBuffer,
): GPUBuffer {
  const padded = Math.max(4, Math.ceil(size / 4) * 4);
  const buffer = device.createBuffer({ label, size: padded, usage, mappedAtCreation: !!data });
  if (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    new Uint8Array(buffer.getMappedRange()).set(bytes.subarray(0, padded));
    buffer.unmap();
  }
  return buffer;
}

/**
 * Copies `size` bytes of `source` (needs COPY_SRC) into a fresh staging buffer and maps it.
 * @returns a copy of the bytes; the staging buffer is destroyed.
 */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, size: number, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    label: `${source.label}.readback`, size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const encoder = device.createCommandEncoder({ label: `${source.label}.readback` });
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.destroy();
  return copy;
}
