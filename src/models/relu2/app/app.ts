/**
 * The relu2 browser app (docs/theory.md §3, paper Fig. 1): owns the params, the uploaded data, the experiment,
 * its results and runner, and the views (run bar, regime map, settings detail). Wiring only: the maths
 * is in src/theory, the kernels in src/models/relu2, the drawing in src/views. Every change is validated
 * (schema, cross-field, device limits) before anything running is replaced, so a bad value loses nothing.
 */
import { DeviceLimitError } from '../../../gpu/device.ts';
import { ParamError, validate } from '../../../params/schema.ts';
import { kernelOfParams, RELU2_PRESETS, RELU2_SCHEMA, type Relu2AppParams } from '../params.ts';
import type { AppShell, ParamsSession, ParamsTarget } from '../../plugin.ts';
import type { Relu2DeviceLimits } from '../spec.ts';
import { setRelu2KernelOverride, type Relu2Kernel } from '../layout.ts';
import { clearNotice, showNotice } from '../../../app/notices.ts';
import { CellsView } from './cellsView.ts';
import { UnitsPanels } from './units.ts';
import { createRelu2Controls, type Relu2Controls } from './controls.ts';
import { CsvDataError, KERNEL_PASS_RATE, parseDataCsv, slowDataWarning, uploadedData, type ParsedCsv } from './csv.ts';
import { askQuestion } from '../../../app/estimateDialog.ts';
import { relu2ConfigFromParams } from '../appConfig.ts';
import { download } from '../../../app/download.ts';
import { exportResultsCsv, exportResultsJson } from './export.ts';
import { batchSize, buildExperiment, validateExperiment, type ExplicitData, type Relu2Experiment } from '../grid.ts';
import { MapPanel } from './mapPanel.ts';
import { describeExperiment, RunBar } from './progress.ts';
import { Relu2Results } from '../results.ts';
import { Relu2Runner, type Relu2BackendFactory, type RunProgress } from '../runner.ts';

/** Where the app runs its networks. */
export interface Relu2Backends {
  factory: Relu2BackendFactory;
  /** Device limits to check grids against (null: no device, e.g. the CPU fallback). */
  limits: Relu2DeviceLimits | null;
  /** The GPU step kernel the factory uses (sizes its buffers; default `workgroup`); read after the `kernel=` key is set. */
  readonly kernel?: Relu2Kernel;
  adapter: string;
  kind: 'gpu' | 'cpu';
}

/** The DOM slots the app fills (built by index.ts buildRelu2Page). */
export interface Relu2Slots { runBar: HTMLElement; panels: HTMLElement; map: HTMLElement; cells: HTMLElement; parity: HTMLElement; units: HTMLElement }

/** Live state for the page, the e2e tests (window.lazyrich.relu2.status) and exports. */
export interface Relu2AppStatus extends RunProgress {
  kind: 'grid' | 'fig1a';
  networks: number;
  cells: number;
  /** Cells of the map computed at the shown checkpoint. */
  cellsDone: number;
  selectedCell: number | null;
  adapter: string;
  backend: 'gpu' | 'cpu';
  /** The GPU step kernel in use (the `kernel=` URL key, or by adapter); null on the CPU backend. */
  kernel: Relu2Kernel | null;
}

/** Fields that do not need a new experiment. */
const VIEW_FIELDS = new Set<string>(['metric', 'at', 'preset']);

declare global {
  interface LazyrichGlobals { relu2?: Relu2App }
}

/** The running app. Create with {@link Relu2App.start}. */
export class Relu2App implements ParamsTarget<Relu2AppParams> {
  private readonly session: ParamsSession<Relu2AppParams>;
  private experiment!: Relu2Experiment;
  private results!: Relu2Results;
  private runner!: Relu2Runner;
  private readonly controls: Relu2Controls;
  private readonly runBar: RunBar;
  private readonly map: MapPanel;
  private readonly cellsView: CellsView;
  private readonly unitsPanels: UnitsPanels;
  private upload: { train: ParsedCsv & { name: string }; test: (ParsedCsv & { name: string }) | null } | null = null;
  private selected: number | null = null;
  private drawPending = false;
  private readonly fileInput: HTMLInputElement;
  /** Set by gpuLost: the runner's stop and rewind, awaited by gpuRestored. */
  private lost: Promise<RunProgress['state']> | null = null;

  private constructor(private backends: Relu2Backends, private readonly slots: Relu2Slots, shell: AppShell<Relu2AppParams>) {
    this.session = shell.openSession(this, shell.initial);
    this.runBar = new RunBar(slots.runBar, { run: () => this.restart(), cancel: () => this.cancel(), resume: () => this.resume() });
    this.map = new MapPanel(slots.map, {
      metric: (metric) => this.change({ metric }),
      checkpoint: (at) => this.change({ at: at === this.experiment.checkpoints.length - 1 ? -1 : at }),
      cell: (cell) => this.selectCell(cell),
      png: () => void this.map.heatmap.toPng().then((b) => download(b, 'lazyrich-relu2-map.png')),
    });
    this.cellsView = new CellsView(slots.cells, () => void this.cellsView.toPng().then((b) => download(b, 'lazyrich-relu2-cells.png')));
    this.unitsPanels = new UnitsPanels(slots.units, slots.parity, () => void this.unitsPanels.toPng().then((b) => download(b, 'lazyrich-relu2-units.png')));
    this.fileInput = Object.assign(document.createElement('input'), { type: 'file', accept: '.csv,text/csv,text/plain', hidden: true, id: 'r2-file' });
    document.body.append(this.fileInput);
    this.controls = createRelu2Controls(() => this.params, (name, value) => this.change({ [name]: value }), {
      uploadTrain: () => this.pickFile('train'),
      uploadTest: () => this.pickFile('test'),
      clearUpload: () => { this.upload = null; this.change({ data: 'teacher' }); },
      exportJson: () => void exportResultsJson(this.results, this.backends.adapter),
      exportCsv: () => void exportResultsCsv(this.results),
      pngMap: () => void this.map.heatmap.toPng().then((b) => download(b, 'lazyrich-relu2-map.png')),
      pngCells: () => void this.cellsView.toPng().then((b) => download(b, 'lazyrich-relu2-cells.png')),
    });
  }

  /** The params now running (owned by the shell's session). */
  get params(): Relu2AppParams { return this.session.params; }

  /**
   * Builds the first experiment and starts running it. If the initial params cannot run (e.g. a grid
   * beyond the device limits, or uploaded data a link cannot carry), the message is shown and the
   * default preset runs instead.
   */
  static start(backends: Relu2Backends, slots: Relu2Slots, shell: AppShell<Relu2AppParams>): Relu2App {
    const app = new Relu2App(backends, slots, shell);
    const initial = shell.initial;
    let params = initial;
    try {
      app.rebuild(initial);
    } catch (e) {
      const teacherInstead = initial.data === 'upload';
      app.reportError(e, teacherInstead ? 'Showing the teacher–student data meanwhile.' : 'Starting with the default preset instead.');
      params = teacherInstead ? { ...initial, data: 'teacher' }
        : validate(RELU2_SCHEMA, { ...RELU2_PRESETS['fig1b-reduced'], preset: 'fig1b-reduced' }, initial);
      app.rebuild(params);
    }
    app.session.commit(params);
    return app;
  }

  /** Current status. */
  get status(): Relu2AppStatus {
    const e = this.experiment;
    const at = this.params.at < 0 || this.params.at >= e.checkpoints.length ? e.checkpoints.length - 1 : this.params.at;
    return {
      ...this.runner.progress, kind: e.kind, networks: e.networkCount, cells: e.cells.length, cellsDone: this.results.cellsDone(at),
      selectedCell: this.selected, adapter: this.backends.adapter, backend: this.backends.kind,
      kernel: this.backends.kind === 'gpu' ? this.backends.kernel ?? 'workgroup' : null,
    };
  }

  /** The current results (read-only use: exports, tests). */
  get currentResults(): Relu2Results { return this.results; }

  /**
   * Validates and applies a partial change through the shell's params path (a preset name expands to its settings).
   * @returns false (after showing the message) when rejected; the running experiment is kept.
   */
  change(partial: Partial<Record<keyof Relu2AppParams, unknown>>): boolean {
    return this.session.change(partial);
  }

  /** Runs from θ₀ again (a fresh experiment with the same params); a failure is shown, not thrown. */
  restart(): void {
    try {
      this.rebuild(this.params);
    } catch (e) {
      this.reportError(e);
    }
  }

  /** Cancels the run at the next chunk; the GPU state is kept for {@link resume}. */
  cancel(): void { this.runner.cancel(); }

  /** Resumes a cancelled run. */
  resume(): void { void this.runner.run(); }

  /** Shows a cell's portrait and curves (null: none). */
  selectCell(index: number | null): void {
    this.selected = index;
    this.map.select(index);
    if (index === null) this.cellsView.showEmpty('Click a cell of the regime map to see its curves.');
    else this.cellsView.show(this.experiment, this.results, [index], `Setting ${this.experiment.cells[index].label}`);
    this.unitsPanels.show(this.experiment, this.results, index);
  }

  /** Builds and starts a new experiment when a field other than the view's changed (the map and cells redraw in show). */
  apply(next: Relu2AppParams, previous: Relu2AppParams): void {
    const rebuild = Object.keys(RELU2_SCHEMA).some((k) => !VIEW_FIELDS.has(k) && next[k as keyof Relu2AppParams] !== previous[k as keyof Relu2AppParams]);
    if (rebuild) this.rebuild(next);
  }

  private explicitData(p: Relu2AppParams): ExplicitData | null {
    if (p.data !== 'upload') return null;
    if (!this.upload) throw new ParamError('data', 'data = "uploaded CSV" needs a file, and a link cannot carry one: use "⇪ upload train CSV…" in the data folder (columns x1, …, xd, y).');
    const { train, test } = this.upload;
    return { data: uploadedData(train, test, { train: train.name, test: test?.name }), name: test ? `${train.name} + ${test.name}` : train.name };
  }

  /** Builds a new experiment, checks it against the device, swaps it in and starts it; on failure the old one keeps running. */
  private rebuild(p: Relu2AppParams): void {
    const experiment = buildExperiment(p, this.explicitData(p));
    setRelu2KernelOverride(kernelOfParams(p)); // the kernel= URL key; auto: by adapter (layout.ts defaultRelu2Kernel)
    if (this.backends.limits) validateExperiment(experiment, this.backends.limits, this.backends.kernel);
    const results = new Relu2Results(experiment);
    // A replaced runner still reports while it winds down: only the current one may update the page.
    // The factory is looked up per batch, so a batch after a device loss is built on the new device.
    const runner: Relu2Runner = new Relu2Runner(experiment, results, (spec) => this.backends.factory(spec), {
      onProgress: (progress) => { if (this.runner === runner) this.runBar.update(progress); },
      onCheckpoint: () => { if (this.runner === runner) this.scheduleDraw(); },
    });
    void this.runner?.destroy();
    this.experiment = experiment;
    this.results = results;
    this.runner = runner;
    this.slots.panels.dataset.mode = experiment.kind;
    this.slots.panels.dataset.data = p.data; // XOR: the Fig. 5a parity pictures go first (units.css)
    this.runBar.describe(describeExperiment(experiment, this.backends.adapter));
    if (experiment.kind === 'grid') {
      this.map.setExperiment(experiment);
      // XOR (Fig. 5a): the middle τ column's upstream cell, so the parity and unit panels start filled.
      this.selectCell(p.data === 'xor' ? experiment.cells.find((c) => c.col === Math.floor((experiment.cols - 1) / 2) && c.row === experiment.rows - 1)!.index : null);
    } else {
      this.selected = null;
      this.cellsView.show(experiment, results, experiment.cells.map((c) => c.index), 'Fig. 1a · four initialisations, same data');
      this.unitsPanels.show(experiment, results, null);
    }
    this.draw(p);
    void runner.run();
  }

  /** Device loss (the shell calls it as soon as the loss is seen): the run stops at once and rewinds its batch. */
  gpuLost(): void { this.lost ??= this.runner.deviceLost(); }

  /**
   * Continues after a device loss on `backends` (a new device, or the CPU backend): the batches finished
   * before the loss are kept (their results were read back), the interrupted batch restarts from θ₀, and a
   * run that was going on resumes by itself (a run the user had cancelled stays resumable).
   * @returns where the run continues, for the shell's notice.
   */
  async gpuRestored(backends: Relu2Backends): Promise<string> {
    const before = await (this.lost ?? this.runner.deviceLost());
    this.lost = null;
    this.backends = backends;
    this.runBar.describe(describeExperiment(this.experiment, backends.adapter));
    if (before === 'running' || before === 'error') void this.runner.run();
    const p = this.runner.progress;
    const e = this.experiment;
    let kept = 0;
    for (let b = 0; b < Math.min(p.batch, e.batches.length); b++) kept += batchSize(e, b);
    const where = p.batch >= p.batches ? 'the run had finished' : `batch ${p.batch + 1}/${p.batches} from step 0`;
    return `${backends.kind === 'cpu' ? 'on the f64 CPU reference, ' : ''}at ${where} (${kept.toLocaleString('en')} finished networks kept)`;
  }

  /** Shows accepted params: the controls (values and visibility) and the map at the chosen metric and checkpoint. */
  show(p: Relu2AppParams): void {
    this.controls.sync(p);
    const show = (names: (keyof Relu2AppParams & string)[], visible: boolean) => names.forEach((n) => this.controls.setVisible(n, visible));
    const grid = p.experiment === 'grid';
    show(['batch', 'logTauMin', 'logTauMax', 'tauCount', 'shape', 'metric', 'at'], grid);
    show(['deltaMin', 'deltaMax', 'deltaCount'], grid && p.shape === 'delta');
    show(['logAlphaMin', 'logAlphaMax', 'alphaCount'], grid && p.shape === 'alpha');
    show(['d', 'm0'], p.data === 'teacher');
    show(['n', 'nTest'], p.data !== 'upload');
    show(['slope'], p.activation === 'leaky');
    this.draw(p);
  }

  private scheduleDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => { this.drawPending = false; this.draw(); });
  }

  private draw(p: Relu2AppParams = this.params): void {
    if (this.experiment.kind === 'grid') this.map.render(this.results, p.metric, p.at);
    this.cellsView.refresh(this.results);
    this.unitsPanels.refresh(this.results, p.at);
  }

  private pickFile(which: 'train' | 'test'): void {
    this.fileInput.value = '';
    this.fileInput.onchange = () => {
      const file = this.fileInput.files?.[0];
      if (file) void file.text().then((text) => this.loadCsv(which, text, file.name));
    };
    this.fileInput.click();
  }

  /**
   * Parses an uploaded CSV and, for the train file, switches to data = "uploaded CSV". A train file whose
   * kernel-distance pass would be slow (csv.ts slowDataWarning) asks first (src/app/estimateDialog.ts).
   * @returns false (after showing the message) when the file is malformed, or while the question waits.
   */
  loadCsv(which: 'train' | 'test', text: string, name: string): boolean {
    let parsed: ParsedCsv & { name: string };
    try {
      parsed = { ...parseDataCsv(text, name), name };
    } catch (e) {
      return this.rejectCsv(which, e);
    }
    const warning = which === 'train' ? this.slowDataWarning(parsed) : null;
    if (!warning) return this.acceptCsv(which, parsed, name);
    // A large data set asks first (issue 11 defect 5); "keep" leaves the current run and data as they are.
    void askQuestion(warning).then((run) => {
      if (run) this.acceptCsv(which, parsed, name);
      else showNotice('info', `${name} was not loaded; the current run continues.`, 'upload');
    });
    return false;
  }

  /** The warning before data whose kernel-distance pass is slow on this backend (csv.ts slowDataWarning), or null. */
  private slowDataWarning(parsed: ParsedCsv & { name: string }): string | null {
    const p = { ...this.params, data: 'upload' as const };
    const networks = relu2ConfigFromParams(p, uploadedData(parsed)).networks;
    const rate = this.backends.kind === 'cpu' ? KERNEL_PASS_RATE.cpu : this.backends.kernel === 'thread' ? KERNEL_PASS_RATE.software : KERNEL_PASS_RATE.gpu;
    return slowDataWarning(parsed.name, parsed, { networks, m: p.m, checkpoints: p.checkpoints }, rate);
  }

  /** Takes parsed data as the train or test set and switches to data = "uploaded CSV". @returns false when rejected. */
  private acceptCsv(which: 'train' | 'test', parsed: ParsedCsv & { name: string }, name: string): boolean {
    try {
      if (which === 'train') this.upload = { train: parsed, test: this.upload?.test ?? null };
      else if (!this.upload) throw new CsvDataError('Upload the train CSV first; the test CSV is optional and checked against it.');
      else this.upload = { ...this.upload, test: parsed };
      if (this.upload.test) uploadedData(this.upload.train, this.upload.test, { train: this.upload.train.name, test: this.upload.test.name });
      clearNotice('upload-error');
      showNotice('info', `Loaded ${name}: n = ${parsed.n} samples, d = ${parsed.d} inputs${which === 'test' ? ' (test set)' : ''}.`, 'upload');
      if (this.params.data === 'upload') this.rebuild(this.params);
      return this.change({ data: 'upload' });
    } catch (e) {
      return this.rejectCsv(which, e);
    }
  }

  /** Shows why an upload failed (a test file that failed is dropped). @returns false. */
  private rejectCsv(which: 'train' | 'test', e: unknown): boolean {
    if (which === 'test' && this.upload) this.upload = { ...this.upload, test: null };
    if (e instanceof CsvDataError) showNotice('error', e.message, 'upload-error');
    else this.reportError(e);
    return false;
  }

  /** Shows a rejected change's message (the previous experiment keeps running). */
  reportError(e: unknown, suffix = 'The previous experiment keeps its results.'): void {
    if (e instanceof ParamError || e instanceof DeviceLimitError || e instanceof CsvDataError) {
      showNotice('error', `${e.message} ${suffix}`, 'param-error');
    } else {
      showNotice('error', `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, 'param-error');
      console.error(e);
    }
  }
}
