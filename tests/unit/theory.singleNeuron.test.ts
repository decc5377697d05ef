import { describe, expect, it } from 'vitest';
import { integrateSingleNeuronFlow } from '../../src/theory/adaptive.ts';
import { dot, identity, norm } from '../../src/theory/linalg.ts';
import {
  alphaFromDeltaTau, conservedDelta, deltaFromTauAlpha, excessLoss, flowRhs, gdStep, initFromBetaDelta,
  initFromTauAlpha, integrateFixed, kernelDistance, ntkMatrix, rk4Step, UNIT_RATES,
} from '../../src/theory/singleNeuron.ts';

// General SPD data of the scipy fixture (d = 3).
const data = {
  XX: [[1.7739379374278479, 0.7581755896087312, -0.22183976030315547],
    [0.7581755896087312, 0.7869225145844154, -0.029375609082505583],
    [-0.22183976030315547, -0.029375609082505583, 0.27023872642658736]],
  Xy: [0.4, 0.9, -0.5],
};
const stateErr = (a: number, w: number[], ra: number, rw: number[]) => norm([a - ra, ...w.map((v, j) => v - rw[j])]);

describe('flowRhs, conservedDelta', () => {
  it('is −(η_a, η_w)-scaled gradient of L = ½βᵀXXβ − βᵀXy at β = a w (finite differences)', () => {
    const a = 0.7, w = [0.2, -0.5, 0.9], rates = { a: 0.3, w: 2 };
    const loss = (aa: number, ww: number[]) => {
      const b = ww.map((x) => aa * x);
      return 0.5 * dot(b, data.XX.map((row) => dot(row, b))) - dot(b, data.Xy);
    };
    const h = 1e-6;
    const { da, dw } = flowRhs(a, w, data, rates);
    // Central differences: error O(h²) ≈ 1e-12 plus rounding eps/h ≈ 1e-10; tolerance 1e-8.
    expect(Math.abs(da + (rates.a * (loss(a + h, w) - loss(a - h, w))) / (2 * h))).toBeLessThan(1e-8);
    w.forEach((_, j) => {
      const up = w.map((x, k) => x + (k === j ? h : 0)), dn = w.map((x, k) => x - (k === j ? h : 0));
      expect(Math.abs(dw[j] + (rates.w * (loss(a, up) - loss(a, dn))) / (2 * h))).toBeLessThan(1e-8);
    });
    expect(() => flowRhs(a, [1, 2], data)).toThrow(/dimension mismatch/);
  });

  it('δ is conserved by the flow: dδ/dt = 2η_w a ȧ − 2η_a wᵀẇ = 0', () => {
    const a = -1.3, w = [0.4, 0.1, -2], rates = { a: 0.7, w: 1.9 };
    const { da, dw } = flowRhs(a, w, data, rates);
    const rate = 2 * rates.w * a * da - 2 * rates.a * dot(w, dw);
    expect(Math.abs(rate)).toBeLessThan(1e-14); // both terms ≈ 10, cancel to rounding
    expect(conservedDelta(2, [1, 1], { a: 3, w: 0.5 })).toBe(0.5 * 4 - 3 * 2);
  });
});

describe('initialisations (§1)', () => {
  it('initFromBetaDelta gives a·w = β₀ and the requested δ, with any rates', () => {
    for (const rates of [UNIT_RATES, { a: 0.3, w: 2.5 }, { a: 4, w: 0.1 }]) {
      for (const delta of [-1e4, -3, -1e-9, 0, 1e-9, 0.7, 1e4]) {
        const beta0 = [0.3, -1.1, 0.05];
        const { a, w } = initFromBetaDelta(beta0, delta, rates);
        expect(a).toBeGreaterThan(0);
        // a·w = β₀ to a few eps; δ to a few eps of the scale η_w a² + η_a‖w‖² it is a difference of.
        w.forEach((x, j) => expect(Math.abs(a * x - beta0[j])).toBeLessThan(4e-16 * norm(beta0)));
        const scale = rates.w * a * a + rates.a * dot(w, w);
        expect(Math.abs(conservedDelta(a, w, rates) - delta)).toBeLessThan(4e-16 * scale);
      }
    }
    // Unit-rate formula of docs/theory.md §1, verbatim.
    const d = 0.4, b = [1, 2];
    const a = Math.sqrt((d + Math.sqrt(d * d + 4 * dot(b, b))) / 2);
    expect(Math.abs(initFromBetaDelta(b, d).a - a)).toBeLessThan(1e-15);
    expect(() => initFromBetaDelta([0, 0], -1)).toThrow(/direction/);
    expect(initFromBetaDelta([0, 0], 0)).toEqual({ a: 0, w: [0, 0] });
  });

  it('(τ, α) ↔ δ round-trips, and initFromTauAlpha has that δ', () => {
    for (const tau of [0.1, 1, 2]) {
      for (const alpha of [0.01, 0.5, 1, 3, 100]) {
        const delta = deltaFromTauAlpha(tau, alpha);
        expect(Math.abs(alphaFromDeltaTau(delta, tau) - alpha) / alpha).toBeLessThan(1e-14); // well-conditioned both ways (cancellation-free branches): a few eps
        const s = initFromTauAlpha(tau, alpha, [3, -4], -1);
        expect(s.a).toBeCloseTo(-tau * alpha, 14);
        expect(norm(s.w)).toBeCloseTo(tau / alpha, 14);
        expect(Math.abs(conservedDelta(s.a, s.w) - delta)).toBeLessThan(1e-15 * (tau * tau * (alpha * alpha + 1 / (alpha * alpha))) * 4);
      }
    }
    expect(deltaFromTauAlpha(1, 1)).toBe(0);
    expect(() => initFromTauAlpha(1, 1, [0, 0])).toThrow(/direction/);
    expect(() => alphaFromDeltaTau(1, 0)).toThrow(/τ > 0/);
  });
});

describe('fixed-step integrators', () => {
  const a0 = 0.6, w0 = [-0.4, 0.8, 0.3], T = 4;
  const [, ref] = integrateSingleNeuronFlow(a0, w0, data, UNIT_RATES, [0, T], 1e-13);

  it('RK4 global error is O(dt⁴): halving dt divides it by ≈ 16 (accepted 12..20)', () => {
    const err = (dt: number) => {
      const n = Math.round(T / dt);
      const out = integrateFixed(a0, w0, data, UNIT_RATES, 'rk4', dt, [n]);
      return stateErr(out.a[0], out.w[0], ref.a, ref.w);
    };
    const e1 = err(0.1), e2 = err(0.05);
    expect(e1).toBeGreaterThan(1e-9); // far above the reference's ~1e-12 error, so the ratio is meaningful
    expect(e1 / e2).toBeGreaterThan(12);
    expect(e1 / e2).toBeLessThan(20);
  });

  it('RK4 conserves δ up to its own state error: |δ_T − δ₀| ≤ 2(|a| + ‖w‖)·‖θ_T − θ(T)‖ + ε²', () => {
    // δ(θ(T)) = δ₀ exactly, and δ is quadratic: |δ(θ̃) − δ(θ)| ≤ 2‖θ‖ ‖θ̃ − θ‖ + ‖θ̃ − θ‖².
    for (const dt of [0.1, 0.02]) {
      const n = Math.round(T / dt);
      const out = integrateFixed(a0, w0, data, UNIT_RATES, 'rk4', dt, [n]);
      const e = stateErr(out.a[0], out.w[0], ref.a, ref.w);
      const bound = 2 * norm([ref.a, ...ref.w]) * e * Math.SQRT2 + e * e + 1e-14;
      expect(Math.abs(conservedDelta(out.a[0], out.w[0]) - conservedDelta(a0, w0))).toBeLessThanOrEqual(bound);
    }
  });

  it('GD drifts δ by exactly η²η_aη_w(η_a g_a² − η_w‖g_w‖²) per step (O(η²)), so O(η) over a fixed time', () => {
    const rates = { a: 0.8, w: 1.3 };
    const { da, dw } = flowRhs(a0, w0, data, rates); // da = −η_a g_a, dw = −η_w g_w
    const gA = -da / rates.a, gW = dw.map((x) => -x / rates.w);
    for (const eta of [0.1, 0.05, 0.01]) {
      const next = gdStep(a0, w0, data, rates, eta);
      const drift = conservedDelta(next.a, next.w, rates) - conservedDelta(a0, w0, rates);
      const predicted = eta * eta * rates.a * rates.w * (rates.a * gA * gA - rates.w * dot(gW, gW));
      // Rounding of δ (a difference of O(1) terms): 1e-15 absolute.
      expect(Math.abs(drift - predicted)).toBeLessThan(1e-15);
      expect(Math.abs(drift)).toBeGreaterThan(1e-6 * eta * eta); // a real drift, not rounding
    }
    const totalDrift = (eta: number) => {
      const out = integrateFixed(a0, w0, data, rates, 'gd', eta, [Math.round(2 / eta)]);
      return Math.abs(conservedDelta(out.a[0], out.w[0], rates) - conservedDelta(a0, w0, rates));
    };
    const ratio = totalDrift(0.02) / totalDrift(0.01);
    // Σ over 2/η steps of O(η²) ⇒ O(η): ratio → 2 (accepted 1.6..2.4 for O(η²) corrections).
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.4);
  });

  it('integrateFixed samples at the requested step counts and equals repeated steps', () => {
    const out = integrateFixed(a0, w0, data, UNIT_RATES, 'gd', 0.05, [0, 1, 3]);
    expect(out.a[0]).toBe(a0);
    let s = { a: a0, w: w0 };
    for (let k = 0; k < 3; k++) {
      s = gdStep(s.a, s.w, data, UNIT_RATES, 0.05);
      if (k === 0) expect(out.w[1]).toEqual(s.w);
    }
    expect(out.a[2]).toBe(s.a);
    const r = rk4Step(a0, w0, data, UNIT_RATES, 0.05);
    expect(integrateFixed(a0, w0, data, UNIT_RATES, 'rk4', 0.05, [1]).a[0]).toBe(r.a);
    expect(() => integrateFixed(a0, w0, data, UNIT_RATES, 'gd', 0.1, [3, 1])).toThrow(/ascending/);
    expect(() => integrateFixed(a0, w0, data, UNIT_RATES, 'gd', 0.1, [1.5])).toThrow(/integers/);
  });
});

describe('excess loss and kernel distance (§1.2, §1.5)', () => {
  it('excessLoss is L(β) − L(β_ols)', () => {
    const XX = [[2, 0.5], [0.5, 1]], Xy = [1, -1];
    const betaOls = [(1 * 1 + 0.5 * 1) / 1.75, (-2 - 0.5) / 1.75]; // XX⁻¹Xy
    const L = (b: number[]) => 0.5 * dot(b, XX.map((row) => dot(row, b))) - dot(b, Xy);
    const beta = [0.3, 0.9];
    expect(Math.abs(excessLoss(beta, XX, betaOls) - (L(beta) - L(betaOls)))).toBeLessThan(1e-14);
  });

  it('kernelDistance: 0 for equal kernels, 1 − 1/√d for I vs e₁e₁ᵀ, uses XX', () => {
    const M = ntkMatrix(0.5, [1, -2, 0.3]);
    expect(Math.abs(kernelDistance(M, M, identity(3)))).toBeLessThan(1e-15);
    expect(Math.abs(kernelDistance(M, M.map((r) => r.map((x) => 7 * x)), identity(3)))).toBeLessThan(1e-15); // scale-free
    const e1 = [[1, 0, 0], [0, 0, 0], [0, 0, 0]];
    expect(Math.abs(kernelDistance(identity(3), e1, identity(3)) - (1 - 1 / Math.sqrt(3)))).toBeLessThan(1e-15);
    // With XX = x xᵀ every kernel is a multiple of x xᵀ on the data: S = 0.
    const x = [0.5, 1, -1];
    const XX = x.map((p) => x.map((q) => p * q));
    expect(Math.abs(kernelDistance(identity(3), e1, XX))).toBeLessThan(1e-15);
    expect(ntkMatrix(2, [1, 0], { a: 3, w: 0.5 })).toEqual([[0.5 * 4 + 3, 0], [0, 2]]);
    expect(() => kernelDistance(e1, e1, [[0, 0, 0], [0, 1, 0], [0, 0, 1]])).toThrow(/zero/);
  });
});
