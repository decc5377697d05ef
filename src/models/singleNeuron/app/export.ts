/**
 * Exports of the single-neuron app. PNG: the portrait panel (any view) through the shared compositor
 * (src/views/exportPng.ts). CSV/JSON for research: one row per trajectory in grid order (README
 * "Conventions") with t, β₀ = a₀w₀, δ₀, the current θ and β, S(t), max S, t_S, t_ε and the regime
 * (regimes.ts), plus the recorded history of the selected trajectories (recorder.ts). The builders are
 * pure (Node-tested); {@link readExportInput} reads one consistent GPU snapshot.
 */
import Papa from 'papaparse';
import type { SingleNeuronParams } from '../params.ts';
import { DIVERGED_FLAG } from '../layout.ts';
import { linspace, logspace, type SingleNeuronEnsemble } from '../ensemble.ts';
import type { SingleNeuronSim } from '../sim.ts';
import type { ObservableTable, ObservablesPass } from '../observables.ts';
import type { RecordedSeries, SelectionRecorder } from '../recorder.ts';
import { classify, type Regime, type RegimeRule } from '../regimes.ts';
import { excessLoss } from '../../../theory/index.ts';
import { download } from '../../../app/download.ts';
import { addPngButton, elementToPng } from '../../../views/exportPng.ts';

/**
 * Saves the portrait panel (#portrait-col: the 2-D portrait, the 3-D view or the inspect layer, the Fig. 2
 * paths, the caption and the legend under it) as `lazyrich-portrait.png` at the screen's size ×
 * devicePixelRatio; the HUD and the replay slider are left out.
 * @param renderFrame renders the visible WebGPU view; called in the task that reads the canvases.
 */
export function savePortraitPng(renderFrame: () => void): Promise<void> {
  const root = document.getElementById('portrait-col') as HTMLElement;
  return elementToPng(root, { beforeRead: renderFrame, exclude: (el) => el.id === 'hud' || el.id === 'scrub' })
    .then((blob) => download(blob, 'lazyrich-portrait.png'));
}

/** Grid labels of every trajectory (n each): its direction index, and δ (grid "delta") or τ, α (grid "tauAlpha"). */
export interface GridLabels { direction: Uint32Array; delta?: Float64Array; tau?: Float64Array; alpha?: Float64Array }

/**
 * The grid labels in trajectory order (README "Conventions"): grid "delta": i = iδ·directions + iDir with
 * δ = linspace(δmin, δmax, count)[iδ]; grid "tauAlpha": i = (iτ·#α + iα)·directions + iDir (log-spaced τ, α).
 */
export function gridLabels(p: SingleNeuronParams): GridLabels {
  const g = p.directions;
  if (p.grid === 'delta') {
    const deltas = linspace(p.deltaMin, p.deltaMax, p.deltaCount);
    const n = deltas.length * g;
    return { direction: Uint32Array.from({ length: n }, (_, i) => i % g), delta: Float64Array.from({ length: n }, (_, i) => deltas[Math.floor(i / g)]) };
  }
  const taus = logspace(p.tauMin, p.tauMax, p.tauCount), alphas = logspace(p.alphaMin, p.alphaMax, p.alphaCount);
  const n = taus.length * alphas.length * g;
  const cell = (i: number) => Math.floor(i / g);
  return {
    direction: Uint32Array.from({ length: n }, (_, i) => i % g),
    tau: Float64Array.from({ length: n }, (_, i) => taus[Math.floor(cell(i) / alphas.length)]),
    alpha: Float64Array.from({ length: n }, (_, i) => alphas[cell(i) % alphas.length]),
  };
}

/**
 * Adds PNG buttons to the regime map (#regime-map) and to each time-series chart (#time-series .lr-ts);
 * each saves its panel through the shared compositor at the screen's size × devicePixelRatio.
 */
export function addPanelPngButtons(): void {
  const save = (el: HTMLElement, name: string) => () => void elementToPng(el).then((b) => download(b, name));
  const map = document.getElementById('regime-map') as HTMLElement;
  addPngButton(map, 'save the regime map as PNG', save(map, 'lazyrich-regime-map.png'));
  document.querySelectorAll<HTMLElement>('#time-series .lr-ts').forEach((el, k) => {
    addPngButton(el, 'save this chart as PNG', save(el, `lazyrich-chart-${['nu', 'mu', 'S', 'loss'][k] ?? k}.png`));
  });
}

/** Everything an export needs, read at one moment. */
export interface ExportInput {
  ensemble: SingleNeuronEnsemble;
  /** The grid's labels ({@link gridLabels}); δ₀ of grid "delta" is the grid's value, exactly. */
  labels: GridLabels;
  /** Integrator steps taken, the step (dt for RK4/exact, η for GD; time per step) and t = Σ steps × step. */
  stepCount: number; step: number; method: string; time: number;
  /** Current state, f32 SoA (d+1)·n (a at [i], w_j at [(1+j)·n + i]), and the n flags. */
  state: Float32Array; flags: Uint32Array;
  /** Observables (observables.ts) of the same moment; t_S and t_ε are −1 until reached. */
  table: ObservableTable;
  rule: RegimeRule;
  /** Recorded history of the selected trajectories (oldest first). */
  series: RecordedSeries[];
}

/**
 * Reads state, flags, observables and the recorded history in one task, so the GPU copies them at one
 * queue position (one moment of the run).
 */
export async function readExportInput(
  sim: SingleNeuronSim, observables: ObservablesPass, recorder: SelectionRecorder, rule: RegimeRule, labels: GridLabels,
): Promise<ExportInput> {
  const { stepCount, time } = sim;
  const { method, step } = sim.config;
  const [{ state, flags }, table, series] = await Promise.all([
    sim.readState(), observables.read(), recorder.selected.length ? recorder.read() : Promise.resolve([]),
  ]);
  return { ensemble: sim.ensemble, labels, stepCount, step, method, time, state, flags, table, rule, series };
}

/**
 * One trajectory of the export. δ₀: the grid's δ (grid "delta"), else η_w a₀² − η_a‖w₀‖² of the f64 init;
 * τ, α: grid "tauAlpha" only. Times t_S, t_ε are null until reached; θ, β, S are the f32 state (β₀, δ₀: f64).
 */
export interface TrajectoryRow {
  index: number; direction: number; tau?: number; alpha?: number; delta0: number; beta0: number[]; a: number; w: number[]; beta: number[];
  excessLoss: number; S: number; maxS: number; tS: number | null; tEpsilon: number | null;
  regime: Regime; diverged: boolean;
}

/**
 * One row per trajectory, in grid order.
 * @throws Error when the arrays do not match the ensemble's n and d (naming the array).
 */
export function trajectoryRows(input: ExportInput): TrajectoryRow[] {
  const { ensemble: e, labels, state, flags, table, rule } = input;
  const { n, d } = e;
  if (labels.direction.length !== n) throw new Error(`export: the grid labels have ${labels.direction.length} trajectories; expected n = ${n}`);
  if (state.length !== (d + 1) * n) throw new Error(`export: state has ${state.length} floats; expected (d+1)·n = ${(d + 1) * n}`);
  if (flags.length !== n) throw new Error(`export: flags has ${flags.length} entries; expected n = ${n}`);
  for (const [k, v] of Object.entries(table)) if (v.length !== n) throw new Error(`export: observable ${k} has ${v.length} values; expected n = ${n}`);
  const rows: TrajectoryRow[] = [];
  for (let i = 0; i < n; i++) {
    const a0 = e.state0[i];
    const a = state[i];
    const w = Array.from({ length: d }, (_, j) => state[(1 + j) * n + i]);
    const beta = w.map((x) => a * x);
    const diverged = (flags[i] & DIVERGED_FLAG) !== 0;
    const tS = table.timeToKernelMove[i], tE = table.timeToEpsilon[i];
    rows.push({
      index: i, direction: labels.direction[i], ...(labels.tau ? { tau: labels.tau[i], alpha: labels.alpha![i] } : {}),
      delta0: labels.delta ? labels.delta[i] : e.delta0[i], beta0: Array.from({ length: d }, (_, j) => a0 * e.state0[(1 + j) * n + i]),
      a, w, beta, excessLoss: excessLoss(beta, e.data.XX, e.betaOls),
      S: table.kernelDistance[i], maxS: table.maxKernelDistance[i], tS: tS >= 0 ? tS : null, tEpsilon: tE >= 0 ? tE : null,
      regime: classify(tS, diverged, rule, tE), diverged,
    });
  }
  return rows;
}

/** δ₀ of trajectory i as the export writes it (see {@link TrajectoryRow}). */
function delta0Of(input: ExportInput, i: number): number {
  return input.labels.delta ? input.labels.delta[i] : input.ensemble.delta0[i];
}

/** History rows: one per selected trajectory and recorded sample (trajectory, δ₀, t, ν, μ, excess loss, S). */
export function historyRows(input: ExportInput): number[][] {
  return input.series.flatMap((s) => Array.from(s.time, (t, k) => [
    s.index, delta0Of(input, s.index), t, s.nu[k], s.mu[k], s.excessLoss[k], s.kernelDistance[k],
  ]));
}

/** Column names of {@link historyRows}. */
export const HISTORY_FIELDS = ['index', 'delta0', 't', 'nu', 'mu', 'excessLoss', 'S'];

/**
 * The per-trajectory CSV: t, step, index, direction, τ and α (grid "tauAlpha"), δ₀, β₀ (d columns), a, w,
 * β (d each), excess loss, S, max S, t_S, t_ε (empty until reached), regime, diverged.
 */
export function trajectoriesCsv(input: ExportInput): string {
  const d = input.ensemble.d;
  const cols = (p: string) => Array.from({ length: d }, (_, j) => `${p}${j + 1}`);
  const ta = input.labels.tau !== undefined;
  const fields = ['t', 'step', 'index', 'direction', ...(ta ? ['tau', 'alpha'] : []), 'delta0', ...cols('beta0_'), 'a', ...cols('w'), ...cols('beta'),
    'excessLoss', 'S', 'maxS', 'tS', 'tEpsilon', 'regime', 'diverged'];
  const data = trajectoryRows(input).map((r) => [input.time, input.stepCount, r.index, r.direction, ...(ta ? [r.tau, r.alpha] : []), r.delta0, ...r.beta0, r.a, ...r.w, ...r.beta,
    r.excessLoss, r.S, r.maxS, r.tS ?? '', r.tEpsilon ?? '', r.regime, r.diverged]);
  return Papa.unparse({ fields, data });
}

/** The history CSV ({@link HISTORY_FIELDS}); a header only when nothing is selected. */
export function historyCsv(input: ExportInput): string {
  return Papa.unparse({ fields: HISTORY_FIELDS, data: historyRows(input) });
}

/** The JSON body: run settings, the regime rule, one object per trajectory and the selection's history. */
export function exportBody(input: ExportInput, params: SingleNeuronParams, adapter: string): Record<string, unknown> {
  return {
    model: 'single-neuron', params, adapter, method: input.method, stepSize: input.step, step: input.stepCount, t: input.time,
    regimeRule: input.rule, betaStar: input.ensemble.betaOls,
    trajectories: trajectoryRows(input),
    history: input.series.map((s) => ({
      index: s.index, delta0: delta0Of(input, s.index), t: Array.from(s.time), nu: Array.from(s.nu), mu: Array.from(s.mu),
      excessLoss: Array.from(s.excessLoss), S: Array.from(s.kernelDistance),
    })),
  };
}

/** Saves `lazyrich-state.csv` and, when trajectories are selected, `lazyrich-history.csv`. */
export function exportCsv(input: ExportInput): void {
  download(new Blob([trajectoriesCsv(input)], { type: 'text/csv' }), 'lazyrich-state.csv');
  if (input.series.length) download(new Blob([historyCsv(input)], { type: 'text/csv' }), 'lazyrich-history.csv');
}

/** Saves `lazyrich-state.json` ({@link exportBody}). */
export function exportJson(input: ExportInput, params: SingleNeuronParams, adapter: string): void {
  download(new Blob([JSON.stringify(exportBody(input, params, adapter))], { type: 'application/json' }), 'lazyrich-state.json');
}
