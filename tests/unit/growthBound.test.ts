/**
 * The a priori growth bound of the single-neuron step kernel's unchecked blocks (src/models/singleNeuron/growthBound.ts,
 * issue 12): from every start with a² + ‖w‖² ≤ safeStartNorm2, K steps of GD or RK4 in float32 (each operation
 * rounded with Math.fround, FMAs as one rounding) stay inside the bound. Checked on many start directions at
 * the largest allowed norm, including the directions of fastest growth found by a search; and the search finds
 * excursions where there are some: from a larger start norm (2^k × the safe norm², k ≤ 40) some start leaves the bound.
 */
import { describe, expect, it } from 'vitest';
import { safeStartNorm2, type GrowthBoundInput } from '../../src/models/singleNeuron/growthBound.ts';
import type { SingleNeuronData } from '../../src/theory/index.ts';

const f = Math.fround;
/** fma in float32: one rounding of the exact (here f64) x·y + z. */
const fma = (x: number, y: number, z: number) => f(x * y + z);

/** float32 velocity of the parameter flow, as the kernel's `velocity` (shaders/singleNeuron/singleNeuron.wgsl.ts). */
function velocity(s: number[], XX: number[][], Xy: number[], ra: number, rw: number): number[] {
  const d = Xy.length;
  const [a, ...w] = s;
  const b = w.map((x) => f(a * x));
  const r = Xy.map((y, i) => b.reduce((acc, bj, j) => fma(f(XX[i][j]), bj, acc), f(-y)));
  const wr = w.reduce((acc, x, j) => fma(x, r[j], acc), 0);
  const c = f(-f(rw) * a);
  return [f(-f(ra) * wr), ...Array.from({ length: d }, (_, j) => f(c * r[j]))];
}

/** K float32 steps from s; returns the largest |component| met along the way (Infinity on non-finite). */
function maxAlong(input: GrowthBoundInput, s0: number[]): number {
  const { data, rates, step, method } = input;
  const XX = data.XX, Xy = data.Xy;
  let s = s0.map(f);
  let worst = 0;
  const h = f(step);
  for (let k = 0; k < input.steps; k++) {
    if (method === 'gd') {
      const v = velocity(s, XX, Xy, rates.a, rates.w);
      s = s.map((x, c) => fma(h, v[c], x));
    } else {
      const axpy = (x: number[], v: number[], t: number) => x.map((xi, c) => fma(t, v[c], xi));
      const k1 = velocity(s, XX, Xy, rates.a, rates.w);
      const k2 = velocity(axpy(s, k1, f(0.5 * h)), XX, Xy, rates.a, rates.w);
      const k3 = velocity(axpy(s, k2, f(0.5 * h)), XX, Xy, rates.a, rates.w);
      const k4 = velocity(axpy(s, k3, h), XX, Xy, rates.a, rates.w);
      const c = f(h / 6);
      s = s.map((x, i) => f(x + f(c * f(f(k1[i] + f(2 * f(k2[i] + k3[i]))) + k4[i]))));
    }
    for (const x of s) worst = Math.max(worst, Number.isFinite(x) ? Math.abs(x) : Infinity);
  }
  return worst;
}

/** Deterministic unit vectors in d + 1 dimensions (a simple LCG, Box–Muller-free: normalised cube samples). */
function directions(dim: number, count: number): number[][] {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 * 2 - 1; };
  const out: number[][] = [];
  while (out.length < count) {
    const v = Array.from({ length: dim }, rnd);
    const n = Math.hypot(...v);
    if (n > 0.1 && n <= 1) out.push(v.map((x) => x / n));
  }
  return out;
}

/** The largest excursion over sampled directions at start norm² = norm2, refined by a local search around the worst. */
function worstExcursion(input: GrowthBoundInput, norm2: number, count = 1500, refine = true): number {
  const R = Math.sqrt(norm2);
  const dim = input.data.Xy.length + 1;
  let best = { v: [] as number[], m: -1 };
  for (const v of directions(dim, count)) {
    const m = maxAlong(input, v.map((x) => x * R));
    if (m > best.m) best = { v, m };
  }
  for (let scale = 0.1; refine && scale > 1e-4; scale /= 2) {
    for (const u of directions(dim, 60)) {
      const v = best.v.map((x, i) => x + scale * u[i]);
      const n = Math.hypot(...v);
      const m = maxAlong(input, v.map((x) => (x / n) * R));
      if (m > best.m) best = { v: v.map((x) => x / n), m };
    }
  }
  return best.m;
}

const WHITE: SingleNeuronData = { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] };
const SPD: SingleNeuronData = { XX: [[1.2, 0.3], [0.3, 0.8]], Xy: [0.2, -0.7] };
const CASES: GrowthBoundInput[] = [
  { method: 'gd', data: WHITE, rates: { a: 1, w: 1 }, step: 0.01, bound: 1e6, steps: 16 },
  { method: 'gd', data: SPD, rates: { a: 2, w: 0.5 }, step: 0.05, bound: 3, steps: 16 },
  { method: 'gd', data: WHITE, rates: { a: 1, w: 1 }, step: 0.7, bound: 1.5, steps: 16 },
  { method: 'rk4', data: WHITE, rates: { a: 1, w: 1 }, step: 0.01, bound: 1e6, steps: 16 },
  { method: 'rk4', data: SPD, rates: { a: 1, w: 3 }, step: 0.1, bound: 2, steps: 16 },
];

describe('safeStartNorm2', () => {
  for (const c of CASES) {
    it(`${c.method} step ${c.step} bound ${c.bound}: K float32 steps from the safe norm stay inside; a larger start leaves`, () => {
      const safe = safeStartNorm2(c);
      expect(safe).toBeGreaterThan(0);
      const inside = worstExcursion(c, safe);
      expect(inside).toBeLessThanOrEqual(c.bound);
      // The sampling finds excursions where there are some: a start norm² 2^k · safe leaves the bound for some k ≤ 40
      // (the bound is a worst case over all directions, so it is loose by this factor).
      let k = 1;
      while (k <= 40 && worstExcursion(c, 2 ** k * safe, 300, false) <= c.bound) k++;
      console.info(`${c.method} step ${c.step} bound ${c.bound}: safe a² + ‖w‖² = ${safe.toPrecision(4)}, worst inside ${inside.toPrecision(4)}, first excursion at 2^${k} × safe`);
      expect(k).toBeLessThanOrEqual(40);
    });
  }

  it('covers the bench and CLI grids (a² + ‖w‖² ≤ 2√2 at |δ| ≤ 2, ‖β₀‖ = 1) at η = 0.01, bound 10⁶', () => {
    expect(safeStartNorm2(CASES[0])).toBeGreaterThan(2 * Math.SQRT2);
    expect(safeStartNorm2({ ...CASES[0], data: { XX: [[1, 0.3], [0.3, 1]], Xy: [0.5, 0.5] } })).toBeGreaterThan(2 * Math.SQRT2);
    expect(safeStartNorm2(CASES[3])).toBeGreaterThan(2 * Math.SQRT2);
  });

  it('s = 0 is a fixed point: never negative; refuses bad input naming the field', () => {
    expect(safeStartNorm2({ ...CASES[0], step: 1e6 })).toBeGreaterThanOrEqual(0);
    expect(() => safeStartNorm2({ ...CASES[0], steps: 0 })).toThrow(/steps/);
    expect(() => safeStartNorm2({ ...CASES[0], bound: -1 })).toThrow(/bound/);
  });
});
