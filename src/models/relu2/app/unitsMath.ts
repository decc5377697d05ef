/**
 * What the unit views draw (docs/theory.md §3.1), computed on the host from the θ the backends read back
 * at each checkpoint (results.params, unitParams.ts): per unit, the angle moved by β̂_k, the relative radial
 * change |μ_k − μ_k(0)|/|μ_k(0)|, the Hamming distance of its activation pattern on the training inputs and
 * the speeds |μ̇_k|, ‖β̂̇_k‖ of eqs. 9–10; and the active-unit counts over the input plane (Fig. 5a). Pure
 * (no DOM), so unit tests cover it.
 */
import { relu2ActiveCounts, relu2UnitMotion, relu2UnitRates, type Relu2UnitMotion, type Relu2UnitRates } from '../../../theory/relu2Units.ts';
import { dataIndexOf, networkIndex, type Relu2Experiment } from '../grid.ts';
import type { Relu2Results } from '../results.ts';

/** At most this many cells are compared side by side. */
export const MAX_PEERS = 5;

/**
 * The cells the unit views compare: for a grid, the cells of the selected cell's τ column (all its δ|α
 * rows when there are at most {@link MAX_PEERS}, else the first, middle and last rows and the selected one),
 * from downstream to upstream; for Fig. 1a, its four settings; [] when no cell is selected in a grid.
 */
export function peerCells(e: Relu2Experiment, selected: number | null): number[] {
  if (e.kind === 'fig1a') return e.cells.map((c) => c.index);
  if (selected === null) return [];
  const col = e.cells[selected].col;
  const rows = e.rows <= MAX_PEERS ? Array.from({ length: e.rows }, (_, r) => r)
    : [...new Set([0, Math.floor((e.rows - 1) / 2), e.rows - 1, e.cells[selected].row])].sort((a, b) => a - b);
  return rows.map((r) => e.cells.find((c) => c.col === col && c.row === r)!.index);
}

/** The checkpoint index the views show: `at` (−1: the last), clamped to the checkpoints. */
export function checkpointIndex(e: Relu2Experiment, at: number): number {
  const C = e.checkpoints.length;
  return at < 0 || at >= C ? C - 1 : at;
}

/** One network's units at one checkpoint. */
export interface NetworkUnits {
  cell: number;
  q: number;
  seedIndex: number;
  /** The checkpoint index used (the latest stored at or before the requested one). */
  c: number;
  motion: Relu2UnitMotion;
  rates: Relu2UnitRates;
}

/**
 * Unit motion and speeds of network q at the latest stored checkpoint ≤ c, from results.params; null when
 * θ is not kept (results.params null) or nothing is stored yet. θ₀ is the stored checkpoint 0.
 */
export function networkUnits(e: Relu2Experiment, results: Relu2Results, cell: number, seedIndex: number, c: number): NetworkUnits | null {
  const store = results.params;
  if (!store) return null;
  const q = networkIndex(e, cell, seedIndex);
  const at = store.latest(q, c);
  const p0 = store.get(q, 0), p = at >= 0 ? store.get(q, at) : null;
  if (!p0 || !p) return null;
  const data = e.datasets[dataIndexOf(e, seedIndex)];
  return { cell, q, seedIndex, c: at, motion: relu2UnitMotion(p, p0, data.X, e.slope), rates: relu2UnitRates(p, data, e.slope) };
}

/** Mean over a cell's networks: angle moved (radians), ‖θ − θ₀‖/‖θ₀‖, Σ_k H_k (the §3 Hamming H), mean |μ̇_k| and ‖β̂̇_k‖. */
export interface CellUnitSummary { meanAngle: number; relParamDistance: number; hamming: number; muSpeed: number; dirSpeed: number }

/** Averages of {@link CellUnitSummary} over the given networks (NaN fields when the list is empty). */
export function summarise(nets: readonly NetworkUnits[]): CellUnitSummary {
  let angle = 0, rel = 0, ham = 0, mu = 0, dir = 0, units = 0;
  for (const n of nets) {
    angle += n.motion.meanAngle;
    rel += n.motion.relParamDistance;
    n.motion.hamming.forEach((h) => { ham += h; });
    n.rates.muDot.forEach((v) => { mu += Math.abs(v); });
    n.rates.dirSpeed.forEach((v) => { dir += v; });
    units += n.rates.muDot.length;
  }
  const k = nets.length;
  return { meanAngle: angle / k, relParamDistance: rel / k, hamming: ham / k, muSpeed: mu / units, dirSpeed: dir / units };
}

/** The input plane of the parity picture: its half-width and how an (x₁, x₂) point becomes an input. */
export interface ParityPlane {
  /** The plane is [−extent, extent]². */
  extent: number;
  /** Whether inputs carry a constant third coordinate 1 (the XOR data, xorData.ts); else d = 2. */
  bias: boolean;
}

/** The plane of an experiment's parity picture: XOR data (x₁, x₂, 1) on [−2, 2]²; null for other data (no parity panel). */
export function parityPlane(e: Relu2Experiment): ParityPlane | null {
  if (e.params.data === 'xor' && e.d === 3) return { extent: 2, bias: true };
  return null;
}

/**
 * Active-unit counts on a res × res grid of the plane (row 0 at the top: x₂ = +extent), from W (m×d).
 * Pixel (i, j) is the point (x₁, x₂) = (−R + (j + ½)·2R/res, R − (i + ½)·2R/res).
 * @throws RangeError when res < 1 or W is not m×(2 + bias).
 */
export function parityCounts(W: ArrayLike<number>, m: number, plane: ParityPlane, res: number): Uint16Array {
  const d = plane.bias ? 3 : 2;
  if (!(Number.isInteger(res) && res >= 1)) throw new RangeError(`parityCounts: res must be an integer ≥ 1 (got ${res})`);
  if (W.length !== m * d) throw new RangeError(`parityCounts: W has ${W.length} entries, expected m·d = ${m}·${d}`);
  const R = plane.extent, pts = new Float64Array(res * res * d);
  for (let i = 0; i < res; i++) {
    for (let j = 0; j < res; j++) {
      const o = (i * res + j) * d;
      pts[o] = -R + ((j + 0.5) * 2 * R) / res;
      pts[o + 1] = R - ((i + 0.5) * 2 * R) / res;
      if (plane.bias) pts[o + 2] = 1;
    }
  }
  return relu2ActiveCounts(W, m, d, pts);
}
