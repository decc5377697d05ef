/**
 * The one runner of every model's app, over the backend interface of src/models/plugin.ts, in two modes:
 *
 * - checkpoint runs ({@link RunPlan}): batch by batch (one ensemble each) and checkpoint by checkpoint,
 *   in chunks: the backend's advance() submits a few steps at a time and yields between submissions, so
 *   the page stays responsive. Cancel aborts at the next chunk and keeps the batch's state; run() again
 *   resumes where it stopped. Progress has a fraction and an ETA: the measured cost per network-step
 *   (inside advance) and per network-checkpoint (the plan's record hook), times the work left.
 * - live animation ({@link Runner.live}): advance k steps per animation frame (at most one advance in
 *   flight, at most {@link Runner.stepBudget} steps), pause/play and single steps, a frame hook for
 *   drawing, and suspend/resume around a device loss (docs/architecture.md "Device loss").
 *
 * Model specifics (closed forms at step 0, what is read at a checkpoint) come in as the plan's hooks.
 */
import type { ModelBackend } from '../models/plugin.ts';

/** What the runner needs of an ensemble (a {@link ModelBackend} fits). */
export type SteppedBackend = Pick<ModelBackend, 'stepCount' | 'advance' | 'destroy'>;

/** A checkpoint run: batches of networks, each one backend, advanced to each checkpoint in turn. */
export interface RunPlan<B extends SteppedBackend> {
  /** Number of batches. */
  readonly batches: number;
  /** Networks in batch b (the unit of network-steps). */
  batchSize(b: number): number;
  /** Step counts at which `record` is called, ascending (0 allowed: see `initial`). */
  readonly checkpoints: readonly number[];
  /** Total work: network-steps, and network-checkpoints read (for the fraction and the ETA). */
  readonly work: { steps: number; metrics: number };
  /** Creates the ensemble of batch b. */
  create(b: number): Promise<B>;
  /**
   * Reads and stores checkpoint c of batch b from its backend (timed as metric work). `signal` is the run's
   * cancel signal: a long read should reject with its reason when aborted (run() then redoes checkpoint c).
   */
  record(backend: B, b: number, c: number, signal?: AbortSignal): Promise<void>;
  /** Stores checkpoint c = step 0 of batch b without a pass (a closed form); absent: step 0 is recorded like the others. */
  initial?(b: number, c: number): void;
}

/** Run states: idle (not started), running, cancelled (resumable), done, error. */
export type RunState = 'idle' | 'running' | 'cancelled' | 'done' | 'error';

/** A snapshot of the run for the progress bar, tests and the HUD. */
export interface RunProgress {
  state: RunState;
  /** Current batch (0-based; = batches when done) and batch count. */
  batch: number;
  batches: number;
  /** Steps of the current batch so far, and its last checkpoint. */
  step: number;
  lastStep: number;
  /** Checkpoints completed over all batches, and in total (batches × checkpoints). */
  checkpointsDone: number;
  checkpointsTotal: number;
  /** Fraction of the estimated work done, in [0, 1]. */
  fraction: number;
  /** Network-steps per second (measured), or 0 before a measurement. */
  networkStepsPerSecond: number;
  /** Seconds spent running (cancelled time excluded). */
  elapsedSeconds: number;
  /** Estimated seconds left, or null before the first measurement. */
  etaSeconds: number | null;
  /** Checkpoint mode, while running: advancing ('steps') or reading a checkpoint ('metrics', e.g. the O(n²) kernel pass). */
  phase?: 'steps' | 'metrics';
  /** Error message in state 'error'. */
  error?: string;
}

/** Callbacks of a checkpoint run. */
export interface RunnerHooks {
  /** After checkpoint index c of batch b is stored. */
  onCheckpoint?(batch: number, c: number): void;
  /** After each chunk (and on state changes). */
  onProgress?(p: RunProgress): void;
}

/** Callbacks of a live run. */
export interface LiveHooks {
  /** Steps per animation frame (read every frame, so an edit applies at once). */
  stepsPerFrame(): number;
  /** Every animation frame, after the advance was queued: draw, read summaries. */
  onFrame(now: number): void;
  /** When an advance of `steps` completed at `now` (performance.now()), e.g. for a rate meter. */
  onAdvanced?(steps: number, now: number): void;
}

/**
 * Live mode: the completion time one frame's advance should take (ms); the per-frame step budget adapts
 * to it. It includes Chrome's onSubmittedWorkDone latency (tens of ms, see src/models/relu2/app/index.ts),
 * so it must sit well above that, or the budget would stall at a few steps on a small ensemble.
 */
export const LIVE_TARGET_MS = 100;
/** Live mode: the step budget of the first frame (and after {@link Runner.resetBudget}). */
const LIVE_START_BUDGET = 4;
/**
 * Live mode: every this many advances one is a single step, which measures the fixed cost of an advance
 * (the frame's rendering shares the queue, plus the onSubmittedWorkDone latency); the budget adapts to
 * the time above it, so a costly render cannot shrink the steps of a cheap ensemble to one per frame.
 */
const LIVE_PROBE_EVERY = 8;
/**
 * Live mode: the budget never drops below this many steps (or steps per frame, if fewer): on a software
 * adapter the frame's rendering makes the probes' times noisy by hundreds of ms, which would otherwise
 * read as a cost per step and starve a cheap ensemble.
 */
const LIVE_MIN_BUDGET = 16;

/** The chunked, cancellable, resumable run of a plan, or a live animation (see the file comment). */
export class Runner<B extends SteppedBackend = SteppedBackend> {
  private state: RunState = 'idle';
  private batch = 0;
  private cp = 0;
  private backend: B | null = null;
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
  private phase: 'steps' | 'metrics' = 'steps';
  private liveSource: (() => B) | null = null;
  private liveHooks: LiveHooks | null = null;
  private inFlight = false;
  private suspended = false;
  /** Bumped by suspend(): an advance of an older generation (a lost device's) is ignored when it settles. */
  private generation = 0;
  private budget = LIVE_START_BUDGET;
  /** Live mode: advances so far (every LIVE_PROBE_EVERY-th is a 1-step probe) and the last probes' times (ms). */
  private advances = 0;
  private probesMs: number[] = [];
  /** Live mode: smoothed time per step above the fixed cost (ms), or null before a measurement. */
  private perStepMs: number | null = null;

  /** A checkpoint run of `plan` (start it with {@link run}); see {@link Runner.live} for animation. */
  constructor(private readonly plan: RunPlan<B> | null, private readonly hooks: RunnerHooks = {}) {}

  /**
   * A live run: every animation frame, while playing and no advance is in flight, advances the current
   * backend (`source()`, so a rebuilt ensemble is picked up) by stepsPerFrame() steps. Starts playing.
   */
  static live<B extends SteppedBackend>(source: () => B, hooks: LiveHooks): Runner<B> {
    const runner = new Runner<B>(null);
    runner.liveSource = source;
    runner.liveHooks = hooks;
    runner.state = 'running';
    runner.activeSince = performance.now();
    requestAnimationFrame(runner.frame);
    return runner;
  }

  /** Live mode: whether frames advance the ensemble. */
  get playing(): boolean { return this.state === 'running'; }

  /** Live mode: plays or pauses. */
  setPlaying(playing: boolean): void {
    if (playing === this.playing || this.state === 'done') return;
    if (playing) this.activeSince = performance.now();
    else this.activeMs += performance.now() - this.activeSince;
    this.state = playing ? 'running' : 'cancelled';
  }

  /** Live mode: advances `steps` steps now (e.g. single step while paused); nothing while suspended. */
  step(steps: number): Promise<void> {
    return this.liveSource && !this.suspended ? this.liveSource().advance(steps) : Promise.resolve();
  }

  /**
   * Live mode: the most steps one frame queues now. It starts small and adapts to the measured completion
   * time of each advance above the fixed cost a 1-step probe measures (doubling below {@link LIVE_TARGET_MS},
   * shrinking in proportion above 2.5 times it), so a large steps-per-frame never queues more GPU work
   * than keeps the page responsive (issue 11), and a slow render does not starve a cheap ensemble.
   */
  get stepBudget(): number { return this.budget; }

  /** Live mode: restarts the step budget (a new ensemble has a new cost per step). */
  resetBudget(): void {
    this.budget = LIVE_START_BUDGET;
    this.advances = 0;
    this.perStepMs = null;
  }

  /**
   * Live mode: stops queueing work and calling onFrame at once (the device was lost); an advance in flight
   * is forgotten. {@link resume} restarts the frames on the (rebuilt) source.
   */
  suspend(): void {
    this.suspended = true;
    this.generation++;
    this.inFlight = false;
  }

  /** Live mode: ends {@link suspend}; the step budget restarts. */
  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.resetBudget();
  }

  /** Live mode: true between {@link suspend} and {@link resume}. */
  get isSuspended(): boolean { return this.suspended; }

  /**
   * Checkpoint mode, after a device loss: stops at once (the abort reason says so), drops the batch's
   * backend (its GPU state is gone) and rewinds the batch to its first checkpoint, so run() redoes it on
   * a new device from θ₀; the batches finished before are kept (their results were read back). Live mode:
   * {@link suspend}.
   * @returns the state before the loss ('running' or 'error': the caller resumes; 'cancelled': the user stopped it).
   */
  async deviceLost(): Promise<RunState> {
    if (!this.plan) { this.suspend(); return this.state; }
    const before = this.state;
    if (before === 'running') this.abort?.abort(new DOMException('device lost', 'AbortError'));
    await this.loop;
    try { this.backend?.destroy(); } catch { /* its device is gone */ }
    this.backend = null;
    this.checkpointsDone -= this.batch < this.plan.batches ? this.cp : 0;
    if (this.batch < this.plan.batches) this.cp = 0;
    if (this.state === 'error') this.state = 'cancelled';
    this.error = undefined;
    this.emit();
    return before;
  }

  /**
   * Checkpoint mode: starts, or resumes after cancel(). Resolves when the run is done, cancelled or
   * failed (see progress.state); never rejects. No-op while running or when done. Live mode: plays.
   */
  run(): Promise<void> {
    if (!this.plan) { this.setPlaying(true); return Promise.resolve(); }
    if (this.state === 'running' || this.state === 'done') return this.loop;
    this.abort = new AbortController();
    this.state = 'running';
    this.error = undefined;
    this.activeSince = performance.now();
    this.loop = this.execute(this.plan, this.abort.signal);
    return this.loop;
  }

  /** Stops at the next chunk boundary, keeping the current batch's state for run() to resume (live: pauses). */
  cancel(): void {
    if (!this.plan) this.setPlaying(false);
    else if (this.state === 'running') this.abort?.abort(new DOMException('cancelled', 'AbortError'));
  }

  /** Cancels and frees the ensemble once the loop has stopped (live: stops the frame loop; the app owns the backend). */
  destroy(): Promise<void> {
    if (!this.plan) { this.setPlaying(false); this.state = 'done'; return Promise.resolve(); }
    this.cancel();
    return this.loop.then(() => { this.backend?.destroy(); this.backend = null; });
  }

  /** Current progress snapshot (live mode: one batch, step = the backend's step count, no ETA). */
  get progress(): RunProgress {
    const elapsed = this.activeMs + (this.state === 'running' ? performance.now() - this.activeSince : 0);
    if (!this.plan) {
      const step = this.liveSource?.().stepCount ?? 0;
      return {
        state: this.state, batch: 0, batches: 1, step, lastStep: Infinity, checkpointsDone: 0, checkpointsTotal: 0, fraction: 0,
        networkStepsPerSecond: 0, elapsedSeconds: elapsed / 1000, etaSeconds: null,
      };
    }
    const plan = this.plan;
    const cps = plan.checkpoints;
    const last = cps[cps.length - 1];
    let stepsDone = 0, metricsDone = 0;
    for (let b = 0; b < Math.min(this.batch, plan.batches); b++) { stepsDone += plan.batchSize(b) * last; metricsDone += plan.batchSize(b) * (cps.length - 1); }
    if (this.batch < plan.batches) {
      stepsDone += plan.batchSize(this.batch) * (this.backend?.stepCount ?? 0);
      metricsDone += plan.batchSize(this.batch) * Math.max(0, this.cp - 1);
    }
    const stepCost = this.stepWork ? this.stepMs / this.stepWork : null;
    const metricCost = this.metricWork ? this.metricMs / this.metricWork : 0;
    const remaining = stepCost === null ? null
      : ((plan.work.steps - stepsDone) * stepCost + (plan.work.metrics - metricsDone) * metricCost) / 1000;
    const doneMs = stepCost === null ? 0 : stepsDone * stepCost + metricsDone * metricCost;
    const fraction = this.state === 'done' ? 1 : remaining === null ? stepsDone / Math.max(1, plan.work.steps)
      : doneMs / Math.max(1e-9, doneMs + remaining * 1000);
    return {
      state: this.state, batch: this.batch, batches: plan.batches, step: this.backend?.stepCount ?? (this.state === 'done' ? last : 0),
      lastStep: last, checkpointsDone: this.checkpointsDone, checkpointsTotal: plan.batches * cps.length,
      fraction: Math.min(1, Math.max(0, fraction)), networkStepsPerSecond: stepCost ? 1000 / stepCost : 0,
      elapsedSeconds: elapsed / 1000, etaSeconds: this.state === 'done' ? 0 : remaining, error: this.error,
      phase: this.state === 'running' ? this.phase : undefined,
    };
  }

  private emit(): void { this.hooks.onProgress?.(this.progress); }

  private async execute(plan: RunPlan<B>, signal: AbortSignal): Promise<void> {
    try {
      this.emit();
      while (this.batch < plan.batches) {
        const N = plan.batchSize(this.batch);
        if (!this.backend) this.backend = await plan.create(this.batch);
        const backend = this.backend;
        while (this.cp < plan.checkpoints.length) {
          const target = plan.checkpoints[this.cp];
          if (target === 0 && plan.initial) {
            plan.initial(this.batch, this.cp);
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
            this.phase = 'metrics';
            this.emit();
            await plan.record(backend, this.batch, this.cp, signal);
            this.phase = 'steps';
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
    this.phase = 'steps';
    this.activeMs += performance.now() - this.activeSince;
    this.state = state;
    this.emit();
  }

  private readonly frame = (now: number): void => {
    if (this.state === 'done' || !this.liveSource || !this.liveHooks) return;
    requestAnimationFrame(this.frame);
    if (this.suspended) return;
    const hooks = this.liveHooks;
    if (this.playing && !this.inFlight) {
      const probe = this.advances++ % LIVE_PROBE_EVERY === 0;
      const steps = probe ? 1 : Math.max(1, Math.min(hooks.stepsPerFrame(), Math.max(LIVE_MIN_BUDGET, Math.floor(this.budget))));
      const generation = this.generation;
      const t0 = performance.now();
      this.inFlight = true;
      const settled = (ok: boolean) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        if (!ok) return;
        const t = performance.now();
        if (probe) this.probesMs = [...this.probesMs.slice(-4), t - t0];
        else this.adaptBudget(steps, t - t0);
        hooks.onAdvanced?.(steps, t);
      };
      this.liveSource().advance(steps).then(() => settled(true), (err: unknown) => {
        settled(false);
        if (generation === this.generation) console.error(err);
      });
    }
    hooks.onFrame(now);
  };

  /**
   * See {@link stepBudget}. `ms`: the advance's completion time. The fixed cost is the median of the last
   * five 1-step probes; the time per step above it is smoothed (weight 1/4 per advance of ≥ 4 steps), and
   * the budget moves towards LIVE_TARGET_MS / (time per step), at most doubling per advance.
   */
  private adaptBudget(steps: number, ms: number): void {
    const sorted = [...this.probesMs].sort((x, y) => x - y);
    const overhead = sorted.length ? sorted[sorted.length >> 1] : 0;
    if (steps >= 4) {
      const perStep = Math.max(0, ms - overhead) / steps;
      this.perStepMs = this.perStepMs === null ? perStep : 0.75 * this.perStepMs + 0.25 * perStep;
    }
    const target = this.perStepMs ? LIVE_TARGET_MS / this.perStepMs : Infinity;
    const grow = steps >= Math.floor(this.budget) ? 2 * this.budget : this.budget;
    this.budget = Math.max(LIVE_MIN_BUDGET, Math.min(1e9, grow, target));
  }

}
