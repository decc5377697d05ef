/**
 * Issue 14 "Done means": the GPU mlp ensemble trainer (src/models/mlp/gpu/backend.ts, float32) against the
 * independent numpy fixture tests/fixtures/mlp_train.json (f64; explicit weights, full batch, layers [6, 16, 16, 3],
 * 200 steps; SGD with momentum + cross-entropy at α = 1 and 4, plain GD + squared error, AdamW + cross-entropy) at
 * steps 0, 1, 10, 50, 200. Tolerances (the issue's): train and test loss 1e-3 relative, kernel distance 1e-3
 * absolute, Hamming 0.02 absolute, ‖θ − θ₀‖ 1e-3 relative; accuracy within one sample (an f32 near-tie may flip).
 * Both product kernels (shaders/mlp/mlpMatmul.wgsl.ts: 'tiled' for GPUs, 'direct' for CPU adapters).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { MlpGpuBackend } from '../../src/models/mlp/gpu/backend.ts';
import type { MlpGpuJob, MlpGpuOptimizer } from '../../src/models/mlp/gpu/job.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

interface FixtureRecord {
  step: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number;
  kernelDistance: number; hamming: number; paramDistance: number;
}
interface FixtureCase {
  name: string; layers: number[]; loss: 'cross-entropy' | 'mse'; optimizer: MlpGpuOptimizer;
  X: number[][]; labels: number[]; Xtest: number[][]; labelsTest: number[]; weights: number[][][];
  probe: number; steps: number; checkpoints: number[]; records: FixtureRecord[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/mlp_train.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

/** The fixture case as a GPU job of `copies` identical networks. */
export function fixtureJob(c: FixtureCase, copies = 1): MlpGpuJob {
  const params = c.weights.flatMap((W) => W.flat());
  return {
    layers: c.layers, loss: c.loss, optimizer: c.optimizer, totalSteps: c.steps,
    train: { X: c.X.flat(), labels: c.labels }, test: { X: c.Xtest.flat(), labels: c.labelsTest },
    networks: Array.from({ length: copies }, () => ({ params })), batchSize: 'full', probe: c.probe,
  };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe.each(['direct', 'tiled'] as const)('mlp GPU trainer (%s products) against the numpy fixture', (matmul) => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const backend = await MlpGpuBackend.create(ctx, fixtureJob(c, 2), { matmul });
      const worst = { loss: 0, S: 0, H: 0, dtheta: 0 };
      for (const r of c.records) {
        await backend.advance(r.step - backend.stepCount);
        const got = await backend.readMetrics();
        expect(got).toHaveLength(2);
        for (const m of got) {
          expect(m.step).toBe(r.step);
          expect(m.diverged).toBe(false);
          expect(m.stepsTaken).toBe(r.step);
          worst.loss = Math.max(worst.loss, rel(m.trainLoss, r.trainLoss), rel(m.testLoss, r.testLoss));
          worst.S = Math.max(worst.S, Math.abs(m.kernelDistance - r.kernelDistance));
          worst.H = Math.max(worst.H, Math.abs(m.hamming - r.hamming));
          expect(rel(m.trainLoss, r.trainLoss), `train loss at ${r.step}`).toBeLessThanOrEqual(1e-3);
          expect(rel(m.testLoss, r.testLoss), `test loss at ${r.step}`).toBeLessThanOrEqual(1e-3);
          expect(Math.abs(m.trainAccuracy - r.trainAccuracy), `train accuracy at ${r.step}`).toBeLessThanOrEqual(1 / c.labels.length + 1e-12);
          expect(Math.abs(m.testAccuracy - r.testAccuracy), `test accuracy at ${r.step}`).toBeLessThanOrEqual(1 / c.labelsTest.length + 1e-12);
          expect(Math.abs(m.kernelDistance - r.kernelDistance), `S at ${r.step}`).toBeLessThanOrEqual(1e-3);
          expect(Math.abs(m.hamming - r.hamming), `Hamming at ${r.step}`).toBeLessThanOrEqual(0.02);
          if (r.step === 0) expect(m.paramDistance).toBe(0);
          else {
            worst.dtheta = Math.max(worst.dtheta, rel(m.paramDistance, r.paramDistance));
            expect(rel(m.paramDistance, r.paramDistance), `‖θ − θ₀‖ at ${r.step}`).toBeLessThanOrEqual(1e-3);
          }
        }
      }
      console.info(`${matmul}, ${c.name}: worst rel loss ${worst.loss.toExponential(2)}, |ΔS| ${worst.S.toExponential(2)}, |ΔH| ${worst.H.toExponential(2)}, rel ‖Δθ‖ ${worst.dtheta.toExponential(2)}`);
      backend.destroy();
    });
  }
});
