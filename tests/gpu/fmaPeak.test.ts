/**
 * The peak-FMA microbenchmark kernel (shaders/fmaPeak.wgsl.ts) computes what it claims: x ← fma(x, a, b)
 * per lane, summed per thread. Correctness only; the timing is bench/bench.ts's business.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { fmaPeakFlopsPerThread, fmaPeakReference, fmaPeakShader } from '../../shaders/fmaPeak.wgsl.ts';
import { FmaPeakKernel } from '../../bench/fmaPeak.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('fmaPeak kernel', () => {
  it('a = 1, b = 1: every lane counts the iterations exactly (integers < 2²⁴ are exact in f32)', async () => {
    // 300 threads: not a multiple of the workgroup size, so the bounds check is exercised too.
    const kernel = new FmaPeakKernel(ctx, 300);
    await kernel.run(100, 1, 1);
    const out = await kernel.read();
    for (let i = 0; i < 300; i++) expect(out[i]).toBe(fmaPeakReference(i, 100, 1, 1));
    kernel.destroy();
  });

  it('a = 0.5, b = 1: the recurrence multiplies (f32 vs f64 within 1e-6 relative)', async () => {
    const kernel = new FmaPeakKernel(ctx, 128, 3);
    await kernel.run(7, 0.5, 1);
    const out = await kernel.read();
    for (let i = 0; i < 128; i++) {
      const ref = fmaPeakReference(i, 7, 0.5, 1, 3);
      expect(Math.abs(out[i] - ref) / ref).toBeLessThan(1e-6);
    }
    kernel.destroy();
  });

  it('counts 2 FLOP per FMA and rejects bad chain counts', () => {
    expect(fmaPeakFlopsPerThread(10, 8)).toBe(640);
    expect(() => fmaPeakShader({ chains: 0 })).toThrow(/chains/);
  });
});
