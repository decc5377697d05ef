/**
 * The GPU mlp trainer (src/models/mlp/gpu/backend.ts, f32) against the compact f64 reference of tests/gpu/mlpGpuRef.ts
 * beyond the fixture: host-supplied minibatches (per network and shared), biases, per-network trainSize, τ and lr
 * scale, the cosine schedule, depth 5, widths that span several 64-wide tiles and a probe of 40 inputs (two tiles).
 * Tolerances as the fixture test (issue 14): loss 1e-3 relative, S 1e-3, Hamming 0.02, ‖θ − θ₀‖ 1e-3 relative;
 * accuracy within one sample. The reference itself is first checked against the numpy fixture (1e-9).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { MlpGpuBackend } from '../../src/models/mlp/gpu/backend.ts';
import { mlpParamCount, type MlpGpuJob } from '../../src/models/mlp/gpu/job.ts';
import type { MatmulKind } from '../../shaders/mlp/mlpMatmul.wgsl.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';
import { referenceTrain, type RefRecord } from './mlpGpuRef.ts';

/** Deterministic uniform [0, 1) stream (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** He-uniform-ish θ₀ of these widths (job layout; biases small). */
export function randomParams(layers: number[], bias: boolean, r: () => number): number[] {
  const p: number[] = [];
  for (let l = 1; l < layers.length; l++) {
    const s = Math.sqrt(6 / layers[l - 1]);
    for (let i = 0; i < layers[l] * layers[l - 1]; i++) p.push((2 * r() - 1) * s);
    if (bias) for (let i = 0; i < layers[l]; i++) p.push(0.1 * (2 * r() - 1));
  }
  return p;
}

/** A random classification set: n rows of d inputs, labels in 0 … c − 1. */
export function randomSet(n: number, d: number, c: number, r: () => number) {
  return { X: Array.from({ length: n * d }, () => 2 * r() - 1), labels: Array.from({ length: n }, () => Math.floor(r() * c)) };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

/** Runs `job` on the GPU and the reference and compares at `checkpoints`. */
async function compare(job: MlpGpuJob, checkpoints: number[], name: string, matmul: MatmulKind): Promise<void> {
  const refs = referenceTrain(job, checkpoints);
  const backend = await MlpGpuBackend.create(ctx, job, { initialWork: 1, matmul }); // one step per submission first: chunking is exercised
  const worst = { loss: 0, S: 0, H: 0, dtheta: 0 };
  for (const [c, step] of checkpoints.entries()) {
    await backend.advance(step - backend.stepCount);
    const got = await backend.readMetrics();
    got.forEach((m, e) => {
      const r: RefRecord = refs[e][c];
      const at = `${name} network ${e} step ${step}`;
      expect(m.diverged, at).toBe(false);
      expect(rel(m.trainLoss, r.trainLoss), `train loss, ${at}`).toBeLessThanOrEqual(1e-3);
      expect(rel(m.testLoss, r.testLoss), `test loss, ${at}`).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(m.trainAccuracy - r.trainAccuracy), `train accuracy, ${at}`).toBeLessThanOrEqual(1 / (job.networks[e].trainSize ?? job.train.labels.length) + 1e-12);
      expect(Math.abs(m.testAccuracy - r.testAccuracy), `test accuracy, ${at}`).toBeLessThanOrEqual(1 / job.test!.labels.length + 1e-12);
      expect(Math.abs(m.kernelDistance - r.kernelDistance), `S, ${at}`).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(m.hamming - r.hamming), `Hamming, ${at}`).toBeLessThanOrEqual(0.02);
      if (step > 0) expect(rel(m.paramDistance, r.paramDistance), `‖θ − θ₀‖, ${at}`).toBeLessThanOrEqual(1e-3);
      worst.loss = Math.max(worst.loss, rel(m.trainLoss, r.trainLoss), rel(m.testLoss, r.testLoss));
      worst.S = Math.max(worst.S, Math.abs(m.kernelDistance - r.kernelDistance));
      worst.H = Math.max(worst.H, Math.abs(m.hamming - r.hamming));
      if (step > 0) worst.dtheta = Math.max(worst.dtheta, rel(m.paramDistance, r.paramDistance));
    });
  }
  const final = refs.map((r) => r[r.length - 1]);
  expect(final.some((r) => r.paramDistance > 0.1), 'the networks moved').toBe(true);
  console.info(`${matmul}, ${name}: worst rel loss ${worst.loss.toExponential(2)}, |ΔS| ${worst.S.toExponential(2)}, |ΔH| ${worst.H.toExponential(2)}, rel ‖Δθ‖ ${worst.dtheta.toExponential(2)}; S at the end ${final.map((r) => r.kernelDistance.toFixed(4)).join(', ')}`);
  backend.destroy();
}

describe('the f64 reference', () => {
  it('the reference reproduces the numpy fixture (its check)', () => {
    const c = JSON.parse(readFileSync(new URL('../fixtures/mlp_train.json', import.meta.url), 'utf8')).cases[0];
    const job: MlpGpuJob = {
      layers: c.layers, loss: c.loss, optimizer: c.optimizer, train: { X: c.X.flat(), labels: c.labels },
      test: { X: c.Xtest.flat(), labels: c.labelsTest }, networks: [{ params: c.weights.flat(2) }], batchSize: 'full', probe: c.probe,
    };
    const got = referenceTrain(job, [0, 10])[0];
    for (const [i, r] of got.entries()) {
      const want = c.records[i === 0 ? 0 : 2];
      for (const key of ['trainLoss', 'testLoss', 'kernelDistance', 'hamming', 'paramDistance', 'trainAccuracy'] as const) {
        expect(Math.abs(r[key] - want[key]), key).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[key])));
      }
    }
  });

});

describe.each(['direct', 'tiled'] as const)('mlp GPU trainer (%s products), minibatches, against the f64 reference', (matmul) => {
  it('at the stated limits: depth 6, widths 512, biases, full batch', async () => {
    const r = rng(3);
    const layers = [7, 512, 512, 512, 512, 512, 3];
    const job: MlpGpuJob = {
      layers, bias: true, loss: 'cross-entropy', optimizer: { name: 'sgd', lr: 0.02, momentum: 0.5 }, train: randomSet(6, 7, 3, r),
      test: randomSet(3, 7, 3, r), probe: 3, batchSize: 'full',
      networks: [0, 1].map(() => ({ params: randomParams(layers, true, r).map((v) => v * 0.8) })),
    };
    await compare(job, [0, 1, 3], 'limits', matmul);
  });

  it('SGD momentum + cosine, cross-entropy, biases, per-network batches, trainSize, τ and lr scale; widths 37, 70; probe 40', async () => {
    const r = rng(7);
    const layers = [5, 37, 70, 4];
    const sizes = [60, 45, 41];
    const B = 8;
    const job: MlpGpuJob = {
      layers, bias: true, loss: 'cross-entropy', optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, schedule: 'cosine', decayFraction: 0.5 },
      totalSteps: 30, train: randomSet(60, 5, 4, r), test: randomSet(16, 5, 4, r), probe: 40, batchSize: B, batchShared: false,
      networks: sizes.map((trainSize, e) => ({ params: randomParams(layers, true, r), trainSize, tau: [1, 2, 0.5][e], lrScale: [1, 0.25, 4][e] })),
      batches: (start, count) => {
        const out = new Uint32Array(count * sizes.length * B);
        for (let s = 0; s < count; s++) {
          const draw = rng(1000 + start + s);
          for (let e = 0; e < sizes.length; e++) for (let i = 0; i < B; i++) out[(s * sizes.length + e) * B + i] = Math.floor(draw() * sizes[e]);
        }
        return out;
      },
    };
    expect(job.networks[0].params.length).toBe(mlpParamCount(layers, true));
    await compare(job, [0, 1, 7, 30], 'sgd-cosine', matmul);
  });

  it('AdamW, squared error, depth 5, shared minibatches', async () => {
    const r = rng(11);
    const layers = [6, 9, 20, 9, 11, 3];
    const B = 6;
    const job: MlpGpuJob = {
      layers, loss: 'mse', optimizer: { name: 'adamw', lr: 0.01, betas: [0.9, 0.98], weightDecay: 0.5 }, totalSteps: 25,
      train: randomSet(30, 6, 3, r), test: randomSet(12, 6, 3, r), probe: 12, batchSize: B,
      networks: Array.from({ length: 4 }, (_, e) => ({ params: randomParams(layers, false, r).map((v, i) => (i < 54 ? v / (e + 1) : v)) })),
      batches: (start, count) => {
        const out = new Uint32Array(count * B);
        for (let s = 0; s < count; s++) { const draw = rng(500 + start + s); for (let i = 0; i < B; i++) out[s * B + i] = Math.floor(draw() * 30); }
        return out;
      },
    };
    await compare(job, [0, 2, 25], 'adamw-mse', matmul);
  });
});
