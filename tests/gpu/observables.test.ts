/**
 * Observables kernel (docs/theory.md §1.2) against f64: ν = a‖w‖, μ = ŵ·β̂*, excess loss and the kernel
 * distance S of K = X M Xᵀ. Acceptance (issue 3): S within 1e-4 absolute. ν, μ and the loss are
 * compared within 1e-5·(1 + |value|): f32 evaluation of O(d²) sums of O(1) terms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ensembleFromInits, type InitialState } from '../../src/models/singleNeuron/ensemble.ts';
import { ObservablesPass } from '../../src/models/singleNeuron/observables.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import { createRng } from '../../src/models/random.ts';
import {
  excessLoss, initFromBetaDelta, kernelDistance, ntkMatrix, pseudoInverseSolve,
} from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('single-neuron observables', () => {
  it('match f64 on general SPD data with unequal rates after 2,000 RK4 steps', async () => {
    const d = 4;
    const rng = createRng(3);
    const X = Array.from({ length: 12 }, () => Array.from({ length: d }, () => rng.normal() / Math.sqrt(12)));
    const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[i] * x[j], 0)));
    const data = { XX, Xy: [0.4, -0.3, 0.8, 0.1] };
    const rates = { a: 1.5, w: 0.7 };
    const inits: InitialState[] = [];
    for (const delta of [-4, -1, -0.1, 0, 0.1, 1, 4]) {
      for (let k = 0; k < 6; k++) inits.push(initFromBetaDelta(Array.from({ length: d }, () => 0.3 * rng.normal()), delta, rates));
    }
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, rates, inits), { method: 'rk4', step: 5e-3, bound: 1e6 });
    const obs = new ObservablesPass(ctx, sim);
    obs.run(1e-3);
    await sim.advance(2000);
    obs.run(1e-3);
    const table = await obs.read();
    const { state } = await sim.readState();
    const n = inits.length;
    const betaOls = pseudoInverseSolve(XX, data.Xy);
    const bHat = betaOls.map((x) => x / Math.hypot(...betaOls));
    let worstS = 0;
    let worstOther = 0;
    let sAboveNoise = 0;
    inits.forEach((init, i) => {
      // Reference at the GPU's own f32 state, so only the observable's evaluation is compared.
      const a = state[i];
      const w = Array.from({ length: d }, (_, j) => state[(1 + j) * n + i]);
      const S = kernelDistance(ntkMatrix(Math.fround(init.a), init.w.map(Math.fround), rates), ntkMatrix(a, w, rates), XX);
      if (S > 1e-2) sAboveNoise++;
      worstS = Math.max(worstS, Math.abs(table.kernelDistance[i] - S));
      const wn = Math.hypot(...w);
      const refs: [Float32Array, number][] = [
        [table.nu, a * wn],
        [table.mu, w.reduce((s, x, j) => s + x * bHat[j], 0) / wn],
        [table.excessLoss, excessLoss(w.map((x) => a * x), XX, betaOls)],
      ];
      for (const [row, ref] of refs) worstOther = Math.max(worstOther, Math.abs(row[i] - ref) / (1 + Math.abs(ref)));
      expect(table.maxKernelDistance[i]).toBeGreaterThanOrEqual(table.kernelDistance[i]);
    });
    console.info(`observables f32 vs f64: S ${worstS.toExponential(2)} abs, ν/μ/loss ${worstOther.toExponential(2)} scaled`);
    expect(sAboveNoise).toBeGreaterThan(5); // the test exercises non-trivial S, not only S ≈ 0
    expect(worstS).toBeLessThanOrEqual(1e-4);
    expect(worstOther).toBeLessThanOrEqual(1e-5);
    obs.destroy();
    sim.destroy();
  });

  it('records the first time the excess loss drops below ε, and −1 where it never does', async () => {
    const data = { XX: [[1, 0], [0, 1]], Xy: [0, 1] };
    const inits = [initFromBetaDelta([0, 0.9], 1), initFromBetaDelta([-1, 0], -4)];
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, { a: 1, w: 1 }, inits), { method: 'rk4', step: 0.01, bound: 1e6 });
    const obs = new ObservablesPass(ctx, sim);
    for (let k = 0; k < 10; k++) {
      await sim.advance(10);
      obs.run(1e-3);
    }
    const t = (await obs.read()).timeToEpsilon;
    // Trajectory 0 starts at excess loss 0.005 and converges at rate ≈ 2 (M ≈ 2I): below 1e-3 after ≈ 0.8.
    expect(t[0]).toBeGreaterThan(0.05);
    expect(t[0]).toBeLessThanOrEqual(1);
    // Trajectory 1 (delayed rich, β₀ ⟂ β*) is still far from β* at t = 1.
    expect(t[1]).toBe(-1);
    obs.destroy();
    sim.destroy();
  });

  it('the unrolled kernel (d ≤ 8) gives bitwise the looped kernel\'s rows at d = 2, 5 and 8 (SPD data, 2 passes)', async () => {
    for (const d of [2, 5, 8]) {
      const rng = createRng(10 + d);
      const X = Array.from({ length: 2 * d }, () => Array.from({ length: d }, () => rng.normal() / Math.sqrt(2 * d)));
      const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[i] * x[j], 0)));
      const data = { XX, Xy: Array.from({ length: d }, () => rng.normal()) };
      const rates = { a: 1.3, w: 0.8 };
      const inits = Array.from({ length: 300 }, (_, k) => initFromBetaDelta(Array.from({ length: d }, () => 0.5 * rng.normal()), -2 + k / 75, rates));
      const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, rates, inits), { method: 'rk4', step: 1e-2, bound: 1e6 });
      const passes = [true, false].map((unroll) => new ObservablesPass(ctx, sim, { unroll }));
      for (const p of passes) p.run(1e-2, 0.05);
      await sim.advance(300);
      for (const p of passes) p.run(1e-2, 0.05);
      const [unrolled, looped] = await Promise.all(passes.map((p) => p.read()));
      let moved = 0;
      for (const row of Object.keys(looped) as (keyof typeof looped)[]) {
        expect(new Uint32Array(unrolled[row].buffer, unrolled[row].byteOffset, unrolled[row].length),
          `d = ${d}, row ${row}`).toEqual(new Uint32Array(looped[row].buffer, looped[row].byteOffset, looped[row].length));
      }
      for (const S of looped.kernelDistance) if (S > 1e-3) moved++;
      expect(moved, `d = ${d}: trajectories whose kernel moved`).toBeGreaterThan(10);
      for (const p of passes) p.destroy();
      sim.destroy();
    }
  });
});
