/**
 * The f64 MLP reference (src/theory/mlp.ts, mlpOptim.ts, mlpMetrics.ts; docs/theory.md §4–§5) against the independent
 * numpy fixture tests/fixtures/mlp_train.json (every case, every checkpoint, every metric), its gradients against
 * central finite differences, and single optimiser steps against hand-computed PyTorch-convention updates.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mlpLayout, mlpLossGrad, mlpNtkGram, type MlpArch, type MlpLoss } from '../../src/theory/mlp.ts';
import { learningRateAt, MlpTrainer, newOptimizerState, optimizerStep, type MlpOptimizer } from '../../src/theory/mlpOptim.ts';
import { MlpProbe, mlpMetricsAt, type MlpMetrics } from '../../src/theory/mlpMetrics.ts';

interface FixtureCase {
  name: string; layers: number[]; loss: MlpLoss; optimizer: Record<string, unknown>;
  X: number[][]; labels: number[]; Xtest: number[][]; labelsTest: number[]; weights: number[][][];
  probe: number; steps: number; checkpoints: number[]; records: MlpMetrics[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/mlp_train.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

const flat = (rows: number[][]) => Float64Array.from(rows.flat());
const optOf = (o: Record<string, unknown>): MlpOptimizer => (o.name === 'sgd'
  ? { name: 'sgd', lr: o.lr as number, momentum: (o.momentum as number) ?? 0, schedule: 'constant', decayFraction: 1 }
  : { name: 'adamw', lr: o.lr as number, betas: o.betas as [number, number], weightDecay: o.weightDecay as number });

/** Runs a fixture case on the reference; records at its checkpoints. */
function runCase(k: FixtureCase): MlpMetrics[] {
  const arch: MlpArch = { layers: k.layers, bias: false };
  const theta0 = Float64Array.from(k.weights.flat(2));
  const X = flat(k.X), Xtest = flat(k.Xtest);
  const trainer = new MlpTrainer({ arch, loss: k.loss, optimizer: optOf(k.optimizer), totalSteps: k.steps, bound: 1e6 }, theta0, 1, { X, labels: k.labels, trainSize: k.labels.length });
  const probe = new MlpProbe(arch, theta0, X, k.probe, 1);
  const data = { X, labels: k.labels, trainSize: k.labels.length, Xtest, labelsTest: k.labelsTest, testSize: k.labelsTest.length };
  const out: MlpMetrics[] = [];
  for (const c of k.checkpoints) {
    while (trainer.stepCount < c) trainer.step(null);
    out.push(mlpMetricsAt(arch, k.loss, 1, data, probe, theta0, trainer.theta, c));
  }
  return out;
}

const rel = (x: number, ref: number) => Math.abs(x - ref) / Math.max(Math.abs(ref), 1e-300);

describe('mlp reference vs the numpy fixture (explicit weights, full batch, layers [6, 16, 16, 3], 200 steps)', () => {
  // f64 against f64: losses, ‖θ − θ₀‖ within 1e-9 relative; S within 1e-9 absolute (S is a small difference of O(1)
  // numbers); accuracies and Hamming exactly (counts over 24 rows and 12 × 32 units: a flipped sign would show as 1/384).
  it.each(fixture.cases.map((k) => [k.name, k] as const))('%s: every checkpoint and metric', (_n, k) => {
    const got = runCase(k);
    const worst = { loss: 0, S: 0, dist: 0 };
    got.forEach((g, i) => {
      const r = k.records[i];
      expect(g.step).toBe(r.step);
      for (const key of ['trainLoss', 'testLoss'] as const) {
        worst.loss = Math.max(worst.loss, rel(g[key], r[key]));
        expect(rel(g[key], r[key]), `${key} at ${r.step}`).toBeLessThan(1e-9);
      }
      expect(g.trainAccuracy).toBe(r.trainAccuracy);
      expect(g.testAccuracy).toBe(r.testAccuracy);
      expect(g.hamming).toBe(r.hamming);
      worst.S = Math.max(worst.S, Math.abs(g.kernelDistance - r.kernelDistance));
      expect(Math.abs(g.kernelDistance - r.kernelDistance), `S at ${r.step}`).toBeLessThan(1e-9);
      const dd = r.paramDistance === 0 ? g.paramDistance : rel(g.paramDistance, r.paramDistance);
      worst.dist = Math.max(worst.dist, dd);
      expect(dd, `‖θ − θ₀‖ at ${r.step}`).toBeLessThan(1e-9);
    });
    console.log(`${k.name}: worst rel loss ${worst.loss.toExponential(1)}, |ΔS| ${worst.S.toExponential(1)}, rel ‖θ−θ₀‖ ${worst.dist.toExponential(1)}`);
  });
});

/** Deterministic pseudo-random numbers in (−0.7, 0.7) from a sine hash (no generator needed). */
const pseudo = (i: number) => Math.sin(12.9898 * i + 78.233) * 0.7;

describe('mlp gradients against central finite differences', () => {
  const cases: [string, MlpArch, MlpLoss, number][] = [
    ['CE, no bias, depth 3', { layers: [5, 7, 6, 4], bias: false }, 'cross-entropy', 1],
    ['MSE, biases, depth 2, τ = 0.7', { layers: [4, 9, 3], bias: true }, 'mse', 0.7],
    ['CE, biases, depth 4, τ = 2', { layers: [3, 5, 5, 4, 3], bias: true }, 'cross-entropy', 2],
  ];
  it.each(cases)('%s: every ∂L/∂θ within 1e-7·(1 + |g|) (h = 1e-6, O(h²) error)', (_n, arch, loss, tau) => {
    const { size } = mlpLayout(arch);
    const theta = Float64Array.from({ length: size }, (_, i) => pseudo(i));
    const n = 10, d0 = arch.layers[0], C = arch.layers[arch.layers.length - 1];
    const X = Float64Array.from({ length: n * d0 }, (_, i) => pseudo(1000 + i) * 2);
    const labels = Array.from({ length: n }, (_, i) => i % C);
    const rows = [3, 1, 4, 1, 5, 9, 2, 6];
    const { grad } = mlpLossGrad(arch, theta, X, labels, rows, loss, tau);
    const h = 1e-6;
    for (let i = 0; i < size; i++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[i] += h; tm[i] -= h;
      const fd = (mlpLossGrad(arch, tp, X, labels, rows, loss, tau).loss - mlpLossGrad(arch, tm, X, labels, rows, loss, tau).loss) / (2 * h);
      expect(Math.abs(grad[i] - fd), `θ[${i}]`).toBeLessThan(1e-7 * (1 + Math.abs(fd)));
    }
  });

  it('the NTK Gram equals Σ_o J_o J_oᵀ from finite-difference Jacobians (τ = 1.5, biases)', () => {
    const arch: MlpArch = { layers: [3, 4, 5, 2], bias: true };
    const { size } = mlpLayout(arch);
    const theta = Float64Array.from({ length: size }, (_, i) => pseudo(7 * i + 3));
    const P = 4, X = Float64Array.from({ length: P * 3 }, (_, i) => pseudo(500 + i) * 2), tau = 1.5;
    const K = mlpNtkGram(arch, theta, X, P, tau);
    // f_o(x_i) = τ u_o by a naive forward pass (independent of mlpForward)
    const out = (th: Float64Array, i: number, o: number) => {
      let hcur = Array.from(X.subarray(i * 3, i * 3 + 3));
      mlpLayout(arch).slots.forEach((s, l, all) => {
        const z = Array.from({ length: s.nOut }, (_, a) => hcur.reduce((acc, x, b) => acc + th[s.w + a * s.nIn + b] * x, th[s.b + a]));
        hcur = l < all.length - 1 ? z.map((v) => Math.max(v, 0)) : z;
      });
      return tau * hcur[o];
    };
    const J = Array.from({ length: P * 2 }, () => new Float64Array(size));
    for (let p = 0; p < size; p++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[p] += 1e-6; tm[p] -= 1e-6;
      for (let i = 0; i < P; i++) for (let o = 0; o < 2; o++) J[i * 2 + o][p] = (out(tp, i, o) - out(tm, i, o)) / 2e-6;
    }
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
      let ref = 0;
      for (let o = 0; o < 2; o++) for (let p = 0; p < size; p++) ref += J[i * 2 + o][p] * J[j * 2 + o][p];
      expect(Math.abs(K[i * P + j] - ref), `K[${i}][${j}]`).toBeLessThan(1e-6 * (1 + Math.abs(ref)));
    }
  });
});

describe('optimiser steps against hand-computed PyTorch-convention updates', () => {
  const theta0 = [0.5, -1.0, 2.0];
  const g1 = Float64Array.from([0.1, -0.2, 0.3]), g2 = Float64Array.from([-0.4, 0.05, 0.2]);
  it('SGD momentum 0.9, lr 0.1: buf₁ = g₁, buf₂ = 0.9 g₁ + g₂', () => {
    const opt: MlpOptimizer = { name: 'sgd', lr: 0.1, momentum: 0.9, schedule: 'constant', decayFraction: 1 };
    const th = Float64Array.from(theta0), st = newOptimizerState(opt, 3);
    optimizerStep(opt, st, th, g1, 0, 0.1);
    optimizerStep(opt, st, th, g2, 1, 0.1);
    // by hand: θ₁ = θ₀ − 0.1 g₁; buf₂ = 0.9 g₁ + g₂ = (−0.31, −0.13, 0.47); θ₂ = θ₁ − 0.1 buf₂
    expect(Array.from(th).map((x) => +x.toFixed(12))).toEqual([0.5 - 0.01 + 0.031, -1.0 + 0.02 + 0.013, 2.0 - 0.03 - 0.047].map((x) => +x.toFixed(12)));
  });
  it('AdamW lr 0.01, β = (0.9, 0.98), wd 0.5: two steps by hand (bias-corrected, decoupled decay, ε = 1e-8)', () => {
    const opt: MlpOptimizer = { name: 'adamw', lr: 0.01, betas: [0.9, 0.98], weightDecay: 0.5 };
    const th = Float64Array.from(theta0), st = newOptimizerState(opt, 3);
    optimizerStep(opt, st, th, g1, 0, 0.01);
    optimizerStep(opt, st, th, g2, 1, 0.01);
    theta0.forEach((p0, i) => {
      let p = p0 * (1 - 0.005);
      const m1 = 0.1 * g1[i], v1 = 0.02 * g1[i] ** 2;
      p -= 0.01 * (m1 / 0.1) / (Math.sqrt(v1 / 0.02) + 1e-8); // = 0.01·sign(g₁) up to ε
      p *= 1 - 0.005;
      const m2 = 0.9 * m1 + 0.1 * g2[i], v2 = 0.98 * v1 + 0.02 * g2[i] ** 2;
      p -= 0.01 * (m2 / (1 - 0.81)) / (Math.sqrt(v2 / (1 - 0.9604)) + 1e-8);
      expect(Math.abs(th[i] - p), `θ[${i}]`).toBeLessThan(1e-15);
    });
  });
  it('cosine schedule: η at t = 0, half-way through the decay, at and after f·T; ÷ τ²', () => {
    const opt: MlpOptimizer = { name: 'sgd', lr: 6.4, momentum: 0.9, schedule: 'cosine', decayFraction: 0.8 };
    expect(learningRateAt(opt, 0, 100, 1)).toBe(6.4);
    expect(learningRateAt(opt, 40, 100, 1)).toBeCloseTo(3.2, 12);
    expect(learningRateAt(opt, 80, 100, 1)).toBeCloseTo(0, 12);
    expect(learningRateAt(opt, 99, 100, 1)).toBeCloseTo(0, 12);
    expect(learningRateAt(opt, 40, 100, 2)).toBeCloseTo(0.8, 12);
    expect(learningRateAt({ ...opt, schedule: 'constant' }, 99, 100, 1)).toBe(6.4);
  });
});
