/**
 * The seam between the mlp plugin's run (run.ts, an {@link MlpJob}) and the GPU ensemble trainer of
 * src/models/mlp/gpu/ (`MlpGpuBackend.create(ctx, job)`, whose {@link MlpGpuJob} this builds). The GPU trains exactly the CPU backend's networks: the same θ₀, logit
 * scale τ with learning rate × 1/τ² (lrScale), and the same minibatch rows, taken from each network's BatchSampler.
 */
import type { MlpJob } from './cpu.ts';
import { BatchSampler } from './init.ts';
import type { MlpGpuJob } from './gpu/job.ts';

/**
 * The GPU job of an MlpJob. A minibatch job needs b ≤ every network's trainSize (the GPU holds B rows per network
 * and step; the CPU takes the full batch when b ≥ trainSize). `batches` must be called for consecutive step ranges
 * from step 0 (the samplers are streams). @throws Error naming batchSize when some trainSize is below b.
 */
export function mlpGpuJobOf(job: MlpJob): MlpGpuJob {
  const o = job.optimizer;
  const optimizer: MlpGpuJob['optimizer'] = o.name === 'sgd'
    ? { name: 'sgd', lr: o.lr, momentum: o.momentum, ...(o.schedule === 'cosine' ? { schedule: 'cosine' as const, decayFraction: o.decayFraction } : {}) }
    : { name: 'adamw', lr: o.lr, betas: [o.betas[0], o.betas[1]], weightDecay: o.weightDecay };
  const b = job.batchSize;
  const out: MlpGpuJob = {
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
