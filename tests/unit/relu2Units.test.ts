/**
 * Per-unit radial and directional dynamics (src/theory/relu2Units.ts, docs/theory.md §3.1, paper eqs. 9–10)
 * against finite differences of the actual gradient flow, the gradient against the independent GD step
 * of src/theory/relu2.ts, and the unit-motion measures against closed forms.
 */
import { describe, expect, it } from 'vitest';
import { cloneRelu2, relu2Forward, relu2GdStep, type Relu2Data, type Relu2Params } from '../../src/theory/index.ts';
import {
  angleBetween, relu2ActiveCounts, relu2FlowRk4, relu2Gradient, relu2UnitMotion, relu2UnitRates,
} from '../../src/theory/relu2Units.ts';
import { teacherStudentData } from '../../src/models/relu2/data.ts';
import { xorData } from '../../src/models/relu2/xorData.ts';
import { createRng } from '../../src/models/random.ts';

/** A generic θ: W entries N(0, 0.5²), a entries N(0, 1) (no symmetry, so no unit sits at a kink). */
function randomParams(seed: number, m: number, d: number): Relu2Params {
  const rng = createRng(seed);
  return { m, d, W: Float64Array.from({ length: m * d }, () => 0.5 * rng.normal()), a: Float64Array.from({ length: m }, () => rng.normal()) };
}

const activeBits = (p: Relu2Params, X: Float64Array) => Array.from(relu2Forward(p, X, 0).Z, (z) => z > 0);

const CASES: { name: string; data: Relu2Data; slope: number; m: number; seed: number }[] = [
  { name: 'teacher data, d = 4, ReLU', data: teacherStudentData({ seed: 3, d: 4, n: 30, m0: 3, nTest: 0 }), slope: 0, m: 6, seed: 11 },
  { name: 'teacher data, d = 4, leaky 0.1', data: teacherStudentData({ seed: 4, d: 4, n: 30, m0: 3, nTest: 0 }, 0.1), slope: 0.1, m: 6, seed: 12 },
  { name: 'XOR data (x₁, x₂, 1), ReLU', data: xorData({ seed: 0, n: 40, nTest: 0 }), slope: 0, m: 8, seed: 19 },
];

describe('eqs. 9–10 = the time derivatives of μ_k and β̂_k along the gradient flow', () => {
  // Central differences of μ_k(t) and β̂_k(t) over [t − h, t + h] of an RK4 flow (20 substeps of h/20 each way).
  // Truncation error of the central difference: h²/6·|q'''| ≈ 2e-9·|q'''| at h = 1e-4; RK4's own error at
  // dt = 5e-6 is far below. Tolerance: 1e-5·(1 + max over units of the rate); measured worst 6.5e-7 of that
  // scale (XOR case). Precondition (checked): no activation crosses zero inside the window.
  const h = 1e-4, sub = 20;
  for (const c of CASES) {
    it(c.name, () => {
      const before = randomParams(c.seed, c.m, c.data.d);
      const mid = relu2FlowRk4(before, c.data, c.slope, h / sub, sub);
      const after = relu2FlowRk4(mid, c.data, c.slope, h / sub, sub);
      expect(activeBits(before, c.data.X)).toEqual(activeBits(after, c.data.X));
      expect(activeBits(mid, c.data.X)).toEqual(activeBits(after, c.data.X));
      const r = relu2UnitRates(mid, c.data, c.slope), r0 = relu2UnitRates(before, c.data, c.slope), r1 = relu2UnitRates(after, c.data, c.slope);
      const { m, d } = mid;
      const scaleMu = 1 + Math.max(...r.muDot.map(Math.abs)), scaleDir = 1 + Math.max(...r.dirSpeed);
      let worstMu = 0, worstDir = 0, worstSpeed = 0;
      for (let k = 0; k < m; k++) {
        worstMu = Math.max(worstMu, Math.abs((r1.mu[k] - r0.mu[k]) / (2 * h) - r.muDot[k]));
        let s = 0;
        for (let j = 0; j < d; j++) {
          const fd = (r1.betaHat[k * d + j] - r0.betaHat[k * d + j]) / (2 * h);
          worstDir = Math.max(worstDir, Math.abs(fd - r.betaHatDot[k * d + j]));
          s += fd * fd;
        }
        worstSpeed = Math.max(worstSpeed, Math.abs(Math.sqrt(s) - r.dirSpeed[k]));
      }
      expect(worstMu).toBeLessThan(1e-5 * scaleMu);
      expect(worstDir).toBeLessThan(1e-5 * scaleDir);
      expect(worstSpeed).toBeLessThan(1e-5 * scaleDir);
      // The rates are not trivially small here (the check would pass for zero rates otherwise).
      expect(Math.max(...r.muDot.map(Math.abs))).toBeGreaterThan(1e-2);
      expect(Math.max(...r.dirSpeed)).toBeGreaterThan(1e-2);
      // δ_k is conserved by the flow (docs/theory.md §3): RK4 keeps it to rounding over the window.
      for (let k = 0; k < m; k++) expect(Math.abs(r1.delta[k] - r0.delta[k])).toBeLessThan(1e-10);
    });
  }
});

describe('relu2Gradient = the gradient the f64 GD step applies', () => {
  it('(θ − θ_GD)/η equals ∇L entrywise within 1e-12 (leaky and ReLU)', () => {
    for (const c of CASES) {
      const p = randomParams(c.seed, c.m, c.data.d);
      const g = relu2Gradient(p, c.data, c.slope);
      const q = cloneRelu2(p), eta = 0.5;
      const loss = relu2GdStep(q, c.data, eta, c.slope);
      expect(g.loss).toBeCloseTo(loss, 14);
      p.W.forEach((w, i) => expect(Math.abs((w - q.W[i]) / eta - g.gW[i])).toBeLessThan(1e-12));
      p.a.forEach((a, i) => expect(Math.abs((a - q.a[i]) / eta - g.ga[i])).toBeLessThan(1e-12));
    }
  });

  it('refuses a shape mismatch by name', () => {
    const p = randomParams(1, 4, 3);
    expect(() => relu2UnitRates(p, teacherStudentData({ seed: 0, d: 4, n: 5, m0: 1, nTest: 0 }), 0)).toThrow(/d = 3 but the data have d = 4/);
    expect(() => relu2UnitRates({ ...p, a: new Float64Array(3) }, xorData({ seed: 0, n: 4, nTest: 0 }), 0)).toThrow(/a has 3 entries/);
    expect(() => relu2FlowRk4(p, xorData({ seed: 0, n: 4, nTest: 0 }), 0, 0, 1)).toThrow(/dt must be/);
  });
});

describe('unit motion from θ₀: closed forms', () => {
  it('angle, radial change, Hamming and relative ‖θ − θ₀‖ of a rotated, stretched unit', () => {
    const phi = 0.3;
    const p0: Relu2Params = { m: 2, d: 2, W: Float64Array.from([1, 0, 0, 2]), a: Float64Array.from([1, -0.5]) };
    // Unit 0 turns by φ and doubles ‖w‖, a: 1 → 1.5 (μ: 1 → 3); unit 1 stays.
    const p: Relu2Params = { m: 2, d: 2, W: Float64Array.from([2 * Math.cos(phi), 2 * Math.sin(phi), 0, 2]), a: Float64Array.from([1.5, -0.5]) };
    // Points at angles 0.1, 0.2, …, 2π − 0.1 (no point on a boundary): unit 0's active half-plane turns by φ, so
    // the points with angle in (π/2, π/2 + φ] ∪ (3π/2, 3π/2 + φ] flip.
    const angles = Array.from({ length: 62 }, (_, i) => 0.1 * (i + 0.5));
    const X = Float64Array.from(angles.flatMap((t) => [Math.cos(t), Math.sin(t)]));
    const flips = angles.filter((t) => (t > Math.PI / 2 && t <= Math.PI / 2 + phi) || (t > 1.5 * Math.PI && t <= 1.5 * Math.PI + phi)).length;
    const u = relu2UnitMotion(p, p0, X, 0);
    expect(u.angle[0]).toBeCloseTo(phi, 14);
    expect(u.angle[1]).toBe(0);
    expect(u.mu0[0]).toBeCloseTo(1, 14);
    expect(u.mu[0]).toBeCloseTo(3, 14);
    expect(u.mu0[1]).toBeCloseTo(-1, 14);
    expect(u.radial[0]).toBeCloseTo(2, 14);
    expect(u.radial[1]).toBe(0);
    expect(flips).toBeGreaterThan(0);
    expect(u.hamming[0]).toBeCloseTo(flips / angles.length, 14);
    expect(u.hamming[1]).toBe(0);
    expect(u.meanAngle).toBeCloseTo(phi / 2, 14);
    const d2 = (2 * Math.cos(phi) - 1) ** 2 + (2 * Math.sin(phi)) ** 2 + 0.5 ** 2;
    expect(u.relParamDistance).toBeCloseTo(Math.sqrt(d2 / (1 + 4 + 1 + 0.25)), 14);
  });

  it('angles: accurate at 1e-9 rad and near π (where acos of the dot product is not)', () => {
    for (const phi of [1e-9, 1e-4, 1, Math.PI - 1e-6]) {
      expect(Math.abs(angleBetween([1, 0, 0], [Math.cos(phi), Math.sin(phi), 0]) - phi) / phi).toBeLessThan(1e-9);
    }
    expect(angleBetween([1, 0], [0, 0])).toBe(0);
  });

  it('active-unit counts on points (the parity picture) match a direct count', () => {
    const W = [1, 0, 0, 0, 1, -0.5, -1, -1, 0];
    const pts = [0.5, 0.2, 1, -0.3, 2, 1, 1, 1, 1];
    expect(Array.from(relu2ActiveCounts(W, 3, 3, pts))).toEqual([1, 1, 2]);
    expect(() => relu2ActiveCounts(W, 3, 3, [1, 2])).toThrow(/not a multiple of d = 3/);
  });
});
