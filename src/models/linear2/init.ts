/**
 * Initial weights of the two-layer linear model (docs/theory.md §2, Theorem 4.2): explicit (W, A), or one
 * network of a δ × τ × seed grid. Grid networks are built in the rate-scaled variables W' = √η_A W,
 * A' = √η_W A (so Δ = η_W AAᵀ − η_A WWᵀ = A'A'ᵀ − W'W'ᵀ) and mapped back.
 *
 * - 'exact' (Δ = δI to rounding) where h allows it: δ > 0 and h ≤ c: W' = τW̃, A' = (δI + W'W'ᵀ)^{1/2}E;
 *   δ < 0 and h ≤ d: A' = τÃ, W' = (|δ|I + A'A'ᵀ)^{1/2}E; δ = 0: the same with h ≤ c or h ≤ d, else
 *   A' = W'O (c ≥ d) or W' = A'O (d > c). W̃ has N(0, 1/d) entries, Ã N(0, 1/c); E, O have orthonormal rows
 *   (Gram–Schmidt of Gaussian vectors). The PSD square root is src/theory psdSqrt.
 * - 'gaussian' otherwise: W' ~ N(0, σ_w²/d), A' ~ N(0, σ_a²/c) with σ_w² = τ² + max(−δ, 0),
 *   σ_a² = τ² + max(δ, 0), so δ = σ_a² − σ_w² (Δ ≈ δI only as h → ∞).
 * Random numbers: src/models/random.ts createRng(seed), one stream per network.
 */
import { createRng, randomOrthonormalRows as orthonormalRows, type Rng } from '../random.ts';
import { psdSqrt, type Linear2Rates } from '../../theory/linear2.ts';

/** How a grid network was initialised. */
export type InitKind = 'exact' | 'gaussian';

/** One initial network: W h×d, A h×c (nested row-major arrays). */
export interface Linear2Init { W: number[][]; A: number[][] }

const gaussian = (rng: Rng, rows: number, cols: number, sd: number): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => sd * rng.normal()));

const mul = (X: number[][], Y: number[][]): number[][] =>
  X.map((row) => Y[0].map((_, j) => row.reduce((s, x, k) => s + x * Y[k][j], 0)));

/** S^{1/2} E for S = shift·I + XXᵀ (X rows × ·), E rows × cols with orthonormal rows. */
function rootTimes(X: number[][], shift: number, E: number[][]): number[][] {
  const h = X.length;
  const S = new Float64Array(h * h);
  for (let k = 0; k < h; k++) for (let l = 0; l < h; l++) {
    S[k * h + l] = X[k].reduce((s, x, j) => s + x * X[l][j], 0) + (k === l ? shift : 0);
  }
  const R = psdSqrt(S, h);
  const Rm = Array.from({ length: h }, (_, k) => Array.from(R.subarray(k * h, (k + 1) * h)));
  return mul(Rm, E);
}

/** Which init a grid point gets: 'exact' when Δ = δI can be built for this (δ, h, d, c). */
export function gridInitKind(delta: number, h: number, d: number, c: number): InitKind {
  if (delta > 0) return h <= c ? 'exact' : 'gaussian';
  if (delta < 0) return h <= d ? 'exact' : 'gaussian';
  return 'exact';
}

/**
 * One grid network (see the file comment for the construction).
 * @param delta δ of Δ = δI (in the rate-scaled variables). @param tau init scale τ > 0. @param seed integer in [0, 2³¹).
 */
export function gridInit(
  d: number, c: number, h: number, delta: number, tau: number, seed: number, rates: Linear2Rates,
): Linear2Init & { kind: InitKind } {
  const rng = createRng(seed);
  const kind = gridInitKind(delta, h, d, c);
  let Wp: number[][], Ap: number[][];
  if (kind === 'gaussian') {
    Wp = gaussian(rng, h, d, Math.sqrt((tau * tau + Math.max(-delta, 0)) / d));
    Ap = gaussian(rng, h, c, Math.sqrt((tau * tau + Math.max(delta, 0)) / c));
  } else if (delta > 0 || (delta === 0 && h <= c)) {
    Wp = gaussian(rng, h, d, tau / Math.sqrt(d));
    Ap = rootTimes(Wp, delta, orthonormalRows(rng, h, c));
  } else if (delta < 0 || (delta === 0 && h <= d)) {
    Ap = gaussian(rng, h, c, tau / Math.sqrt(c));
    Wp = rootTimes(Ap, -delta, orthonormalRows(rng, h, d));
  } else if (c >= d) {
    Wp = gaussian(rng, h, d, tau / Math.sqrt(d));
    Ap = mul(Wp, orthonormalRows(rng, d, c));
  } else {
    Ap = gaussian(rng, h, c, tau / Math.sqrt(c));
    Wp = mul(Ap, orthonormalRows(rng, c, d));
  }
  const sw = 1 / Math.sqrt(rates.A), sa = 1 / Math.sqrt(rates.W);
  return { W: Wp.map((r) => r.map((x) => x * sw)), A: Ap.map((r) => r.map((x) => x * sa)), kind };
}
