/**
 * The experiment the relu2 app runs, expanded from its params: cells (one per (τ, δ|α) setting), seeds,
 * data sets, checkpoints and GPU batches. Pure (no DOM, no GPU).
 *
 * Order: cell index c = iτ·rows + iδ for a grid (τ-major, so one τ column is a contiguous range), the four
 * settings in paper order for Fig. 1a; network q = c·S + iSeed for S seeds. Map row = iδ (y), column = iτ
 * (x). A batch is a contiguous range of cells with all their seeds. θ₀ of a network is the seeded
 * symmetrised init of src/models/relu2/data.ts, so the app and the CLI's grid draw identical networks
 * for the same seeds; θ₀ is materialised per batch only (the full Fig. 1b grid would need 185 MB).
 */
import { DeviceLimitError } from '../../gpu/device.ts';
import type { Relu2Data, Relu2Params } from '../../theory/index.ts';
import { symmetrisedInit } from '../../theory/index.ts';
import { initDirections, learningRateOf, resolveScaleShape, teacherStudentData } from '../../models/relu2/data.ts';
import { validateRelu2Spec, type Relu2DeviceLimits, type Relu2SimSpec, type Relu2Sizes } from '../../models/relu2/spec.ts';
import type { Relu2Kernel } from '../../models/relu2/layout.ts';
import {
  checkpointSteps, checkRelu2Params, seedList, shapeValues, slopeOf, tauValues, type Relu2AppParams,
} from '../../models/relu2/params.ts';

/**
 * One (τ, δ, α) setting; `row`/`col` place it in the regime map (Fig. 1a: row 0, col = setting);
 * `label` names it fully, `short` in legends.
 */
export interface Relu2Cell { index: number; row: number; col: number; tau: number; delta: number; alpha: number; label: string; short: string }

/** Explicit data (an uploaded CSV) used instead of the teacher: one data set shared by every seed. */
export interface ExplicitData { data: Relu2Data; name: string }

/** The four settings of Fig. 1a (theory.md §3), in paper order. */
export const FIG1A_SETTINGS: readonly { tau: number; delta?: number; alpha?: number; label: string; short: string }[] = [
  { tau: 0.1, delta: 0, label: 'τ = 0.1, δ = 0 · balanced', short: 'small balanced' },
  { tau: 2, delta: 0, label: 'τ = 2, δ = 0 · balanced, large', short: 'large balanced' },
  { tau: 0.1, alpha: 10, label: 'τ = 0.1, α = 10 · upstream', short: 'upstream α = 10' },
  { tau: 0.1, alpha: 0.1, label: 'τ = 0.1, α = 0.1 · downstream', short: 'downstream α = 0.1' },
];

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
}

/**
 * Expands params into an experiment and generates the data.
 * @throws ParamError from checkRelu2Params; Error when data = 'upload' and no data are given.
 */
export function buildExperiment(p: Relu2AppParams, explicit: ExplicitData | null): Relu2Experiment {
  checkRelu2Params(p);
  const seeds = seedList(p);
  const slope = slopeOf(p);
  let datasets: Relu2Data[], teachers: (Relu2Params | null)[];
  if (p.data === 'upload') {
    if (!explicit) throw new Error('data = "upload" needs a CSV: use "upload train CSV…" in the data folder.');
    datasets = [explicit.data];
    teachers = [null];
  } else {
    const generated = seeds.map((seed) => teacherStudentData({ seed, d: p.d, n: p.n, m0: p.m0, nTest: p.nTest }, slope));
    datasets = generated.map(({ teacher: _t, ...data }) => data);
    teachers = generated.map((g) => g.teacher);
  }
  const d = datasets[0].d, n = datasets[0].y.length, nTest = datasets[0].ytest?.length ?? 0;
  let cells: Relu2Cell[], rows: number, cols: number, taus: number[], shapes: number[];
  if (p.experiment === 'fig1a') {
    cells = FIG1A_SETTINGS.map((s, i) => ({ index: i, row: 0, col: i, ...resolveScaleShape(s), label: s.label, short: s.short }));
    rows = 1; cols = cells.length;
    taus = cells.map((c) => c.tau);
    shapes = cells.map((c) => c.delta);
  } else {
    taus = tauValues(p);
    shapes = shapeValues(p);
    rows = shapes.length; cols = taus.length;
    cells = [];
    taus.forEach((tau, col) => shapes.forEach((s, row) => {
      const point = resolveScaleShape(p.shape === 'delta' ? { tau, delta: s } : { tau, alpha: s });
      const shapeText = p.shape === 'delta' ? `δ = ${fmt(s)}` : `α = ${fmt(s)}`;
      const label = `τ = ${fmt(tau)}, ${shapeText}`;
      cells.push({ index: cells.length, row, col, ...point, label, short: label });
    }));
  }
  const per = p.experiment === 'fig1a' || p.batch === 'all' ? cells.length : p.batch === 'tau' ? rows : 1;
  const batches: { start: number; end: number }[] = [];
  for (let s = 0; s < cells.length; s += per) batches.push({ start: s, end: Math.min(cells.length, s + per) });
  return {
    params: p, kind: p.experiment, cells, rows, cols, taus, shapes, shapeKind: p.experiment === 'fig1a' ? 'delta' : p.shape, seeds,
    checkpoints: checkpointSteps(p.steps, p.checkpoints), m: p.m, d, n, nTest, slope, datasets, teachers,
    dataName: explicit && p.data === 'upload' ? explicit.name : null, batches, networkCount: cells.length * seeds.length,
  };
}

/** Compact number for labels: 3 significant digits. */
export function fmt(v: number): string { return String(Number(v.toPrecision(3))).replace('-', '−'); }

/** The data set index of seed i (0 for explicit data, shared by all seeds). */
export function dataIndexOf(e: Relu2Experiment, seedIndex: number): number { return e.datasets.length === 1 ? 0 : seedIndex; }

/** The learning rate of a cell: η_base/τ² or η_base. */
export function etaOf(e: Relu2Experiment, cell: Relu2Cell): number {
  return learningRateOf({ base: e.params.etaBase, scaleByTauSquared: e.params.etaScale }, cell.tau);
}

/** Networks (cells × seeds) in batch b. */
export function batchSize(e: Relu2Experiment, b: number): number {
  return (e.batches[b].end - e.batches[b].start) * e.seeds.length;
}

/** The spec of batch b for Relu2Sim.create: all data sets, the batch's networks in network order (θ₀ materialised). */
export function batchSpec(e: Relu2Experiment, b: number): Relu2SimSpec {
  const { start, end } = e.batches[b];
  const dirs = e.seeds.map((seed) => initDirections(seed, e.m, e.d));
  const networks = [];
  for (let c = start; c < end; c++) {
    const cell = e.cells[c];
    for (let s = 0; s < e.seeds.length; s++) {
      networks.push({ init: symmetrisedInit(cell.tau, cell.alpha, dirs[s].directions, dirs[s].signs), dataIndex: dataIndexOf(e, s), eta: etaOf(e, cell) });
    }
  }
  return { datasets: e.datasets, networks, slope: e.slope };
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
