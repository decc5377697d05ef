/**
 * Runs a relu2 experiment batch by batch and checkpoint by checkpoint, in chunks: Relu2Sim.advance
 * submits a few GD steps at a time and yields between submissions, so the page stays responsive. Cancel
 * aborts at the next chunk and keeps the batch's GPU state; run() again resumes where it stopped.
 *
 * Step 0: the symmetrised init has f ≡ 0 and θ = θ₀, so the metrics there are exact closed forms
 * (train loss = mean y², test loss = mean y_test², H = S = ‖θ − θ₀‖ = δ drift = 0) and need no GPU pass.
 *
 * Time estimate: the measured cost per network-step (inside advance) and per network-metric evaluation
 * (readMetrics + trail readback), times the work left.
 */
import type { Relu2Params } from '../../theory/index.ts';
import type { ProgressCallback } from '../../models/relu2/sim.ts';
import type { Relu2SimSpec } from '../../models/relu2/spec.ts';
import { batchSize, batchSpec, totalWork, type Relu2Experiment } from './grid.ts';
import type { NetworkSample, Relu2Results } from './results.ts';

/** What the runner needs of an ensemble: Relu2Sim (GPU) and CpuRelu2Backend (f64 fallback) both fit. */
export interface Relu2Backend {
  readonly stepCount: number;
  advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void>;
  readMetrics(): Promise<NetworkSample[]>;
  readParams(): Promise<(Relu2Params & { diverged: boolean })[]>;
  destroy(): void;
}

/** Creates the ensemble of one batch. */
export type Relu2BackendFactory = (spec: Relu2SimSpec) => Promise<Relu2Backend>;

/** Run states: idle (not started), running, cancelled (resumable), done, error. */
export type RunState = 'idle' | 'running' | 'cancelled' | 'done' | 'error';

/** A snapshot of the run for the progress bar, tests and the HUD. */
export interface RunProgress {
  state: RunState;
  /** Current batch (0-based; = batches when done) and batch count. */
  batch: number;
  batches: number;
  /** GD steps of the current batch so far, and its last checkpoint. */
  step: number;
  lastStep: number;
  /** Checkpoints completed over all batches, and in total (batches × checkpoints). */
  checkpointsDone: number;
  checkpointsTotal: number;
  /** Fraction of the estimated work done, in [0, 1]. */
  fraction: number;
  /** Network-steps per second of GD (measured), or 0 before a measurement. */
  networkStepsPerSecond: number;
  /** Seconds spent running (cancelled time excluded). */
  elapsedSeconds: number;
  /** Estimated seconds left, or null before the first measurement. */
  etaSeconds: number | null;
  /** Error message in state 'error'. */
  error?: string;
}

/** Callbacks of a runner. */
export interface RunnerHooks {
  /** After checkpoint index c of batch b is stored in the results. */
  onCheckpoint?(batch: number, c: number): void;
  /** After each chunk (and on state changes). */
  onProgress?(p: RunProgress): void;
}

/** The chunked, cancellable, resumable run of one experiment. */
export class Relu2Runner {
  private state: RunState = 'idle';
  private batch = 0;
  private cp = 0;
  private backend: Relu2Backend | null = null;
  private spec: Relu2SimSpec | null = null;
  private abort: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();
  private error: string | undefined;
  private stepMs = 0;
  private stepWork = 0;
  private metricMs = 0;
  private metricWork = 0;
  private activeMs = 0;
  private activeSince = 0;
  private checkpointsDone = 0;
  private readonly work: { steps: number; metrics: number };

  constructor(readonly experiment: Relu2Experiment, readonly results: Relu2Results, private readonly factory: Relu2BackendFactory,
    private readonly hooks: RunnerHooks = {}) {
    this.work = totalWork(experiment);
  }

  /**
   * Starts, or resumes after cancel(). Resolves when the run is done, cancelled or failed (see
   * progress.state); never rejects. No-op while running or when done.
   */
  run(): Promise<void> {
    if (this.state === 'running' || this.state === 'done') return this.loop;
    this.abort = new AbortController();
    this.state = 'running';
    this.error = undefined;
    this.activeSince = performance.now();
    this.loop = this.execute(this.abort.signal);
    return this.loop;
  }

  /** Stops at the next chunk boundary; the current batch's state is kept for run() to resume. */
  cancel(): void {
    if (this.state === 'running') this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Cancels and frees the ensemble once the loop has stopped. */
  destroy(): Promise<void> {
    this.cancel();
    return this.loop.then(() => { this.backend?.destroy(); this.backend = null; });
  }

  /** Current progress snapshot. */
  get progress(): RunProgress {
    const e = this.experiment;
    const last = e.checkpoints[e.checkpoints.length - 1];
    let stepsDone = 0, metricsDone = 0;
    for (let b = 0; b < Math.min(this.batch, e.batches.length); b++) { stepsDone += batchSize(e, b) * last; metricsDone += batchSize(e, b) * (e.checkpoints.length - 1); }
    if (this.batch < e.batches.length) {
      stepsDone += batchSize(e, this.batch) * (this.backend?.stepCount ?? 0);
      metricsDone += batchSize(e, this.batch) * Math.max(0, this.cp - 1);
    }
    const stepCost = this.stepWork ? this.stepMs / this.stepWork : null;
    const metricCost = this.metricWork ? this.metricMs / this.metricWork : 0;
    const remaining = stepCost === null ? null
      : ((this.work.steps - stepsDone) * stepCost + (this.work.metrics - metricsDone) * metricCost) / 1000;
    const doneMs = stepCost === null ? 0 : stepsDone * stepCost + metricsDone * metricCost;
    const fraction = this.state === 'done' ? 1 : remaining === null ? stepsDone / Math.max(1, this.work.steps)
      : doneMs / Math.max(1e-9, doneMs + remaining * 1000);
    const elapsed = this.activeMs + (this.state === 'running' ? performance.now() - this.activeSince : 0);
    return {
      state: this.state, batch: this.batch, batches: e.batches.length, step: this.backend?.stepCount ?? (this.state === 'done' ? last : 0),
      lastStep: last, checkpointsDone: this.checkpointsDone, checkpointsTotal: e.batches.length * e.checkpoints.length,
      fraction: Math.min(1, Math.max(0, fraction)), networkStepsPerSecond: stepCost ? 1000 / stepCost : 0,
      elapsedSeconds: elapsed / 1000, etaSeconds: this.state === 'done' ? 0 : remaining, error: this.error,
    };
  }

  private emit(): void { this.hooks.onProgress?.(this.progress); }

  private async execute(signal: AbortSignal): Promise<void> {
    const e = this.experiment;
    const S = e.seeds.length;
    try {
      this.emit();
      while (this.batch < e.batches.length) {
        const q0 = e.batches[this.batch].start * S;
        const N = batchSize(e, this.batch);
        if (!this.backend) {
          this.spec = batchSpec(e, this.batch);
          this.backend = await this.factory(this.spec);
        }
        const backend = this.backend;
        while (this.cp < e.checkpoints.length) {
          const target = e.checkpoints[this.cp];
          if (target === 0) {
            this.recordInitial(q0);
          } else {
            let lastDone = 0, lastT = performance.now();
            await backend.advance(target - backend.stepCount, (done) => {
              const t = performance.now();
              this.stepMs += t - lastT;
              this.stepWork += N * (done - lastDone);
              lastDone = done;
              lastT = t;
              this.emit();
            }, signal);
            const t0 = performance.now();
            const metrics = await backend.readMetrics();
            metrics.forEach((m, i) => this.results.set(q0 + i, this.cp, m));
            if (this.results.trails) (await backend.readParams()).forEach((p, i) => this.results.setTrail(q0 + i, this.cp, p));
            this.metricMs += performance.now() - t0;
            this.metricWork += N;
          }
          this.cp++;
          this.checkpointsDone++;
          this.hooks.onCheckpoint?.(this.batch, this.cp - 1);
          this.emit();
        }
        backend.destroy();
        this.backend = null;
        this.spec = null;
        this.batch++;
        this.cp = 0;
      }
      this.finish('done');
    } catch (err) {
      if (signal.aborted) {
        this.finish('cancelled');
      } else {
        this.error = err instanceof Error ? err.message : String(err);
        this.finish('error');
      }
    }
  }

  private finish(state: RunState): void {
    this.activeMs += performance.now() - this.activeSince;
    this.state = state;
    this.emit();
  }

  /** Step-0 metrics and trails from θ₀ (exact for the symmetrised init; see the file comment). */
  private recordInitial(q0: number): void {
    const spec = this.spec!;
    const meanSquare = (v: ArrayLike<number> | undefined) => {
      if (!v || v.length === 0) return NaN;
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * v[i];
      return s / v.length;
    };
    const losses = spec.datasets.map((ds) => ({ train: meanSquare(ds.y), test: meanSquare(ds.ytest) }));
    spec.networks.forEach((net, i) => {
      const l = losses[net.dataIndex];
      this.results.set(q0 + i, this.cp, {
        trainLoss: l.train, testLoss: l.test, hamming: 0, paramDistance: 0, kernelDistance: 0, deltaDrift: 0, diverged: false,
      });
      this.results.setTrail(q0 + i, this.cp, net.init);
    });
  }
}
