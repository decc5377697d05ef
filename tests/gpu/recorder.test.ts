/** The selection recorder: GPU ring samples equal the observables read at the same moments. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ensembleFromInits } from '../../src/models/singleNeuron/ensemble.ts';
import { RECORDER } from '../../src/models/singleNeuron/layout.ts';
import { ObservablesPass } from '../../src/models/singleNeuron/observables.ts';
import { SelectionRecorder } from '../../src/models/singleNeuron/recorder.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import { initFromBetaDelta } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('selection recorder', () => {
  it('records the selected trajectories every call, oldest first, and wraps after RECORDER.slots', async () => {
    const inits = [-2, -1, 0, 1, 2].map((delta) => initFromBetaDelta([-1, 0], delta));
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits({ XX: [[1, 0], [0, 1]], Xy: [0, 1] }, { a: 1, w: 1 }, inits),
      { method: 'rk4', step: 0.01, bound: 1e6 });
    const obs = new ObservablesPass(ctx, sim);
    const rec = new SelectionRecorder(ctx, sim.n, obs);
    rec.setSelection(Uint32Array.from([4, 0]));
    const expected: { t: number; nu: number[]; S: number[] }[] = [];
    for (let k = 0; k < 5; k++) {
      sim.queueSteps(10);
      obs.run(1e-3);
      rec.record(sim.time);
      const table = await obs.read();
      expected.push({ t: sim.time, nu: [table.nu[4], table.nu[0]], S: [table.kernelDistance[4], table.kernelDistance[0]] });
    }
    const series = await rec.read();
    expect(series.map((s) => s.index)).toEqual([4, 0]);
    series.forEach((s, k) => {
      expect(Array.from(s.time)).toEqual(expected.map((e) => Math.fround(e.t)));
      expect(Array.from(s.nu)).toEqual(expected.map((e) => e.nu[k]));
      expect(Array.from(s.kernelDistance)).toEqual(expected.map((e) => e.S[k]));
    });
    // Past the ring's capacity, only the newest RECORDER.slots samples remain, in order.
    for (let k = 0; k < RECORDER.slots; k++) rec.record(1000 + k);
    const wrapped = await rec.read();
    expect(wrapped[0].time.length).toBe(RECORDER.slots);
    expect(wrapped[0].time[0]).toBe(1000); // the 5 earlier samples were overwritten
    expect(wrapped[0].time[RECORDER.slots - 1]).toBe(1000 + RECORDER.slots - 1);
    expect(() => rec.setSelection(Uint32Array.from([5]))).toThrow(/does not exist/);
    rec.destroy();
    obs.destroy();
    sim.destroy();
  });
});
