import { describe, expect, it } from 'vitest';
import { advanceEnsembleF64, DIVERGED_FLAG } from '../../src/theory/ensemble.ts';
import { gdStep, rk4Step, UNIT_RATES, type LayerRates, type NeuronState } from '../../src/theory/singleNeuron.ts';
import { createRng } from '../../src/models/random.ts';

/** Uniform [0, 1) numbers from the project's seeded PRNG, so every run sees the same cases. */
function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.uniform();
}

const d = 3;
const XXm = [[1.7739379374278479, 0.7581755896087312, -0.22183976030315547],
  [0.7581755896087312, 0.7869225145844154, -0.029375609082505583],
  [-0.22183976030315547, -0.029375609082505583, 0.27023872642658736]];
const data = { XX: XXm, Xy: [0.4, 0.9, -0.5] };
const XX = Float64Array.from(XXm.flat());
const Xy = Float64Array.from(data.Xy);
const rates: LayerRates = { a: 0.7, w: 1.3 };

/** SoA packing: element (component c, trajectory i) at c*n + i; component 0 is a, 1+j is w_j. */
function pack(states: NeuronState[]): Float64Array {
  const n = states.length;
  const out = new Float64Array(n * (d + 1));
  states.forEach((s, i) => {
    out[i] = s.a;
    s.w.forEach((x, j) => (out[(j + 1) * n + i] = x));
  });
  return out;
}
function unpack(state: Float64Array, n: number, i: number): NeuronState {
  return { a: state[i], w: Array.from({ length: d }, (_, j) => state[(j + 1) * n + i]) };
}
function randomStates(n: number, seed: number, scale = 1): NeuronState[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => ({ a: scale * (2 * r() - 1), w: Array.from({ length: d }, () => scale * (2 * r() - 1)) }));
}

describe('advanceEnsembleF64', () => {
  for (const method of ['gd', 'rk4'] as const) {
    it(`${method}: equals the per-trajectory ${method}Step bitwise, across several calls`, () => {
      const n = 9;
      const states = randomStates(n, 42);
      const state = pack(states);
      const flags = new Uint32Array(n);
      const stepFn = method === 'gd' ? gdStep : rk4Step;
      const h = method === 'gd' ? 0.05 : 0.1;
      let refs = states;
      for (const steps of [1, 7, 40]) {
        advanceEnsembleF64(state, flags, n, d, XX, Xy, rates, method, h, steps, 1e6);
        refs = refs.map((s) => {
          let x = s;
          for (let k = 0; k < steps; k++) x = stepFn(x.a, x.w, data, rates, h);
          return x;
        });
        refs.forEach((ref, i) => {
          const got = unpack(state, n, i);
          expect(got.a).toBe(ref.a); // toBe is Object.is: bitwise for doubles
          got.w.forEach((x, j) => expect(x).toBe(ref.w[j]));
        });
      }
      expect(Array.from(flags)).toEqual(new Array(n).fill(0));
    });
  }

  it('flags and freezes a diverging trajectory at its last in-bound state; others are unaffected', () => {
    const n = 4;
    // Trajectories 1 and 3 start large: GD with η = 0.5 is unstable there (curvature ~ ‖w‖² λ_max ≫ 2/η).
    const states = randomStates(n, 7);
    states[1] = { a: 5, w: [4, -3, 5] };
    states[3] = { a: -6, w: [5, 5, -4] };
    const state = pack(states);
    const flags = new Uint32Array(n);
    const eta = 0.5, bound = 1e3, steps = 50;
    advanceEnsembleF64(state, flags, n, d, XX, Xy, UNIT_RATES, 'gd', eta, steps, bound);
    for (let i = 0; i < n; i++) {
      // Replay: step until the next step would leave the bound (or be non-finite).
      let x = states[i], diverged = false;
      for (let k = 0; k < steps; k++) {
        const next = gdStep(x.a, x.w, data, UNIT_RATES, eta);
        if (![next.a, ...next.w].every((v) => Number.isFinite(v) && Math.abs(v) <= bound)) { diverged = true; break; }
        x = next;
      }
      expect((flags[i] & DIVERGED_FLAG) !== 0).toBe(diverged);
      const got = unpack(state, n, i);
      expect(got.a).toBe(x.a);
      got.w.forEach((v, j) => expect(v).toBe(x.w[j]));
    }
    expect(flags[1] & DIVERGED_FLAG).toBe(DIVERGED_FLAG);
    expect(flags[3] & DIVERGED_FLAG).toBe(DIVERGED_FLAG);
    expect(flags[0] | flags[2]).toBe(0);
    // A diverged trajectory never moves again, even with a benign step.
    const frozen = Float64Array.from(state);
    advanceEnsembleF64(state, flags, n, d, XX, Xy, UNIT_RATES, 'gd', 1e-3, 10, bound);
    for (const i of [1, 3]) for (let c = 0; c <= d; c++) expect(state[c * n + i]).toBe(frozen[c * n + i]);
    expect(state[0]).not.toBe(frozen[0]);
  });

  it('treats NaN and ±Infinity as diverged even with an infinite bound', () => {
    const n = 2;
    const state = pack([{ a: 1e200, w: [1e200, 1e200, 1e200] }, { a: 0.1, w: [0.1, 0.2, 0.3] }]);
    const flags = new Uint32Array(n);
    advanceEnsembleF64(state, flags, n, d, XX, Xy, UNIT_RATES, 'rk4', 0.1, 5, Infinity);
    expect(Array.from(flags)).toEqual([DIVERGED_FLAG, 0]);
    expect(state[0]).toBe(1e200);
  });

  it('rejects wrong lengths', () => {
    expect(() => advanceEnsembleF64(new Float64Array(7), new Uint32Array(2), 2, d, XX, Xy, rates, 'gd', 0.1, 1, 10)).toThrow(/n\(d\+1\) = 8/);
    expect(() => advanceEnsembleF64(new Float64Array(8), new Uint32Array(1), 2, d, XX, Xy, rates, 'gd', 0.1, 1, 10)).toThrow(/flags/);
    expect(() => advanceEnsembleF64(new Float64Array(8), new Uint32Array(2), 2, d, XX.subarray(1), Xy, rates, 'gd', 0.1, 1, 10)).toThrow(/d²/);
  });
});


