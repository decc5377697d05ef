import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DOP853_A, DOP853_B, DOP853_C, DOP853_E3, DOP853_E5, integrateAdaptive, integrateSingleNeuronFlow,
} from '../../src/theory/adaptive.ts';
import { exactSingleNeuron } from '../../src/theory/exact.ts';
import { UNIT_RATES } from '../../src/theory/singleNeuron.ts';

interface FlowCase {
  name: string; XX: number[][]; Xy: number[]; delta: number; a0: number; w0: number[];
  times: number[]; a: number[]; w: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/single_neuron_flow.json', import.meta.url), 'utf8')) as { cases: FlowCase[] };

describe('DOP853 coefficients (transcribed from scipy)', () => {
  it('satisfy the row-sum and quadrature order conditions', () => {
    // Row sums Σ_j a_ij = c_i; tolerance 1e-14: coefficients carry ~30 digits, sums of ≤ 11 terms up to |43|.
    DOP853_A.forEach((row, i) => expect(Math.abs(row.reduce((s, x) => s + x, 0) - DOP853_C[i])).toBeLessThan(1e-14));
    // Σ b_i c_i^(k−1) = 1/k for k = 1..8 (order 8); tolerance 1e-14 (|b_i| ≤ 5.8, 12 terms).
    for (let k = 1; k <= 8; k++) {
      const q = DOP853_B.reduce((s, b, i) => s + b * DOP853_C[i] ** (k - 1), 0);
      expect(Math.abs(q - 1 / k)).toBeLessThan(1e-14);
    }
    // Error weights are differences of two consistent methods: they sum to 0.
    expect(Math.abs(DOP853_E5.reduce((s, x) => s + x, 0))).toBeLessThan(1e-14);
    expect(Math.abs(DOP853_E3.reduce((s, x) => s + x, 0))).toBeLessThan(1e-14);
  });

  it('integrates y′ = λy and a rotation to the requested tolerance, hitting each time exactly', () => {
    const times = [0, 0.1, 0.7, 1, 3.3, 10];
    const ys = integrateAdaptive((_t, y) => Float64Array.from([-0.5 * y[0], y[2], -y[1]]), [1, 1, 0], times, { rtol: 1e-12, atol: 1e-14 });
    times.forEach((t, k) => {
      // Global error ≲ (number of steps) × local tolerance; 1e-10 is 100× the rtol with ~O(10) steps.
      expect(Math.abs(ys[k][0] - Math.exp(-0.5 * t))).toBeLessThan(1e-10);
      expect(Math.abs(ys[k][1] - Math.cos(t))).toBeLessThan(1e-10);
      expect(Math.abs(ys[k][2] + Math.sin(t))).toBeLessThan(1e-10);
    });
  });

  it('converges at 8th order: fixed steps (huge rtol, forced by output times) shrink the error ≈ 2⁸ when halved', () => {
    // With rtol = 1 the step is limited only by the output grid, so this is DOP853 with fixed step h.
    const f = (_t: number, y: Float64Array) => Float64Array.from([y[0] * Math.cos(y[0])]);
    const exactRef = integrateAdaptive(f, [1], [0, 2], { rtol: 1e-14, atol: 1e-16 })[1][0];
    const errAt = (n: number) => {
      const times = Array.from({ length: n + 1 }, (_, k) => (2 * k) / n);
      const y = integrateAdaptive(f, [1], times, { rtol: 1, atol: 1 });
      return Math.abs(y[n][0] - exactRef);
    };
    const ratio = errAt(4) / errAt(8);
    // Order 8 ⇒ ratio → 256; accept [128, 512] (pre-asymptotic spread of a factor 2 either way).
    expect(ratio).toBeGreaterThan(128);
    expect(ratio).toBeLessThan(512);
  });

  it('rejects bad input', () => {
    expect(() => integrateAdaptive((_t, y) => y, [1], [0, 2, 1])).toThrow(/ascending/);
    expect(() => integrateAdaptive(() => Float64Array.from([NaN]), [1], [0, 1])).toThrow(/non-finite/);
    expect(() => integrateAdaptive(() => Float64Array.from([1, 2]), [1], [0, 1])).toThrow(/length 2, expected 1/);
  });
});

describe('single-neuron flow against the scipy DOP853 fixture (rtol = atol = 1e-12)', () => {
  // Tolerance |ours − scipy| ≤ 1e-9 |scipy| + 1e-10 per component: both integrators run at ~1e-12 local
  // tolerance over ≲ 100 steps, so each is within ~1e-10 of the truth; 1e-9 leaves a 10× margin.
  let worst = 0;
  for (const c of fixture.cases) {
    it(`adaptive integrator matches ${c.name}`, () => {
      const res = integrateSingleNeuronFlow(c.a0, c.w0, { XX: c.XX, Xy: c.Xy }, UNIT_RATES, c.times);
      c.times.forEach((_t, k) => {
        const ref = [c.a[k], ...c.w[k]];
        const got = [res[k].a, ...res[k].w];
        ref.forEach((r, i) => {
          const err = Math.abs(got[i] - r);
          worst = Math.max(worst, err / (1e-9 * Math.abs(r) + 1e-10));
          expect(err).toBeLessThanOrEqual(1e-9 * Math.abs(r) + 1e-10);
        });
      });
    });
    if (!c.name.startsWith('whitened')) continue;
    it(`exact closed form (§1.3) matches ${c.name}`, () => {
      c.times.forEach((t, k) => {
        const ex = exactSingleNeuron(c.a0, c.w0, c.Xy, c.delta, t);
        const ref = [c.a[k], ...c.w[k]];
        const got = [ex.a, ...ex.w];
        ref.forEach((r, i) => expect(Math.abs(got[i] - r)).toBeLessThanOrEqual(1e-9 * Math.abs(r) + 1e-10));
      });
    });
  }
  it('reports the worst error (fraction of the tolerance)', () => {
    expect(worst).toBeLessThan(1);
  });
});
