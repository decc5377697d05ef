/**
 * Pure data preparation for the inspect mode (src/views/inspect.ts): deterministic subsampling, the
 * normalised coordinates that make regl-scatterplot overlay the portrait exactly, colour categories,
 * tooltip values and mapping selections back to trajectory indices. No DOM, no GPU.
 */
import { deltaToT, LUT_SIZE, lutIndex } from '../../../views/colormaps.ts';
import { excessLoss } from '../../../theory/index.ts';
import { betaOf, projectTrajectory, worldToClip, type ViewMode, type ViewRect } from '../../../views/viewMath.ts';

/** Most points handed to regl-scatterplot at once (each draw rebuilds a KD-tree on the CPU). */
export const MAX_INSPECT_POINTS = 100_000;
/** Colour category of diverged trajectories: one past the δ LUT (pointColor[LUT_SIZE] is the diverged colour). */
export const DIVERGED_CATEGORY = LUT_SIZE;

/** A paused ensemble as read back from the GPU, plus what the inspector needs to explain it. */
export interface InspectSnapshot {
  n: number;
  d: number;
  /** f32 SoA, (d+1)·n: a at [i], w_j at [(1+j)·n + i] (src/models/singleNeuron/layout.ts). */
  state: Float32Array;
  /** u32 × n, bit 1 = diverged. */
  flags: Uint32Array;
  /** δ₀ per trajectory (n). */
  delta0: Float32Array | Float64Array;
  betaOls: number[];
  XX: number[][];
  /** β₀ of trajectory i; or give `state0`. */
  beta0?: (i: number) => number[];
  /** Initial state, same SoA layout as `state` ((d+1)·n); β₀ = a₀ w₀. */
  state0?: ArrayLike<number>;
  view: ViewMode;
  /** The portrait's visible rect (PortraitView.getView()), so the overlay matches it exactly. */
  viewRect: ViewRect;
  /** Point diameter in CSS pixels for the scatterplot (default 4). */
  pointSize?: number;
}

/** Points for regl-scatterplot plus the map back to trajectories. */
export interface InspectPoints {
  /** Clip x · aspect (regl-scatterplot divides x by the view aspect), f32 × m. */
  x: Float32Array;
  /** Clip y, f32 × m. */
  y: Float32Array;
  /** Colour category: δ LUT bin 0…255, or {@link DIVERGED_CATEGORY}; integers stored as f32 × m. */
  z: Float32Array;
  /** Normalised δ, t = ½ + ½δ/max|δ₀| ∈ [0, 1], f32 × m. */
  w: Float32Array;
  /** Trajectory index of each point, ascending, u32 × m. */
  indices: Uint32Array;
}

/**
 * Deterministic subsample: the indices i < n with keep(i) (all if omitted), thinned by a constant
 * stride to at most `max`: candidate[floor(k · count / max)], k = 0 … max−1. Ascending.
 * @throws RangeError when n or max is negative or not an integer.
 */
export function subsampleIndices(n: number, max: number, keep?: (i: number) => boolean): Uint32Array {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(max) && max >= 0)) {
    throw new RangeError(`subsampleIndices: n = ${n} and max = ${max} must be non-negative integers.`);
  }
  let candidates: Uint32Array;
  if (keep) {
    const all = new Uint32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) if (keep(i)) all[count++] = i;
    candidates = all.subarray(0, count);
  } else {
    candidates = Uint32Array.from({ length: n }, (_, i) => i);
  }
  const count = candidates.length;
  if (count <= max) return candidates.slice();
  const out = new Uint32Array(max);
  for (let k = 0; k < max; k++) out[k] = candidates[Math.floor((k * count) / max)];
  return out;
}

/** max |δ₀| over the snapshot (1 when all are 0), the half-width of the symmetric colour domain. */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) { const v = Math.abs(values[i]); if (v > m) m = v; }
  return m > 0 ? m : 1;
}

/**
 * Checks the snapshot's shapes.
 * @throws RangeError naming the first mismatch (state ≠ (d+1)·n, flags or delta0 ≠ n, β_ols ≠ d,
 *   XX not d×d, state0 ≠ (d+1)·n, empty view rect).
 */
export function validateSnapshot(s: InspectSnapshot): void {
  const { n, d } = s;
  const fail = (msg: string) => { throw new RangeError(`inspect snapshot: ${msg}`); };
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(d) && d >= 1)) fail(`bad n = ${n} or d = ${d}`);
  if (s.state.length !== (d + 1) * n) fail(`state has ${s.state.length} floats, (d+1)·n = ${(d + 1) * n}`);
  if (s.flags.length !== n) fail(`flags has ${s.flags.length} entries, n = ${n}`);
  if (s.delta0.length !== n) fail(`delta0 has ${s.delta0.length} entries, n = ${n}`);
  if (s.betaOls.length !== d) fail(`betaOls has ${s.betaOls.length} entries, d = ${d}`);
  if (s.XX.length !== d || s.XX.some((r) => r.length !== d)) fail(`XX must be ${d}×${d}`);
  if (s.state0 && s.state0.length !== (d + 1) * n) fail(`state0 has ${s.state0.length} floats, (d+1)·n = ${(d + 1) * n}`);
  const r = s.viewRect;
  if (!(r.xMin < r.xMax && r.yMin < r.yMax)) fail(`empty viewRect ${JSON.stringify(r)}`);
}

/**
 * Builds the scatterplot points: trajectories whose projected position is finite and inside the view
 * rect (5 % margin), subsampled to `maxPoints`, at clip coordinates of the portrait's view with x
 * multiplied by `aspect` (= canvas width / height in CSS px; regl-scatterplot's camera divides by it).
 * @throws RangeError via {@link validateSnapshot}.
 */
export function buildInspectPoints(s: InspectSnapshot, aspect: number, maxPoints = MAX_INSPECT_POINTS): InspectPoints {
  validateSnapshot(s);
  const { n, d, state, viewRect: r } = s;
  const mx = 0.05 * (r.xMax - r.xMin);
  const my = 0.05 * (r.yMax - r.yMin);
  const keep = (i: number) => {
    const [x, y] = projectTrajectory(s.view, state, n, d, i);
    return x >= r.xMin - mx && x <= r.xMax + mx && y >= r.yMin - my && y <= r.yMax + my;
  };
  const indices = subsampleIndices(n, maxPoints, keep);
  const m = indices.length;
  const out: InspectPoints = {
    x: new Float32Array(m), y: new Float32Array(m), z: new Float32Array(m), w: new Float32Array(m), indices,
  };
  const dMax = maxAbs(s.delta0);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    const [px, py] = projectTrajectory(s.view, state, n, d, i);
    const [cx, cy] = worldToClip(r, px, py);
    const t = Math.min(1, Math.max(0, deltaToT(s.delta0[i], dMax)));
    out.x[k] = cx * aspect;
    out.y[k] = cy;
    out.w[k] = t;
    out.z[k] = (s.flags[i] & 1) !== 0 ? DIVERGED_CATEGORY : lutIndex(t);
  }
  return out;
}

/** What the tooltip shows for one trajectory. */
export interface TrajectoryInfo {
  index: number;
  delta0: number;
  beta0: number[] | null;
  beta: number[];
  /** ½(β − β_ols)ᵀXX(β − β_ols) at the snapshot (docs/theory.md §1.5). */
  excessLoss: number;
  diverged: boolean;
}

/** Tooltip values of trajectory i (f64 from the f32 snapshot). @throws RangeError when i ≥ n. */
export function trajectoryInfo(s: InspectSnapshot, i: number): TrajectoryInfo {
  if (!(Number.isInteger(i) && i >= 0 && i < s.n)) throw new RangeError(`trajectoryInfo: index ${i} outside 0..${s.n - 1}`);
  const beta = betaOf(s.state, s.n, s.d, i);
  let beta0: number[] | null = null;
  if (s.beta0) beta0 = s.beta0(i);
  else if (s.state0) beta0 = betaOf(s.state0, s.n, s.d, i);
  return {
    index: i, delta0: s.delta0[i], beta0, beta, excessLoss: excessLoss(beta, s.XX, s.betaOls),
    diverged: (s.flags[i] & 1) !== 0,
  };
}

/**
 * Point positions (into `indices`, ascending) of the trajectories in `selection` that are in the
 * subsample; a two-pointer merge after sorting the selection.
 */
export function positionsOf(indices: Uint32Array, selection: Uint32Array): number[] {
  const sel = Uint32Array.from(selection).sort();
  const out: number[] = [];
  for (let a = 0, b = 0; a < indices.length && b < sel.length;) {
    if (indices[a] === sel[b]) { out.push(a); a++; b++; } else if (indices[a] < sel[b]) a++; else b++;
  }
  return out;
}

/** Trajectory indices of scatterplot points (ascending, duplicates removed). @throws RangeError on a bad point index. */
export function trajectoriesOf(indices: Uint32Array, points: readonly number[]): Uint32Array {
  const out = new Uint32Array(points.length);
  points.forEach((p, k) => {
    if (!(p >= 0 && p < indices.length)) throw new RangeError(`trajectoriesOf: point ${p} outside 0..${indices.length - 1}`);
    out[k] = indices[p];
  });
  out.sort();
  let m = 0;
  for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[k - 1]) out[m++] = out[k];
  return out.slice(0, m);
}

/** Formats a number for the tooltip. */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return (a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(3)).replace(/-/g, '−');
}
const vec = (v: number[]) => `(${v.map(fmt).join(', ')})`;

/** Tooltip text of one trajectory (plain text, one fact per line). */
export function tooltipText(t: TrajectoryInfo): string {
  return [
    `trajectory #${t.index}${t.diverged ? '  (diverged)' : ''}`,
    `δ₀ = ${fmt(t.delta0)}`,
    t.beta0 ? `β₀ = ${vec(t.beta0)}` : '',
    `β  = ${vec(t.beta)}`,
    `excess loss = ${fmt(t.excessLoss)}`,
  ].filter(Boolean).join('\n');
}
