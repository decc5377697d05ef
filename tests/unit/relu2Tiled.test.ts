/**
 * Shape and sizing of the tiled relu2 step kernel (shaders/relu2/relu2StepTiled.wgsl.ts; src/models/relu2/spec.ts):
 * it fits WebGPU's guaranteed 16 KiB of workgroup memory and 256 invocations for every m ≤ 256, d ≤ 128, its
 * blocks cover every unit and G̃ block, and a device below its needs is refused naming the limit.
 */
import { describe, expect, it } from 'vitest';
import { tiledKernelShape, tiledWorkgroupWords } from '../../shaders/relu2/relu2StepTiled.wgsl.ts';
import { WORKGROUP_WORDS } from '../../src/models/relu2/layout.ts';
import { validateRelu2Spec, type Relu2DeviceLimits } from '../../src/models/relu2/spec.ts';
import { DeviceLimitError } from '../../src/gpu/device.ts';

const limits: Relu2DeviceLimits = {
  maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28, maxComputeWorkgroupsPerDimension: 65535,
  maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256,
};
const spec = (m: number, d: number, n: number, networks = 1) => {
  const data = { d, X: new Float64Array(n * d).fill(0.5), y: new Float64Array(n) };
  const init = { m, d, W: new Float64Array(m * d).fill(0.1), a: new Float64Array(m).fill(0.1) };
  return { datasets: [data], networks: Array.from({ length: networks }, () => ({ init, dataIndex: 0, eta: 0.1 })) };
};

describe('relu2 tiled kernel shape', () => {
  it('fits 16 KiB and 32–256 threads, covers every unit and G̃ block with ≤ 8 blocks per thread, for m ≤ 256, d ≤ 128', () => {
    for (const m of [1, 2, 6, 31, 50, 98, 128, 200, 256]) {
      for (const d of [1, 2, 3, 4, 20, 33, 84, 100, 128]) {
        for (const n of [1, 12, 20, 40, 1000]) {
          const s = tiledKernelShape(m, d, n);
          expect(tiledWorkgroupWords(s)).toBeLessThanOrEqual(WORKGROUP_WORDS);
          expect([32, 64, 128, 256]).toContain(s.wg);
          expect(s.ts % s.ti).toBe(0);
          expect(s.ts).toBeLessThanOrEqual(32);
          expect(s.rk * (s.wg / s.ti)).toBeGreaterThanOrEqual(m); // every unit has a forward thread
          expect(s.nbt * s.wg).toBeGreaterThanOrEqual((s.mp / 4) * (s.dp / 4)); // every G̃ block has an owner
          expect(s.nbt).toBeLessThanOrEqual(8);
        }
      }
    }
    expect(tiledKernelShape(50, 100, 1000)).toMatchObject({ dp: 100, mp: 52, wg: 64, ts: 24, rk: 7, nbt: 6, resident: false });
    expect(tiledKernelShape(50, 2, 20)).toMatchObject({ wg: 32, ts: 24, rk: 13, nbt: 1, resident: true }); // Fig. 1a
  });

  it('sizes the tiled kernel in validateRelu2Spec: one workgroup per network, an m·dp gradient row each', () => {
    const sizes = validateRelu2Spec(spec(50, 98, 30, 10), limits, 'tiled');
    expect(sizes.kernel).toBe('tiled');
    expect(sizes.metricsKernel).toBe('workgroup');
    expect(sizes.stepWorkgroups).toBe(10);
    expect(sizes.bytes.grad).toBe(4 * 10 * 50 * 100);
    expect(sizes.tiledShape).toEqual(tiledKernelShape(50, 98, 30));
  });

  it('refuses a device with too little workgroup memory or too few invocations, naming the limit', () => {
    const small = { ...limits, maxComputeWorkgroupStorageSize: 8192 };
    expect(() => validateRelu2Spec(spec(256, 128, 8), small, 'tiled')).toThrow(DeviceLimitError);
    expect(() => validateRelu2Spec(spec(256, 128, 8), small, 'tiled')).toThrow(/tiled kernel needs [\d,]+ B of workgroup memory; this device allows 8,192 B \(maxComputeWorkgroupStorageSize\)/);
    expect(() => validateRelu2Spec(spec(256, 128, 8), { ...limits, maxComputeInvocationsPerWorkgroup: 128 }, 'tiled'))
      .toThrow(/the tiled kernel needs 256 threads per workgroup for m = 256, d = 128; this device allows 128 \(maxComputeInvocationsPerWorkgroup\)/);
    expect(() => validateRelu2Spec(spec(50, 20, 200), limits, 'tiled')).not.toThrow();
  });
});
