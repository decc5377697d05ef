/**
 * Results of a relu2 run: the metrics of every network at every checkpoint (NaN until computed), the
 * unit trails for the neuron portrait (d = 2), the seed-averaged regime map and curves, and the JSON/CSV
 * export bodies. Pure (no DOM, no GPU), so Node tests cover the averaging and the exports.
 *
 * Layout: `values[((q·C) + c)·M + k]` = metric k (RELU2_METRIC_NAMES order) of network q (plan order,
 * grid.ts networkIndex) at checkpoint c,
 * C checkpoints, M = 6; `diverged[q·C + c]` = 1 when q had diverged by checkpoint c. Trails (d = 2 only):
 * `trails[((q·C) + c)·m·3 + 3k + j]` = (|a_k| w_k1, |a_k| w_k2, a_k)[j].
 */
import Papa from 'papaparse';
import type { Relu2Metrics, Relu2Params } from '../../theory/index.ts';
import type { Relu2MetricName } from './params.ts';
import { relu2ConfigJson } from './appConfig.ts';
import { networkIndex, type Relu2Experiment } from './grid.ts';
import { Relu2ParamStore } from './unitParams.ts';

/** Metric names in storage order. */
export const RELU2_METRIC_NAMES: readonly Relu2MetricName[] = ['trainLoss', 'testLoss', 'hamming', 'paramDistance', 'kernelDistance', 'deltaDrift'];
const M = RELU2_METRIC_NAMES.length;

/** Display facts of each metric: label for axes and legends, and the natural colour/axis scale. */
export const METRIC_INFO: Record<Relu2MetricName, { label: string; short: string; scale: 'linear' | 'log' }> = {
  trainLoss: { label: 'train loss (1/n)Σ(f − y)²', short: 'train loss', scale: 'log' },
  testLoss: { label: 'test loss', short: 'test loss', scale: 'log' },
  hamming: { label: 'Hamming distance H', short: 'H', scale: 'linear' },
  paramDistance: { label: 'parameter distance ‖θ − θ₀‖', short: '‖θ − θ₀‖', scale: 'log' },
  kernelDistance: { label: 'kernel distance S', short: 'S', scale: 'linear' },
  deltaDrift: { label: 'max δ_k drift', short: 'δ drift', scale: 'log' },
};

/** Map overlay class of a cell where some (not all) seeds diverged (0 = none). */
export const CELL_SOME_DIVERGED = 1;
/** Map overlay class of a cell where every seed diverged (its value is NaN). */
export const CELL_ALL_DIVERGED = 2;

/** Upper bound on stored trail floats (d = 2): 2²⁴ (64 MiB); above it trails are not kept. */
export const MAX_TRAIL_FLOATS = 2 ** 24;

/** Metric values and flags of one network at one checkpoint (as the sims report them). */
export type NetworkSample = Relu2Metrics & { diverged: boolean };

/** The results store of one experiment. */
export class Relu2Results {
  readonly values: Float32Array;
  readonly diverged: Uint8Array;
  /** Trails for the neuron portrait, or null when d ≠ 2 or too large. */
  readonly trails: Float32Array | null;
  /** θ of every network at every checkpoint for the unit views (docs/theory.md §3.1), or null when too large. */
  readonly params: Relu2ParamStore | null;
  readonly C: number;
  readonly networks: number;

  constructor(readonly experiment: Relu2Experiment) {
    this.C = experiment.checkpoints.length;
    this.networks = experiment.networkCount;
    this.values = new Float32Array(this.networks * this.C * M).fill(NaN);
    this.diverged = new Uint8Array(this.networks * this.C);
    const trailFloats = this.networks * this.C * experiment.m * 3;
    this.trails = experiment.d === 2 && trailFloats <= MAX_TRAIL_FLOATS ? new Float32Array(trailFloats).fill(NaN) : null;
    this.params = Relu2ParamStore.create(this.networks, this.C, experiment.m, experiment.d);
  }

  /** Stores network q's metrics at checkpoint index c. */
  set(q: number, c: number, s: NetworkSample): void {
    const o = (q * this.C + c) * M;
    RELU2_METRIC_NAMES.forEach((name, k) => { this.values[o + k] = s[name]; });
    this.diverged[q * this.C + c] = s.diverged ? 1 : 0;
  }

  /** Whether network q has metrics at checkpoint c (train loss is never NaN once computed). */
  has(q: number, c: number): boolean { return !Number.isNaN(this.values[(q * this.C + c) * M]); }

  /** Metric value of network q at checkpoint c (NaN until computed). */
  get(q: number, c: number, metric: Relu2MetricName): number {
    return this.values[(q * this.C + c) * M + RELU2_METRIC_NAMES.indexOf(metric)];
  }

  /** Stores the unit positions |a_k| w_k and a_k of network q at checkpoint c (no-op without trails). */
  setTrail(q: number, c: number, p: Pick<Relu2Params, 'W' | 'a' | 'm'>): void {
    if (!this.trails) return;
    const m = this.experiment.m, o = (q * this.C + c) * m * 3;
    for (let k = 0; k < m; k++) {
      const a = p.a[k], s = Math.abs(a);
      this.trails[o + 3 * k] = s * p.W[2 * k];
      this.trails[o + 3 * k + 1] = s * p.W[2 * k + 1];
      this.trails[o + 3 * k + 2] = a;
    }
  }

  /** Trail of network q over checkpoints 0 … frames − 1 (the computed prefix), as the portrait reads it. */
  trailOf(q: number): { points: Float32Array; frames: number } | null {
    if (!this.trails) return null;
    let frames = 0;
    while (frames < this.C && this.has(q, frames)) frames++;
    const per = this.experiment.m * 3;
    return { points: this.trails.subarray(q * this.C * per, (q * this.C + frames) * per), frames };
  }

  /** Number of cells whose every seed has metrics at checkpoint c. */
  cellsDone(c: number): number {
    const S = this.experiment.seeds.length;
    let done = 0;
    for (let cell = 0; cell < this.experiment.cells.length; cell++) {
      let all = true;
      for (let s = 0; s < S && all; s++) all = this.has(networkIndex(this.experiment, cell, s), c);
      if (all) done++;
    }
    return done;
  }

  /**
   * The regime map at checkpoint c: values[row·cols + col] = mean over the cell's seeds that have not
   * diverged; NaN while any seed of the cell lacks checkpoint c, or when all diverged. classes marks
   * cells where some (1) or all (2) seeds diverged.
   */
  cellMap(metric: Relu2MetricName, c: number): { values: Float32Array; classes: Uint8Array } {
    const e = this.experiment, S = e.seeds.length;
    const values = new Float32Array(e.rows * e.cols).fill(NaN);
    const classes = new Uint8Array(e.rows * e.cols);
    for (const cell of e.cells) {
      const at = cell.row * e.cols + cell.col;
      let sum = 0, count = 0, div = 0, missing = false;
      for (let s = 0; s < S; s++) {
        const q = networkIndex(e, cell.index, s);
        if (!this.has(q, c)) { missing = true; break; }
        if (this.diverged[q * this.C + c]) { div++; continue; }
        sum += this.get(q, c, metric);
        count++;
      }
      if (missing) continue;
      values[at] = count ? sum / count : NaN;
      classes[at] = div === 0 ? 0 : div === S ? CELL_ALL_DIVERGED : CELL_SOME_DIVERGED;
    }
    return { values, classes };
  }

  /** Mean over the cell's non-diverged seeds of `metric` at every checkpoint (NaN where not computed). */
  cellCurve(cellIndex: number, metric: Relu2MetricName): Float64Array {
    const S = this.experiment.seeds.length;
    const out = new Float64Array(this.C).fill(NaN);
    for (let c = 0; c < this.C; c++) {
      let sum = 0, count = 0;
      for (let s = 0; s < S; s++) {
        const q = networkIndex(this.experiment, cellIndex, s);
        if (!this.has(q, c) || this.diverged[q * this.C + c]) continue;
        sum += this.get(q, c, metric);
        count++;
      }
      if (count) out[c] = sum / count;
    }
    return out;
  }

  /**
   * The JSON export: experiment description and one entry per network in the plan's order (the order of
   * `lazyrich simulate` for the same config), with the CLI's field names; metrics not yet computed are
   * null. `config` is the config the CLI runs for these networks (appConfig.ts; uploaded data included),
   * `configHash` its hash as the CLI's configHash (configHash.ts), when given. `map` holds the seed
   * averages at every checkpoint.
   */
  toJson(meta: { adapter: string; date?: string; configHash?: string }): unknown {
    const e = this.experiment, S = e.seeds.length;
    const arr = (q: number, name: Relu2MetricName) => Array.from({ length: this.C }, (_, c) => nullIfNaN(this.get(q, c, name)));
    const networks = [];
    for (let s = 0; s < S; s++) {
      for (const cell of e.cells) {
        const q = networkIndex(e, cell.index, s);
        const entry: Record<string, unknown> = { tau: cell.tau, delta: cell.delta, alpha: cell.alpha, seed: e.seeds[s], checkpoints: e.checkpoints };
        for (const name of RELU2_METRIC_NAMES) if (name !== 'testLoss' || e.nTest > 0) entry[name] = arr(q, name);
        entry.diverged = Array.from({ length: this.C }, (_, c) => (this.has(q, c) ? this.diverged[q * this.C + c] === 1 : null));
        networks.push(entry);
      }
    }
    const map = Object.fromEntries(RELU2_METRIC_NAMES.map((name) => [name,
      e.checkpoints.map((_, c) => Array.from(this.cellMap(name, c).values, nullIfNaN))]));
    return {
      model: 'relu2', adapter: meta.adapter, date: meta.date ?? new Date().toISOString(), params: e.params,
      ...(meta.configHash ? { configHash: meta.configHash } : {}), config: relu2ConfigJson(e.plan.config),
      data: e.dataName ? { uploaded: e.dataName } : e.params.data === 'xor' ? { xor: { seed: e.params.seed, n: e.n, nTest: e.nTest } }
        : { teacher: { d: e.d, n: e.n, nTest: e.nTest, m0: e.params.m0 } },
      grid: { kind: e.kind, taus: e.taus, [e.shapeKind === 'delta' ? 'deltas' : 'alphas']: e.shapes, seeds: e.seeds, m: e.m },
      checkpoints: e.checkpoints,
      map: { layout: 'map[metric][checkpoint][row·cols + col]: mean over non-diverged seeds; row = δ|α index, col = τ index', rows: e.rows, cols: e.cols, ...map },
      networks,
    };
  }

  /**
   * The CSV export: one row per network (plan order, `network` = its index in `lazyrich simulate`'s
   * output) and computed checkpoint (long format); with `configHash`, a last column repeating it.
   */
  toCsv(configHash?: string): string {
    const e = this.experiment, S = e.seeds.length;
    const fields = ['network', 'tau', 'delta', 'alpha', 'seed', 'step', ...RELU2_METRIC_NAMES, 'diverged', ...(configHash ? ['configHash'] : [])];
    const data: (number | string | boolean)[][] = [];
    for (let s = 0; s < S; s++) {
      for (const cell of e.cells) {
        const q = networkIndex(e, cell.index, s);
        for (let c = 0; c < this.C; c++) {
          if (!this.has(q, c)) continue;
          data.push([q, cell.tau, cell.delta, cell.alpha, e.seeds[s], e.checkpoints[c],
            ...RELU2_METRIC_NAMES.map((name) => { const v = this.get(q, c, name); return Number.isNaN(v) ? '' : v; }),
            this.diverged[q * this.C + c] === 1, ...(configHash ? [configHash] : [])]);
        }
      }
    }
    return Papa.unparse({ fields, data });
  }
}

function nullIfNaN(v: number): number | null { return Number.isNaN(v) ? null : v; }
