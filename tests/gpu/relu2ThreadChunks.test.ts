/**
 * Issue 12: the thread step kernel (shaders/relu2/relu2StepThread.wgsl.ts) keeps KC units in registers and sums the
 * backward pass in blocks of SB samples, but every sum runs in one fixed order (f over units, g̃ and the loss over
 * samples), so its float32 results are bitwise the same for every KC and SB: chunk boundaries, a partial last chunk
 * (units past m), a partial last sample block and the activation bits of each chunk must all be exact. Checked on
 * a leaky-ReLU grid with one diverging network (η far too large), whose frozen state and step count must match too.
 * (Agreement with f64 is tests/gpu/relu2.test.ts's; this is the kernel against itself.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';
import { threadKernelShape } from '../../src/models/relu2/layout.ts';
import { Relu2Sim } from '../../src/models/relu2/sim.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('relu2 thread kernel: results independent of its register chunks', () => {
  it('KC ∈ {default, 1, 3, 4} and SB ∈ {default, 1, 3, 8}: bitwise equal θ, flags and step counts after 25 steps', async () => {
    const slope = 0.05;
    // m = 10, d = 7 (padded to 8), n = 37: the default is one chunk of 10 units and blocks of 8 (37 = 4·8 + 5).
    const grid = buildRelu2Grid({ m: 10, taus: [0.5, 1], deltas: [-0.5, 0.5], seeds: [1, 2], teacher: { d: 7, n: 37, m0: 3, nTest: 5 }, learningRate: 0.05, slope });
    const networks = grid.networks.map((net, q) => (q === 3 ? { ...net, eta: 400 } : net)); // network 3 diverges
    expect(threadKernelShape(10, 7)).toMatchObject({ kc: 10, sb: 8 });
    const run = async (threadShape: { kc?: number; sb?: number }) => {
      const sim = await Relu2Sim.create(ctx, { datasets: grid.datasets, networks, slope }, { kernel: 'thread', threadShape });
      await sim.advance(11);
      await sim.advance(14);
      const params = await sim.readParams();
      const steps = (await sim.readMetrics()).map((m) => m.stepsTaken);
      sim.destroy();
      return { theta: params.flatMap((p) => [...p.a, ...p.W]), diverged: params.map((p) => p.diverged), steps };
    };
    const ref = await run({});
    expect(ref.diverged).toEqual(networks.map((_, q) => q === 3));
    expect(ref.steps[3]).toBeLessThan(25);
    expect(ref.steps.filter((_, q) => q !== 3)).toEqual(Array(networks.length - 1).fill(25));
    for (const shape of [{ kc: 1, sb: 1 }, { kc: 3, sb: 3 }, { kc: 4, sb: 8 }, { kc: 10, sb: 1 }]) {
      const got = await run(shape);
      expect(got.diverged, JSON.stringify(shape)).toEqual(ref.diverged);
      expect(got.steps, JSON.stringify(shape)).toEqual(ref.steps);
      // Bitwise: Object.is on every f32 value read back (NaN equals NaN; +0 and −0 differ).
      const differing = got.theta.filter((v, i) => !Object.is(v, ref.theta[i])).length;
      expect(differing, JSON.stringify(shape)).toBe(0);
    }
    // The act scratch is sized for the chunking asked for (kc = 1: 10 chunks of activation bits, not the default's 1).
    await expect(Relu2Sim.create(ctx, { datasets: grid.datasets, networks, slope }, { kernel: 'thread', threadShape: { kc: 33 } })).rejects.toThrow(/threadShape\.kc must be an integer in 1\.\.32 \(got 33\)/);
    await expect(Relu2Sim.create(ctx, { datasets: grid.datasets, networks, slope }, { kernel: 'thread', threadShape: { sb: 0 } })).rejects.toThrow(/threadShape\.sb must be an integer in 1\.\.8/);
  });
});
