/**
 * Helpers for one-trajectory-per-thread compute passes: pipeline creation with the workgroup size as a
 * WGSL `override WG`, and a labelled, 2-D-split dispatch over n threads (webgpu-samples' one class per
 * pass; this is the part every pass shares).
 */
import { dispatchSize, type GpuContext } from './device.ts';

/**
 * Compiles `code` (entry point `main`) into a compute pipeline.
 * @param layout an explicit bind-group layout, or 'auto' (then use pipeline.getBindGroupLayout(0)).
 * @param workgroupSize value of the shader's `override WG`, or undefined if it has none.
 */
export function computePipeline(
  device: GPUDevice, label: string, code: string, layout: GPUBindGroupLayout | 'auto' = 'auto', workgroupSize?: number,
): GPUComputePipeline {
  return device.createComputePipeline({
    label,
    layout: layout === 'auto' ? 'auto' : device.createPipelineLayout({ label: `${label}.layout`, bindGroupLayouts: [layout] }),
    compute: {
      module: device.createShaderModule({ label: `${label}.module`, code }),
      entryPoint: 'main',
      ...(workgroupSize ? { constants: { WG: workgroupSize } } : {}),
    },
  });
}

/** Bind group 0 of `pipeline` ('auto' layout) with `buffers` at bindings 0, 1, 2, … */
export function bindBuffers(device: GPUDevice, label: string, pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
  return device.createBindGroup({
    label, layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}

/**
 * Records a pass of ceil(n / workgroupSize) workgroups (split 2-D past the per-dimension limit; kernels
 * recover i = gid.x + gid.y · groups.x · WG) into `encoder`.
 */
export function encodeDispatch(
  ctx: GpuContext, encoder: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup,
  n: number, workgroupSize: number,
): void {
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  const [x, y] = dispatchSize(ctx.limits, Math.ceil(n / workgroupSize));
  pass.dispatchWorkgroups(x, y);
  pass.end();
}

/** {@link encodeDispatch} in its own command buffer, submitted at once. */
export function submitDispatch(
  ctx: GpuContext, label: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, n: number, workgroupSize: number,
): void {
  const encoder = ctx.device.createCommandEncoder({ label });
  encodeDispatch(ctx, encoder, label, pipeline, bindGroup, n, workgroupSize);
  ctx.device.queue.submit([encoder.finish()]);
}
