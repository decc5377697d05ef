/** Metrics of the two-layer linear model (src/theory/linear2Metrics.ts) against closed forms. */
import { describe, expect, it } from 'vitest';
import { pseudoInverseSolve } from '../../src/theory/linalg.ts';
import { linear2Quadratic, packLinear2State } from '../../src/theory/linear2.ts';
import {
  effectiveRank, kernelBlocksOfBeta, kernelBlocksOfState, kernelFactor, linear2KernelDistance, minFrobeniusInterpolant,
  minNuclearInterpolant, ntkGram, nuclearNorm, singularValues,
} from '../../src/theory/linear2Metrics.ts';
import { betaOfState } from '../../src/theory/linear2.ts';
import { svd } from '../../src/theory/linear2Svd.ts';

const X = [[1, 0.5, -0.3], [0.2, -1, 0.4], [0.7, 0.1, 1.2], [-0.5, 0.9, 0.3], [0.3, 0.3, -0.8]]; // n = 5, d = 3
const XX = [0, 1, 2].map((i) => [0, 1, 2].map((k) => X.reduce((s, x) => s + x[i] * x[k], 0)));
const XY = [[0.4, -0.2], [0.1, 0.9], [-0.5, 0.3]];

describe('svd', () => {
  it('reconstructs β = U diag(s) Vᵀ with descending s, for d > c, d < c (1e-13)', () => {
    for (const [d, c] of [[4, 2], [2, 5], [3, 3]]) {
      const beta = Array.from({ length: d * c }, (_, p) => Math.cos(2.1 * p + 0.3));
      const { U, s, V, r } = svd(beta, d, c);
      for (let k = 1; k < r; k++) expect(s[k]).toBeLessThanOrEqual(s[k - 1]);
      for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) {
        let x = 0;
        for (let k = 0; k < r; k++) x += U[i * r + k] * s[k] * V[j * r + k];
        expect(Math.abs(x - beta[i * c + j])).toBeLessThan(1e-13);
      }
    }
  });
  it('singular values of u vᵀ·2 are (2, 0, …); nuclear norm 2; effective rank 1', () => {
    const u = [0.6, 0.8, 0], v = [1 / Math.sqrt(2), -1 / Math.sqrt(2)];
    const b = u.flatMap((x) => v.map((y) => 2 * x * y));
    const s = singularValues(b, 3, 2);
    expect(Math.abs(s[0] - 2)).toBeLessThan(1e-14);
    expect(Math.abs(s[1])).toBeLessThan(1e-14);
    expect(Math.abs(nuclearNorm(b, 3, 2) - 2)).toBeLessThan(1e-14);
    expect(Math.abs(effectiveRank(b, 3, 2) - 1)).toBeLessThan(1e-12);
  });
});

describe('kernel distance', () => {
  it('on the XX factor equals S of the explicit NTK K = X M Xᵀ, M = I_c ⊗ WᵀW + AᵀA ⊗ I_d (unit rates, 1e-12)', () => {
    const d = 3, c = 2, h = 2;
    const y0 = packLinear2State([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]], [[0.2, 0.9], [-0.7, 0.1]]);
    const y1 = packLinear2State([[0.5, -0.1, 0.2], [0.3, 0.2, -0.9]], [[0.1, 1.2], [-0.4, 0.6]]);
    // Explicit K((x, j), (x', j')) = xᵀWᵀWx' δ_jj' + (AᵀA)_jj' xᵀx' on the 5 samples.
    const explicit = (y: Float64Array) => {
      const { P, Q } = kernelBlocksOfState(y, h, d, c, { W: 1, A: 1 });
      const K: number[] = [];
      for (const x of X) for (let j = 0; j < c; j++) for (const x2 of X) for (let j2 = 0; j2 < c; j2++) {
        let xPx = 0, xx = 0;
        for (let i = 0; i < d; i++) { xx += x[i] * x2[i]; for (let l = 0; l < d; l++) xPx += x[i] * P[i * d + l] * x2[l]; }
        K.push((j === j2 ? xPx : 0) + Q[j * c + j2] * xx);
      }
      return K;
    };
    const F = kernelFactor({ kind: 'regression', XX, XY });
    const gram = (y: Float64Array) => { const { P, Q } = kernelBlocksOfState(y, h, d, c, { W: 1, A: 1 }); return ntkGram(F, P, Q, d, c); };
    const S = linear2KernelDistance(gram(y0), gram(y1));
    expect(S).toBeGreaterThan(1e-3);
    expect(Math.abs(S - linear2KernelDistance(explicit(y0), explicit(y1)))).toBeLessThan(1e-12);
    expect(linear2KernelDistance(gram(y0), gram(y0))).toBeLessThan(1e-15);
  });
  it('from β under Δ = δI equals the blocks of (W, A) (h = c, δ = 0.5, 1e-12)', () => {
    // W random, A = (δI + WWᵀ)^{1/2}: here h = c = 2, d = 3, built by hand: W rows orthogonal with norms², A diagonal.
    const w1 = [0.6, 0, 0.8].map((x) => 0.5 * x), w2 = [0, 1, 0].map((x) => 0.3 * x), delta = 0.5;
    const A = [[Math.sqrt(delta + 0.25), 0], [0, Math.sqrt(delta + 0.09)]];
    const y = packLinear2State([w1, w2], A);
    const a = kernelBlocksOfState(y, 2, 3, 2, { W: 1, A: 1 }), b = kernelBlocksOfBeta(betaOfState(y, 2, 3, 2), 3, 2, delta, { W: 1, A: 1 });
    a.P.forEach((x, i) => expect(Math.abs(x - b.P[i])).toBeLessThan(1e-12));
    a.Q.forEach((x, i) => expect(Math.abs(x - b.Q[i])).toBeLessThan(1e-12));
  });
});

describe('interpolants', () => {
  it('min-Frobenius for regression is XX⁺XY column by column (singular XX, 1e-10)', () => {
    const XXs = [[1, 1, 0], [1, 1, 0], [0, 0, 2]];
    const q = linear2Quadratic({ kind: 'regression', XX: XXs, XY });
    const b = minFrobeniusInterpolant(q);
    for (let j = 0; j < 2; j++) {
      const ref = pseudoInverseSolve(XXs, XY.map((r) => r[j]));
      ref.forEach((x, i) => expect(Math.abs(b[i * 2 + j] - x)).toBeLessThan(1e-10));
    }
  });
  it('min-nuclear equals the unique solution when H is invertible, and recovers a rank-1 β* from enough measurements (1e-7)', () => {
    const q = linear2Quadratic({ kind: 'regression', XX, XY });
    const r = minNuclearInterpolant(q);
    const fro = minFrobeniusInterpolant(q);
    fro.forEach((x, i) => expect(Math.abs(r.beta[i] - x)).toBeLessThan(1e-7));
    // Rank-1 β* = u vᵀ in 3×3 from 8 of 9 coordinate measurements (entry (2,2) missing): completion gives u₂v₂.
    const u = [1, 2, -1], v = [0.5, 1, 2];
    const M: number[][][] = [], y: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      if (i === 2 && j === 2) continue;
      M.push([0, 1, 2].map((a) => [0, 1, 2].map((b) => (a === i && b === j ? 1 : 0)))); y.push(u[i] * v[j]);
    }
    const n = minNuclearInterpolant(linear2Quadratic({ kind: 'sensing', M, y }));
    expect(Math.abs(n.beta[8] - u[2] * v[2])).toBeLessThan(1e-6);
    expect(n.feasibility).toBeLessThan(1e-8);
  });
});

describe('mirror flow on the singular values (Theorem B.6)', () => {
  it('is exact on the aligned case: XX = I, XY sharing β₀ singular vectors, Δ = δI (rates 0.5, 2; 1e-8)', async () => {
    const { integrateLinear2Flow } = await import('../../src/theory/linear2.ts');
    const { integrateMirrorFlow } = await import('../../src/theory/linear2Metrics.ts');
    // W = diag(w), A = diag(a) rotated: Δ = η_W AAᵀ − η_A WWᵀ = δI needs η_W a_k² − η_A w_k² = δ.
    const rates = { W: 0.5, A: 2 }, delta = 0.3, w = [0.2, 0.5];
    const a = w.map((x) => Math.sqrt((delta + rates.A * x * x) / rates.W));
    const R = (th: number) => [[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]];
    const Ru = R(0.4), Rv = R(-1.1);
    // W = diag(w)·Ruᵀ, A = diag(a)·Rvᵀ, so β = WᵀA = Ru diag(w a) Rvᵀ; XY = Ru diag(1.5, 0.4) Rvᵀ.
    const W = [0, 1].map((k) => [0, 1].map((i) => w[k] * Ru[i][k]));
    const A = [0, 1].map((k) => [0, 1].map((j) => a[k] * Rv[j][k]));
    const XY = [0, 1].map((i) => [0, 1].map((j) => 1.5 * Ru[i][0] * Rv[j][0] + 0.4 * Ru[i][1] * Rv[j][1]));
    const q = linear2Quadratic({ kind: 'regression', XX: [[1, 0], [0, 1]], XY });
    const times = [0, 0.5, 2, 8];
    const ys = integrateLinear2Flow(q, rates, 2, packLinear2State(W, A), times);
    const ls = integrateMirrorFlow(q, rates, delta, betaOfState(ys[0], 2, 2, 2), times);
    ys.forEach((y, t) => {
      const s = singularValues(betaOfState(y, 2, 2, 2), 2, 2);
      const pred = Array.from(ls[t]).sort((x, y) => y - x); // the two modes cross (0.2·a₀ grows to 1.5, 0.5·a₁ falls to 0.4)
      s.forEach((x, k) => expect(Math.abs(x - pred[k])).toBeLessThan(1e-8));
    });
  });
});
