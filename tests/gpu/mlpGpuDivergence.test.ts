/**
 * Divergence and refusals of the GPU mlp trainer (src/models/mlp/gpu/backend.ts): a network whose loss or
 * gradient becomes non-finite is flagged and frozen at its last finite state while the others train on exactly as
 * alone (the numpy fixture's records, the tolerances of tests/gpu/mlpGpu.test.ts); bad jobs are refused with a
 * message naming the field before any GPU buffer is created.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLimitError, type GpuContext } from '../../src/gpu/device.ts';
import { MlpGpuBackend } from '../../src/models/mlp/gpu/backend.ts';
import type { MlpGpuJob } from '../../src/models/mlp/gpu/job.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

const cases = JSON.parse(readFileSync(new URL('../fixtures/mlp_train.json', import.meta.url), 'utf8')).cases;

function job(c: (typeof cases)[number], lrScales: number[]): MlpGpuJob {
  return {
    layers: c.layers, loss: c.loss, optimizer: c.optimizer, train: { X: c.X.flat(), labels: c.labels },
    test: { X: c.Xtest.flat(), labels: c.labelsTest }, batchSize: 'full', probe: c.probe,
    networks: lrScales.map((lrScale) => ({ params: c.weights.flat(2), lrScale })),
  };
}
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('mlp GPU divergence', () => {
  for (const [index, scale] of [[0, 1e4], [2, 1e5]] as const) {
    it(`${cases[index].name}: lr × ${scale} diverges, is flagged and frozen at a finite state; its neighbours match the fixture`, async () => {
      const c = cases[index];
      const backend = await MlpGpuBackend.create(ctx, job(c, [1, scale, 1]));
      await backend.advance(200);
      const metrics = await backend.readMetrics();
      const params = await backend.readParams();
      expect(metrics.map((m) => m.diverged)).toEqual([false, true, false]);
      expect(params[1].diverged).toBe(true);
      expect(params[1].stepsTaken).toBeLessThan(200);
      expect(metrics[1].stepsTaken).toBe(params[1].stepsTaken);
      expect(params[1].params.every(Number.isFinite), 'frozen at a finite state').toBe(true);
      const want = c.records[c.records.length - 1];
      for (const e of [0, 2]) {
        expect(metrics[e].stepsTaken).toBe(200);
        expect(rel(metrics[e].trainLoss, want.trainLoss)).toBeLessThanOrEqual(1e-3);
        expect(rel(metrics[e].paramDistance, want.paramDistance)).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(metrics[e].kernelDistance - want.kernelDistance)).toBeLessThanOrEqual(1e-3);
      }
      await backend.advance(20);
      const later = await backend.readParams();
      expect(later[1].params).toEqual(params[1].params);
      expect(later[1].stepsTaken).toBe(params[1].stepsTaken);
      expect(later[0].stepsTaken).toBe(220);
      // The frozen state is the state after its last finite step: the same network alone, advanced stepsTaken steps
      // (the kernels do each network's arithmetic alike whatever the ensemble, so bit for bit).
      const alone = await MlpGpuBackend.create(ctx, job(c, [scale]));
      await alone.advance(params[1].stepsTaken);
      const [reference] = await alone.readParams();
      expect(reference.diverged).toBe(false);
      expect(params[1].params).toEqual(reference.params);
      alone.destroy();
      console.info(`${c.name}, lr × ${scale}: froze after ${params[1].stepsTaken} steps, max |θ| ${Math.max(...params[1].params.map(Math.abs)).toExponential(2)}`);
      backend.destroy();
    });
  }
});

describe('mlp GPU divergence bound', () => {
  // A network whose step takes some |θ_i| above the bound freezes whole at the state before that step, as the f64
  // trainer does: not a mix of the in-bound new values and the old ones (the one-pass update wrote the in-bound ones).
  it('a step that crosses the bound is not written at all: the frozen state is the same network advanced stepsTaken steps without a bound', async () => {
    const c = cases[0];
    const bound = 1.5 * Math.max(...c.weights.flat(2).map(Math.abs));
    const bounded = await MlpGpuBackend.create(ctx, { ...job(c, [30]), bound });
    await bounded.advance(200);
    const [frozen] = await bounded.readParams();
    expect(frozen.diverged).toBe(true);
    expect(frozen.stepsTaken).toBeLessThan(200);
    const free = await MlpGpuBackend.create(ctx, job(c, [30]));
    await free.advance(frozen.stepsTaken);
    const [reference] = await free.readParams();
    expect(reference.diverged).toBe(false);
    expect(Math.max(...frozen.params.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(frozen.params).toEqual(reference.params);
    console.info(`bound ${bound.toFixed(3)}: froze after ${frozen.stepsTaken} steps`);
    bounded.destroy();
    free.destroy();
  });
});

describe('mlp GPU job refusals', () => {
  const c = cases[0];
  const bad: [string, (j: MlpGpuJob) => void, RegExp][] = [
    ['depth 7', (j) => { j.layers = [6, 8, 8, 8, 8, 8, 8, 3]; }, /job\.layers .*depth ≤ 6/],
    ['width 513', (j) => { j.layers = [6, 513, 16, 3]; }, /job\.layers\[1\] must be an integer in 1 … 512/],
    ['params length', (j) => { j.networks[0].params = [1, 2, 3]; }, /job\.networks\[0\]\.params must hold 400 numbers/],
    ['non-finite θ₀', (j) => { j.networks[0].params = Array.from(j.networks[0].params, (v, i) => (i === 5 ? NaN : v)); }, /job\.networks\[0\]\.params\[5\] must be finite/],
    ['label range', (j) => { j.train.labels = Array.from(j.train.labels, (v, i) => (i === 2 ? 3 : v)); }, /job\.train\.labels\[2\] must be an integer in 0 … 2/],
    ['X length', (j) => { j.test!.X = [1]; }, /job\.test\.X must hold labels\.length × 6/],
    ['probe > 256', (j) => { j.probe = 300; }, /job\.probe must be an integer in 1 … 24/],
    ['trainSize', (j) => { j.networks[0].trainSize = 25; }, /job\.networks\[0\]\.trainSize must be an integer in 1 … 24/],
    ['tau', (j) => { j.networks[0].tau = 0; }, /job\.networks\[0\]\.tau must be > 0/],
    ['lr', (j) => { j.optimizer = { name: 'sgd', lr: -1 }; }, /job\.optimizer\.lr must be > 0/],
    ['cosine without T', (j) => { j.optimizer = { name: 'sgd', lr: 1, schedule: 'cosine' }; }, /job\.totalSteps must be an integer ≥ 1/],
    ['betas', (j) => { j.optimizer = { name: 'adamw', lr: 1, betas: [0.9, 1], weightDecay: 0 }; }, /job\.optimizer\.betas/],
    ['batches missing', (j) => { j.batchSize = 4; }, /job\.batches must be a function/],
    ['loss', (j) => { (j as { loss: string }).loss = 'hinge'; }, /job\.loss must be "cross-entropy" or "mse"/],
  ];
  for (const [name, edit, message] of bad) {
    it(`${name}: refused naming the field, nothing allocated`, async () => {
      const j = job(c, [1]);
      edit(j);
      let created = 0;
      const device = new Proxy(ctx.device, {
        get(target, key) {
          const v = Reflect.get(target, key, target);
          if (key === 'createBuffer') return (d: GPUBufferDescriptor) => { created++; return target.createBuffer(d); };
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      await expect(MlpGpuBackend.create({ ...ctx, device }, j)).rejects.toThrow(message);
      expect(created).toBe(0);
    });
  }

  it('a device below the kernels\' limits is a DeviceLimitError naming the limit', async () => {
    for (const [key, value] of [['maxStorageBuffersPerShaderStage', 6], ['maxComputeInvocationsPerWorkgroup', 128], ['maxComputeWorkgroupStorageSize', 4096]] as const) {
      const limits: Record<string, number> = {};
      for (const k in ctx.limits) limits[k] = ctx.limits[k as keyof GPUSupportedLimits] as number;
      limits[key] = value;
      await expect(MlpGpuBackend.create({ ...ctx, limits: limits as unknown as GPUSupportedLimits }, job(c, [1]))).rejects.toThrow(new RegExp(`${key} ≥ \\d+; this device has ${value}`));
    }
  });

  it('a job over the device\'s storage binding size is a DeviceLimitError naming the buffer', async () => {
    const limits: Record<string, number> = {};
    for (const key in ctx.limits) limits[key] = ctx.limits[key as keyof GPUSupportedLimits] as number;
    limits.maxStorageBufferBindingSize = 4096;
    const run = MlpGpuBackend.create({ ...ctx, limits: limits as unknown as GPUSupportedLimits }, job(c, [1, 1, 1]));
    await expect(run).rejects.toThrow(DeviceLimitError);
    await expect(MlpGpuBackend.create({ ...ctx, limits: limits as unknown as GPUSupportedLimits }, job(c, [1, 1, 1]))).rejects.toThrow(/mlp params \(3 networks\) needs 4800 B .*maxStorageBufferBindingSize/);
  });
});
