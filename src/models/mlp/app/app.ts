/**
 * The mlp browser app (docs/theory.md §4, paper Part III): owns the params session, the uploaded data, the experiment
 * (experiment.ts: the CLI's plan), its checkpoint run (src/app/runner.ts over plan.ts, on the GPU ensemble trainer or the
 * f64 CPU backend), the results (stats.ts) and the panels (panels.ts). Wiring only. Every change is validated (schema,
 * checkParams, the CLI's config parser, the device) before the running experiment is replaced, so a bad value loses nothing.
 */
import { Runner, type RunProgress } from '../../../app/runner.ts';
import { clearNotice, showNotice } from '../../../app/notices.ts';
import { download } from '../../../app/download.ts';
import { elementToPng } from '../../../views/exportPng.ts';
import type { AppShell, ParamsSession, ParamsTarget } from '../../plugin.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import { ParamError } from '../../../params/schema.ts';
import type { MlpJob } from '../cpu.ts';
import { MLP_SCHEMA, MLP_VIEW_FIELDS, type MlpExplicitData } from '../params.ts';
import { mlpHeader } from '../run.ts';
import { createMlpControls, type MlpControls } from './controls.ts';
import { MlpCsvError, parseMlpCsv, uploadedMlpData, type MlpCsvFile } from './csv.ts';
import { buildMlpExperiment, mlpResultJson, type MlpAppParams, type MlpExperiment } from './experiment.ts';
import { downloadCsv, downloadJson, mlpMetricsCsv } from './export.ts';
import { CurvesPanel, GridPanel, SampleComplexityPanel, WeightsPanel } from './panels.ts';
import { mlpRunPlan, type MlpAppBackend } from './plan.ts';
import { checkpointBands, gridCells, gridIndex, gridPosition, meanCell, MlpResults, sizeBands, stepsCell } from './stats.ts';
import { firstLayerOf, modularDft } from './weights.ts';

/** Where the app trains: a backend factory for a job, an optional synchronous device check, the adapter's name. */
export interface MlpBackends {
  create(job: MlpJob): Promise<MlpAppBackend>;
  /** Throws (DeviceLimitError, Error naming the field) when the job does not fit the device; before anything is replaced. */
  check?(job: MlpJob): void;
  /** θ of every network now (plan order), for the weight images. */
  readThetas(backend: MlpAppBackend): Promise<ArrayLike<number>[]>;
  adapter: string;
  kind: 'gpu' | 'cpu';
  /** The 'mlp-backend' notice while these backends run (auto on a software adapter), null: none. */
  notice: string | null;
}

/**
 * The backends of a `backend` setting on a device (null: none): index.ts mlpBackendsFor.
 * @throws ParamError naming `backend` when the setting cannot run there ('gpu' without a device).
 */
export type MlpBackendsFor = (choice: string, gpu: GpuContext | null) => MlpBackends;

/** DOM slots (index.ts buildMlpPage). */
export interface MlpSlots { root: HTMLElement; hud: HTMLElement; panels: HTMLElement; curves: HTMLElement; sample: HTMLElement; grid: HTMLElement; weights: HTMLElement }

/** What the page, the e2e tests (window.lazyrich.mlp.status) and the HUD read. */
export interface MlpStatus extends RunProgress {
  networks: number; totalSteps: number; backend: 'gpu' | 'cpu'; adapter: string; diverged: number; recorded: number;
  task: MlpAppParams['task']; upload: string | null;
  /** Points drawn in the curves and sample-complexity charts; whether the maps and weight images have values. */
  drawn: { curves: number; sample: number; maps: boolean; weights: boolean };
}

/** Metrics drawn on a log scale. */
const LOG_METRICS = new Set(['trainLoss', 'testLoss', 'paramDistance']);

declare global {
  interface LazyrichGlobals { mlp?: MlpApp }
}

/** The running app. Create with {@link MlpApp.start}. */
export class MlpApp implements ParamsTarget<MlpAppParams> {
  private readonly session: ParamsSession<MlpAppParams>;
  private experiment!: MlpExperiment;
  private results!: MlpResults;
  private runner!: Runner<MlpAppBackend>;
  private thetas: { step: number; W: Float32Array[] } | null = null;
  private upload: { train: MlpCsvFile; test: MlpCsvFile | null; name: string } | null = null;
  private drawPending = false;
  private drawnWeights = false;
  private lost: Promise<RunProgress['state']> | null = null;
  private readonly controls: MlpControls;
  private readonly curves: CurvesPanel;
  private readonly sample: SampleComplexityPanel;
  private readonly grid: GridPanel;
  private readonly weights: WeightsPanel;
  private readonly files: Record<'train' | 'test', HTMLInputElement>;

  private backends!: MlpBackends;

  private constructor(private readonly backendsFor: MlpBackendsFor, private gpu: GpuContext | null, private readonly slots: MlpSlots, shell: AppShell<MlpAppParams>) {
    this.session = shell.openSession(this, shell.initial);
    const png = (el: HTMLElement, name: string) => () => void elementToPng(el).then((b) => download(b, `lazyrich-mlp-${name}.png`));
    this.curves = new CurvesPanel(slots.curves, png(slots.curves, 'curves'));
    this.sample = new SampleComplexityPanel(slots.sample, png(slots.sample, 'sample-complexity'));
    this.grid = new GridPanel(slots.grid, (row, col) => this.selectCell(row, col), png(slots.grid, 'heatmaps'));
    this.weights = new WeightsPanel(slots.weights, png(slots.weights, 'weights'));
    const input = (id: string, which: 'train' | 'test') => {
      const el = Object.assign(document.createElement('input'), { type: 'file', accept: '.csv,text/csv,text/plain', hidden: true, id });
      el.addEventListener('change', () => {
        const file = el.files?.[0];
        if (file) void file.text().then((text) => this.loadCsv(which, text, file.name));
        el.value = '';
      });
      document.body.append(el);
      return el;
    };
    this.files = { train: input('mlp-file-train', 'train'), test: input('mlp-file-test', 'test') };
    this.controls = createMlpControls(() => this.params, (name, value) => this.change({ [name]: value }), {
      runAgain: () => this.restart(), cancelResume: () => this.cancelResume(),
      uploadTrain: () => this.files.train.click(), uploadTest: () => this.files.test.click(),
      clearUpload: () => { if (this.params.task === 'csv') this.change({ task: 'rhm' }); this.upload = null; },
      exportJson: () => downloadJson(this.resultJson()),
      exportCsv: () => downloadCsv(this.metricsCsv()),
      exportPng: png(slots.panels, 'panels'),
    });
  }

  /** The params now running (owned by the shell's session). */
  get params(): MlpAppParams { return this.session.params; }

  /**
   * Builds the first experiment on `gpu` (null: no WebGPU) where the `backend` setting says; backend = gpu without
   * WebGPU is refused by name and runs as auto (the f64 CPU backend); if the params cannot run, says why and runs the
   * default preset.
   */
  static start(backendsFor: MlpBackendsFor, gpu: GpuContext | null, slots: MlpSlots, shell: AppShell<MlpAppParams>): MlpApp {
    const app = new MlpApp(backendsFor, gpu, slots, shell);
    let params = shell.initial;
    try {
      backendsFor(params.backend, gpu);
    } catch (e) {
      if (!(e instanceof ParamError && e.field === 'backend')) throw e;
      showNotice('error', `URL key backend: ${e.message}.`, 'backend-error');
      params = { ...params, backend: 'auto' };
    }
    try {
      app.rebuild(params);
    } catch (e) {
      app.reportError(e, 'Starting with the default preset instead.');
      params = Object.fromEntries(Object.entries(MLP_SCHEMA).map(([k, f]) => [k, Array.isArray(f.default) ? [...f.default] : f.default])) as MlpAppParams;
      app.rebuild(params);
    }
    app.session.commit(params);
    return app;
  }

  /** See {@link MlpStatus}. */
  get status(): MlpStatus {
    const e = this.experiment;
    return {
      ...this.runner.progress, networks: e.cfg.networks.length, totalSteps: e.cfg.steps, backend: this.backends.kind, adapter: this.backends.adapter,
      diverged: this.results.divergedCount, recorded: this.results.recorded, task: e.params.task, upload: this.upload?.name ?? null,
      drawn: { curves: this.curves.chart.points, sample: this.sample.chart.points, maps: this.results.recorded > 0, weights: this.drawnWeights },
    };
  }

  /** The experiment running and its results (read-only: tests, exports). */
  get current(): { experiment: MlpExperiment; results: MlpResults } { return { experiment: this.experiment, results: this.results }; }

  /** The result document (CLI shape, checkpoints recorded so far) with the config. */
  resultJson(): Record<string, unknown> {
    const e = this.experiment;
    return mlpResultJson(e, mlpHeader(e.cfg, this.backends.kind, this.backends.adapter, e.data), this.results.entries(e.skeleton), this.results.recorded);
  }

  /** The CSV export's text. */
  metricsCsv(): string { return mlpMetricsCsv(this.results.entries(this.experiment.skeleton), this.experiment.cfg.checkpoints); }

  /** Validates and applies a partial change through the shell's params path. @returns false when rejected (shown). */
  change(partial: Partial<Record<keyof MlpAppParams, unknown>>): boolean { return this.session.change(partial); }

  /** Runs the same params again from θ₀. */
  restart(): void {
    try { this.rebuild(this.params); } catch (e) { this.reportError(e); }
  }

  /** Cancels a running run at the next chunk, or resumes a cancelled one. */
  cancelResume(): void {
    const { state } = this.runner.progress;
    if (state === 'running') this.runner.cancel();
    else if (state === 'cancelled' || state === 'error') void this.runner.run();
    this.drawHud();
  }

  /** Rebuilds unless only view fields changed (then only redraws, in show). */
  apply(next: MlpAppParams, previous: MlpAppParams): void {
    const changed = Object.keys(MLP_SCHEMA).some((k) => !MLP_VIEW_FIELDS.has(k) && JSON.stringify(next[k as keyof MlpAppParams]) !== JSON.stringify(previous[k as keyof MlpAppParams]));
    if (changed) this.rebuild(next);
    if (next.backend !== previous.backend) clearNotice('backend-error');
  }

  /** Shows accepted params: controls (values, visibility) and every view. */
  show(p: MlpAppParams): void {
    this.controls.sync(p);
    const vis = (names: (keyof MlpAppParams & string)[], v: boolean) => names.forEach((n) => this.controls.setVisible(n, v));
    vis(['levels', 'classes', 'synonyms', 'branching', 'vocabulary', 'testSize', 'trainSizes'], p.task === 'rhm');
    vis(['modulus', 'trainFraction'], p.task === 'modular');
    vis(['dataSeed'], p.task !== 'csv');
    vis(['momentum', 'cosine', 'decayFraction'], p.optimizer === 'sgd');
    vis(['beta1', 'beta2', 'weightDecay'], p.optimizer === 'adamw');
    this.slots.sample.hidden = p.task !== 'rhm';
    this.slots.weights.hidden = p.task !== 'modular';
    this.draw();
  }

  /** Shows a rejected change's message; the running experiment keeps going. */
  reportError(e: unknown, suffix = 'The previous run continues.'): void {
    if (e instanceof Error && !(e instanceof TypeError || e instanceof RangeError)) showNotice('error', `${e.message}${/[.!?]$/.test(e.message) ? '' : '.'} ${suffix}`, 'param-error');
    else {
      showNotice('error', `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, 'param-error');
      console.error(e);
    }
  }

  /**
   * Device loss: a run on the GPU trainer stops at once (the runner rewinds the ensemble to θ₀; recorded checkpoints
   * are kept); one on the f64 CPU backend goes on. Until gpuRestored, a rebuild resolves the setting without a device.
   */
  gpuLost(): void {
    this.gpu = null;
    if (this.backends.kind === 'gpu') this.lost ??= this.runner.deviceLost();
  }

  /**
   * After a loss: continues on `gpu` (null: none could be had) where the setting says; backend = gpu without a device
   * continues on the f64 CPU backend and becomes auto. @returns where, for the shell's notice.
   */
  async gpuRestored(gpu: GpuContext | null): Promise<string> {
    this.gpu = gpu;
    const on = `the networks train on the f64 CPU backend, unaffected (step ${this.runner.progress.step.toLocaleString('en')})`;
    if (!this.lost) return gpu ? `for later runs; ${on}` : on;
    const before = await this.lost;
    this.lost = null;
    let reset = '';
    if (!gpu && this.params.backend === 'gpu') {
      this.session.commit({ ...this.params, backend: 'auto' });
      reset = '; backend = gpu set back to auto';
    }
    this.backends = this.backendsFor(this.params.backend, gpu);
    this.showBackendNotice();
    const where = this.backends.kind === 'cpu' ? 'on the f64 CPU backend, ' : '';
    const n = this.results.recorded;
    // A finished run lost nothing (its results were read back): the device serves the next run.
    if (before === 'done') return `${where}for the next run (the finished run's ${n} checkpoints are kept)${reset}`;
    if (before === 'running' || before === 'error') void this.runner.run();
    return `${where}from θ₀${before === 'cancelled' ? ' when resumed' : ''} (the ${n} checkpoints read so far are kept)${reset}`;
  }

  /**
   * Parses an uploaded CSV: the train file switches to task 'csv' (or retrains it), the test file joins it.
   * @returns false (after a notice naming the row and column) when the file is malformed or the change is refused;
   *   what was running keeps running.
   */
  loadCsv(which: 'train' | 'test', text: string, name: string): boolean {
    const before = this.upload;
    try {
      const file = parseMlpCsv(text, name);
      if (which === 'test' && !before) throw new MlpCsvError('Upload the train CSV first; the test CSV is optional and checked against it.');
      const next = which === 'train' ? { train: file, test: null, name } : { ...before!, test: file, name: `${before!.name} + ${name}` };
      uploadedMlpData(next.train, next.test, { train: next.train === file ? name : before!.name, test: name });
      this.upload = next;
      clearNotice('upload-error');
      if (this.params.task === 'csv') this.rebuild(this.params);
      else if (!this.change({ task: 'csv' })) { this.upload = before; return false; }
      showNotice('info', `Loaded ${name}: ${file.X.length} training rows${file.Xtest.length ? ` + ${file.Xtest.length} test rows` : ''}, d = ${file.d} inputs.`, 'upload');
      return true;
    } catch (e) {
      this.upload = before;
      if (e instanceof MlpCsvError) showNotice('error', `${e.message} Nothing was changed; the current run continues.`, 'upload-error');
      else this.reportError(e);
      return false;
    }
  }

  private uploadData(): MlpExplicitData | undefined {
    return this.upload ? uploadedMlpData(this.upload.train, this.upload.test) : undefined;
  }

  /** Builds a new experiment, checks it against the device, swaps it in and starts it; on failure the old one keeps running. */
  private rebuild(p: MlpAppParams): void {
    const e = buildMlpExperiment(p, this.uploadData());
    const backends = this.backendsFor(p.backend, this.gpu);
    backends.check?.(e.job);
    const results = new MlpResults(e.cfg.networks.length, e.cfg.checkpoints);
    const readWeights = p.task === 'modular';
    const runner: Runner<MlpAppBackend> = new Runner(mlpRunPlan(e, results, () => this.backends.create(e.job), async (backend, c) => {
      if (!readWeights || this.runner !== runner) return;
      const thetas = await this.backends.readThetas(backend);
      if (this.runner === runner) this.thetas = { step: e.cfg.checkpoints[c], W: thetas.map((t) => firstLayerOf(e.cfg.arch, t)) };
    }), {
      onProgress: () => { if (this.runner === runner) this.drawHud(); },
      onCheckpoint: () => { if (this.runner === runner) this.scheduleDraw(); },
    });
    void this.runner?.destroy();
    this.lost = null; // a loss seen by the old runner: the new one starts on `backends`
    this.backends = backends;
    this.showBackendNotice();
    this.experiment = e;
    this.results = results;
    this.runner = runner;
    this.thetas = null;
    this.drawnWeights = false;
    void runner.run().then(() => {
      const s = runner.progress;
      if (this.runner === runner && s.state === 'error') showNotice('error', `The mlp run failed: ${s.error}`, 'param-error');
    });
    this.scheduleDraw();
  }

  private showBackendNotice(): void {
    if (this.backends.notice) {
      showNotice('info', this.backends.notice, 'mlp-backend');
      clearNotice('software-adapter'); // the shell's note says the same (index.ts): one notice, not two
    } else {
      clearNotice('mlp-backend');
    }
  }

  private selectCell(row: number, col: number): void {
    const g = this.experiment.grid;
    const [t, , s] = gridPosition(g, this.selectedNet());
    const net = this.experiment.params.task === 'rhm' ? gridIndex(g, t, row, col, 0) : gridIndex(g, col, row, s, 0);
    this.change({ net });
  }

  private selectedNet(): number { return Math.min(this.params.net, this.experiment.cfg.networks.length - 1); }

  private scheduleDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => { this.drawPending = false; this.draw(); });
  }

  private draw(): void {
    if (!this.experiment) return;
    const e = this.experiment, g = e.grid, r = this.results, p = this.params;
    const C = e.cfg.checkpoints.length;
    const c = p.at < 0 ? Math.max(0, r.recorded - 1) : Math.min(p.at, C - 1);
    const step = e.cfg.checkpoints[c];
    const net = this.selectedNet();
    const [t, a, s, k] = gridPosition(g, net);
    const metric = MLP_SCHEMA.metric.optionLabels?.[p.metric] ?? p.metric;
    const scale = LOG_METRICS.has(p.metric) ? 'log' : 'linear';
    const band = MLP_SCHEMA.band.optionLabels?.[p.band] ?? p.band;
    const rhm = e.params.task === 'rhm';
    const tauText = `τ = ${g.taus[t]}`, sizeText = `${g.sizes[s]} training samples`;
    this.curves.update(e.cfg.checkpoints, checkpointBands(r, g, p.metric, t, s, p.band), metric, scale, band, `${tauText}, ${sizeText}`);
    if (rhm) this.sample.update(g.sizes, sizeBands(r, g, 'testAccuracy', c, t, p.band), step, band, tauText);
    const cells = gridCells(g, rhm ? 'size' : 'tau', rhm ? t : s, meanCell(r, p.metric, c));
    const steps = gridCells(g, rhm ? 'size' : 'tau', rhm ? t : s, stepsCell(r, 0.99));
    const diverged = gridCells(g, rhm ? 'size' : 'tau', rhm ? t : s, (nets) => (nets.some((i) => r.diverged[i]) ? 1 : 0));
    this.grid.update({
      alphas: g.alphas, cols: rhm ? g.sizes : g.taus, colLabel: rhm ? 'training samples' : 'τ (logits × τ, η ÷ τ²)', metric, metricScale: scale, step,
      values: cells.values, steps: steps.values, selected: [a, rhm ? s : t], slice: rhm ? tauText : sizeText, mlp: e.params.task === 'modular',
      diverged: Uint8Array.from(diverged.values),
      unitDomain: p.metric === 'testAccuracy' || p.metric === 'trainAccuracy', totalSteps: e.cfg.steps,
    });
    if (e.params.task === 'modular') {
      const pm = e.params.modulus, width = e.cfg.arch.layers[1];
      const label = `network ${net} (α = ${g.alphas[a]}, τ = ${g.taus[t]}, seed ${g.seeds[k]}${r.diverged[net] ? ', diverged' : ''})`;
      if (this.thetas) {
        const W = this.thetas.W[net];
        this.weights.update(W, modularDft(W, width, pm), width, pm, label, this.thetas.step);
        this.drawnWeights = true;
      } else this.weights.empty('The weights are read back at each checkpoint; none read yet.');
    }
    this.drawHud();
  }

  private drawHud(): void {
    if (!this.experiment) return;
    const s = this.status;
    const rate = s.networkStepsPerSecond > 0 ? ` · ${Math.round(s.networkStepsPerSecond).toLocaleString('en')} network-steps/s` : '';
    const eta = s.state === 'running' && s.etaSeconds !== null ? ` · ETA ${Math.ceil(s.etaSeconds)} s` : '';
    const lines = [
      `step ${s.step.toLocaleString('en')} / ${s.totalSteps.toLocaleString('en')} · checkpoint ${s.recorded} / ${this.experiment.cfg.checkpoints.length} · ${s.state}${s.error ? ` (${s.error})` : ''}${eta}`,
      `${s.networks.toLocaleString('en')} networks · ${s.backend === 'gpu' ? `GPU (${s.adapter})` : s.adapter}${rate} · ${s.diverged} diverged${s.diverged ? ' (frozen, flagged in the legends)' : ''}`
        + (s.upload && s.task === 'csv' ? ` · data: ${s.upload}` : ''),
    ];
    this.slots.hud.replaceChildren(...lines.map((l) => Object.assign(document.createElement('div'), { textContent: l })));
  }
}

