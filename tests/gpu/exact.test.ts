/**
 * The exact solution in WGSL (float32) against the f64 closed form (src/theory/exact.ts), docs/theory.md §1.3.
 * Acceptance bound (issue 3): max |error| ≤ 1e-4·(1 + |value|) and no NaN, over δ ∈ [−10, 10],
 * s = ‖β*‖ ∈ [0.1, 10], t ∈ [0, 10⁴], random β₀ in d ≤ 8, including trajectories where a changes sign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { readBuffer } from '../../src/gpu/buffers.ts';
import { ensembleFromInits, type InitialState } from '../../src/models/singleNeuron/ensemble.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import { createRng } from '../../src/models/random.ts';
import { exactSingleNeuronGeneral, initFromBetaDelta } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const TIMES = [0, 1e-3, 0.05, 0.3, 1, 3, 10, 100, 1e3, 1e4];

/** Runs the exact kernel at each time and returns the worst scaled error against f64 and whether any NaN appeared. */
async function compare(d: number, Xy: number[], inits: InitialState[], rates = { a: 1, w: 1 }, sigma2 = 1) {
  const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? sigma2 : 0)));
  const data = { XX, Xy };
  const ensemble = ensembleFromInits(data, rates, inits);
  const sim = SingleNeuronSim.create(ctx, ensemble, { method: 'exact', step: 1, bound: 1e6 });
  let worst = 0;
  let nan = false;
  let signChanges = 0;
  for (const t of TIMES) {
    sim.time = t;
    sim.setIntegrator({ method: 'rk4', step: 1, bound: 1e6 });
    sim.setIntegrator({ method: 'exact', step: 1, bound: 1e6 });
    const state = new Float32Array(await readBuffer(ctx.device, sim.state, 4 * (d + 1) * inits.length));
    inits.forEach((init, i) => {
      const ref = exactSingleNeuronGeneral(init.a, [...init.w], data, rates, t);
      if (t === 1e4 && Math.sign(ref.a) !== Math.sign(init.a)) signChanges++;
      const got = [state[i], ...ref.w.map((_, j) => state[(1 + j) * inits.length + i])];
      [ref.a, ...ref.w].forEach((v, c) => {
        if (!Number.isFinite(got[c])) nan = true;
        const e = Math.abs(got[c] - v) / (1 + Math.abs(v));
        worst = Math.max(worst, e);
      });
    });
  }
  sim.destroy();
  return { worst, nan, signChanges };
}

describe('exact solution on the GPU', () => {
  it('matches f64 over δ ∈ [−10, 10], s ∈ [0.1, 10], t ∈ [0, 10⁴], d ≤ 8, within 1e-4·(1+|value|)', async () => {
    const rng = createRng(7);
    let worst = 0;
    let signChanges = 0;
    for (const d of [1, 2, 3, 5, 8]) {
      for (const s of [0.1, 1, 10]) {
        const dir = Array.from({ length: d }, () => rng.normal());
        const norm = Math.hypot(...dir);
        const Xy = dir.map((x) => (s * x) / norm);
        const inits: InitialState[] = [];
        for (let k = 0; k < 64; k++) {
          const delta = -10 + 20 * rng.uniform();
          const beta0 = Array.from({ length: d }, () => rng.normal() * 2 * rng.uniform());
          const init = initFromBetaDelta(beta0, delta);
          // Half the trajectories start with a < 0: those aligned against β* must change sign.
          inits.push(k % 2 ? init : { a: -init.a, w: init.w.map((x) => -x) });
        }
        inits.push(initFromBetaDelta(Xy.map((x) => -x), -10), initFromBetaDelta(Xy.map((x) => -x), 10), initFromBetaDelta(Xy, 0));
        const r = await compare(d, Xy, inits);
        expect(r.nan).toBe(false);
        worst = Math.max(worst, r.worst);
        signChanges += r.signChanges;
      }
    }
    console.info(`exact f32 vs f64: worst scaled error ${worst.toExponential(2)}, ${signChanges} sign changes of a`);
    expect(signChanges).toBeGreaterThan(10);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('maps XX = σ²I and unequal layer rates through the rescalings of §1', async () => {
    const inits = [-3, -0.5, 0, 0.5, 3].map((delta) => initFromBetaDelta([0.3, -0.7, 0.2], delta, { a: 0.5, w: 2 }));
    const r = await compare(3, [0.4, 0.9, -0.5], inits, { a: 0.5, w: 2 }, 2.25);
    expect(r.nan).toBe(false);
    expect(r.worst).toBeLessThanOrEqual(1e-4);
  });

  it('refuses data that is not a multiple of the identity', () => {
    const ensemble = ensembleFromInits({ XX: [[1, 0.5], [0.5, 1]], Xy: [0, 1] }, { a: 1, w: 1 }, [initFromBetaDelta([1, 0], 0)]);
    expect(() => SingleNeuronSim.create(ctx, ensemble, { method: 'exact', step: 0.1, bound: 1e6 }))
      .toThrow('no closed form for this data: XX must be a multiple of the identity');
  });
});
