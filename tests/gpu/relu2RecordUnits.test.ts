/**
 * relu2 `record: {units: true}` on the GPU backend (issue 10, defect 11): the units recorded at the last
 * checkpoint are exactly the final W, a, and those at checkpoint k are exactly the final W, a of a
 * `simulate` that stops at step c_k. Exact (toEqual): each network is its own workgroup and takes the same
 * f32 steps whether the run pauses at checkpoints or not; the f64 CPU backend agrees within 1e-5 (the
 * final-W tolerance of tests/gpu/relu2Cli.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { runRelu2Simulate } from '../../src/models/relu2/run.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const CONFIG = {
  model: 'relu2', data: { teacher: { seed: 0, d: 2, n: 16, m0: 3, nTest: 0 } },
  init: { grid: { m: 8, tau: [0.5, 1], delta: [-0.5, 0.5], seeds: [0] } },
  learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 10, 100], backend: 'gpu', record: { units: true },
};

describe('relu2 record.units on the GPU', () => {
  it('units at checkpoint k = final W, a of a run to step c_k; the last = the final W, a; CPU agrees within 1e-5', async () => {
    const out = (await runRelu2Simulate(CONFIG, { ctx })).output;
    const { record: _r, ...plain } = CONFIG;
    for (const e of out.networks) {
      expect(e.unitsW![2]).toEqual(e.W);
      expect(e.unitsA![2]).toEqual(e.a);
    }
    for (const [k, step] of [[0, 0], [1, 10]] as const) {
      const to = (await runRelu2Simulate({ ...plain, checkpoints: [step] }, { ctx })).output;
      to.networks.forEach((e, q) => {
        expect(out.networks[q].unitsW![k]).toEqual(e.W);
        expect(out.networks[q].unitsA![k]).toEqual(e.a);
      });
    }
    const cpu = (await runRelu2Simulate({ ...CONFIG, backend: 'cpu' })).output;
    let worst = 0;
    cpu.networks.forEach((e, q) => e.unitsA!.forEach((a, c) => a.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - out.networks[q].unitsA![c][i])); })));
    expect(worst).toBeLessThan(1e-5);
  });
});
