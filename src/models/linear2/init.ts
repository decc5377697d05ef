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
 * - per-unit δ_k (Theorem 4.1's delayed-rich case, {@link gridInitPerUnit}): Δ = diag(δ_1 … δ_h), exact when
 *   h₊ + h₀ ≤ c or h₋ + h₀ ≤ d (h₊, h₋, h₀: units with δ_k > 0, < 0, = 0), else the per-row Gaussian init.
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
  return unscale(Wp, Ap, rates, kind);
}

/** Maps the rate-scaled W', A' back to W = W'/√η_A, A = A'/√η_W. */
function unscale(Wp: number[][], Ap: number[][], rates: Linear2Rates, kind: InitKind): Linear2Init & { kind: InitKind } {
  const sw = 1 / Math.sqrt(rates.A), sa = 1 / Math.sqrt(rates.W);
  return { W: Wp.map((r) => r.map((x) => x * sw)), A: Ap.map((r) => r.map((x) => x * sa)), kind };
}

/**
 * Which init a per-unit δ_k list gets: 'exact' when Δ = diag(δ_k) can be built by {@link gridInitPerUnit}, i.e. the
 * units with δ_k ≥ 0 number ≤ c or those with δ_k ≤ 0 number ≤ d and, in either case, the others fit their own side
 * (h₊ ≤ c, h₋ ≤ d: by Sylvester's inertia Δ = A'A'ᵀ − W'W'ᵀ has at most c positive and d negative eigenvalues).
 */
export function perUnitInitKind(deltas: readonly number[], d: number, c: number): InitKind {
  const pos = deltas.filter((x) => x > 0).length, neg = deltas.filter((x) => x < 0).length, zero = deltas.length - pos - neg;
  return (pos + zero <= c && neg <= d) || (pos <= c && neg + zero <= d) ? 'exact' : 'gaussian';
}

/** X(I − EᵀE): the rows of X with the row space of E (orthonormal rows) projected out. */
function projectOut(X: number[][], E: number[][]): number[][] {
  return X.map((row) => {
    const out = row.slice();
    for (const e of E) {
      const s = e.reduce((acc, x, j) => acc + x * row[j], 0);
      for (let j = 0; j < out.length; j++) out[j] -= s * e[j];
    }
    return out;
  });
}

/**
 * One network with its own δ_k per hidden unit (Theorem 4.1, docs/theory.md §2: mixed-sign δ_k is delayed rich), in the
 * rate-scaled variables: Δ = A'A'ᵀ − W'W'ᵀ = diag(δ_1 … δ_h).
 * - 'exact' ({@link perUnitInitKind}): the units split into a block P (δ_k > 0, plus the δ_k = 0 units when they fit,
 *   |P| ≤ c) and a block N (the rest, δ_k ≤ 0, |N| ≤ d). E_P (|P|×c) and E_N (|N|×d) have orthonormal rows;
 *   W'_P = τW̃(I − E_NᵀE_N), A'_P = (D_P + W'_PW'_Pᵀ)^{1/2}E_P; A'_N = τÃ(I − E_PᵀE_P), W'_N = (|D_N| + A'_NA'_Nᵀ)^{1/2}E_N
 *   (W̃ ~ N(0, 1/d), Ã ~ N(0, 1/c)). Then the P and N rows are orthogonal in both layers, so the off-diagonal blocks of Δ
 *   vanish, and each diagonal block is D_P, resp. D_N, to f64 round-off (psdSqrt). When |N| = d the P units' W' is 0
 *   (and δ_k = 0 units of P are then dead: W' = A' = 0); likewise for |P| = c.
 * - 'gaussian' otherwise: row k has w'_k ~ N(0, (τ² + max(−δ_k, 0))/d), a'_k ~ N(0, (τ² + max(δ_k, 0))/c), so E[Δ_kk] = δ_k.
 * All δ_k equal: exactly {@link gridInit} (the same networks as a uniform grid).
 * @param deltas δ_k, length h (finite). @param tau τ > 0. @param seed integer in [0, 2³¹).
 * @throws Error when deltas is empty or over the width limit.
 */
export function gridInitPerUnit(
  d: number, c: number, deltas: readonly number[], tau: number, seed: number, rates: Linear2Rates,
): Linear2Init & { kind: InitKind } {
  const h = deltas.length;
  if (h < 1) throw new Error('deltas: expected one δ_k per hidden unit (h ≥ 1)');
  if (deltas.every((x) => x === deltas[0])) return gridInit(d, c, h, deltas[0], tau, seed, rates);
  const rng = createRng(seed);
  const kind = perUnitInitKind(deltas, d, c);
  const Wp: number[][] = new Array(h), Ap: number[][] = new Array(h);
  if (kind === 'gaussian') {
    deltas.forEach((dk, k) => {
      Wp[k] = gaussian(rng, 1, d, Math.sqrt((tau * tau + Math.max(-dk, 0)) / d))[0];
      Ap[k] = gaussian(rng, 1, c, Math.sqrt((tau * tau + Math.max(dk, 0)) / c))[0];
    });
    return unscale(Wp, Ap, rates, kind);
  }
  const pos = deltas.filter((x) => x > 0).length, zero = deltas.filter((x) => x === 0).length;
  const zerosInP = pos + zero <= c;
  const P: number[] = [], N: number[] = [];
  deltas.forEach((dk, k) => ((dk > 0 || (dk === 0 && zerosInP)) ? P : N).push(k));
  const EP = orthonormalRows(rng, P.length, c), EN = orthonormalRows(rng, N.length, d);
  const WP = projectOut(gaussian(rng, P.length, d, tau / Math.sqrt(d)), EN);
  const AN = projectOut(gaussian(rng, N.length, c, tau / Math.sqrt(c)), EP);
  const rootBlock = (X: number[][], shifts: number[], E: number[][]): number[][] => {
    const m = X.length;
    const S = new Float64Array(m * m);
    for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) S[k * m + l] = X[k].reduce((s, x, j) => s + x * X[l][j], 0) + (k === l ? shifts[k] : 0);
    const R = psdSqrt(S, m);
    return mul(Array.from({ length: m }, (_, k) => Array.from(R.subarray(k * m, (k + 1) * m))), E);
  };
  const AP = P.length ? rootBlock(WP, P.map((k) => deltas[k]), EP) : [];
  const WN = N.length ? rootBlock(AN, N.map((k) => -deltas[k]), EN) : [];
  P.forEach((k, i) => { Wp[k] = WP[i]; Ap[k] = AP[i]; });
  N.forEach((k, i) => { Wp[k] = WN[i]; Ap[k] = AN[i]; });
  return unscale(Wp, Ap, rates, kind);
}

/**
 * The per-unit δ_k of a grid point: `deltaSigns` "uniform" (every δ_k = δ), "mixed" (δ_k = δ for the first ⌈h/2⌉
 * units, −δ for the others), or a list of h factors s_k (δ_k = s_k·δ).
 */
export function unitDeltas(delta: number, h: number, deltaSigns: 'uniform' | 'mixed' | readonly number[]): number[] {
  if (deltaSigns === 'uniform') return new Array(h).fill(delta);
  if (deltaSigns === 'mixed') return Array.from({ length: h }, (_, k) => (k < Math.ceil(h / 2) ? delta : -delta));
  return deltaSigns.map((s) => s * delta);
}
