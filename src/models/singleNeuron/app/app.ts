/**
 * The browser app for the single-neuron model: owns the params, the GPU ensemble and the views, and runs
 * the animation loop. Wiring only; the maths lives in src/theory, the kernels in shaders/, the drawing in
 * src/views. Every change is validated before anything running is replaced, so a bad value loses nothing.
 */
import { resolveDeltaScaleKind } from '../../../views/deltaScale.ts';
import { NoClosedFormError } from '../../../theory/index.ts';
import { DeviceLimitError, type GpuContext } from '../../../gpu/device.ts';
import { ParamError, defaults, validate } from '../../../params/schema.ts';
import type { AppShell, AppShortcuts, ParamsSession, ParamsTarget } from '../../plugin.ts';
import { Runner, type SteppedBackend } from '../../../app/runner.ts';
import { buildData, buildEnsemble, type SingleNeuronEnsemble } from '../ensemble.ts';
import { checkCrossFields, firstLoadParams, SINGLE_NEURON_SCHEMA as SCHEMA, type SingleNeuronParams } from '../params.ts';
import { SingleNeuronSim, type EnsembleSummary } from '../sim.ts';
import { defaultRegimeRule, type RegimeRule } from '../regimes.ts';
import { PortraitView } from '../views/portrait.ts';
import { lossDomainFor } from '../views/portraitColoring.ts';
import { validatePortraitSource } from '../views/portraitSource.ts';
import { validateParamSpace3DSource } from '../views/paramSpace3dSource.ts';
import { createInspector, type Inspector } from '../views/inspect.ts';
import { createLegend, type Legend } from '../../../views/legend.ts';
import { ParamSpace3DView } from '../views/paramSpace3d.ts';
import { Analysis, hasClosedForm } from './analysis.ts';
import { createControls, showRelevantControls, SINGLE_NEURON_FOLDERS, type ControlsHandle } from './controls.ts';
import { colorFieldFor } from './colorFields.ts';
import { cellTrajectories, gridShape, RegimePanel, TimeSeriesPanel } from './panels.ts';
import { addPanelPngButtons, exportCsv, exportJson, gridLabels, readExportInput, savePortraitPng } from './export.ts';
import { formatHud } from './hud.ts';
import { accuracyWarning } from './accuracy.ts';
import { fig2Trajectories, FeaturedPathsController } from './featured.ts';
import { PortraitPaths } from '../views/portraitPaths.ts';
import { RateMeter } from '../../../app/rateMeter.ts';
import { clearNotice, showNotice } from '../../../app/notices.ts';
import { Scrubber } from './scrub.ts';
import { StateSnapshots } from './snapshot.ts';
import { ReadbackSchedule, REBUILD_FIELDS, resizeVectors, type AppStatus } from './appState.ts';


declare global {
  interface LazyrichGlobals { app?: App }
}

/** The running app. Create with {@link App.start}. */
export class App implements ParamsTarget<SingleNeuronParams> {
  private sim!: SingleNeuronSim;
  private analysis!: Analysis;
  private runner!: Runner;
  private readonly session: ParamsSession<SingleNeuronParams>;
  private summary: EnsembleSummary | null = null;
  private summaryPending = false;
  private readonly reads = new ReadbackSchedule();
  private readonly legend: Legend;
  private readonly regimePanel: RegimePanel;
  private readonly timeSeriesPanel: TimeSeriesPanel;
  private space3d: ParamSpace3DView | null = null;
  private readonly rate = new RateMeter();
  private readonly controls: ControlsHandle<typeof SCHEMA>;
  private readonly inspector: Inspector;
  private readonly hud = document.getElementById('hud') as HTMLElement;
  private selection: Uint32Array = new Uint32Array(0);
  private scrub: Scrubber;
  /** The Fig. 2 trajectories' persistent paths over the portrait (featured.ts). */
  readonly featured: FeaturedPathsController;
  /** Steps (and t) whose GPU work finished, of the current sim. */
  private done = { step: 0, time: 0 };
  private readonly snapshots = new StateSnapshots();
  /** The replayed time the views last showed (null: live); see {@link frame}. */
  private shownReplayTime: number | null = null;

  private constructor(private ctx: GpuContext, private portrait: PortraitView, shell: AppShell<SingleNeuronParams>) {
    this.session = shell.openSession(this, shell.initial);
    this.featured = new FeaturedPathsController(ctx, new PortraitPaths(portrait.canvas.parentElement as HTMLElement));
    this.controls = createControls(SCHEMA, SINGLE_NEURON_FOLDERS, () => this.params, (name, value) => this.change({ [name]: value }), {
      playPause: () => this.setPlaying(!this.runner.playing),
      step: () => { this.setPlaying(false); void this.runner.step(1); },
      reset: () => this.rebuild(this.params, this.sim.ensemble, this.selection),
      reseed: () => this.change({ seed: (this.params.seed + 1) % 2 ** 31, dataSeed: (this.params.dataSeed + 1) % 2 ** 31 }),
      inspect: () => void this.inspect(),
      savePng: () => void savePortraitPng(() => this.renderFrame()),
      exportCsv: () => void this.readExport().then((input) => exportCsv(input)),
      exportJson: () => void this.readExport().then((input) => exportJson(input, this.params, this.ctx.adapterName)),
    }, { beta0Norm: 3 });
    this.inspector = createInspector(document.getElementById('inspect-layer') as HTMLElement, {
      onSelect: (indices) => this.select(indices),
    });
    this.legend = createLegend(document.getElementById('legend') as HTMLElement);
    this.regimePanel = new RegimePanel(document.getElementById('regime-map') as HTMLElement, (row, col) => {
      this.regimePanel.highlight(row, col);
      this.select(cellTrajectories(this.params, row, col));
    });
    this.timeSeriesPanel = new TimeSeriesPanel(document.getElementById('time-series') as HTMLElement);
    addPanelPngButtons();
    // Replay (scrub.ts): paused, trails off (a recorded state does not continue the live one); leave restores the view.
    this.scrub = new Scrubber(ctx, document.getElementById('portrait-wrap') as HTMLElement, {
      enter: () => {
        const was = this.runner.playing;
        this.setPlaying(false);
        this.portrait.setStyle({ pointSize: this.params.pointSize, trails: false, trailDecay: this.params.trailDecay });
        return was;
      },
      leave: (resume) => { this.applyView(); if (resume) this.setPlaying(true); },
    });
  }

  /** The run actions of the keyboard shortcuts (src/app/keyboard.ts): the run buttons' play, step and reset. */
  get shortcuts(): AppShortcuts {
    return {
      playPause: () => this.setPlaying(!this.runner.playing),
      step: () => { this.setPlaying(false); void this.runner.step(1); },
      reset: () => this.rebuild(this.params, this.sim.ensemble, this.selection),
    };
  }

  /** Renders the visible WebGPU view now, whether a frame is due or not (for PNG exports, read in the same task). */
  private renderFrame(): void {
    if (this.params.view === '3d') this.space3d?.render();
    else this.portrait.render();
  }

  /** One consistent snapshot for the CSV/JSON exports. */
  private readExport(): ReturnType<typeof readExportInput> {
    return readExportInput(this.sim, this.analysis.observables, this.analysis.recorder, this.regimeRule, gridLabels(this.params));
  }

  /** The params now running (owned by the shell's session). */
  get params(): SingleNeuronParams { return this.session.params; }

  /**
   * Builds the first ensemble and starts the loop. If the initial params cannot run (e.g. a grid beyond
   * the device limits), their message is shown and the defaults run instead.
   * @throws ParamError or DeviceLimitError if even the default ensemble cannot run on this device.
   */
  static start(ctx: GpuContext, canvas: HTMLCanvasElement, shell: AppShell<SingleNeuronParams>): App {
    const app = new App(ctx, new PortraitView(ctx, canvas), shell);
    // A first load (no hash, or one whose every key was refused) is Fig. 2, sized by the adapter (params.ts SOFTWARE_DEFAULTS).
    let params = shell.fromUrl ? shell.initial : firstLoadParams(ctx.isSoftware);
    try {
      checkCrossFields(params);
      app.rebuild(params);
    } catch (e) {
      app.reportError(e);
      params = firstLoadParams(ctx.isSoftware);
      app.rebuild(params);
    }
    app.session.commit(params);
    app.runner = Runner.live(() => app.liveBackend(), {
      stepsPerFrame: () => app.params.stepsPerFrame,
      onAdvanced: (steps, now) => app.rate.add(steps, now),
      onFrame: (now) => app.frame(now),
    });
    return app;
  }

  /** Current status (for the HUD, tests and exports). */
  get status(): AppStatus {
    return {
      stepCount: this.done.step, time: this.done.time, completedSteps: this.done.step, queuedSteps: this.sim.stepCount,
      n: this.sim.n, playing: this.runner.playing,
      adapter: this.ctx.adapterName, summary: this.summary, selection: this.selection.length,
      theoryError: this.analysis.results.theoryError, limitDistance: this.analysis.results.limitDistance,
      recordedSamples: this.analysis.results.series[0]?.time.length ?? 0,
    };
  }

  /** Indices of the selected trajectories (grid order, README "Conventions"). */
  get selectedIndices(): number[] { return Array.from(this.selection); }

  /** The time-series charts as last drawn: per chart, its title and curves (label, colour, points). */
  get charts(): TimeSeriesPanel['drawn'] { return this.timeSeriesPanel.drawn; }

  /**
   * Selects trajectories: highlighted in the portrait and followed by the time series (the first 64),
   * recorded from now on (from t = 0 after a rebuild).
   * @throws Error when an index is ≥ n.
   */
  select(indices: Uint32Array): void {
    this.selection = indices;
    this.portrait.highlight(indices.length ? indices : null);
    this.space3d?.highlight(indices.length ? indices : null);
    this.analysis.recorder.setSelection(indices);
    if (indices.length) this.analysis.recordNow();
  }

  /**
   * Validates and applies a partial change through the shell's params path (a preset name expands to its settings).
   * @returns false (after showing the message) if the change was rejected; the running state is kept.
   */
  change(partial: Partial<Record<keyof SingleNeuronParams, unknown>>): boolean {
    return this.session.change(partial);
  }

  /** A change of d pads or truncates the d-vectors (target, sample), so a d edit is never rejected for length. */
  prepare(raw: Record<string, unknown>, current: SingleNeuronParams): Record<string, unknown> {
    if (raw.d === undefined || raw.d === current.d) return raw;
    return { ...resizeVectors(current, validate(SCHEMA, { d: raw.d }, current).d), ...raw };
  }

  /** Rebuilds the ensemble when a data, grid or rate field changed, else updates the integrator in place. */
  apply(next: SingleNeuronParams, previous: SingleNeuronParams): void {
    if (next.colorBy === 'theoryError' && !hasClosedForm(buildData(next).XX)) {
      throw new ParamError('colorBy', 'no closed form for this data: colouring by |simulated − exact| needs XX = σ²I.');
    }
    const rebuild = REBUILD_FIELDS.some((k) => JSON.stringify(next[k]) !== JSON.stringify(previous[k]));
    if (rebuild) this.rebuild(next);
    else this.sim.setIntegrator({ method: next.method, step: next.step, bound: next.bound });
  }

  /** Shows accepted params: analysis settings, the view and the controls. */
  show(p: SingleNeuronParams): void {
    this.analysis.setSettings({ epsilon: p.epsilon, kernelThreshold: p.kernelThreshold });
    this.applyView();
    this.controls.sync(p);
  }

  /**
   * Builds a new ensemble (or reuses `ensemble`: reset) and swaps it in. Everything the views need is
   * checked before the swap; when the swap itself fails, the views go back to the old sim. Either way a
   * failed rebuild leaves the old one running (step count, portrait) and frees the new one's buffers
   * (issue 11). The selection becomes `keep` when it fits the new ensemble (reset keeps it), else the
   * Fig. 2 trajectories of the grid (featured.ts; none when the grid lacks them).
   */
  private rebuild(p: SingleNeuronParams, ensemble?: SingleNeuronEnsemble, keep?: Uint32Array): void {
    const e = ensemble ?? buildEnsemble(p);
    const sim = SingleNeuronSim.create(this.ctx, e, { method: p.method, step: p.step, bound: p.bound });
    let analysis: Analysis | undefined;
    let swapping = false;
    const [oldSim, oldAnalysis] = [this.sim, this.analysis];
    try {
      analysis = new Analysis(this.ctx, sim, { epsilon: p.epsilon, kernelThreshold: p.kernelThreshold });
      validatePortraitSource(sim, { betaOls: e.betaOls, XX: e.data.XX, deltaRange: e.deltaRange });
      if (e.d === 2 && this.space3d) validateParamSpace3DSource(sim, { deltaRange: e.deltaRange, betaStar: e.betaOls, rates: e.rates });
      swapping = true;
      this.swapViews(sim, analysis);
    } catch (err) {
      if (swapping && oldSim) {
        try { this.swapViews(oldSim, oldAnalysis); } catch { /* the old sim's views were valid: unreachable */ }
        this.applyColor();
      }
      analysis?.destroy();
      sim.destroy();
      throw err;
    }
    this.sim = sim;
    this.analysis = analysis;
    this.done = { step: 0, time: 0 };
    this.runner?.resetBudget();
    this.applyColor();
    this.regimePanel.setGrid(gridShape(p));
    const featured = fig2Trajectories(p);
    this.featured.setSource(sim, featured, this.portrait.deltaScale);
    this.select(keep && keep.every((i) => i < sim.n) ? keep : featured);
    this.inspector.hide();
    this.summary = null;
    this.rate.reset();
    void this.ctx.device.queue.onSubmittedWorkDone().then(() => {
      oldAnalysis?.destroy();
      oldSim?.destroy();
    });
  }

  /** Points the portrait (and the 3-D view) at `sim`. @throws RangeError when a view refuses it. */
  private swapViews(sim: SingleNeuronSim, analysis: Analysis): void {
    const e = sim.ensemble;
    this.portrait.setSource(sim, { betaOls: e.betaOls, XX: e.data.XX, deltaRange: e.deltaRange });
    this.scrub.setSim(sim);
    if (e.d === 2) this.space3d?.setSource(sim, { deltaRange: e.deltaRange, betaStar: e.betaOls, rates: e.rates });
    if (analysis.implicitBias) {
      this.portrait.setInterpolants({ betaOls: e.betaOls, nullBasis: analysis.nullBasis() });
      this.portrait.setPredictedLimits({ buffer: analysis.implicitBias.limit, d: e.d });
    }
  }

  /** Device loss (the shell calls it as soon as the loss is seen): no more work is queued or read back. */
  gpuLost(): void { this.runner.suspend(); }

  /**
   * Rebuilds on a new device after a loss, from the last read-back state (state, flags, step count and
   * time t; without one, from θ₀): a new portrait on the same canvas, the sim, its analysis, then playing
   * again as before.
   * @returns the step count the run continues from.
   */
  gpuRestored(ctx: GpuContext): number {
    const old = this.sim;
    for (const view of [this.portrait, this.space3d]) {
      try { view?.destroy(); } catch { /* its device is gone */ }
    }
    this.space3d = null;
    this.ctx = ctx;
    this.portrait = new PortraitView(ctx, this.portrait.canvas);
    this.scrub.useContext(ctx);
    this.featured.useContext(ctx);
    this.rebuild(this.params, old.ensemble, this.selection);
    this.done = this.snapshots.restore(old, this.sim, ctx) ?? this.done;
    this.show(this.params);
    this.runner.resume();
    return this.done.step;
  }

  private get regimeRule(): RegimeRule {
    return { ...defaultRegimeRule(1), kernelThreshold: this.params.kernelThreshold, earlyTime: this.params.earlyTime };
  }

  private applyView(): void {
    const p = this.params;
    const style = { pointSize: p.pointSize, trails: p.trails, trailDecay: p.trailDecay };
    if (p.view === '3d') {
      const view = this.show3d();
      view.setSurfaceDelta(p.surfaceDelta);
      view.setStyle(style);
    } else {
      this.portrait.setView(p.view);
      this.hide3d();
      clearNotice('inspect');
    }
    this.portrait.setStyle(style);
    this.applyColor();
    document.body.classList.toggle('panels-on', p.panels);
    showRelevantControls(this.controls, p);
  }

  /** Colours the portrait by the chosen quantity; a per-trajectory field is read from its GPU buffer directly. */
  private applyColor(): void {
    const field = colorFieldFor(this.params, this.analysis, this.sim);
    if (field) {
      this.portrait.setField(field);
      this.portrait.setColorBy('field');
    } else {
      this.portrait.setColorBy(this.params.colorBy === 'loss' ? 'loss' : 'delta');
    }
    const deltaScale = resolveDeltaScaleKind(this.params.deltaScale, this.params.grid);
    for (const view of [this.portrait, this.space3d]) view?.setDeltaScale(deltaScale);
    this.featured.setDeltaScale(this.portrait.deltaScale);
    this.legend.update(this.portrait.getColorSpec());
  }

  /** Shows the 3-D parameter view (created on first use) in place of the portrait. */
  private show3d(): ParamSpace3DView {
    const canvas = document.getElementById('space3d') as HTMLCanvasElement;
    if (!this.space3d) {
      this.space3d = new ParamSpace3DView(this.ctx, canvas);
      const e = this.sim.ensemble;
      this.space3d.setSource(this.sim, { deltaRange: e.deltaRange, betaStar: e.betaOls, rates: e.rates });
      this.space3d.highlight(this.selection.length ? this.selection : null);
    }
    canvas.hidden = false;
    this.portrait.canvas.hidden = true;
    this.featured.paths.setVisible(false);
    return this.space3d;
  }

  private hide3d(): void {
    (document.getElementById('space3d') as HTMLCanvasElement).hidden = true;
    this.portrait.canvas.hidden = false;
    this.featured.paths.setVisible(true);
  }

  private setPlaying(playing: boolean): void {
    this.runner.setPlaying(playing);
    this.controls.setPlaying(playing);
    if (playing) this.inspector.hide();
  }

  private async inspect(): Promise<void> {
    this.setPlaying(false);
    const view = this.params.view;
    if (view === '3d') {
      showNotice('info', 'Inspect and lasso work in the 2-D views; switch the view to function space or parameters.', 'inspect');
      return;
    }
    const sim = this.sim;
    const { state, flags } = await sim.readState();
    if (sim !== this.sim || this.runner.playing) return;
    const e = sim.ensemble;
    this.inspector.show({
      n: sim.n, d: sim.d, state, flags, delta0: Float32Array.from(e.delta0), state0: e.state0,
      betaOls: e.betaOls, XX: e.data.XX, view, viewRect: this.portrait.getView(),
    });
  }

  /** Shows a rejected change's message; the simulation keeps running with the previous settings. */
  reportError(e: unknown): void {
    const known = e instanceof ParamError || e instanceof DeviceLimitError || e instanceof NoClosedFormError;
    if (!known) console.error(e);
    const message = e instanceof Error ? e.message : String(e);
    showNotice('error', `${known ? '' : 'Unexpected error: '}${message} The simulation keeps running with the previous settings.`, 'param-error');
  }

  /** The live runner's view of the current ensemble: k steps queued, then the per-step analysis passes. */
  private liveBackend(): SteppedBackend {
    const { sim, analysis, ctx } = this;
    return {
      stepCount: sim.stepCount,
      advance: async (steps) => {
        if (ctx.lost) return;
        this.scrub.restoreLive();
        this.featured.queueSteps(sim, steps);
        this.scrub.afterSteps();
        const reached = { step: sim.stepCount, time: sim.time };
        analysis.afterSteps(this.params.colorBy === 'theoryError');
        await ctx.device.queue.onSubmittedWorkDone();
        // On a lost device onSubmittedWorkDone resolves at once: those steps never ran.
        if (sim === this.sim && !ctx.lost && reached.step > this.done.step) this.done = reached;
      },
      destroy: () => {},
    };
  }

  /** Every animation frame (after the runner queued the frame's steps): draw, read summaries back, HUD. */
  private frame(now: number): void {
    if (this.ctx.lost) return;
    // A replayed state is written into the sim's buffers at the live time: the views cannot see it move.
    if (this.scrub.time !== this.shownReplayTime) {
      this.shownReplayTime = this.scrub.time;
      this.invalidateViews();
    }
    if (this.params.view === '3d') this.space3d?.render(this.sim.time);
    else {
      this.portrait.render(this.sim.time);
      this.featured.frame(this.portrait.getView(), this.params.view);
    }
    const wantTable = this.params.panels || this.params.colorBy === 'regime';
    const due = this.reads.due(now, { sim: this.sim, step: this.sim.stepCount, params: this.params, selection: this.selection },
      { replaying: this.scrub.active, summaryFree: !this.summaryPending, wantTable });
    if (due.snapshot) this.snapshots.maybeTake(this.sim, this.ctx, now, () => this.sim);
    if (due.summary) {
      this.summaryPending = true;
      const sim = this.sim;
      const ctx = this.ctx;
      void sim.readSummary().then((s) => {
        if (sim !== this.sim || ctx.lost) return;
        this.summary = s;
        const lossDomain = lossDomainFor(s.maxExcessLoss);
        if (lossDomain) this.portrait.setLossDomain(lossDomain);
        if (this.params.colorBy === 'loss') this.legend.update(this.portrait.getColorSpec());
      }, (e: unknown) => { if (!ctx.lost) console.error(e); }).finally(() => { this.summaryPending = false; });
      this.analysis.requestReadbacks(false);
      if (this.params.colorBy === 'timeToEpsilon') { this.applyColor(); this.invalidateViews(); }
    }
    if (due.panels) {
      this.analysis.requestReadbacks(true);
      if (this.params.colorBy === 'regime') { this.analysis.uploadRegimes(this.regimeRule); this.invalidateViews(); }
      if (this.params.panels) this.updatePanels();
    }
    const hud = this.scrub.hudLine(this.sim.time) + formatHud(this.status, this.params, this.rate.perSecond(now), this.ctx.isSoftware);
    if (this.hud.textContent !== hud) this.hud.textContent = hud; // an unchanged text is not repainted
  }

  /** The next frame redraws the views (their bound buffers were rewritten behind them). */
  private invalidateViews(): void {
    this.portrait.invalidate();
    this.space3d?.invalidate();
  }

  private updatePanels(): void {
    const { observables, series } = this.analysis.results;
    const e = this.sim.ensemble;
    if (observables && observables.flags.length === e.n) {
      this.regimePanel.update(this.params, observables.table, observables.flags, this.regimeRule, this.sim.time, accuracyWarning(this.status, this.params, true));
    }
    this.timeSeriesPanel.update(series, e, hasClosedForm(e.data.XX), this.portrait.deltaScale);
  }
}
