/**
 * The analysis passes that run beside one single-neuron sim in the app: observables (ν, μ, loss, S, t_ε,
 * t_S), the theory error against the closed form (XX = σ²I only), the implicit-bias prediction (singular
 * XX only) and the recorder of the selected trajectories. Readbacks are "latest wins": a new one starts
 * only when the previous one has landed, so a slow adapter never queues up work.
 */
import type { GpuContext } from '../../../gpu/device.ts';
import type { LogHistogramSummary } from '../../../gpu/logHistogram.ts';
import { ImplicitBiasPass, isSingular } from '../implicitBias.ts';
import { ObservablesPass, type ObservableTable } from '../observables.ts';
import { SelectionRecorder, type RecordedSeries } from '../recorder.ts';
import type { SingleNeuronSim } from '../sim.ts';
import { TheoryErrorPass, type TheoryErrorSummary } from '../theoryError.ts';
import { identityScale, symmetricEigen } from '../../../theory/index.ts';
import { createBuffer } from '../../../gpu/buffers.ts';
import { classifyAll, type RegimeRule } from '../regimes.ts';
import { SINGULAR_REL_TOL } from '../implicitBias.ts';

/** Latest results, each null until its first readback. */
export interface AnalysisResults {
  theoryError: TheoryErrorSummary | null;
  limitDistance: LogHistogramSummary | null;
  /** All observables and the flags, read together (for the regime map). */
  observables: { table: ObservableTable; flags: Uint32Array } | null;
  series: RecordedSeries[];
}

/** Thresholds of the observables: ε for t_ε, S_th for t_S. */
export interface AnalysisSettings { epsilon: number; kernelThreshold: number }

/** Runs a readback unless one of the same kind is still pending ("latest wins"). */
class LatestWins<T> {
  private pending = false;
  value: T | null = null;
  request(read: () => Promise<T>): void {
    if (this.pending) return;
    this.pending = true;
    // A failed read (a lost device or crashed GPU process: the shell recovers) keeps the last value.
    void read().then((v) => { this.value = v; }, (e: unknown) => console.warn('readback failed:', e)).finally(() => { this.pending = false; });
  }
}

/** Analysis of one sim; destroy it with the sim. */
export class Analysis {
  readonly observables: ObservablesPass;
  readonly theoryError: TheoryErrorPass | null;
  readonly implicitBias: ImplicitBiasPass | null;
  readonly recorder: SelectionRecorder;
  /** f32 × n: regime index per trajectory (REGIMES order), uploaded after each observables readback. */
  readonly regimes: GPUBuffer;
  private readonly errorReads = new LatestWins<TheoryErrorSummary>();
  private readonly limitReads = new LatestWins<LogHistogramSummary>();
  private readonly tableReads = new LatestWins<{ table: ObservableTable; flags: Uint32Array }>();
  private readonly seriesReads = new LatestWins<RecordedSeries[]>();
  private nextRecordTime = 0;

  constructor(private readonly ctx: GpuContext, readonly sim: SingleNeuronSim, private settings: AnalysisSettings) {
    this.observables = new ObservablesPass(ctx, sim);
    this.regimes = createBuffer(ctx.device, 'Analysis.regimes', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * sim.n);
    this.recorder = new SelectionRecorder(ctx, sim.n, this.observables);
    this.theoryError = hasClosedForm(sim.ensemble.data.XX) ? new TheoryErrorPass(ctx, sim) : null;
    this.implicitBias = isSingular(sim.ensemble.data.XX) ? new ImplicitBiasPass(ctx, sim) : null;
    this.observables.run(settings.epsilon, settings.kernelThreshold);
    this.implicitBias?.run();
  }

  /** Changes ε or S_th; the running t_ε, t_S keep what they recorded so far. */
  setSettings(settings: AnalysisSettings): void { this.settings = settings; }

  /**
   * After the sim advanced: update the observables and record the selection (GPU only, no readback).
   * @param theoryErrorField also refresh the per-trajectory theory error (for colouring by it).
   */
  afterSteps(theoryErrorField = false): void {
    this.observables.run(this.settings.epsilon, this.settings.kernelThreshold);
    if (this.sim.time >= this.nextRecordTime) this.recordNow();
    if (theoryErrorField && this.sim.config.method !== 'exact') this.theoryError?.run();
  }

  /**
   * Records the selection's current sample (the observables of the last pass) and schedules the next one
   * {@link recordGap} later. Call after a selection change, so the series start at the current time (t = 0
   * for a fresh ensemble).
   */
  recordNow(): void {
    this.recorder.record(this.sim.time);
    this.nextRecordTime = this.sim.time + recordGap(this.sim.time);
  }

  /** Uploads the regime classes of the latest observables readback (for colouring the portrait by regime). */
  uploadRegimes(rule: RegimeRule): void {
    const latest = this.tableReads.value;
    if (!latest) return;
    const classes = classifyAll(latest.table.timeToKernelMove, latest.flags, rule, latest.table.timeToEpsilon);
    this.ctx.device.queue.writeBuffer(this.regimes, 0, Float32Array.from(classes));
  }

  /** Orthonormal basis of null(XX) (empty for full rank), for drawing the set of interpolants (docs/theory.md §1.5). */
  nullBasis(): number[][] {
    const { values, vectors } = symmetricEigen(this.sim.ensemble.data.XX);
    const top = Math.max(...values.map(Math.abs));
    return vectors.filter((_, k) => Math.abs(values[k]) <= SINGULAR_REL_TOL * top);
  }

  /**
   * Starts the readbacks that are not already in flight.
   * @param wantTable read all observables (n floats × rows; for the regime map) — the costliest.
   */
  requestReadbacks(wantTable: boolean): void {
    if (this.theoryError && this.sim.config.method !== 'exact') this.errorReads.request(() => this.theoryError!.summary());
    if (this.implicitBias) this.limitReads.request(() => this.implicitBias!.distanceSummary());
    if (wantTable) {
      this.tableReads.request(async () => {
        const [table, flags] = await Promise.all([this.observables.read(), this.sim.readFlags()]);
        return { table, flags };
      });
    }
    if (this.recorder.selected.length) this.seriesReads.request(() => this.recorder.read());
  }

  /** The latest results. */
  get results(): AnalysisResults {
    return {
      theoryError: this.sim.config.method === 'exact' ? null : this.errorReads.value,
      limitDistance: this.limitReads.value,
      observables: this.tableReads.value,
      series: this.recorder.selected.length ? this.seriesReads.value ?? [] : [],
    };
  }

  destroy(): void {
    this.observables.destroy();
    this.recorder.destroy();
    this.theoryError?.destroy();
    this.implicitBias?.destroy();
    this.regimes.destroy();
  }
}

/** Least time between two recorded samples (time units). */
export const RECORD_MIN_GAP = 0.05;
/** Relative growth of the gap with t, so the ring (RECORDER.slots = 512) keeps t = 0 until t ≈ 1000. */
export const RECORD_GAP_GROWTH = 0.015;

/**
 * Time until the next recorded sample after time t: max(RECORD_MIN_GAP, RECORD_GAP_GROWTH · t), dense
 * early (where lazy, rich and delayed-rich differ) and log-spaced late: ~100 samples to t = 5, ~350 to
 * t = 200, so a 512-slot ring holds a whole demo from t = 0. Pure.
 */
export function recordGap(t: number): number {
  return Math.max(RECORD_MIN_GAP, RECORD_GAP_GROWTH * Math.max(0, t));
}

/** True when XX = σ²I, the data for which the closed form (docs/theory.md §1.3) exists. */
export function hasClosedForm(XX: number[][]): boolean {
  try {
    identityScale(XX);
    return true;
  } catch {
    return false;
  }
}
