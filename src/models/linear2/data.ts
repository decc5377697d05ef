/**
 * Seeded data sets of the linear2 presets (docs/theory.md §2):
 * - 'whitened': XX = I_d, XY = β* (a rank-r teacher; the loss is ½‖β − β*‖² + const).
 * - 'teacher': X (n×d) with N(0, 1) entries, Y = Xβ* + noise·N(0, 1) (n×c); XX = XᵀX/n, XY = XᵀY/n.
 * - 'sensing': n measurement matrices M_i (d×c) with N(0, 1) entries and y_i = ⟨M_i, β*⟩ (noise-free).
 * β* = (norm/√r) Σ_{k<r} u_k v_kᵀ with orthonormal u_k ∈ ℝᵈ, v_k ∈ ℝᶜ (Gram–Schmidt of Gaussian vectors), so
 * ‖β*‖_F = norm and all r singular values are norm/√r.
 */
import { createRng, randomOrthonormalRows, type Rng } from '../random.ts';
import type { Linear2Data } from '../../theory/linear2.ts';

/** What a preset's data needs. */
export interface Linear2DataSpec {
  kind: 'whitened' | 'teacher' | 'sensing';
  d: number;
  c: number;
  /** Samples (teacher) or measurements (sensing). */
  n: number;
  /** Teacher rank r (≤ min(d, c)). */
  rank: number;
  /** ‖β*‖_F. */
  norm: number;
  /** Label noise standard deviation (teacher only). */
  noise: number;
  seed: number;
}

/** The teacher β* (d×c nested) of a spec. @throws Error when rank is outside 1..min(d, c). */
export function teacher(spec: Linear2DataSpec, rng: Rng): number[][] {
  const { d, c, rank } = spec;
  if (!(rank >= 1 && rank <= Math.min(d, c))) throw new Error(`rank = ${rank} must be in 1..min(d, c) = ${Math.min(d, c)}`);
  const U = randomOrthonormalRows(rng, rank, d), V = randomOrthonormalRows(rng, rank, c);
  const s = spec.norm / Math.sqrt(rank);
  return Array.from({ length: d }, (_, i) => Array.from({ length: c }, (_, j) => U.reduce((acc, u, k) => acc + s * u[i] * V[k][j], 0)));
}

/** Builds the data set and its teacher β*. Deterministic in spec.seed. */
export function buildLinear2Data(spec: Linear2DataSpec): { data: Linear2Data; betaStar: number[][] } {
  const rng = createRng(spec.seed);
  const betaStar = teacher(spec, rng);
  const { d, c, n } = spec;
  if (spec.kind === 'whitened') {
    return { data: { kind: 'regression', XX: Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))), XY: betaStar }, betaStar };
  }
  if (spec.kind === 'sensing') {
    const M = Array.from({ length: n }, () => Array.from({ length: d }, () => Array.from({ length: c }, () => rng.normal())));
    const y = M.map((Mi) => Mi.reduce((s, row, i) => s + row.reduce((t, x, j) => t + x * betaStar[i][j], 0), 0));
    return { data: { kind: 'sensing', M, y }, betaStar };
  }
  const X = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
  const Y = X.map((x) => Array.from({ length: c }, (_, j) => x.reduce((s, xi, i) => s + xi * betaStar[i][j], 0) + spec.noise * rng.normal()));
  const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, k) => X.reduce((s, x) => s + x[i] * x[k], 0) / n));
  const XY = Array.from({ length: d }, (_, i) => Array.from({ length: c }, (_, j) => X.reduce((s, x, m) => s + x[i] * Y[m][j], 0) / n));
  return { data: { kind: 'regression', XX, XY }, betaStar };
}
