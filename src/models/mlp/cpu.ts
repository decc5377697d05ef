/**
 * The mlp plugin's run description (`MlpJob`, what a backend needs) and its f64 CPU backend (`MlpCpuBackend`, a
 * ModelBackend over src/theory/mlp*.ts). Both backends train the same networks: θ₀ from init.ts heInit (or explicit),
 * minibatches from init.ts BatchSampler seeded with the network's seed (explicit networks: their index).
 */
import type { ModelBackend, ProgressCallback } from '../plugin.ts';
import type { MlpArch, MlpLoss } from '../../theory/mlp.ts';
import { MlpTrainer, type MlpOptimizer } from '../../theory/mlpOptim.ts';
import { MlpProbe, mlpMetricsAt, type MlpMetrics } from '../../theory/mlpMetrics.ts';
import type { MlpDataset } from './data.ts';
import { BatchSampler } from './init.ts';

/** One network of a job: θ₀ (mlpLayout's order), logit scale τ, training rows (the first trainSize), sampler seed. */
export interface MlpJobNetwork { theta0: Float64Array; tau: number; trainSize: number; samplerSeed: number }

/**
 * Everything a backend needs to train an ensemble (units: steps). `totalSteps` is the run's T of the cosine schedule;
 * `batchSize` null is the full batch; the probe set is the first `probe` training rows; |θ_i| > bound is divergence.
 */
export interface MlpJob {
  arch: MlpArch; loss: MlpLoss; optimizer: MlpOptimizer; totalSteps: number; bound: number;
  batchSize: number | null; probe: number; data: MlpDataset; networks: MlpJobNetwork[];
}

/** A network's checkpoint record with its divergence flag. */
export type MlpRecord = MlpMetrics & { diverged: boolean };

/** Yields to the event loop (a page or a CLI's signal handlers stay live). */
const yieldNow = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** f64 CPU backend: one MlpTrainer per network, stepped network by network in chunks of ~50 ms. */
export class MlpCpuBackend implements ModelBackend<MlpRecord> {
  readonly kind = 'cpu' as const;
  private readonly trainers: MlpTrainer[];
  private readonly samplers: (BatchSampler | null)[];
  private probes: (MlpProbe | null)[];

  /** @throws Error naming the network when trainSize or probe exceed the data. */
  constructor(readonly job: MlpJob) {
    const { data } = job;
    this.trainers = job.networks.map((n, i) => {
      if (n.trainSize > data.n) throw new Error(`network ${i}: trainSize ${n.trainSize} exceeds the ${data.n} training rows`);
      return new MlpTrainer({ arch: job.arch, loss: job.loss, optimizer: job.optimizer, totalSteps: job.totalSteps, bound: job.bound }, n.theta0, n.tau, { X: data.X, labels: data.labels, trainSize: n.trainSize });
    });
    this.samplers = job.networks.map((n) => (job.batchSize === null || job.batchSize >= n.trainSize ? null : new BatchSampler(n.trainSize, job.batchSize, n.samplerSeed)));
    this.probes = job.networks.map(() => null);
  }

  get count(): number { return this.trainers.length; }
  get stepCount(): number { return this.trainers[0]?.stepCount ?? 0; }

  /** Advances every network by `steps`; progress in network-steps of this call. */
  async advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void> {
    const total = steps * this.count;
    let done = 0, last = Date.now();
    for (let i = 0; i < this.count; i++) {
      const t = this.trainers[i], s = this.samplers[i];
      this.probeOf(i); // K₀ and the patterns at θ₀, before the first step
      for (let k = 0; k < steps; k++) {
        t.step(s ? s.next() : null);
        done++;
        if (Date.now() - last > 50) {
          signal?.throwIfAborted();
          onProgress?.(done, total);
          await yieldNow();
          last = Date.now();
        }
      }
    }
    signal?.throwIfAborted();
    onProgress?.(total, total);
  }

  private probeOf(i: number): MlpProbe {
    const n = this.job.networks[i];
    return (this.probes[i] ??= new MlpProbe(this.job.arch, n.theta0, this.job.data.X, this.job.probe, n.tau));
  }

  /** Every network's metrics now (test metrics NaN without a test set). */
  async readMetrics(signal?: AbortSignal): Promise<MlpRecord[]> {
    const { arch, loss, data } = this.job;
    const out: MlpRecord[] = [];
    for (let i = 0; i < this.count; i++) {
      signal?.throwIfAborted();
      const t = this.trainers[i];
      const ev = { X: data.X, labels: data.labels, trainSize: t.data.trainSize, Xtest: data.Xtest, labelsTest: data.labelsTest, testSize: data.nTest };
      out.push({ ...mlpMetricsAt(arch, loss, t.tau, ev, this.probeOf(i), t.theta0, t.theta, t.stepCount), diverged: t.diverged });
      if (i % 16 === 15) await yieldNow();
    }
    return out;
  }

  /** Final θ of network i (mlpLayout's order). */
  theta(i: number): Float64Array { return this.trainers[i].theta; }

  destroy(): void { this.trainers.length = 0; this.probes = []; }
}
