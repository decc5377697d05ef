/**
 * Small dense SVD in float64 for the two-layer linear model (docs/theory.md §2): one-sided Jacobi, which
 * keeps small singular values accurate to ~1e-16·‖β‖ absolute (an eigen-decomposition of ββᵀ followed by
 * a square root loses half the digits there). No imports.
 */

/** Thin SVD β = U diag(s) Vᵀ: U d×r, V c×r (row-major), s descending, r = min(d, c). */
export interface Svd { U: Float64Array; s: Float64Array; V: Float64Array; r: number }

/**
 * Thin SVD of a d×c matrix by one-sided (Hestenes) Jacobi on the columns of β (or of βᵀ when d < c):
 * sweeps until every column pair has |⟨x_p, x_q⟩| ≤ 1e-15‖x_p‖‖x_q‖ (at most 60 sweeps). Columns of U for
 * zero singular values are zero vectors (not completed to a basis).
 * @param beta d×c row-major.
 */
export function svd(beta: ArrayLike<number>, d: number, c: number): Svd {
  if (d < c) {
    const t = new Float64Array(d * c);
    for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) t[j * d + i] = beta[i * c + j];
    const r = svd(t, c, d);
    return { U: r.V, s: r.s, V: r.U, r: r.r };
  }
  // d ≥ c: X = β (d×c), V = I_c; rotate column pairs until orthogonal.
  const X = Float64Array.from(beta), V = new Float64Array(c * c);
  for (let j = 0; j < c; j++) V[j * c + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < c; p++) for (let q = p + 1; q < c; q++) {
      let a = 0, b = 0, g = 0;
      for (let i = 0; i < d; i++) { const xp = X[i * c + p], xq = X[i * c + q]; a += xp * xp; b += xq * xq; g += xp * xq; }
      if (Math.abs(g) <= 1e-15 * Math.sqrt(a * b) || g === 0) continue;
      rotated = true;
      const zeta = (b - a) / (2 * g);
      const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const cs = 1 / Math.sqrt(1 + t * t), sn = cs * t;
      for (let i = 0; i < d; i++) {
        const xp = X[i * c + p], xq = X[i * c + q];
        X[i * c + p] = cs * xp - sn * xq; X[i * c + q] = sn * xp + cs * xq;
      }
      for (let i = 0; i < c; i++) {
        const vp = V[i * c + p], vq = V[i * c + q];
        V[i * c + p] = cs * vp - sn * vq; V[i * c + q] = sn * vp + cs * vq;
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: c }, (_, j) => { let s = 0; for (let i = 0; i < d; i++) s += X[i * c + j] ** 2; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const U = new Float64Array(d * c), Vs = new Float64Array(c * c), s = new Float64Array(c);
  order.forEach((j, k) => {
    s[k] = norms[j];
    for (let i = 0; i < d; i++) U[i * c + k] = norms[j] > 0 ? X[i * c + j] / norms[j] : 0;
    for (let i = 0; i < c; i++) Vs[i * c + k] = V[i * c + j];
  });
  return { U, s, V: Vs, r: c };
}
