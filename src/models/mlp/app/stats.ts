/**
 * The mlp app's results and the statistics its views draw (pure, no DOM): the per-network metrics at every checkpoint
 * ({@link MlpResults}), seed bands (mean with min–max or ±1 sd over seeds), the sample-complexity curves of Fig. 6(c),
 * heatmap cells over the grid and the steps until test accuracy ≥ 0.99 (Fig. 12's measure). Grid order is config.ts's:
 * τ outermost, then α, then training size, then seed (network index ((t·A + a)·S + s)·K + k).
 */
import { MLP_SERIES, finiteOrNull, type MlpNetworkOutput } from '../run.ts';
import type { MlpRecord } from '../cpu.ts';

/** A metric key (MLP_SERIES). */
export type MlpMetricKey = (typeof MLP_SERIES)[number];

/** The grid's axes, in plan order: τ, α, training sizes, seeds (K = seeds.length). */
export interface MlpGrid { taus: number[]; alphas: number[]; sizes: number[]; seeds: number[] }

/** Network index of grid cell (τ index t, α index a, size index s, seed index k). */
export const gridIndex = (g: MlpGrid, t: number, a: number, s: number, k: number): number =>
  ((t * g.alphas.length + a) * g.sizes.length + s) * g.seeds.length + k;

/** The grid position of network i: [t, a, s, k]. @throws RangeError outside the grid. */
export function gridPosition(g: MlpGrid, i: number): [number, number, number, number] {
  const K = g.seeds.length, S = g.sizes.length, A = g.alphas.length;
  if (!(Number.isInteger(i) && i >= 0 && i < K * S * A * g.taus.length)) throw new RangeError(`network ${i} is outside the grid of ${K * S * A * g.taus.length}`);
  return [Math.floor(i / (K * S * A)), Math.floor(i / (K * S)) % A, Math.floor(i / K) % S, i % K];
}

/** Every network's metrics at every checkpoint: values[key][i·C + c], NaN until recorded; diverged flags. */
export class MlpResults {
  readonly values: Record<MlpMetricKey, Float64Array>;
  readonly diverged: Uint8Array;
  /** Checkpoints recorded (in order: index c is recorded once c < recorded). */
  recorded = 0;

  constructor(readonly networks: number, readonly checkpoints: readonly number[]) {
    const C = checkpoints.length;
    this.values = Object.fromEntries(MLP_SERIES.map((k) => [k, new Float64Array(networks * C).fill(NaN)])) as Record<MlpMetricKey, Float64Array>;
    this.diverged = new Uint8Array(networks);
  }

  /** Stores checkpoint c (one record per network, plan order). @throws RangeError on a count mismatch or out-of-order c. */
  record(c: number, records: readonly MlpRecord[]): void {
    if (records.length !== this.networks) throw new RangeError(`record: ${records.length} records for ${this.networks} networks`);
    if (c !== this.recorded) throw new RangeError(`record: checkpoint ${c} after ${this.recorded} recorded`);
    const C = this.checkpoints.length;
    records.forEach((r, i) => {
      for (const key of MLP_SERIES) this.values[key][i * C + c] = r[key];
      this.diverged[i] = r.diverged ? 1 : 0;
    });
    this.recorded = c + 1;
  }

  /** Metric `key` of network i at checkpoint c (NaN when not recorded or not finite). */
  at(key: MlpMetricKey, i: number, c: number): number { return this.values[key][i * this.checkpoints.length + c]; }

  /** Networks flagged diverged at the last checkpoint recorded. */
  get divergedCount(): number { return this.diverged.reduce((s, d) => s + d, 0); }

  /**
   * The output entries of the CLI (run.ts MlpNetworkOutput) over the recorded checkpoints, in plan order; values that
   * are not finite are null, as in the CLI.
   */
  entries(skeleton: readonly MlpNetworkOutput[]): MlpNetworkOutput[] {
    return skeleton.map((e, i) => {
      const out = { ...e, diverged: this.diverged[i] === 1 } as MlpNetworkOutput;
      for (const key of MLP_SERIES) out[key] = Array.from({ length: this.recorded }, (_, c) => finiteOrNull(this.at(key, i, c)));
      return out;
    });
  }
}

/** Statistics of one group of seeds: mean, min, max and sample sd (n − 1; 0 for one value) of the finite values; n of them. */
export interface SeedStats { mean: number; min: number; max: number; sd: number; n: number }

/** {@link SeedStats} of `values` (non-finite values, e.g. a diverged network's, are left out and not counted in n). */
export function seedStats(values: readonly number[]): SeedStats {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, min: NaN, max: NaN, sd: NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, min: Math.min(...v), max: Math.max(...v), sd, n };
}

/** A curve with its band: mean, and the band's lower and upper edge (min–max, or mean ∓ sd), one value per x. */
export interface BandCurve { alpha: number; mean: Float64Array; lo: Float64Array; hi: Float64Array; diverged: number; seeds: number }

const bandOf = (s: SeedStats, band: 'minmax' | 'sd'): [number, number] => (band === 'minmax' ? [s.min, s.max] : [s.mean - s.sd, s.mean + s.sd]);

/** Curves over checkpoints, one per α, at τ index t and size index s: seed bands of `key` (checkpoints not recorded: NaN). */
export function checkpointBands(r: MlpResults, g: MlpGrid, key: MlpMetricKey, t: number, s: number, band: 'minmax' | 'sd'): BandCurve[] {
  const C = r.checkpoints.length;
  return g.alphas.map((alpha, a) => {
    const nets = g.seeds.map((_, k) => gridIndex(g, t, a, s, k));
    const curve: BandCurve = { alpha, mean: new Float64Array(C).fill(NaN), lo: new Float64Array(C).fill(NaN), hi: new Float64Array(C).fill(NaN), diverged: nets.filter((i) => r.diverged[i]).length, seeds: nets.length };
    for (let c = 0; c < r.recorded; c++) {
      const st = seedStats(nets.map((i) => r.at(key, i, c)));
      curve.mean[c] = st.mean;
      [curve.lo[c], curve.hi[c]] = bandOf(st, band);
    }
    return curve;
  });
}

/** Fig. 6(c): `key` (test accuracy) at checkpoint c against the training sizes, one curve per α at τ index t. */
export function sizeBands(r: MlpResults, g: MlpGrid, key: MlpMetricKey, c: number, t: number, band: 'minmax' | 'sd'): BandCurve[] {
  const S = g.sizes.length;
  return g.alphas.map((alpha, a) => {
    const curve: BandCurve = { alpha, mean: new Float64Array(S).fill(NaN), lo: new Float64Array(S).fill(NaN), hi: new Float64Array(S).fill(NaN), diverged: 0, seeds: g.seeds.length };
    for (let s = 0; s < S; s++) {
      const nets = g.seeds.map((_, k) => gridIndex(g, t, a, s, k));
      curve.diverged += nets.filter((i) => r.diverged[i]).length;
      const st = seedStats(c < r.recorded ? nets.map((i) => r.at(key, i, c)) : []);
      curve.mean[s] = st.mean;
      [curve.lo[s], curve.hi[s]] = bandOf(st, band);
    }
    return curve;
  });
}

/** The first checkpoint step at which `values[c] ≥ threshold` (values over `steps`), or null when none (not yet). */
export function stepsToThreshold(values: ArrayLike<number>, steps: readonly number[], threshold: number): number | null {
  for (let c = 0; c < values.length && c < steps.length; c++) if (values[c] >= threshold) return steps[c];
  return null;
}

/**
 * A heatmap over the grid: rows = α (row 0 = the first α), columns = τ (`cols: 'tau'`, at size index `fixed`) or
 * training size (`cols: 'size'`, at τ index `fixed`). Each cell is `cell(networks of its seeds)`; values[row·cols + col].
 */
export function gridCells(g: MlpGrid, cols: 'tau' | 'size', fixed: number, cell: (nets: number[]) => number): { values: Float32Array; rows: number; cols: number } {
  const rows = g.alphas.length, n = cols === 'tau' ? g.taus.length : g.sizes.length;
  const values = new Float32Array(rows * n);
  for (let a = 0; a < rows; a++) {
    for (let j = 0; j < n; j++) {
      const nets = g.seeds.map((_, k) => (cols === 'tau' ? gridIndex(g, j, a, fixed, k) : gridIndex(g, fixed, a, j, k)));
      values[a * n + j] = cell(nets);
    }
  }
  return { values, rows, cols: n };
}

/** Cell value: mean over seeds of `key` at checkpoint c (finite values; NaN before c is recorded). */
export const meanCell = (r: MlpResults, key: MlpMetricKey, c: number) => (nets: number[]): number =>
  (c < r.recorded ? seedStats(nets.map((i) => r.at(key, i, c))).mean : NaN);

/**
 * Cell value: mean over seeds of the steps until test accuracy ≥ threshold, over the recorded checkpoints; NaN ("not
 * yet") until every seed of the cell has reached it.
 */
export const stepsCell = (r: MlpResults, threshold: number) => (nets: number[]): number => {
  const steps = r.checkpoints.slice(0, r.recorded);
  let sum = 0;
  for (const i of nets) {
    const v = Array.from({ length: r.recorded }, (_, c) => r.at('testAccuracy', i, c));
    const s = stepsToThreshold(v, steps, threshold);
    if (s === null) return NaN;
    sum += s;
  }
  return sum / nets.length;
};
