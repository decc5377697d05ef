/**
 * One-sided (Hestenes) Jacobi SVD in WGSL, shared by the β-flow step kernel (shaders/linear2/linear2.wgsl.ts) and the
 * metrics kernel (shaders/linear2/linear2Metrics.wgsl.ts), docs/theory.md §2: the columns x_p of X (MM×RR, row-major)
 * are rotated pairwise until orthogonal; a pair (p, q) is rotated when |⟨x_p, x_q⟩| > 1e-6‖x_p‖‖x_q‖, and the sweeps
 * stop after one without a rotation or after {@link JACOBI_SWEEPS}. V (RR×RR) accumulates the rotations, X_in V = X_out,
 * so the singular values are the column norms of X_out and V holds the right singular vectors.
 */

/** Most Jacobi sweeps. */
export const JACOBI_SWEEPS = 16;

/**
 * WGSL of `fn jacobi(X: ptr<function, array<f32, MM·RR>>, V: ptr<function, array<f32, RR·RR>>)`; V is set to the
 * identity first. The module must declare `const MM: u32` and `const RR: u32` with the same values.
 * @throws RangeError when mm or rr is not a positive integer, or rr > mm (X must be tall: pass βᵀ when d < c).
 */
export function jacobiWgsl(mm: number, rr: number): string {
  if (!(Number.isInteger(mm) && Number.isInteger(rr) && rr >= 1 && mm >= rr)) throw new RangeError(`jacobiWgsl: need integers 1 ≤ rr ≤ mm (got mm = ${mm}, rr = ${rr}).`);
  return /* wgsl */ `
// One-sided Jacobi on the columns of X (MM×RR); V accumulates the rotations (X_in V = X_out). shaders/linear2/jacobi.wgsl.ts
fn jacobi(X: ptr<function, array<f32, ${mm * rr}>>, V: ptr<function, array<f32, ${rr * rr}>>) {
  for (var r = 0u; r < RR; r++) { for (var m = 0u; m < RR; m++) { (*V)[r * RR + m] = select(0.0, 1.0, r == m); } }
  for (var sweep = 0u; sweep < ${JACOBI_SWEEPS}u; sweep++) {
    var rotated = false;
    for (var p = 0u; p < RR; p++) {
      for (var q = p + 1u; q < RR; q++) {
        var a = 0.0; var b = 0.0; var g = 0.0;
        for (var m = 0u; m < MM; m++) {
          let xp = (*X)[m * RR + p]; let xq = (*X)[m * RR + q];
          a = fma(xp, xp, a); b = fma(xq, xq, b); g = fma(xp, xq, g);
        }
        if (abs(g) > 1e-6 * sqrt(a) * sqrt(b)) {
          rotated = true;
          let zeta = (b - a) / (2.0 * g);
          let t = select(-1.0, 1.0, zeta >= 0.0) / (abs(zeta) + sqrt(1.0 + zeta * zeta));
          let cs = inverseSqrt(1.0 + t * t); let sn = cs * t;
          for (var m = 0u; m < MM; m++) {
            let xp = (*X)[m * RR + p]; let xq = (*X)[m * RR + q];
            (*X)[m * RR + p] = cs * xp - sn * xq; (*X)[m * RR + q] = sn * xp + cs * xq;
          }
          for (var m = 0u; m < RR; m++) {
            let vp = (*V)[m * RR + p]; let vq = (*V)[m * RR + q];
            (*V)[m * RR + p] = cs * vp - sn * vq; (*V)[m * RR + q] = sn * vp + cs * vq;
          }
        }
      }
    }
    if (!rotated) { break; }
  }
}
`;
}
