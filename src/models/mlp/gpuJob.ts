/**
 * The seam between the mlp plugin's run (run.ts, an {@link MlpJob}) and the GPU ensemble trainer of
 * src/models/mlp/gpu/ (helper mlpgpu's `MlpGpuBackend.create(ctx, job)`, whose job this builds, structurally typed
 * so that this file compiles without it). The GPU trains exactly the CPU backend's networks: the same θ₀, logit
 * scale τ with learning rate × 1/τ² (lrScale), and the same minibatch rows, taken from each network's BatchSampler.
 */
import type { MlpJob } from './cpu.ts';
import { BatchSampler } from './init.ts';

/** The GPU trainer's job (the fields of mlpgpu's MlpGpuJob that the plugin sets). */
export interface MlpGpuJobLike {
  layers: number[]; bias: boolean; loss: 'cross-entropy' | 'mse';
  optimizer: { name: 'sgd'; lr: number; momentum: number; schedule?: 'cosine'; decayFraction?: number }
    | { name: 'adamw'; lr: number; betas: [number, number]; weightDecay: number };
  totalSteps: number;
  bound: number;
  train: { X: Float64Array; labels: Int32Array };
  test?: { X: Float64Array; labels: Int32Array };
  networks: { params: Float64Array; trainSize: number; tau: number; lrScale: number }[];
  batchSize: number | 'full';
  /** Rows of steps [start, start + count), layout [count][E][B] (network-major within a step); called in step order. */
  batches?: (start: number, count: number) => Uint32Array;
  batchShared: boolean;
  probe: number;
}

/**
 * The GPU job of an MlpJob. A minibatch job needs b ≤ every network's trainSize (the GPU holds B rows per network
 * and step; the CPU takes the full batch when b ≥ trainSize). `batches` must be called for consecutive step ranges
 * from step 0 (the samplers are streams). @throws Error naming batchSize when some trainSize is below b.
 */
export function mlpGpuJobOf(job: MlpJob): MlpGpuJobLike {
  const o = job.optimizer;
  const optimizer: MlpGpuJobLike['optimizer'] = o.name === 'sgd'
    ? { name: 'sgd', lr: o.lr, momentum: o.momentum, ...(o.schedule === 'cosine' ? { schedule: 'cosine' as const, decayFraction: o.decayFraction } : {}) }
    : { name: 'adamw', lr: o.lr, betas: [o.betas[0], o.betas[1]], weightDecay: o.weightDecay };
  const b = job.batchSize;
  const out: MlpGpuJobLike = {
    layers: [...job.arch.layers], bias: job.arch.bias, loss: job.loss, optimizer, totalSteps: job.totalSteps, bound: job.bound,
    train: { X: job.data.X, labels: job.data.labels },
    ...(job.data.nTest > 0 ? { test: { X: job.data.Xtest, labels: job.data.labelsTest } } : {}),
    networks: job.networks.map((n) => ({ params: n.theta0, trainSize: n.trainSize, tau: n.tau, lrScale: 1 / (n.tau * n.tau) })),
    batchSize: b === null ? 'full' : b, batchShared: false, probe: job.probe,
  };
  if (b !== null) {
    const small = job.networks.findIndex((n) => n.trainSize < b);
    if (small >= 0) throw new Error(`batchSize: the GPU backend needs b = ${b} ≤ every trainSize; network ${small} has ${job.networks[small].trainSize} (use "full" or a smaller batch)`);
    const samplers = job.networks.map((n) => new BatchSampler(n.trainSize, b, n.samplerSeed));
    let next = 0;
    out.batches = (start, count) => {
      if (start !== next) throw new Error(`batches: steps are drawn in order; expected start ${next}, got ${start}`);
      next = start + count;
      const E = samplers.length, rows = new Uint32Array(count * E * b);
      for (let k = 0; k < count; k++) samplers.forEach((s, e) => rows.set(s.next(), (k * E + e) * b));
      return rows;
    };
  }
  return out;
}
