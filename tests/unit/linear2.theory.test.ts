/**
 * The f64 reference of the two-layer linear model (src/theory/linear2.ts, docs/theory.md §2) against the
 * scipy fixture tests/fixtures/linear2_flow.json (DOP853 at rtol = atol = 1e-12) and closed forms.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  betaOfState, betaFlowRefusal, integrateLinear2BetaFlow, integrateLinear2Flow, linear2Delta, linear2DeltaDrift,
  linear2FlowRhs, linear2GdStep, linear2Gradient, linear2Loss, linear2Quadratic, linear2Rk4, packLinear2State,
  runFixedSteps, scalarDelta, type Linear2Data,
} from '../../src/theory/linear2.ts';
import { singularValues } from '../../src/theory/linear2Metrics.ts';
import { betaFlowBlocks, psdSqrt } from '../../src/theory/linear2.ts';

interface FixtureCase {
  dataset: string; label: string; DeltaIsScalar: boolean;
  XX?: number[][]; XY?: number[][]; sensing?: { M: number[][][]; y: number[] }; betaStar?: number[][];
  W0: number[][]; A0: number[][];
  records: { t: number; beta: number[][]; singularValues: number[]; Delta: number[][] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/linear2_flow.json', import.meta.url), 'utf8')) as { times: number[]; cases: FixtureCase[] };
const dataOf = (k: FixtureCase): Linear2Data =>
  k.sensing ? { kind: 'sensing', M: k.sensing.M, y: k.sensing.y } : { kind: 'regression', XX: k.XX!, XY: k.XY! };
const UNIT = { W: 1, A: 1 };

/** max over entries of |x − ref| / (1 + |ref|). */
function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(x[i] - ref[i]) / (1 + Math.abs(ref[i])));
  return m;
}

describe('linear2 (W, A) flow vs the scipy DOP853 fixture', () => {
  for (const k of fixture.cases) {
    it(`${k.dataset}, ${k.label}: β, singular values and Δ within 1e-8·(1+|v|) (DOP853, rtol 1e-12)`, () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const ys = integrateLinear2Flow(q, UNIT, h, packLinear2State(k.W0, k.A0), fixture.times);
      let worst = 0;
      ys.forEach((y, t) => {
        const rec = k.records[t];
        const beta = betaOfState(y, h, q.d, q.c);
        worst = Math.max(worst, relErr(beta, rec.beta.flat()), relErr(singularValues(beta, q.d, q.c), rec.singularValues),
          relErr(linear2Delta(y, h, q.d, q.c, UNIT), rec.Delta.flat()));
      });
      expect(worst).toBeLessThan(1e-8);
    });
  }
});

describe('linear2 RK4 (dt = 1e-3) and the exact β flow vs the fixture', () => {
  // f64 RK4 with dt = 1e-3: global error O((λ_max dt)⁴); regression cases measured ≤ 1e-9, the sensing cases
  // (‖H‖ ≈ 50, stiffer) 2.2e-7. Bound 1e-6·(1+|v|), 200× under the GPU bound 2e-4.
  for (const k of fixture.cases.filter((_, i) => i % 3 === 0)) {
    it(`${k.dataset}, ${k.label}: f64 RK4 to t = 10 within 1e-6·(1+|v|), relative Δ drift ≤ 1e-6 (measured ≤ 3.8e-7 on sensing)`, () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const y0 = packLinear2State(k.W0, k.A0);
      const steps = fixture.times.map((t) => Math.round(t / 1e-3));
      const ys = runFixedSteps((y) => linear2Rk4((x) => linear2FlowRhs(q, UNIT, h, x), y, 1e-3), y0, steps);
      ys.forEach((y, t) => expect(relErr(betaOfState(y, h, q.d, q.c), k.records[t].beta.flat())).toBeLessThan(1e-6));
      expect(linear2DeltaDrift(y0, ys[ys.length - 1], h, q.d, q.c, UNIT)).toBeLessThan(1e-6);
    });
  }
  for (const k of fixture.cases.filter((c) => c.DeltaIsScalar)) {
    it(`${k.dataset}, ${k.label}: Theorem 4.2 β flow (DOP853) within 1e-7·(1+|v|)`, () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const y0 = packLinear2State(k.W0, k.A0);
      const delta = scalarDelta(y0, h, q.d, q.c, UNIT, 1e-9);
      expect(delta).not.toBeNull();
      expect(betaFlowRefusal(delta, h, q.d, q.c)).toBeNull();
      const bs = integrateLinear2BetaFlow(q, UNIT, delta!, betaOfState(y0, h, q.d, q.c), fixture.times);
      bs.forEach((b, t) => {
        expect(relErr(b, k.records[t].beta.flat())).toBeLessThan(1e-7);
        expect(relErr(singularValues(b, q.d, q.c), k.records[t].singularValues)).toBeLessThan(1e-7);
      });
    });
  }
  it('refuses the β flow for a generic Δ and for δ > 0 with h ≠ c', () => {
    const generic = fixture.cases.find((c) => !c.DeltaIsScalar)!;
    const q = linear2Quadratic(dataOf(generic));
    const h = generic.W0.length;
    expect(scalarDelta(packLinear2State(generic.W0, generic.A0), h, q.d, q.c, UNIT)).toBeNull();
    expect(betaFlowRefusal(null, h, q.d, q.c)).toMatch(/Δ = η_W AAᵀ − η_A WWᵀ = δI/);
    expect(betaFlowRefusal(0.5, 3, 3, 2)).toMatch(/needs h = c/);
    expect(betaFlowRefusal(-0.5, 2, 3, 2)).toMatch(/needs h = d/);
  });
});

describe('linear2 loss, gradient, GD', () => {
  const XX = [[2, 0.3, -0.1], [0.3, 1, 0.2], [-0.1, 0.2, 0.5]], XY = [[0.4, -0.2], [0.1, 0.9], [-0.5, 0.3]];
  const q = linear2Quadratic({ kind: 'regression', XX, XY });
  const beta = [0.3, -0.7, 1.1, 0.2, -0.4, 0.6];
  it('regression loss is ½tr(βᵀXXβ) − tr(βᵀXY) and G = XXβ − XY (closed form, 1e-14)', () => {
    let l = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
      let xb = 0;
      for (let k = 0; k < 3; k++) xb += XX[i][k] * beta[k * 2 + j];
      l += beta[i * 2 + j] * (0.5 * xb - XY[i][j]);
      expect(Math.abs(linear2Gradient(q, beta)[i * 2 + j] - (xb - XY[i][j]))).toBeLessThan(1e-14);
    }
    expect(Math.abs(linear2Loss(q, beta) - l)).toBeLessThan(1e-14);
  });
  it('sensing loss is ½Σ(⟨M_i, β⟩ − y_i)² and G its gradient (central differences, 1e-7)', () => {
    const M = [[[1, 2], [0, -1]], [[0.5, 0], [1, 1]], [[-1, 0.3], [0.2, 0.7]]], y = [1, -0.5, 2];
    const qs = linear2Quadratic({ kind: 'sensing', M, y });
    const b = [0.2, -0.3, 0.8, 0.1];
    const direct = 0.5 * M.reduce((s, Mi, i) => s + (Mi.flat().reduce((a, m, p) => a + m * b[p], 0) - y[i]) ** 2, 0);
    expect(Math.abs(linear2Loss(qs, b) - direct)).toBeLessThan(1e-14);
    const g = linear2Gradient(qs, b), e = 1e-6;
    b.forEach((_, p) => {
      const up = b.map((x, r) => x + (r === p ? e : 0)), dn = b.map((x, r) => x - (r === p ? e : 0));
      expect(Math.abs(g[p] - (linear2Loss(qs, up) - linear2Loss(qs, dn)) / (2 * e))).toBeLessThan(1e-7);
    });
  });
  it('one GD step changes Δ by exactly η²(η_Wη_A² WGGᵀWᵀ − η_Aη_W² AGᵀGAᵀ) (closed form, 1e-13)', () => {
    const rates = { W: 0.7, A: 1.3 }, h = 2, eta = 0.05;
    const W = [[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]], A = [[0.2, 0.9], [-0.7, 0.1]];
    const y0 = packLinear2State(W, A);
    const g = linear2Gradient(q, betaOfState(y0, h, 3, 2));
    const WG = W.map((w) => [0, 1].map((j) => w.reduce((s, x, i) => s + x * g[i * 2 + j], 0)));
    const AGt = A.map((a) => [0, 1, 2].map((i) => a.reduce((s, x, j) => s + x * g[i * 2 + j], 0)));
    const D0 = linear2Delta(y0, h, 3, 2, rates), D1 = linear2Delta(linear2GdStep(q, rates, h, y0, eta), h, 3, 2, rates);
    for (let k = 0; k < h; k++) for (let l = 0; l < h; l++) {
      const wg = WG[k][0] * WG[l][0] + WG[k][1] * WG[l][1];
      const ag = AGt[k].reduce((s, x, i) => s + x * AGt[l][i], 0);
      const expected = eta * eta * (rates.W * rates.A ** 2 * wg - rates.A * rates.W ** 2 * ag);
      expect(Math.abs(D1[k * h + l] - D0[k * h + l] - expected)).toBeLessThan(1e-13);
    }
  });
  it('the flow with rates is the gradient flow: Ẇ = −η_W ∂L/∂W (central differences, 1e-7)', () => {
    const rates = { W: 0.7, A: 1.3 }, h = 2;
    const y = packLinear2State([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]], [[0.2, 0.9], [-0.7, 0.1]]);
    const v = linear2FlowRhs(q, rates, h, y), e = 1e-6;
    for (let p = 0; p < y.length; p++) {
      const up = Float64Array.from(y), dn = Float64Array.from(y);
      up[p] += e; dn[p] -= e;
      const dL = (linear2Loss(q, betaOfState(up, h, 3, 2)) - linear2Loss(q, betaOfState(dn, h, 3, 2))) / (2 * e);
      expect(Math.abs(v[p] + (p < h * 3 ? rates.W : rates.A) * dL)).toBeLessThan(1e-7);
    }
  });
  it('names the bad field', () => {
    expect(() => linear2Quadratic({ kind: 'regression', XX: [[1, 0], [0, -1]], XY: [[1], [1]] })).toThrow(/XX is not positive semi-definite/);
    expect(() => linear2Quadratic({ kind: 'regression', XX: [[1, 0], [0, 1]], XY: [[1], [1], [0]] })).toThrow(/XY must have d = 2 rows/);
    expect(() => linear2Quadratic({ kind: 'sensing', M: [[[1, 0]], [[0, 1, 2]]], y: [1, 2] })).toThrow(/M\[1\]\[0\] must have c = 2/);
    expect(() => linear2Quadratic({ kind: 'sensing', M: [[[1, 0]]], y: [Number.NaN] })).toThrow(/y\[0\] is not a finite/);
  });
});

describe('betaFlowBlocks (SVD form) vs eigen-decomposition square roots', () => {
  it('equals √(k²ββᵀ + δ²/4) − δ/2 and √(k²βᵀβ + δ²/4) + δ/2 for d > c, d < c, d = c (1e-8; 1e-7 when singular)', () => {
    for (const [d, c] of [[3, 2], [2, 4], [3, 3]]) for (const delta of [-1.5, 0, 0.7]) {
      const beta = Array.from({ length: d * c }, (_, p) => Math.sin(1.3 * p + d) * 0.8);
      const k2 = 0.6;
      const { P, Q } = betaFlowBlocks(beta, d, c, delta, k2);
      const S = new Float64Array(d * d), T = new Float64Array(c * c);
      for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) {
        for (let j = 0; j < c; j++) S[i * d + l] += k2 * beta[i * c + j] * beta[l * c + j];
        if (i === l) S[i * d + l] += delta * delta / 4;
      }
      for (let j = 0; j < c; j++) for (let m = 0; m < c; m++) {
        for (let i = 0; i < d; i++) T[j * c + m] += k2 * beta[i * c + j] * beta[i * c + m];
        if (j === m) T[j * c + m] += delta * delta / 4;
      }
      const Pr = psdSqrt(S, d), Qr = psdSqrt(T, c);
      for (let i = 0; i < d; i++) Pr[i * d + i] -= delta / 2;
      for (let j = 0; j < c; j++) Qr[j * c + j] += delta / 2;
      // The eigen reference loses digits on small eigenvalues (√ of a rounded value, measured 3e-9 at δ = 0);
      // δ = 0 with d ≠ c makes ββᵀ or βᵀβ singular (√ of a rounded 0 is ~1e-8): 1e-7 there, 1e-8 otherwise.
      const tol = delta === 0 && d !== c ? 1e-7 : 1e-8;
      expect(relErr(P, Pr)).toBeLessThan(tol);
      expect(relErr(Q, Qr)).toBeLessThan(tol);
    }
  });
});
