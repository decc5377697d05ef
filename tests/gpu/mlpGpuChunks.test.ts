/**
 * Chunking, cancel and resume of the GPU mlp trainer (src/models/mlp/gpu/backend.ts; the ModelBackend contract of
 * src/models/plugin.ts): an advance aborted between submissions keeps the steps it completed, and resuming reaches
 * bit for bit the state of an uninterrupted run (minibatches included: job.batches is asked for each step once, in
 * order); an aborted readMetrics rejects and leaves the state readable.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { MlpGpuBackend } from '../../src/models/mlp/gpu/backend.ts';
import type { MlpGpuJob } from '../../src/models/mlp/gpu/job.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

const c = JSON.parse(readFileSync(new URL('../fixtures/mlp_train.json', import.meta.url), 'utf8')).cases[0];

/** Fixture case 0 as 3 networks with minibatches of 5 rows (per network, drawn in order); `asked` logs the calls. */
function job(asked: [number, number][]): MlpGpuJob {
  return {
    layers: c.layers, loss: c.loss, optimizer: c.optimizer, train: { X: c.X.flat(), labels: c.labels },
    test: { X: c.Xtest.flat(), labels: c.labelsTest }, probe: c.probe, batchSize: 5, batchShared: false,
    networks: [1, 0.5, 2].map((lrScale) => ({ params: c.weights.flat(2), lrScale })),
    batches: (start, count) => {
      asked.push([start, count]);
      const out = new Uint32Array(count * 3 * 5);
      for (let k = 0; k < count; k++) for (let j = 0; j < 15; j++) out[k * 15 + j] = ((start + k) * 7 + j * 5) % 24; // a function of the step
      return out;
    },
  };
}

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('mlp GPU chunks', () => {
  it('an aborted advance keeps its completed steps; resuming matches an uninterrupted run bit for bit', async () => {
    const whole: [number, number][] = [];
    const straight = await MlpGpuBackend.create(ctx, job(whole));
    await straight.advance(12);
    const want = await straight.readParams();
    straight.destroy();

    const asked: [number, number][] = [];
    const backend = await MlpGpuBackend.create(ctx, job(asked), { initialWork: 1, targetMs: 1e-3 }); // one step per submission
    const abort = new AbortController();
    const progress: number[] = [];
    await expect(backend.advance(12, (done) => { progress.push(done); if (done === 4) abort.abort(new Error('stop')); }, abort.signal)).rejects.toThrow('stop');
    expect(backend.stepCount).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    await backend.advance(8);
    expect(backend.stepCount).toBe(12);
    const got = await backend.readParams();
    got.forEach((g, e) => {
      expect(g.stepsTaken).toBe(12);
      expect(g.params).toEqual(want[e].params);
    });
    // Every step's rows were asked for once, in order.
    const steps = asked.flatMap(([start, count]) => Array.from({ length: count }, (_, k) => start + k));
    expect(steps).toEqual(Array.from({ length: 12 }, (_, k) => k));

    const stop = new AbortController();
    stop.abort(new Error('not now'));
    await expect(backend.readMetrics(stop.signal)).rejects.toThrow('not now');
    const metrics = await backend.readMetrics();
    expect(metrics.map((m) => m.step)).toEqual([12, 12, 12]);
    expect(metrics.every((m) => Number.isFinite(m.trainLoss) && m.paramDistance > 0)).toBe(true);
    backend.destroy();
  });
});
