/**
 * The model plugin contract (docs/architecture.md): everything the app shell, the runner, the CLI and
 * the conformance tests need of a model. A model lives in one folder, src/models/<id>/, exports one
 * {@link ModelPlugin} from its `plugin.ts`, and is listed once in src/models/registry.ts. Nothing
 * outside its folder and the registry imports from the folder.
 *
 * The browser never loads a model's CLI code (Node modules) and the CLI never loads its DOM code: both
 * halves are behind lazy loaders ({@link ModelPlugin.loadCli}, {@link ModelPlugin.loadApp}).
 */
import type { NoticeKind } from '../app/notices.ts';
import type { EstimateAdapter, ResourceEstimate } from './estimate.ts';
import type { GpuContext } from '../gpu/device.ts';
import type { Params, Schema } from '../params/schema.ts';
import type { HashModel } from '../params/url.ts';

/** A per-network metric a model reports (at checkpoints, or live), for views, exports and docs. */
export interface MetricDef {
  /** Key in the model's metric records and result files, e.g. "kernelDistance". */
  key: string;
  /** Label with units and symbols, e.g. "kernel distance S(t)". */
  label: string;
  /** Axis / colour scale the views use for it. */
  scale: 'linear' | 'log';
  /** docs/theory.md section of its definition, e.g. "§1.2". */
  theory: string;
  /** True when the model also computes its closed form (drawn dashed beside the simulation). */
  closedForm?: boolean;
}

/** Progress callback: (work done, total work), in the unit the caller was told (steps or network-steps). */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * One ensemble of networks on one backend (GPU float32 or CPU float64), behind one interface, so that
 * the runner drives live animation (advance k steps per frame) and checkpoint runs (advance to the next
 * checkpoint with progress and cancel, then read the metrics) alike.
 */
export interface ModelBackend<Metrics = Record<string, number | boolean>> {
  readonly kind: 'gpu' | 'cpu';
  /** Networks (trajectories) in this ensemble. */
  readonly count: number;
  /** Steps taken so far (GD steps, or integrator steps of size `step`: time = steps × step). */
  readonly stepCount: number;
  /**
   * Advances every network by `steps` steps, in chunks that yield to the caller (a page stays responsive).
   * Diverged networks stay frozen at their last finite state and are flagged.
   * @param onProgress (steps done, steps) of this call. @param signal aborting throws its reason at the next chunk.
   */
  advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void>;
  /**
   * The metrics of every network now, in plan order (one record per network, `diverged` included).
   * @param signal aborting rejects with its reason between chunks of a long pass (the state is kept: read again later).
   */
  readMetrics(signal?: AbortSignal): Promise<Metrics[]>;
  /** Frees the device resources (GPU) or the state (CPU). */
  destroy(): void;
}

/** Options of a CLI run ({@link ModelCli.simulate}, {@link SweepSupport.runRange}). */
export interface CliRunOptions {
  /** Overrides the config's backend. */
  backend?: 'gpu' | 'cpu';
  /** (done, total) in the unit of {@link ResultDocument.progressUnit}. */
  onProgress?: ProgressCallback;
  /** One line for stderr (adapter, drift notes). */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** GPU device to use (a sweep shares one over its chunks); absent: the run creates and destroys its own. */
  ctx?: GpuContext;
}

/**
 * A result written by `simulate`, a sweep shard or `merge`: a header object (with `model`, the plugin
 * id) and one entry per network in plan order, streamed as `{ ...header, <entriesKey>: [ ... ] }`.
 */
export interface ResultDocument {
  header: Record<string, unknown> & { model: string };
  /** Name of the entries' array in the JSON ("trajectories", "networks"). */
  entriesKey: string;
  /**
   * The entries, or pieces of already-serialised entries (src/cli/resultFile.ts `JsonText`: the JSON of `count`
   * entries, comma-separated; the single neuron writes float32 values as shortest round-trip decimals that way).
   * A reader expands a JsonText with `JSON.parse('[' + text + ']')`.
   */
  entries: Iterable<object> | AsyncIterable<object>;
  /**
   * How the CLI writes it (src/cli/resultFile.ts): 'lines' (default) puts the header on the first line and
   * one entry per line, so files larger than a JavaScript string are written and read in pieces;
   * 'compact' is exactly `JSON.stringify({ ...header, [entriesKey]: entries })` plus a newline.
   */
  layout?: 'lines' | 'compact';
}

/** What `sweep` and `merge` need of a model: its plan (networks in one fixed order) run range by range. */
export interface SweepSupport<Config> {
  /** Networks in the plan. */
  count(config: Config): number;
  /** Default networks per resumable chunk (e.g. one seed's grid, which shares one data set). */
  defaultChunk(config: Config): number;
  /** SHA-256 (hex) of what determines the results (not the backend). */
  configHash(config: Config): string;
  /** The config's backend (`--backend` overrides it); shard files record the backend actually used. */
  backend(config: Config): 'gpu' | 'cpu';
  /** Runs networks [start, end) of the plan; entries in plan order. @throws DeviceLimitError, ConfigError. */
  runRange(config: Config, start: number, end: number, options: CliRunOptions): Promise<ResultDocument>;
  /**
   * Optional check of one entry read back from a shard file (without the sweep's `index`) against the
   * output schema; `merge` refuses a file with a bad entry, naming file and line.
   * @param header the shard's model fields (e.g. its checkpoints). @returns the problem, or undefined.
   */
  checkEntry?(entry: Record<string, unknown>, header: Record<string, unknown>): string | undefined;
  /**
   * Optional stderr report of the networks a sweep shard computed: `digest` keeps what the report needs
   * of one entry (small: a shard may hold more entries than fit in memory whole), `lines` writes it.
   */
  summary?: {
    digest(entry: object): object;
    lines(config: Config, digests: readonly object[], seconds: number): string[];
  };
}

/** The Node half of a plugin: config parsing and running for `lazyrich simulate | sweep | merge`. */
export interface ModelCli<Config = unknown> {
  /** `simulate --help` text for this model (config fields, methods, output fields). */
  help: string;
  /** Unit of progress ("steps", "network-steps"). */
  progressUnit: string;
  /**
   * Validates a parsed config JSON (its `model` is this plugin's id).
   * @throws ConfigError naming the JSON path (config.<field>) before anything is allocated.
   */
  parseConfig(raw: unknown): Config;
  /**
   * Host and device memory and setup time of a validated config, from the config alone (nothing is
   * allocated; src/models/<id>/estimate.ts). parseConfig refuses a config whose estimate does not fit.
   */
  estimate?(config: Config): ResourceEstimate;
  /** Runs the whole config. @throws DeviceLimitError when it cannot fit the device. */
  simulate(config: Config, options: CliRunOptions): Promise<ResultDocument>;
  /** Present when `sweep` and `merge` can run this model in shards. */
  sweep?: SweepSupport<Config>;
}

/**
 * What a model's app gives the shell's params path ({@link ParamsSession}): the model-specific halves of
 * `change → validate → apply → URL → rebuild-and-swap`.
 */
export interface ParamsTarget<P> {
  /**
   * Optional model-specific completion of a raw change before validation (after the preset rule), e.g.
   * resizing the d-vectors when d changes. @returns the raw change to validate.
   */
  prepare?(change: Record<string, unknown>, current: P): Record<string, unknown>;
  /**
   * Makes validated params (schema and {@link ModelPlugin.checkParams} passed) run: builds what needs
   * rebuilding and swaps it in, or updates the running ensemble. Throws (ParamError, DeviceLimitError,
   * …) before replacing anything, so a rejected change loses nothing.
   */
  apply(next: P, previous: P): void;
  /** Shows accepted params (controls, visibility, views); called after every accepted change. Must not throw. */
  show(params: P): void;
  /** Shows a rejected change's message (the 'param-error' notice, in the model's words). */
  reportError(e: unknown): void;
}

/**
 * The shell's one params path of the page, opened by the model's app with {@link AppShell.openSession}:
 * it owns the current params, the preset rule, validation, the URL hash (written on every accepted
 * change, read on every hashchange of the same model) and the 'param-error' notice.
 */
export interface ParamsSession<P> {
  /** The params now running. */
  readonly params: P;
  /**
   * Validates and applies a partial change: preset rule (src/params/url.ts expandPresetChange), the
   * target's prepare, schema validation, checkParams, target.apply, then the URL and target.show.
   * @returns false (after target.reportError) when rejected; the running state is kept.
   */
  change(partial: Partial<Record<keyof P, unknown>>): boolean;
  /** Accepts params the app applied itself (its first build, or a fallback after that failed): URL and target.show. */
  commit(params: P): void;
}

/** The services the app shell (src/app/shell.ts) offers a model's app half. */
export interface AppShell<P> {
  /** The model shown. */
  readonly plugin: ModelPlugin;
  /** The WebGPU context, or null without WebGPU (the app then starts its CPU fallback). */
  readonly gpu: GpuContext | null;
  /** The params to start with: the URL hash's, or the defaults after a reported URL error or an unknown model. */
  readonly initial: P;
  /**
   * Whether `initial` came from the URL hash (at least one key applied); false for a page without a hash, a hash
   * whose every key was refused, or a run the user declined: an app may then size its defaults by the adapter.
   */
  readonly fromUrl: boolean;
  /** Opens the page's params path with the app as its target. Call once; `params` is the app's initial. */
  openSession(target: ParamsTarget<P>, params: P): ParamsSession<P>;
  /** Shows (or replaces, by id) a notice under the title. */
  showNotice(kind: NoticeKind, message: string, id: string): void;
  /** Removes a notice by id. */
  clearNotice(id: string): void;
}

/**
 * One step of the guided tour (src/app/tour.ts, issue 10): one figure of the paper, set up through the
 * model's own params path (the URL hash) with a caption in plain words and the element to look at.
 */
export interface TourStep {
  /** The paper's figure, cited in the caption's heading, e.g. "Fig. 2". */
  figure: string;
  /** A short heading, e.g. "Geometry: lazy, rich and delayed-rich paths". */
  title: string;
  /**
   * URL-hash pairs of the model's schema keys, without `model=` and `v=` (the tour adds them), applied
   * over the current params like any hash (a preset first, then the other keys), e.g. 'p=fig2&view=beta'.
   */
  hash: string;
  /**
   * Hash pairs added after `hash` on a software adapter (or without WebGPU), e.g. a smaller grid, so the
   * step moves at a usable speed there (the card says so); absent: the step runs as on a GPU.
   */
  software?: string;
  /** CSS selector of the element the step points at (highlighted); a missing element highlights nothing. */
  target: string;
  /** What to look at and how to read it, in plain words (1–4 sentences). */
  caption: string;
}

/**
 * The run actions a page offers to the keyboard (src/app/keyboard.ts: space, →, r). Each is optional; a
 * missing one is listed as "not on this page" in the help overlay.
 */
export interface AppShortcuts {
  /** Pauses or resumes the run. */
  playPause?(): void;
  /** Pauses and advances one step (or one chunk). */
  step?(): void;
  /** Restarts the run from t = 0 with the same settings. */
  reset?(): void;
}

/** What a model's app reports once started. */
export interface StartedApp {
  /** The run actions the keyboard shortcuts call (absent: the shortcuts space, → and r do nothing here). */
  shortcuts?: AppShortcuts;
  /**
   * Restarts the run from t = 0 when the tour enters a step of this page (src/app/tour.ts), after the step's params
   * were applied; a run already at t = 0 (just rebuilt) is left alone. Absent: tour steps keep the run going.
   */
  restartForTour?: () => void;
  /** The running app, exposed to tests as window.lazyrich[exposeAs]; absent for a view-only fallback (window.lazyrich.fallback = true). */
  app?: unknown;
  /** Without WebGPU: what runs instead, the second line of the shell's "no-webgpu" notice. */
  fallbackNote?: string;
  /** Device loss (src/app/shell.ts calls it as soon as the loss is seen): stop submitting work at once. */
  gpuLost?(): void;
  /**
   * After a loss, the shell's new device (null: none could be had: run on the CPU backend or say so).
   * @returns where the run continues, for the notice, e.g. "at step 1,200".
   */
  gpuRestored?(gpu: GpuContext | null): Promise<string>;
}

/**
 * The browser half of a plugin (loaded lazily by {@link ModelPlugin.loadApp}, one chunk per model):
 * mounts the model's page into the shell and runs it on the GPU or on the model's CPU fallback.
 */
export interface ModelApp<P = Record<string, unknown>> {
  /** Key of window.lazyrich the running app is exposed as ('app', 'relu2'). */
  readonly exposeAs: string;
  /** The text of the shell's "software-adapter" notice for this model (speed expectations). */
  softwareAdapterNote(adapterName: string): string;
  /**
   * The page states the software adapter elsewhere for good (the single neuron's HUD: "adapter: … (software —
   * CPU speed)"), so the shell removes its notice after SOFTWARE_NOTE_MS (src/app/shell.ts) instead of leaving it
   * over the top of the views. Default false: the notice stays until dismissed.
   */
  readonly showsAdapter?: boolean;
  /**
   * Builds the model's DOM and starts the app: on shell.gpu, or on the CPU fallback when it is null.
   * @throws only when even the default params cannot run (the shell shows a fatal notice).
   */
  start(shell: AppShell<P>): Promise<StartedApp>;
}

/** |gpu − cpu| ≤ abs + rel·|cpu| for the numbers under one result field. */
export interface Tolerance { abs: number; rel: number }

/**
 * Tiny runs and bad inputs that the conformance suite (tests/unit/conformance.test.ts,
 * tests/gpu/conformance.test.ts) runs on every registered model.
 */
export interface ModelExamples {
  /** A CLI config that runs in about a second on either backend. */
  tiny: Record<string, unknown>;
  /** Stated GPU (f32) vs CPU (f64) tolerance per result field of an entry; `default` for the others. */
  tolerance: Record<string, Tolerance> & { default: Tolerance };
  /** A CLI config in which some networks diverge. */
  diverging: Record<string, unknown>;
  /** Which entries of `diverging` diverge, in plan order. */
  divergedEntries: readonly boolean[];
  /** App parameters with a bad value each: [field, value]; each must be refused naming the field. */
  badParams: readonly (readonly [field: string, value: unknown])[];
  /** Edits of `tiny` that make it bad: [JSON path the error names, fields to overwrite]. */
  badConfigs: readonly (readonly [path: string, patch: Record<string, unknown>])[];
}

/**
 * A registered model. Its hash-facing part ({@link HashModel}: id, schema, presets, view fields, URL
 * version and preset rule) drives the URL and the one params path of the shell.
 */
export interface ModelPlugin<S extends Schema = Schema> extends HashModel<S> {
  /** Title for the header's model switch. */
  readonly title: string;
  /** One line under the title: the model's formula and the paper's figure. */
  readonly subtitle: string;
  /**
   * The CLI config (JSON, the model's `lazyrich simulate` contract) that runs the networks the app runs
   * with these params, in the same order: the app and the CLI share one plan.
   * @throws Error when the params need data the config cannot name (e.g. an upload that is missing).
   */
  appConfig(p: Params<S>): Record<string, unknown>;
  /** Cross-field checks after each field passed its own. @throws ParamError naming the field. */
  checkParams(p: Params<S>): void;
  /**
   * Host and device memory and setup time of the app's run for these params, from the params alone
   * (src/models/<id>/estimate.ts): the shell asks before a large run and refuses one over the device
   * limits (src/app/estimateDialog.ts). Absent, or undefined for some params: no estimate, no question.
   * @param adapter the page's WebGPU adapter (null: no WebGPU; undefined: not known, e.g. a test): where the
   *   backend depends on it, the estimate is that of the backend that will run.
   */
  estimate?(p: Params<S>, adapter?: EstimateAdapter | null): ResourceEstimate | undefined;
  /** Metrics the model reports. */
  readonly metrics: readonly MetricDef[];
  /** Tiny runs and bad inputs for the conformance suite. */
  readonly examples: ModelExamples;
  /** Loads the Node half (CLI). */
  loadCli(): Promise<ModelCli>;
  /** Optional steps of the guided tour on this model's page, in the paper's order (src/app/tour.ts). */
  readonly tour?: readonly TourStep[];
  /**
   * Loads the browser half (views and app); absent while a model runs only in the CLI (the header's
   * model switch then leaves it out, and its URL shows a notice and the default model).
   */
  loadApp?(): Promise<ModelApp>;
}
