/**
 * Issue 12: the single-neuron step kernels check divergence once per block of CHECK_BLOCK steps
 * (shaders/singleNeuron/singleNeuron.wgsl.ts) and specialise whitened data XX = σ²I. Checked here:
 * - the block check freezes and flags exactly as the per-step check: state and flags bitwise equal, for GD,
 *   RK4 and the β flow, on grids that diverge and that leave the bound in mid-block and come back;
 * - both agree with the f64 references (src/theory/ensemble.ts, betaFlow.ts, same freeze rule) within
 *   2e-4·(1 + |value|) on every trajectory the f64 run keeps, with the same flags;
 * - the whitened kernel is chosen exactly for XX = σ²I and matches f64 GD and RK4 at σ² = 2 within 2e-4·(1 + |value|).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ensembleFromInits, initialDirections, type InitialState } from '../../src/models/singleNeuron/ensemble.ts';
import { DIVERGED_FLAG, isWhitened, SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import { CHECK_BLOCK } from '../../shaders/singleNeuron/singleNeuron.wgsl.ts';
import { safeStartNorm2 } from '../../src/models/singleNeuron/growthBound.ts';
import { advanceBetaFlowF64, advanceEnsembleF64, initFromBetaDelta, type SingleNeuronData } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

type Stepped = 'gd' | 'rk4' | 'beta-flow';
const RATES = { a: 1, w: 1 };
/** 16 directions of β₀ × 8 norms × 3 δ: some converge, some oscillate past the bound, some blow up. */
function grid(): InitialState[] {
  const inits: InitialState[] = [];
  for (const dir of initialDirections(2, 16, 1)) {
    for (const norm of [0.2, 0.5, 0.8, 1, 1.2, 1.5, 2, 3]) {
      for (const delta of [-1, 0, 1]) inits.push(initFromBetaDelta(dir.map((x) => x * norm), delta));
    }
  }
  return inits;
}

/** Runs `steps` steps in one call with the given check; returns the state and flags as raw words. */
async function run(data: SingleNeuronData, inits: InitialState[], method: Stepped, step: number, bound: number, steps: number, check: 'block' | 'step', safeNorm2?: number) {
  const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, RATES, inits), { method, step, bound }, { check, safeNorm2 });
  await sim.advance(steps);
  const { state, flags } = await sim.readState();
  sim.destroy();
  return { state, flags, words: new Uint32Array(state.buffer) };
}

/** f64 reference with the same freeze rule; for the β flow δ₀ comes from the ensemble. */
function reference(data: SingleNeuronData, inits: InitialState[], method: Stepped, step: number, bound: number, steps: number) {
  const ensemble = ensembleFromInits(data, RATES, inits);
  const { n, d } = ensemble;
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const XX = Float64Array.from(data.XX.flat()), Xy = Float64Array.from(data.Xy);
  if (method === 'beta-flow') advanceBetaFlowF64(state, flags, n, d, XX, Xy, RATES, ensemble.delta0, step, steps, bound);
  else advanceEnsembleF64(state, flags, n, d, XX, Xy, RATES, method, step, steps, bound);
  return { state, flags };
}

/** Trajectories whose unbounded f64 run leaves `bound` inside a check block but is back inside at the block's end. */
function midBlockExcursions(data: SingleNeuronData, inits: InitialState[], method: 'gd' | 'rk4', step: number, bound: number, steps: number): number {
  const ensemble = ensembleFromInits(data, RATES, inits);
  const { n, d } = ensemble;
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const XX = Float64Array.from(data.XX.flat()), Xy = Float64Array.from(data.Xy);
  const out = new Set<number>();
  const maxAbs = (i: number) => Math.max(...Array.from({ length: d + 1 }, (_, c) => Math.abs(state[c * n + i])));
  const blockMax = new Float64Array(n);
  for (let k = 1; k <= steps; k++) {
    advanceEnsembleF64(state, flags, n, d, XX, Xy, RATES, method, step, 1, Infinity);
    for (let i = 0; i < n; i++) {
      blockMax[i] = Math.max(blockMax[i], maxAbs(i));
      if (k % CHECK_BLOCK === 0) {
        if (blockMax[i] > bound && maxAbs(i) <= bound) out.add(i);
        blockMax[i] = 0;
      }
    }
  }
  return out.size;
}

const DATA: SingleNeuronData = { XX: [[1, 0], [0, 1]], Xy: [0.3, 0.8] };
const SPD: SingleNeuronData = { XX: [[1.2, 0.3], [0.3, 0.8]], Xy: [0.2, 0.7] };
/**
 * Settings that mix converging, oscillating and diverging trajectories, steps not a multiple of the block;
 * in every GD and RK4 case some trajectories leave the bound in mid-block and are back inside at the
 * block's end (asserted), which a check of the block's end state alone would miss.
 */
const CASES: { method: Stepped; data: SingleNeuronData; step: number; bound: number; steps: number; excursions?: false }[] = [
  { method: 'gd', data: DATA, step: 0.7, bound: 1.5, steps: 203 },
  { method: 'gd', data: SPD, step: 0.9, bound: 1.5, steps: 203 },
  { method: 'rk4', data: DATA, step: 0.9, bound: 1.5, steps: 203 },
  { method: 'rk4', data: SPD, step: 1.1, bound: 1.5, steps: 203 },
  { method: 'beta-flow', data: SPD, step: 0.3, bound: 3, steps: 203 },
  // bound² overflows f32: the block check must still catch the blow-up (through the finiteness of m).
  { method: 'gd', data: DATA, step: 1, bound: 1e30, steps: 203, excursions: false },
];

describe('block divergence check', () => {
  for (const c of CASES) {
    it(`${c.method}, XX ${isWhitened(c.data.XX) ? 'σ²I' : 'SPD'}, bound ${c.bound}: bitwise the per-step check's frozen states and flags; f64 within 2e-4·(1+|value|)`, async () => {
      const inits = grid().filter((x) => Math.max(Math.abs(x.a), ...x.w.map(Math.abs)) <= c.bound); // start inside the bound
      const block = await run(c.data, inits, c.method, c.step, c.bound, c.steps, 'block');
      const step = await run(c.data, inits, c.method, c.step, c.bound, c.steps, 'step');
      expect(block.flags).toEqual(step.flags);
      expect(Array.from(block.words)).toEqual(Array.from(step.words));
      const frozen = block.flags.reduce((s, f) => s + (f & DIVERGED_FLAG), 0);
      // The grid must exercise both outcomes.
      expect(frozen).toBeGreaterThan(0);
      expect(frozen).toBeLessThan(inits.length);
      const ref = reference(c.data, inits, c.method, c.step, c.bound, c.steps);
      const n = inits.length;
      let worst = 0, compared = 0, flagMismatch = 0;
      for (let i = 0; i < n; i++) {
        if ((ref.flags[i] & DIVERGED_FLAG) !== (block.flags[i] & DIVERGED_FLAG)) { flagMismatch++; continue; }
        if (ref.flags[i] & DIVERGED_FLAG) continue; // chaotic before blowing up: f32 and f64 freeze at different states
        compared++;
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(block.state[k * n + i] - ref.state[k * n + i]) / (1 + Math.abs(ref.state[k * n + i])));
      }
      for (const x of block.state) expect(Math.abs(x)).toBeLessThanOrEqual(c.bound);
      const excursions = c.method === 'beta-flow' ? NaN : midBlockExcursions(c.data, inits, c.method, c.step, c.bound, c.steps);
      if (c.method !== 'beta-flow' && c.excursions !== false) expect(excursions).toBeGreaterThan(0);
      console.info(`${c.method}: ${frozen}/${n} frozen, f64 flag mismatches ${flagMismatch}, worst kept ${worst.toExponential(2)} over ${compared}; f64 mid-block excursions ${excursions}`);
      // Flags may differ from f64 only for a trajectory whose f32 and f64 runs straddle the bound: at most 2 %.
      expect(flagMismatch).toBeLessThanOrEqual(Math.ceil(0.02 * n));
      expect(worst).toBeLessThanOrEqual(2e-4);
    });
  }
});

/**
 * Fraction of the block starts (every CHECK_BLOCK steps from 0, one dispatch) of the f64 run whose a² + ‖w‖² is
 * under the kernel's safe norm² (growthBound.ts), over non-frozen trajectories: the blocks that run unchecked.
 */
function unchecked(data: SingleNeuronData, inits: InitialState[], method: 'gd' | 'rk4', step: number, bound: number, steps: number): number {
  const ensemble = ensembleFromInits(data, RATES, inits);
  const { n, d } = ensemble;
  const safe = safeStartNorm2({ method, data, rates: RATES, step, bound, steps: CHECK_BLOCK });
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const XX = Float64Array.from(data.XX.flat()), Xy = Float64Array.from(data.Xy);
  let fast = 0, all = 0;
  for (let k = 0; k + CHECK_BLOCK <= steps; k += CHECK_BLOCK) {
    for (let i = 0; i < n; i++) {
      if (flags[i] & DIVERGED_FLAG) continue;
      let norm2 = 0;
      for (let c = 0; c <= d; c++) norm2 += state[c * n + i] ** 2;
      all++;
      if (norm2 <= safe) fast++;
    }
    advanceEnsembleF64(state, flags, n, d, XX, Xy, RATES, method, step, CHECK_BLOCK, bound);
  }
  return fast / all;
}

describe('unchecked blocks under the growth bound (growthBound.ts)', () => {
  const FAST: { method: 'gd' | 'rk4'; step: number; bound: number }[] = [
    { method: 'gd', step: 0.01, bound: 1.1 },
    { method: 'rk4', step: 0.01, bound: 1.1 },
  ];
  for (const c of FAST) {
    it(`${c.method} step ${c.step}, bound ${c.bound}: > 15 % of blocks unchecked, bitwise the per-step check; with every block unchecked it differs`, async () => {
      const inits = grid().filter((x) => Math.max(Math.abs(x.a), ...x.w.map(Math.abs)) <= c.bound);
      const steps = 403;
      const fraction = unchecked(DATA, inits, c.method, c.step, c.bound, steps);
      const block = await run(DATA, inits, c.method, c.step, c.bound, steps, 'block');
      const step = await run(DATA, inits, c.method, c.step, c.bound, steps, 'step');
      const frozen = block.flags.reduce((s, f) => s + (f & DIVERGED_FLAG), 0);
      console.info(`${c.method}: ${(100 * fraction).toFixed(0)} % of block starts under the safe norm; ${frozen}/${inits.length} frozen`);
      expect(fraction).toBeGreaterThan(0.15);
      expect(frozen).toBeGreaterThan(0);
      expect(frozen).toBeLessThan(inits.length);
      expect(block.flags).toEqual(step.flags);
      expect(Array.from(block.words)).toEqual(Array.from(step.words));
      // The comparison sees a wrong bound: with every block unchecked, frozen states or flags differ.
      const reckless = await run(DATA, inits, c.method, c.step, c.bound, steps, 'block', Infinity);
      expect(Array.from(reckless.words)).not.toEqual(Array.from(step.words));
    });
  }
});

describe('GD with four trajectories per thread (singleNeuronGdLanes.wgsl.ts)', () => {
  for (const [name, data, step] of [['σ²I', DATA, 0.7], ['SPD', SPD, 0.9]] as const) {
    it(`XX ${name}: bitwise the one-lane GD kernel (states and flags, diverging grid)`, async () => {
      const inits = grid().filter((x) => Math.max(Math.abs(x.a), ...x.w.map(Math.abs)) <= 1.5);
      const out = [];
      for (const gdLanes of [true, false]) {
        const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, RATES, inits), { method: 'gd', step, bound: 1.5 }, { gdLanes });
        await sim.advance(203);
        out.push(await sim.readState());
        sim.destroy();
      }
      expect(out[0].flags.reduce((s, f) => s + (f & DIVERGED_FLAG), 0)).toBeGreaterThan(0);
      expect(Array.from(out[0].flags)).toEqual(Array.from(out[1].flags));
      expect(Array.from(new Uint32Array(out[0].state.buffer))).toEqual(Array.from(new Uint32Array(out[1].state.buffer)));
    });
  }

  it('n not a multiple of 4, frozen lanes at a dispatch start: each trajectory as when run alone, bitwise', async () => {
    const all = grid().filter((x) => Math.max(Math.abs(x.a), ...x.w.map(Math.abs)) <= 1.5);
    const inits = all.slice(0, 4 * Math.floor(all.length / 4) - 1); // n ≡ 3 (mod 4)
    const whole = await run(DATA, inits, 'gd', 0.7, 1.5, 203, 'block');
    // The same run in two calls: lanes frozen in the first start the second one frozen.
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(DATA, RATES, inits), { method: 'gd', step: 0.7, bound: 1.5 });
    await sim.advance(100);
    const mid = await sim.readFlags();
    await sim.advance(103);
    const split = await sim.readState();
    sim.destroy();
    expect(mid.reduce((s, f) => s + (f & DIVERGED_FLAG), 0)).toBeGreaterThan(0);
    expect(Array.from(split.flags)).toEqual(Array.from(whole.flags));
    expect(Array.from(new Uint32Array(split.state.buffer))).toEqual(Array.from(whole.words));
    // Lane independence: the last 3 trajectories alone (one thread, one lane past n) end bitwise as in the whole run.
    const n = inits.length;
    const tail = await run(DATA, inits.slice(n - 3), 'gd', 0.7, 1.5, 203, 'block');
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < 3; k++) expect(tail.words[c * 3 + k]).toBe(whole.words[c * n + n - 3 + k]);
    }
    expect(Array.from(tail.flags)).toEqual(Array.from(whole.flags.slice(n - 3)));
  });
});

describe('whitened data XX = σ²I', () => {
  it('is detected exactly', () => {
    expect(isWhitened([[2, 0], [0, 2]])).toBe(true);
    expect(isWhitened([[1]])).toBe(true);
    expect(isWhitened([[1, 0], [0, 2]])).toBe(false);
    expect(isWhitened([[1, 1e-9], [1e-9, 1]])).toBe(false);
    const sim = SingleNeuronSim.create(ctx, ensembleFromInits(SPD, RATES, grid().slice(0, 4)), { method: 'gd', step: 0.01, bound: 1e6 });
    expect(sim.whitened).toBe(false);
    sim.destroy();
  });

  for (const method of ['gd', 'rk4'] as const) {
    it(`${method} at σ² = 2 (d = 3, step 1e-2, 2,000 steps) matches f64 within 2e-4·(1+|value|)`, async () => {
      const data: SingleNeuronData = { XX: [[2, 0, 0], [0, 2, 0], [0, 0, 2]], Xy: [0.4, -0.6, 0.3] };
      const inits = initialDirections(3, 12, 0.7).flatMap((b) => [-1, 0.5].map((delta) => initFromBetaDelta(b, delta)));
      const sim = SingleNeuronSim.create(ctx, ensembleFromInits(data, RATES, inits), { method, step: 1e-2, bound: 1e6 });
      expect(sim.whitened).toBe(true);
      await sim.advance(2000);
      const { state, flags } = await sim.readState();
      sim.destroy();
      const ref = reference(data, inits, method, 1e-2, 1e6, 2000);
      expect(Array.from(flags)).toEqual(Array.from(ref.flags));
      let worst = 0;
      state.forEach((x, k) => { worst = Math.max(worst, Math.abs(x - ref.state[k]) / (1 + Math.abs(ref.state[k]))); });
      console.info(`${method} σ² = 2 vs f64: ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(2e-4);
    });
  }
});
