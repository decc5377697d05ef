/**
 * The linear2 browser app (docs/theory.md §2, paper Part II): owns the params session, the experiment, the live
 * run (src/app/runner.ts live mode, on the GPU sim or the f64 CPU backend) up to t = tEnd, the host-side f64
 * metrics of every read-back state (metrics.ts), and the panels (panels.ts). Wiring only. Every change is
 * validated (schema, checkParams, the CLI's config parser) before the running experiment is replaced.
 */
import { DeviceLimitError } from '../../../gpu/device.ts';
import { ParamError } from '../../../params/schema.ts';
import { Runner } from '../../../app/runner.ts';
import { showNotice } from '../../../app/notices.ts';
import { download } from '../../../app/download.ts';
import type { AppShell, ParamsSession, ParamsTarget } from '../../plugin.ts';
import { LINEAR2_SCHEMA, LINEAR2_VIEW_FIELDS } from '../params.ts';
import { buildLinear2Experiment, followedNetworks, type Linear2AppParams, type Linear2Experiment } from './experiment.ts';
import { cellMeans, ExactFlow, InitialKernels, MirrorFlowPrediction, networkMetrics, SpectrumHistory, betaOf, type Linear2Metrics } from './metrics.ts';
import { RegimeMapPanel, renderHud, SingularValuePanel, SpectrumPanel, type FollowedCurves } from './panels.ts';
import type { Linear2Stepper } from './cpuBackend.ts';
import { createLinear2Controls, type Linear2Controls } from './controls.ts';
import { exportCsv, exportJson } from './export.ts';
import { frobeniusDistance } from '../../../theory/linear2Metrics.ts';
import { WidthMapPanel } from './widthMap.ts';

/** Builds a backend for an experiment, optionally from given states at a given step count (after a device loss). */
export type Linear2BackendFactory = (e: Linear2Experiment, from?: { states: Float64Array[]; step: number }) => Linear2Stepper;

/** Where the app runs. */
export interface Linear2Backends { factory: Linear2BackendFactory; adapter: string; kind: 'gpu' | 'cpu' }

/** DOM slots (index.ts buildLinear2Page). */
export interface Linear2Slots { runBar: HTMLElement; hud: HTMLElement; sv: HTMLElement; spectrum: HTMLElement; map: HTMLElement; width: HTMLElement }

/** The state tests and exports read (window.lazyrich.linear2.status). */
export interface Linear2Status {
  t: number; step: number; endStep: number; state: 'running' | 'paused' | 'done'; networks: number; backend: 'gpu' | 'cpu'; adapter: string;
  /** Step of the metrics shown, and how many times the history holds. */
  metricsStep: number; historyLength: number;
  followed: number[];
  /** max_k |σ_k − λ_k| over the followed networks with Δ = δI and every recorded time (Thm B.6's prediction). */
  predictionGap: number;
  /** max ‖β − β_flow‖_F over the followed networks now (f64 exact flow of the method's variables). */
  flowGap: number;
  /** max relative Δ drift over the networks now (NaN for beta-flow). */
  deltaDrift: number;
  diverged: number;
}

/** Least time between two redraws of the panels (ms). */
const DRAW_INTERVAL_MS = 250;

declare global {
  interface LazyrichGlobals { linear2?: Linear2App }
}

/** The running app. Create with {@link Linear2App.start}. */
export class Linear2App implements ParamsTarget<Linear2AppParams> {
  private readonly session: ParamsSession<Linear2AppParams>;
  private experiment!: Linear2Experiment;
  private backend!: Linear2Stepper;
  private readonly runner: Runner;
  private metrics: Linear2Metrics[] | null = null;
  private metricsStep = 0;
  private history!: SpectrumHistory;
  private kernels!: InitialKernels;
  private followed: number[] = [];
  private predictions = new Map<number, MirrorFlowPrediction | null>();
  private exact = new Map<number, ExactFlow>();
  private predictionGap = 0;
  private flowGap = NaN;
  private generation = 0;
  private reading = false;
  private lastRead = 0;
  private lastStates: { states: Float64Array[]; step: number } | null = null;
  private readonly rate = { steps: 0, since: performance.now(), value: 0 };
  private suspended = false;
  private readonly svPanel: SingularValuePanel;
  private readonly spectrumPanel: SpectrumPanel;
  private readonly mapPanel: RegimeMapPanel;
  /** Theorem 4.1's width map (computed on demand; at once on the "width" preset). */
  readonly widthPanel: WidthMapPanel;
  private readonly controls: Linear2Controls;

  private constructor(private backends: Linear2Backends, private readonly slots: Linear2Slots, shell: AppShell<Linear2AppParams>) {
    this.session = shell.openSession(this, shell.initial);
    const png = (blob: Promise<Blob>, name: string) => void blob.then((b) => download(b, name));
    this.svPanel = new SingularValuePanel(slots.sv, () => png(this.svPanel.chart.toPng(), 'lazyrich-linear2-singular-values.png'));
    this.spectrumPanel = new SpectrumPanel(slots.spectrum, () => png(this.spectrumPanel.view.toPng(), 'lazyrich-linear2-spectrum.png'));
    this.mapPanel = new RegimeMapPanel(slots.map, {
      metric: (metric) => this.change({ metric }), cell: (sel) => this.change({ sel }),
      png: () => png(this.mapPanel.heatmap.toPng(), 'lazyrich-linear2-map.png'),
    });
    this.widthPanel = new WidthMapPanel(slots.width, () => this.backends.factory, () => png(this.widthPanel.heatmap.toPng(), 'lazyrich-linear2-width-map.png'));
    this.controls = createLinear2Controls(() => this.params, (name, value) => this.change({ [name]: value }), {
      playPause: () => this.playPause(), step: () => this.singleStep(), reset: () => this.restart(),
      exportCsv: () => this.metrics && exportCsv(this.experiment, this.metrics, this.metricsStep),
      exportJson: () => this.metrics && exportJson(this.experiment, this.metrics, this.metricsStep, this.history, this.followed, this.backends.adapter),
    });
    const app = this;
    const source = {
      get stepCount() { return app.backend.stepCount; },
      advance: (k: number) => {
        const left = this.experiment.endStep - this.backend.stepCount;
        return left > 0 ? this.backend.advance(Math.min(k, left)) : Promise.resolve();
      },
      destroy: () => {},
    };
    this.runner = Runner.live(() => source, {
      stepsPerFrame: () => this.params.stepsPerFrame,
      onFrame: () => {},
      onAdvanced: (steps, now) => this.advanced(steps, now),
    });
  }

  /** The params now running (owned by the shell's session). */
  get params(): Linear2AppParams { return this.session.params; }

  /** Builds the first experiment; if the initial params cannot run, says why and runs the default preset. */
  static start(backends: Linear2Backends, slots: Linear2Slots, shell: AppShell<Linear2AppParams>): Linear2App {
    const app = new Linear2App(backends, slots, shell);
    let params = shell.initial;
    try {
      app.rebuild(params);
    } catch (e) {
      app.reportError(e, 'Starting with the sensing preset instead.', 'linear2-start'); // the shell's URL notice stays
      params = { ...shell.initial, ...Object.fromEntries(Object.entries(LINEAR2_SCHEMA).map(([k, f]) => [k, f.default])) } as Linear2AppParams;
      app.rebuild(params);
    }
    app.session.commit(params);
    return app;
  }

  /** See {@link Linear2Status}. */
  get status(): Linear2Status {
    const step = this.backend.stepCount;
    const end = this.experiment.endStep;
    return {
      t: step * this.experiment.cfg.step, step, endStep: end,
      state: step >= end ? 'done' : this.runner.playing ? 'running' : 'paused',
      networks: this.experiment.networks.length, backend: this.backends.kind, adapter: this.backends.adapter,
      metricsStep: this.metricsStep, historyLength: this.history.times.length, followed: [...this.followed],
      predictionGap: this.predictionGap, flowGap: this.flowGap,
      deltaDrift: this.metrics ? Math.max(...this.metrics.map((m) => m.deltaDrift)) : NaN,
      diverged: this.metrics ? this.metrics.filter((m) => m.diverged).length : 0,
    };
  }

  /** The experiment running (read-only: tests, exports). */
  get currentExperiment(): Linear2Experiment { return this.experiment; }

  /** The latest metrics (one per network, plan order), or null before the first read. */
  get currentMetrics(): readonly Linear2Metrics[] | null { return this.metrics; }

  /** The recorded singular values (read-only). */
  get spectrumHistory(): SpectrumHistory { return this.history; }

  /** Validates and applies a partial change through the shell's params path. @returns false when rejected (shown). */
  change(partial: Partial<Record<keyof Linear2AppParams, unknown>>): boolean { return this.session.change(partial); }

  /** Pauses or resumes the run (a finished run restarts). */
  playPause(): void {
    if (this.backend.stepCount >= this.experiment.endStep) { this.restart(); return; }
    this.runner.setPlaying(!this.runner.playing);
    this.drawHud();
  }

  /** Pauses and advances one step. */
  singleStep(): void {
    this.runner.setPlaying(false);
    if (this.backend.stepCount >= this.experiment.endStep) return;
    void this.backend.advance(1).then(() => this.advanced(1, performance.now(), true));
  }

  /** Runs the same params again from t = 0. */
  restart(): void {
    try { this.rebuild(this.params); } catch (e) { this.reportError(e); }
  }

  /** Rebuilds unless only view fields changed. */
  apply(next: Linear2AppParams, previous: Linear2AppParams): void {
    const rebuild = Object.keys(LINEAR2_SCHEMA).some((k) => !LINEAR2_VIEW_FIELDS.has(k) && JSON.stringify(next[k as keyof Linear2AppParams]) !== JSON.stringify(previous[k as keyof Linear2AppParams]));
    if (rebuild) this.rebuild(next);
    else if (next.sel !== previous.sel) this.follow(next);
  }

  /** Shows accepted params: controls (values, visibility) and every view. */
  show(p: Linear2AppParams): void {
    this.controls.sync(p);
    const vis = (names: (keyof Linear2AppParams & string)[], v: boolean) => names.forEach((n) => this.controls.setVisible(n, v));
    vis(['XX', 'XY'], p.data === 'custom');
    vis(['rank', 'norm'], p.data !== 'custom');
    vis(['n'], p.data === 'teacher' || p.data === 'sensing');
    vis(['noise'], p.data === 'teacher');
    this.draw();
  }

  /** Shows a rejected change's message; the running experiment keeps going. */
  reportError(e: unknown, suffix = 'The previous run continues.', id = 'param-error'): void {
    if (e instanceof ParamError || e instanceof DeviceLimitError) showNotice('error', `${e.message} ${suffix}`, id);
    else {
      showNotice('error', `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, 'param-error');
      console.error(e);
    }
  }

  /** Device loss: stop at once. */
  gpuLost(): void { this.suspended = true; this.runner.suspend(); }

  /** Continues on `backends` from the last states read back. @returns where, for the shell's notice. */
  async gpuRestored(backends: Linear2Backends): Promise<string> {
    this.backends = backends;
    const from = this.lastStates ?? { states: this.experiment.initial, step: 0 };
    this.backend.destroy();
    this.backend = backends.factory(this.experiment, from);
    this.suspended = false;
    this.reading = false;
    this.generation++;
    this.runner.resume();
    return `${backends.kind === 'cpu' ? 'on the f64 CPU backend, ' : ''}at step ${from.step.toLocaleString('en')} (the last states read back)`;
  }

  private rebuild(p: Linear2AppParams): void {
    const e = buildLinear2Experiment(p);
    const backend = this.backends.factory(e);
    this.backend?.destroy();
    this.generation++;
    this.experiment = e;
    this.backend = backend;
    this.reading = false;
    this.lastStates = null;
    this.history = new SpectrumHistory(e.networks.length, e.r);
    this.kernels = new InitialKernels(e);
    this.mapPanel.setExperiment(e);
    if (p.preset === 'width') this.widthPanel.start(p); else this.widthPanel.reset(p);
    this.ingest(0, { states: e.initial, diverged: e.networks.map(() => false) });
    this.follow(p);
    this.runner.resetBudget();
    this.runner.setPlaying(true);
  }

  /** Follows the networks of `p.sel` (predictions and exact flows from t = 0). */
  private follow(p: Linear2AppParams): void {
    const e = this.experiment;
    this.followed = followedNetworks(e, p.sel);
    this.predictions = new Map(this.followed.map((i) => [i, e.networks[i].scalarDelta === null ? null : new MirrorFlowPrediction(e, i)]));
    this.exact = new Map(this.followed.map((i) => [i, new ExactFlow(e, i)]));
    this.predictionGap = 0;
    this.history.times.forEach((t, row) => this.compare(t, this.history.rows[row]));
    this.updateFlowGap();
    this.draw();
  }

  private advanced(steps: number, now: number, force = false): void {
    const r = this.rate;
    r.steps += steps;
    if (now - r.since > 500) { r.value = (r.steps * 1000) / (now - r.since); r.steps = 0; r.since = now; }
    const done = this.backend.stepCount >= this.experiment.endStep;
    if (done) this.runner.setPlaying(false);
    // Small ensembles are read after every advance (smooth curves); large ones at most every 120 ms + N/8 ms.
    const N = this.experiment.networks.length;
    const wait = N <= 64 ? 30 : 120 + N / 8;
    if (this.reading || this.suspended || (!force && !done && now - this.lastRead < wait)) { this.drawHud(); return; }
    this.read();
  }

  /** Reads the states now (the copy is queued before any later advance) and analyses them. */
  private read(): void {
    const gen = this.generation, step = this.backend.stepCount;
    this.reading = true;
    this.lastRead = performance.now();
    this.backend.readStates().then((r) => {
      if (gen !== this.generation) return;
      this.lastStates = { states: r.states, step };
      this.ingest(step, r);
    }).catch((err: unknown) => { if (gen === this.generation) console.error(err); })
      .finally(() => {
        if (gen !== this.generation) return;
        this.reading = false;
        // The last step's state is always analysed.
        if (this.backend.stepCount >= this.experiment.endStep && this.metricsStep < this.backend.stepCount) this.read();
      });
  }

  private ingest(step: number, r: { states: Float64Array[]; diverged: boolean[] }): void {
    const e = this.experiment;
    this.metrics = r.states.map((s, i) => networkMetrics(e, i, s, r.diverged[i], this.kernels.get(i)));
    this.metricsStep = step;
    const t = step * e.cfg.step;
    const row = new Float32Array(e.networks.length * e.r);
    this.metrics.forEach((m, i) => m.singularValues.forEach((s, k) => { row[i * e.r + k] = s; }));
    this.history.push(t, row);
    this.current = r.states;
    if (this.followed.length) { this.compare(t, row); this.updateFlowGap(); }
    this.scheduleDraw(step >= e.endStep || step === 0);
  }

  /**
   * Redraws the panels at most every {@link DRAW_INTERVAL_MS} (the chart, map and spectrum are CPU canvases: on a
   * software rasteriser a redraw per read-back would take most of the frame); the HUD follows every frame.
   */
  private scheduleDraw(now = false): void {
    const wait = this.lastDraw + DRAW_INTERVAL_MS - performance.now();
    if (now || wait <= 0) { this.draw(); return; }
    this.drawTimer ??= setTimeout(() => { this.drawTimer = null; this.draw(); }, wait);
  }

  private lastDraw = -Infinity;
  private drawTimer: ReturnType<typeof setTimeout> | null = null;

  private current: Float64Array[] = [];

  /** Updates the running max |σ − λ| of the followed networks at time t. */
  private compare(t: number, row: Float32Array): void {
    const r = this.experiment.r;
    for (const i of this.followed) {
      const lam = this.predictions.get(i)?.at(t);
      if (!lam) continue;
      const pred = Array.from(lam, Math.abs).sort((a, b) => b - a);
      for (let k = 0; k < r; k++) this.predictionGap = Math.max(this.predictionGap, Math.abs(row[i * r + k] - pred[k]));
    }
  }

  private updateFlowGap(): void {
    const t = this.metricsStep * this.experiment.cfg.step;
    let gap = 0;
    for (const i of this.followed) {
      const b = this.exact.get(i)?.betaAt(t);
      const s = this.current[i];
      if (!b || !s) { gap = NaN; break; }
      gap = Math.max(gap, frobeniusDistance(betaOf(this.experiment, s), b));
    }
    this.flowGap = gap;
  }

  private draw(): void {
    if (!this.experiment) return;
    this.lastDraw = performance.now();
    const e = this.experiment, p = this.params;
    const t = this.metricsStep * e.cfg.step;
    const times = this.history.times;
    const curves: FollowedCurves[] = this.followed.map((i) => {
      const n = e.networks[i];
      const pred = this.predictions.get(i) ?? null;
      const lam = pred ? times.map((x) => pred.at(x)) : null;
      return {
        label: `δ = ${n.delta.toPrecision(3)}, τ = ${n.tau.toPrecision(2)}${e.seeds.length > 1 ? `, seed ${e.seeds[n.seedIndex]}` : ''}`,
        sim: Array.from({ length: e.r }, (_, k) => this.history.series(i, k)),
        predicted: Array.from({ length: e.r }, (_, k) => (lam ? Float64Array.from(lam, (l) => (l ? Array.from(l, Math.abs).sort((a, b) => b - a)[k] : NaN)) : null)),
      };
    });
    const noPrediction = this.followed.some((i) => this.predictions.get(i) === null);
    this.svPanel.update(times, curves, `Solid: σₖ of the simulated β (${e.cfg.method}); dashed: the mirror flow λ̇ = −√(δ² + 4λ²) ∂L/∂λ from β₀ with its singular vectors held fixed`
      + ` (exact when they stay fixed, e.g. the "aligned" preset). max |σ − λ| so far: ${this.predictionGap.toExponential(2)}.`
      + (noPrediction ? ' Networks with a Gaussian init (Δ ≠ δI) have no prediction.' : ''));
    const col = p.sel >= 0 && p.sel < e.rows * e.cols ? p.sel % e.cols : 0;
    this.spectrumPanel.update(e, this.metrics?.map((m) => m.singularValues) ?? null, col, t, this.metricsStep >= e.endStep);
    this.mapPanel.render(p.metric, this.metrics ? cellMeans(e, this.metrics, p.metric) : null, t, p.sel >= 0 ? p.sel : null);
    this.drawHud();
  }

  private drawHud(): void {
    const s = this.status;
    renderHud(this.slots.hud, {
      ...s, state: s.state === 'done' ? `done at t = ${(s.endStep * this.experiment.cfg.step).toPrecision(4)}` : s.state,
      method: this.experiment.cfg.method, stepsPerSecond: this.runner.playing ? this.rate.value : 0,
    });
  }
}
