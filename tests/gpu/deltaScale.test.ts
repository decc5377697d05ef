/**
 * The WGSL `deltaT` the portrait and 3-D shaders colour δ with (src/views/deltaScale.ts DELTA_T_WGSL) against
 * the f64 TypeScript map deltaScaleT, for the symlog scale of the default τ × α grid (M ≈ 400, c = 0.01) and a
 * linear one, run in a compute shader on δ from −M to M. Tolerance: 2e-6 in t (f32 log2 and products,
 * |t| ≤ 1; a LUT bin is 1/256 ≈ 4e-3 wide), and the LUT bin itself must agree except where the f64 t lies
 * within 2e-6 of a bin edge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { lutIndex } from '../../src/views/colormaps.ts';
import { DELTA_T_WGSL, deltaScaleT, deltaScaleUniforms, makeDeltaScale, type DeltaScale } from '../../src/views/deltaScale.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const SHADER = /* wgsl */ `
struct Params { deltaScale: f32, deltaC: f32, n: u32, pad: u32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${DELTA_T_WGSL}
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < P.n) { out[id.x] = deltaT(v[id.x]); }
}`;

async function gpuDeltaT(values: Float32Array, s: DeltaScale): Promise<Float32Array> {
  const { device } = ctx;
  const u = deltaScaleUniforms(s);
  const params = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const head = new ArrayBuffer(16);
  new Float32Array(head, 0, 2).set([u.deltaScale, u.deltaC]);
  new Uint32Array(head, 8, 1)[0] = values.length;
  device.queue.writeBuffer(params, 0, head);
  const input = device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, values);
  const out = device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'main' } });
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: params } }, { binding: 1, resource: { buffer: input } }, { binding: 2, resource: { buffer: out } }],
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(Math.ceil(values.length / 64));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, values.byteLength);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const result = new Float32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [params, input, out, read]) b.destroy();
  return result;
}

/** δ on a symmetric log grid over [−M, M] (and 0), as f32. */
function deltas(maxAbs: number): Float32Array {
  const out: number[] = [0];
  for (let k = 0; k <= 300; k++) {
    const d = maxAbs * 10 ** (-7 + (7 * k) / 300);
    out.push(d, -d);
  }
  return new Float32Array(out);
}

describe('WGSL deltaT matches deltaScaleT', () => {
  for (const [name, scale] of [
    ['symlog, τ × α grid (M = 399.96, c = 0.01)', makeDeltaScale('symlog', [-399.96, 399.96])],
    ['linear (M = 4)', makeDeltaScale('linear', [-4, 4])],
  ] as const) {
    it(name, async () => {
      const v = deltas(scale.maxAbs);
      const got = await gpuDeltaT(v, scale);
      let worst = 0;
      for (let i = 0; i < v.length; i++) {
        const want = deltaScaleT(v[i], scale);
        worst = Math.max(worst, Math.abs(got[i] - want));
        const edge = Math.abs(want * 256 - Math.round(want * 256)) < 256 * 2e-6;
        if (!edge) expect(lutIndex(got[i]), `δ = ${v[i]}`).toBe(lutIndex(want));
      }
      expect(worst).toBeLessThan(2e-6);
    });
  }
});
