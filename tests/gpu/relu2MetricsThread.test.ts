/**
 * Issue 12: the thread-per-network relu2 metrics kernel (shaders/relu2/relu2MetricsThread.wgsl.ts) against the
 * f64 reference (src/theory/relu2.ts trainRelu2, docs/theory.md §3). It runs by default with the thread step
 * kernel, so tests/gpu/relu2.test.ts's 'thread' suites (numpy fixture, Fig. 1a acceptance, tiled leaky ReLU)
 * check it there with their tolerances; here: the default per kernel, the option, mixed step/metrics kernels
 * and several metrics dispatches (a device whose storage bindings hold the scratch of 3 networks only),
 * on the tiled leaky-ReLU case with the tolerances of relu2.test.ts (loss 1e-5 rel, S 1e-6, H exact, drift 1e-5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import type { Relu2Kernel, Relu2MetricsKernel } from '../../src/models/relu2/layout.ts';
import { Relu2Sim } from '../../src/models/relu2/sim.ts';
import { trainRelu2 } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';
import { LEAKY_SLOPE, leakyMultiTileGrid, rel } from '../helpers/relu2Grids.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const slope = LEAKY_SLOPE;
const grid = leakyMultiTileGrid;

describe('relu2 thread metrics kernel', () => {
  it('is the default with the thread step kernel, and selectable on its own', async () => {
    const g = grid();
    const spec = { datasets: g.datasets, networks: g.networks.slice(0, 2), slope };
    for (const [kernel, metricsKernel, expected] of [['thread', undefined, 'thread'], ['workgroup', undefined, 'workgroup'], ['workgroup', 'thread', 'thread']] as const) {
      const sim = await Relu2Sim.create(ctx, spec, { kernel, metricsKernel });
      expect(sim.sizes.metricsKernel).toBe(expected);
      sim.destroy();
    }
  });

  for (const [kernel, metricsKernel] of [['workgroup', 'thread'], ['thread', 'workgroup'], ['thread', 'thread']] as [Relu2Kernel, Relu2MetricsKernel][]) {
    it(`${kernel} step + ${metricsKernel} metrics, metrics in chunks of 3 networks: matches f64 at steps 0, 1, 50`, async () => {
      const g = grid();
      // 40,000 B storage bindings: the data (35,136 B) fits, the scratch of 3 networks (16·n·m = 11,200 B each)
      // but not 4, so the thread metrics kernel needs 3 dispatches for 8 networks.
      const limits: Record<string, number> = {};
      for (const key in ctx.limits) limits[key] = ctx.limits[key as keyof GPUSupportedLimits] as number; // a native object: copy its getters
      limits.maxStorageBufferBindingSize = 40_000;
      const sim = await Relu2Sim.create({ ...ctx, limits: limits as unknown as GPUSupportedLimits }, { datasets: g.datasets, networks: g.networks, slope }, { kernel, metricsKernel });
      if (metricsKernel === 'thread') expect(Math.ceil(g.networks.length / sim.sizes.metricsChunk)).toBe(3);
      const checkpoints = [0, 1, 50];
      const refs = g.networks.map((net) => trainRelu2(net.init, g.datasets[net.dataIndex], { eta: net.eta, slope, checkpoints }).records);
      let worstS = 0;
      for (const [c, step] of checkpoints.entries()) {
        await sim.advance(step - sim.stepCount);
        const got = await sim.readMetrics();
        got.forEach((m, q) => {
          const r = refs[q][c];
          expect(m.diverged).toBe(false);
          expect(rel(m.trainLoss, r.trainLoss)).toBeLessThanOrEqual(1e-5);
          expect(rel(m.testLoss, r.testLoss)).toBeLessThanOrEqual(1e-5);
          expect(m.hamming).toBeCloseTo(r.hamming, 5);
          if (c > 0) expect(rel(m.paramDistance, r.paramDistance)).toBeLessThanOrEqual(1e-5);
          else expect(m.paramDistance).toBe(0);
          expect(Math.abs(m.kernelDistance - r.kernelDistance)).toBeLessThanOrEqual(1e-6);
          expect(Math.abs(m.deltaDrift - r.deltaDrift)).toBeLessThanOrEqual(1e-5);
          worstS = Math.max(worstS, Math.abs(m.kernelDistance - r.kernelDistance));
        });
      }
      console.info(`${kernel} step + ${metricsKernel} metrics: worst |ΔS| ${worstS.toExponential(2)}`);
      sim.destroy();
    });
  }
});
