/**
 * The single-neuron WGSL kernels (f32) against the f64 theory (src/theory), docs/theory.md §1.
 * Tolerances are the foundation issue's acceptance bounds: max |error| ≤ 2e-4·(1 + |value|).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { DeviceLimitError } from '../../src/gpu/device.ts';
import { ensembleFromInits, type InitialState } from '../../src/models/singleNeuron/ensemble.ts';
import { DIVERGED_FLAG } from '../../src/models/singleNeuron/layout.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import {
  conservedDelta, exactSingleNeuron, gdStep, initFromBetaDelta, type SingleNeuronData,
} from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

/** Fig. 8 grid (docs/theory.md §1.6): XX = I, Xy = (0.5, 0.5), 7 δ × 3 normalised β₀. */
const FIG8_DATA: SingleNeuronData = { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] };
const FIG8_DELTAS = [-2, -1, -0.2, 0.02, 0.2, 1, 2];
const FIG8_BETA0 = [[0, -1], [0.5, -0.5], [0.5, 0.5]].map((b) => b.map((x) => x / Math.hypot(...b)));
const fig8Inits = (): InitialState[] => FIG8_DELTAS.flatMap((delta) => FIG8_BETA0.map((b) => initFromBetaDelta(b, delta)));

/** State of trajectory i from the SoA readback. */
function trajectory(state: Float32Array, n: number, d: number, i: number): { a: number; w: number[] } {
  return { a: state[i], w: Array.from({ length: d }, (_, j) => state[(1 + j) * n + i]) };
}

/** max over components of |gpu − ref| / (1 + |ref|). */
function scaledError(gpu: { a: number; w: number[] }, ref: { a: number; w: readonly number[] }): number {
  let worst = Math.abs(gpu.a - ref.a) / (1 + Math.abs(ref.a));
  ref.w.forEach((x, j) => { worst = Math.max(worst, Math.abs(gpu.w[j] - x) / (1 + Math.abs(x))); });
  return worst;
}

describe('single-neuron kernels on the Fig. 8 grid', () => {
  it('RK4 (dt = 1e-3) tracks the f64 closed form to t = 10 within 2e-4·(1+|value|)', async () => {
    const inits = fig8Inits();
    const ensemble = ensembleFromInits(FIG8_DATA, { a: 1, w: 1 }, inits);
    const sim = SingleNeuronSim.create(ctx, ensemble, { method: 'rk4', step: 1e-3, bound: 1e6 });
    let worst = 0;
    for (const t of [1, 5, 10]) {
      await sim.advance(Math.round(t / 1e-3) - sim.stepCount);
      const { state, flags } = await sim.readState();
      inits.forEach((init, i) => {
        expect(flags[i]).toBe(0);
        const exact = exactSingleNeuron(init.a, [...init.w], FIG8_DATA.Xy, conservedDelta(init.a, [...init.w]), t);
        worst = Math.max(worst, scaledError(trajectory(state, inits.length, 2, i), exact));
      });
    }
    expect(worst).toBeLessThanOrEqual(2e-4);
    // δ is conserved by the flow; RK4's relative drift at t = 10 (relative to a₀² + ‖w₀‖²) must stay ≤ 1e-4.
    const summary = await sim.readSummary();
    console.info(`RK4 f32 vs closed form (Fig. 8, t ≤ 10): ${worst.toExponential(2)} scaled; relative δ drift ${summary.maxRelativeDeltaDrift.toExponential(2)}`);
    expect(summary.diverged).toBe(0);
    expect(summary.maxRelativeDeltaDrift).toBeLessThanOrEqual(1e-4);
    sim.destroy();
  });

  it('GD (η = 1e-2) matches f64 GD after 10⁴ steps within 2e-4·(1+|value|)', async () => {
    const inits = fig8Inits();
    const ensemble = ensembleFromInits(FIG8_DATA, { a: 1, w: 1 }, inits);
    const sim = SingleNeuronSim.create(ctx, ensemble, { method: 'gd', step: 1e-2, bound: 1e6 });
    await sim.advance(10_000);
    const { state } = await sim.readState();
    let worst = 0;
    inits.forEach((init, i) => {
      let s = { a: init.a, w: [...init.w] };
      for (let k = 0; k < 10_000; k++) s = gdStep(s.a, s.w, FIG8_DATA, { a: 1, w: 1 }, 1e-2);
      worst = Math.max(worst, scaledError(trajectory(state, inits.length, 2, i), s));
    });
    expect(worst).toBeLessThanOrEqual(2e-4);
    // GD drifts δ by O(η²) per step (docs/theory.md §1): the drift must be visible, far above f32 rounding.
    const summary = await sim.readSummary();
    console.info(`GD f32 vs f64 GD (10⁴ steps, η = 1e-2): ${worst.toExponential(2)} scaled; relative δ drift ${summary.maxRelativeDeltaDrift.toExponential(2)}`);
    expect(summary.maxRelativeDeltaDrift).toBeGreaterThan(1e-4);
    sim.destroy();
  });

  it('beta-flow (RK4 on β, dt = 1e-3) tracks a·w of the parameter flow: ‖Δβ‖/‖β‖ ≤ 1e-4 at t = 10', async () => {
    // Fig. 8 grid plus two inits on the line through −β*, where β passes through 0 and a changes sign (δ < 0).
    const inits = [...fig8Inits(), initFromBetaDelta([-0.5, -0.5], -2), initFromBetaDelta([-0.3, -0.3], -0.5)];
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(FIG8_DATA, { a: 1, w: 1 }, inits), { method: 'beta-flow', step: 1e-3, bound: 1e6 });
    await sim.advance(10_000);
    const { state, flags } = await sim.readState();
    let worst = 0;
    inits.forEach((init, i) => {
      expect(flags[i]).toBe(0);
      const ref = exactSingleNeuron(init.a, [...init.w], FIG8_DATA.Xy, conservedDelta(init.a, [...init.w]), 10);
      const got = trajectory(state, inits.length, 2, i);
      const err = Math.hypot(...ref.w.map((w, j) => got.a * got.w[j] - ref.a * w));
      worst = Math.max(worst, err / Math.hypot(...ref.w.map((w) => ref.a * w)));
      // The recovered parameters follow too, including the sign of a.
      expect(scaledError(got, ref)).toBeLessThanOrEqual(2e-4);
    });
    console.info(`beta-flow vs parameter flow at t = 10: ‖Δβ‖/‖β‖ ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-4);
    sim.destroy();
  });

  it('unequal layer rates and general SPD data in d = 5 follow f64 RK4', async () => {
    const d = 5;
    const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1.5 : 0.3 / (1 + Math.abs(i - j)))));
    const data = { XX, Xy: [0.3, -0.2, 0.5, 0.1, -0.4] };
    const rates = { a: 0.5, w: 2 };
    const inits = [-1, 0, 1].map((delta) => initFromBetaDelta([0.2, 0.1, -0.3, 0.4, 0], delta, rates));
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, rates, inits), { method: 'rk4', step: 1e-2, bound: 1e6 });
    await sim.advance(500);
    const { state } = await sim.readState();
    const { rk4Step } = await import('../../src/theory/index.ts');
    inits.forEach((init, i) => {
      let s = { a: init.a, w: [...init.w] };
      for (let k = 0; k < 500; k++) s = rk4Step(s.a, s.w, data, rates, 1e-2);
      expect(scaledError(trajectory(state, inits.length, d, i), s)).toBeLessThanOrEqual(2e-4);
    });
    sim.destroy();
  });
});

describe('divergence and limits', () => {
  it('freezes and flags a diverging GD trajectory at its last finite state', async () => {
    const data = { XX: [[1, 0], [0, 1]], Xy: [0, 1] };
    const inits = [initFromBetaDelta([-1, 0], 0), initFromBetaDelta([-1, 0], 0)];
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, { a: 1, w: 1 }, inits), { method: 'gd', step: 3, bound: 1e3 });
    await sim.advance(200);
    const { state, flags } = await sim.readState();
    expect(flags[0] & DIVERGED_FLAG).toBe(DIVERGED_FLAG);
    for (const x of state) {
      expect(Number.isFinite(x)).toBe(true);
      expect(Math.abs(x)).toBeLessThanOrEqual(1e3);
    }
    expect((await sim.readSummary()).diverged).toBe(2);
    sim.destroy();
  });

  it('refuses a grid larger than one storage binding with a clear message', () => {
    const fake = { ...ctx, limits: { ...ctx.limits, maxStorageBufferBindingSize: 1024, maxBufferSize: 1024 } as GPUSupportedLimits };
    const inits = Array.from({ length: 200 }, () => initFromBetaDelta([1, 0], 0));
    const ensemble = ensembleFromInits({ XX: [[1, 0], [0, 1]], Xy: [0, 1] }, { a: 1, w: 1 }, inits);
    expect(() => SingleNeuronSim.create(fake, ensemble, { method: 'gd', step: 0.1, bound: 1e6 }))
      .toThrow(DeviceLimitError);
    expect(() => SingleNeuronSim.create(fake, ensemble, { method: 'gd', step: 0.1, bound: 1e6 }))
      .toThrow(/200 trajectories.*at most 1024 B/);
  });
});
