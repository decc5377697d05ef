/**
 * The regime rule on the paper's Fig. 2 setting (docs/theory.md §1.6: XX = I, β* = (0, 1), β₀ = (−1, 0),
 * t ∈ [0, 20]): upstream δ > 0 is lazy, balanced δ = 0 and mild δ = −1 are rich, strongly downstream
 * δ ≤ −2 is delayed-rich (the paper's Fig. 2/3 reading). S comes from the GPU observables kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ensembleFromInits } from '../../src/models/singleNeuron/ensemble.ts';
import { ObservablesPass } from '../../src/models/singleNeuron/observables.ts';
import { classifyAll, defaultRegimeRule, REGIMES } from '../../src/models/singleNeuron/regimes.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import { initFromBetaDelta } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('regime classification', () => {
  it('classifies the Fig. 2 δ list as lazy / rich / delayed-rich', async () => {
    const deltas = [-4, -2, -1, 0, 1, 2, 4];
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits({ XX: [[1, 0], [0, 1]], Xy: [0, 1] }, { a: 1, w: 1 },
      deltas.map((delta) => initFromBetaDelta([-1, 0], delta))), { method: 'exact', step: 0.01, bound: 1e6 });
    const obs = new ObservablesPass(ctx, sim);
    const rule = defaultRegimeRule(1);
    for (let k = 0; k < 2000; k++) {
      sim.queueSteps(1);
      obs.run(1e-3, rule.kernelThreshold);
    }
    const table = await obs.read();
    const regimes = Array.from(classifyAll(table.timeToKernelMove, new Uint32Array(deltas.length), rule, table.timeToEpsilon), (r) => REGIMES[r]);
    expect(regimes).toEqual(['delayed-rich', 'delayed-rich', 'rich', 'rich', 'lazy', 'lazy', 'lazy']);
    obs.destroy();
    sim.destroy();
  });
});
