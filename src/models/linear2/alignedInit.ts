/**
 * The "aligned" initialisation of the linear2 app (docs/theory.md §2, Thm B.6's exact case): β₀ shares the
 * singular vectors of XY (XX = I), so the singular vectors stay fixed along the flow and the mirror flow
 * λ̇_i = −√(δ² + 4k²λ_i²) ∂L/∂λ_i is exact.
 *
 * Construction (h = r = min(d, c)): XY = U_r diag(s*) V_rᵀ is completed to orthonormal U (d×r), V (c×r)
 * (its own singular vectors first, then Gram–Schmidt of Gaussian vectors); W = Q diag(a) Uᵀ, A = Q diag(b) Vᵀ
 * with Q a random orthogonal h×h matrix, so β = WᵀA = U diag(ab) Vᵀ and Δ = η_W AAᵀ − η_A WWᵀ =
 * Q diag(η_W b² − η_A a²) Qᵀ. With s₀_i = a_i b_i (τ times a seeded factor in [0.5, 1.5]) and
 * η_A a_i² = (√(δ² + 4k²s₀_i²) − δ)/2, η_W b_i² = (√(δ² + 4k²s₀_i²) + δ)/2 (k² = η_Wη_A), Δ = δI exactly.
 */
import { createRng } from '../random.ts';
import { svd } from '../../theory/linear2Svd.ts';
import type { Linear2Rates } from '../../theory/linear2.ts';

/** One aligned network: W h×d, A h×c (nested, row-major), h = min(d, c), and its β₀'s singular values (descending). */
export interface AlignedInit { W: number[][]; A: number[][]; s0: number[] }

/** Orthonormal columns: the first `given` columns of `basis` (d×r flat, column k at [i·r + k]) completed by Gram–Schmidt. */
function completeBasis(basis: Float64Array, d: number, r: number, given: number, rng: ReturnType<typeof createRng>): number[][] {
  const cols: number[][] = [];
  for (let k = 0; k < given; k++) cols.push(Array.from({ length: d }, (_, i) => basis[i * r + k]));
  while (cols.length < r) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (const u of cols) { const p = u.reduce((s, x, i) => s + x * v[i], 0); u.forEach((x, i) => { v[i] -= p * x; }); }
    const n = Math.hypot(...v);
    if (n > 1e-8) cols.push(v.map((x) => x / n));
  }
  return cols;
}

/**
 * The aligned network of one grid point (see the file comment).
 * @param XY d×c target (XX = I). @param delta δ (Δ = δI). @param tau scale of β₀'s singular values, > 0.
 * @param seed integer seed of Q and of β₀'s singular values. @returns W, A with h = min(d, c).
 */
export function alignedInit(XY: number[][], delta: number, tau: number, seed: number, rates: Linear2Rates): AlignedInit {
  const d = XY.length, c = XY[0].length, r = Math.min(d, c);
  const { U, s, V } = svd(XY.flat(), d, c);
  const rank = Array.from(s).filter((x) => x > 1e-12 * (s[0] || 1)).length;
  const rng = createRng(seed);
  const Uc = completeBasis(U, d, r, rank, rng), Vc = completeBasis(V, c, r, rank, rng);
  // Q: Gram–Schmidt of a Gaussian r×r matrix.
  const Q = completeBasis(new Float64Array(r * r), r, r, 0, rng);
  const k2 = rates.W * rates.A;
  const s0 = Array.from({ length: r }, () => tau * (0.5 + rng.uniform())).sort((x, y) => y - x);
  const a = s0.map((x) => Math.sqrt((Math.sqrt(delta * delta + 4 * k2 * x * x) - delta) / 2 / rates.A));
  const b = s0.map((x) => Math.sqrt((Math.sqrt(delta * delta + 4 * k2 * x * x) + delta) / 2 / rates.W));
  // W[k][i] = Σ_m Q[k][m] a_m U[i][m]  (Q's rows: Q[k][m] = Qcols[m][k] is orthogonal too)
  const W = Array.from({ length: r }, (_, k) => Array.from({ length: d }, (_, i) => Q.reduce((acc, q, m) => acc + q[k] * a[m] * Uc[m][i], 0)));
  const A = Array.from({ length: r }, (_, k) => Array.from({ length: c }, (_, j) => Q.reduce((acc, q, m) => acc + q[k] * b[m] * Vc[m][j], 0)));
  return { W, A, s0 };
}
