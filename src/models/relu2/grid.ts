/**
 * The experiment the relu2 app runs, expanded from its params through the one plan the CLI also uses
 * (appConfig.ts → plan.ts): cells (one per (τ, δ|α) setting), seeds, data sets, checkpoints and GPU
 * batches. Pure (no DOM, no GPU).
 *
 * Order: cell c = iτ·rows + iδ for a grid (τ-major, so one τ column is a contiguous range of cells), the
 * four settings in paper order for Fig. 1a; network q = iSeed·#cells + c, the plan's (and the CLI's)
 * order ({@link networkIndex}). Map row = iδ (y), column = iτ (x). A batch is a contiguous range of cells
 * with all their seeds; θ₀ is materialised per batch only (the full Fig. 1b grid would need 185 MB).
 */
import { DeviceLimitError } from '../../gpu/device.ts';
import { symmetrisedInit, type Relu2Data, type Relu2Params } from '../../theory/index.ts';
import { initDirections, learningRateOf, resolveScaleShape } from './data.ts';
import { validateRelu2Spec, type Relu2DeviceLimits, type Relu2SimSpec, type Relu2Sizes } from './spec.ts';
import type { Relu2Kernel } from './layout.ts';
import { checkRelu2Params, type Relu2AppParams } from './params.ts';
import { FIG1A_SETTINGS, relu2ConfigFromParams } from './appConfig.ts';
import { Relu2Plan } from './plan.ts';


/**
 * One (τ, δ, α) setting; `row`/`col` place it in the regime map (Fig. 1a: row 0, col = setting);
 * `label` names it fully, `short` in legends.
 */
export interface Relu2Cell { index: number; row: number; col: number; tau: number; delta: number; alpha: number; label: string; short: string }

/** Explicit data (an uploaded CSV) used instead of the teacher: one data set shared by every seed. */
export interface ExplicitData { data: Relu2Data; name: string }

/** Everything a run needs, derived once from the params (see file comment for the orderings). */
export interface Relu2Experiment {
  params: Relu2AppParams;
  kind: 'grid' | 'fig1a';
  cells: Relu2Cell[];
  rows: number;
  cols: number;
  /** Column values (τ) and row values (δ or α) of the map. */
  taus: number[];
  shapes: number[];
  shapeKind: 'delta' | 'alpha';
  seeds: number[];
  checkpoints: number[];
  m: number;
  d: number;
  n: number;
  nTest: number;
  slope: number;
  /** One data set per seed (teacher) or one shared (explicit). */
  datasets: Relu2Data[];
  /** The teacher of each data set (null for explicit data). */
  teachers: (Relu2Params | null)[];
  /** Name of the uploaded file, when the data are explicit. */
  dataName: string | null;
  /** Batches: contiguous cell ranges [start, end). */
  batches: { start: number; end: number }[];
  networkCount: number;
  /** The plan both the app and the CLI run (network order, θ₀, data). */
  plan: Relu2Plan;
}

/**
 * Expands params into an experiment and generates the data.
 * @throws ParamError from checkRelu2Params; Error when data = 'upload' and no data are given.
 */
export function buildExperiment(p: Relu2AppParams, explicit: ExplicitData | null): Relu2Experiment {
  checkRelu2Params(p);
  const plan = new Relu2Plan(relu2ConfigFromParams(p, explicit?.data ?? null));
  const { config } = plan;
  const seeds = config.init.kind === 'explicit' ? [] : config.init.seeds;
  const loaded = Array.from({ length: plan.dataCount }, (_, k) => plan.data(k));
  const datasets = loaded.map((x) => x.data), teachers = loaded.map((x) => x.teacher);
  let cells: Relu2Cell[], rows: number, cols: number, taus: number[], shapes: number[];
  if (p.experiment === 'fig1a') {
    cells = FIG1A_SETTINGS.map((s, i) => ({ index: i, row: 0, col: i, ...resolveScaleShape(s), label: s.label, short: s.short }));
    rows = 1; cols = cells.length;
    taus = cells.map((c) => c.tau);
    shapes = cells.map((c) => c.delta);
  } else {
    const init = config.init as Extract<typeof config.init, { kind: 'grid' }>;
    taus = init.taus;
    shapes = (init.deltas ?? init.alphas)!;
    rows = shapes.length; cols = taus.length;
    cells = plan.settings.map((setting, index) => {
      const point = resolveScaleShape(setting);
      const shapeText = setting.delta !== undefined ? `δ = ${fmt(setting.delta)}` : `α = ${fmt(setting.alpha!)}`;
      const label = `τ = ${fmt(setting.tau)}, ${shapeText}`;
      return { index, row: index % rows, col: Math.floor(index / rows), ...point, label, short: label };
    });
  }
  const per = p.experiment === 'fig1a' || p.batch === 'all' ? cells.length : p.batch === 'tau' ? rows : 1;
  const batches: { start: number; end: number }[] = [];
  for (let s = 0; s < cells.length; s += per) batches.push({ start: s, end: Math.min(cells.length, s + per) });
  return {
    params: p, kind: p.experiment, cells, rows, cols, taus, shapes, shapeKind: p.experiment === 'fig1a' ? 'delta' : p.shape, seeds,
    checkpoints: config.checkpoints, m: config.m, d: config.d, n: config.n, nTest: config.nTest, slope: config.slope, datasets, teachers,
    dataName: explicit && p.data === 'upload' ? explicit.name : null, batches, networkCount: config.networks, plan,
  };
}

/** Network index (plan and CLI order) of seed index s of cell c: s·#cells + c. */
export function networkIndex(e: Relu2Experiment, cell: number, seedIndex: number): number {
  return seedIndex * e.cells.length + cell;
}

/** The networks of batch b, in the order of its spec: seed-major, then cell (plan order). */
export function batchNetworks(e: Relu2Experiment, b: number): number[] {
  const { start, end } = e.batches[b];
  return e.seeds.flatMap((_, s) => Array.from({ length: end - start }, (__, i) => networkIndex(e, start + i, s)));
}

/** Compact number for labels: 3 significant digits. */
export function fmt(v: number): string { return String(Number(v.toPrecision(3))).replace('-', '−'); }

/** The data set index of seed i (0 for explicit data, shared by all seeds). */
export function dataIndexOf(e: Relu2Experiment, seedIndex: number): number { return e.datasets.length === 1 ? 0 : seedIndex; }

/** The learning rate of a cell: η_base/τ² or η_base. */
function etaOf(e: Relu2Experiment, cell: Relu2Cell): number {
  return learningRateOf({ base: e.params.etaBase, scaleByTauSquared: e.params.etaScale }, cell.tau);
}

/** Networks (cells × seeds) in batch b. */
export function batchSize(e: Relu2Experiment, b: number): number {
  return (e.batches[b].end - e.batches[b].start) * e.seeds.length;
}

/** The spec of batch b for Relu2Sim.create: its networks in {@link batchNetworks} order (θ₀ materialised), the data sets they use. */
export function batchSpec(e: Relu2Experiment, b: number): Relu2SimSpec {
  return e.plan.specOf(batchNetworks(e, b)).spec;
}

/**
 * Checks the largest batch against the limits of the step kernel (default `workgroup`) and the device
 * without materialising its θ₀ (one shared θ₀ stands in for all, which validateRelu2Spec checks once).
 * @throws DeviceLimitError / Error as validateRelu2Spec (the message names the limit), with a hint to
 *   train fewer networks per batch when that is possible.
 */
export function validateExperiment(e: Relu2Experiment, limits: Relu2DeviceLimits, kernel?: Relu2Kernel): Relu2Sizes {
  const largest = Math.max(...e.batches.map((_, b) => batchSize(e, b)));
  const { directions, signs } = initDirections(e.seeds[0], e.m, e.d);
  const init = symmetrisedInit(e.cells[0].tau, e.cells[0].alpha, directions, signs);
  const eta = Math.max(...e.cells.map((c) => etaOf(e, c)));
  const networks = Array.from({ length: largest }, (_, q) => ({ init, dataIndex: q % e.datasets.length, eta }));
  try {
    return validateRelu2Spec({ datasets: e.datasets, networks, slope: e.slope }, limits, kernel);
  } catch (err) {
    if (err instanceof DeviceLimitError && e.kind === 'grid' && e.params.batch !== 'cell') {
      throw new DeviceLimitError(`${err.message} The app can also train fewer networks at a time: set "GPU batch" to ${e.params.batch === 'all' ? 'one τ column' : 'one cell'} at a time.`);
    }
    throw err;
  }
}

/**
 * Work of the whole run in network-steps (Σ_batches networks × last checkpoint) and in metric
 * evaluations (Σ_batches networks × checkpoints after 0), for progress and the time estimate.
 */
export function totalWork(e: Relu2Experiment): { steps: number; metrics: number } {
  const last = e.checkpoints[e.checkpoints.length - 1];
  return { steps: e.networkCount * last, metrics: e.networkCount * (e.checkpoints.length - 1) };
}
