import { describe, expect, it } from 'vitest';
import {
  dot, identity, matMul, matVec, norm, nullSpaceProjector, pseudoInverseSolve, symmetricEigen, validateData,
  type Matrix,
} from '../../src/theory/linalg.ts';
import { createRng } from '../../src/models/random.ts';

/** Uniform [0, 1) numbers from the project's seeded PRNG, so every run sees the same cases. */
function rng(seed: number): () => number {
  const r = createRng(seed);
  return () => r.uniform();
}
const transpose = (M: Matrix): Matrix => M[0].map((_, j) => M.map((row) => row[j]));
const maxAbsDiff = (A: Matrix, B: Matrix) => Math.max(...A.flatMap((row, i) => row.map((x, j) => Math.abs(x - B[i][j]))));

describe('theory/linalg basics', () => {
  it('dot, norm, matVec, matMul', () => {
    expect(dot([1, 2, 3], [4, 5, 6])).toBe(32);
    expect(norm([3, 4])).toBe(5);
    expect(norm([3e200, 4e200])).toBeCloseTo(5e200, -190); // scaled: no overflow
    expect(matVec([[1, 2], [3, 4]], [1, -1])).toEqual([-1, -1]);
    expect(matMul([[1, 2], [3, 4]], [[0, 1], [1, 0]])).toEqual([[2, 1], [4, 3]]);
    expect(() => dot([1], [1, 2])).toThrow(/length mismatch/);
    expect(() => matVec([[1, 2]], [1])).toThrow(/row 0/);
  });
});

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('reconstructs random symmetric matrices, d = 1..8, with orthonormal vectors', () => {
    const r = rng(7);
    for (let d = 1; d <= 8; d++) {
      const B = Array.from({ length: d }, () => Array.from({ length: d }, () => r() - 0.5));
      const M = matMul(B, transpose(B)).map((row, i) => row.map((x, j) => x - (i === j ? 0.1 : 0))); // indefinite
      const { values, vectors } = symmetricEigen(M);
      for (let k = 1; k < d; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      // Tolerance 1e-13: Jacobi is backward stable, error ~ d · eps · ‖M‖ with ‖M‖ ≤ d/4 here.
      const V = vectors; // rows are eigenvectors
      const rebuilt = M.map((_, i) => M.map((__, j) => values.reduce((s, l, k) => s + l * V[k][i] * V[k][j], 0)));
      expect(maxAbsDiff(rebuilt, M)).toBeLessThan(1e-13);
      expect(maxAbsDiff(matMul(V, transpose(V)), identity(d))).toBeLessThan(1e-13);
      for (let k = 0; k < d; k++) {
        const Mv = matVec(M, V[k]);
        for (let i = 0; i < d; i++) expect(Math.abs(Mv[i] - values[k] * V[k][i])).toBeLessThan(1e-13);
      }
    }
  });

  it('returns known eigenvalues of a 2×2', () => {
    const { values } = symmetricEigen([[2, 1], [1, 2]]);
    // Exact eigenvalues 1 and 3; tolerance a few eps.
    expect(Math.abs(values[0] - 1)).toBeLessThan(1e-15);
    expect(Math.abs(values[1] - 3)).toBeLessThan(1e-15);
  });
});

describe('pseudoInverseSolve and nullSpaceProjector', () => {
  it('gives the minimum-norm least-squares solution for a rank-1 XX (Fig. 4b data)', () => {
    const x = [0.5, 1];
    const XX = x.map((a) => x.map((b) => a * b));
    const Xy = x.map((a) => 1.1 * a);
    const beta = pseudoInverseSolve(XX, Xy);
    // Closed form: β_ols = y x / ‖x‖² = 1.1 (0.5, 1)/1.25; tolerance 1e-15 (a few eps of O(1) values).
    expect(Math.abs(beta[0] - (1.1 * 0.5) / 1.25)).toBeLessThan(1e-15);
    expect(Math.abs(beta[1] - 1.1 / 1.25)).toBeLessThan(1e-15);
    const P = nullSpaceProjector(XX);
    // null(XX) is spanned by (1, −0.5)/‖·‖: P = n nᵀ.
    const n = [1 / Math.sqrt(1.25), -0.5 / Math.sqrt(1.25)];
    expect(maxAbsDiff(P, n.map((a) => n.map((b) => a * b)))).toBeLessThan(1e-15);
  });

  it('equals the inverse for a full-rank XX and gives P = 0; P = I for XX = 0', () => {
    const XX = [[2, 0.5], [0.5, 1]];
    const beta = pseudoInverseSolve(XX, [1, 2]);
    const back = matVec(XX, beta);
    expect(Math.abs(back[0] - 1) + Math.abs(back[1] - 2)).toBeLessThan(1e-14);
    expect(maxAbsDiff(nullSpaceProjector(XX), [[0, 0], [0, 0]])).toBe(0);
    expect(nullSpaceProjector([[0, 0], [0, 0]])).toEqual(identity(2));
    expect(pseudoInverseSolve([[0, 0], [0, 0]], [0, 0])).toEqual([0, 0]);
  });
});

describe('validateData', () => {
  const XX = [[2, 0.5], [0.5, 1]];
  it('accepts symmetric PSD data, including a rank-deficient XX with rounding', () => {
    expect(() => validateData(XX, [1, 2])).not.toThrow();
    const x = [0.1, 0.3];
    expect(() => validateData(x.map((a) => x.map((b) => a * b)), [0.1, 0.3])).not.toThrow();
  });
  it('rejects the wrong shape', () => {
    expect(() => validateData([[1, 0], [0]], [1, 2])).toThrow(/XX must be d×d/);
    expect(() => validateData([], [])).toThrow(/XX must be d×d/);
    expect(() => validateData(XX, [1])).toThrow(/Xy must have length d = 2/);
  });
  it('rejects non-finite entries, naming the entry', () => {
    expect(() => validateData([[2, NaN], [0.5, 1]], [1, 2])).toThrow(/XX\[0\]\[1\] is not finite \(NaN\)/);
    expect(() => validateData(XX, [1, Infinity])).toThrow(/Xy\[1\] is not finite/);
  });
  it('rejects a non-symmetric XX, naming the entry', () => {
    expect(() => validateData([[2, 0.5], [0.6, 1]], [1, 2])).toThrow(/XX is not symmetric \(\|XX\[i\]\[j\] − XX\[j\]\[i\]\| = .* at \(0, 1\)/);
    // A relative asymmetry of 1e-12 (below the stated 1e-9) passes.
    expect(() => validateData([[2, 0.5], [0.5 + 1e-12, 1]], [1, 2])).not.toThrow();
  });
  it('rejects an XX that is not PSD', () => {
    expect(() => validateData([[1, 2], [2, 1]], [1, 2])).toThrow(/XX is not positive semi-definite \(smallest eigenvalue -(1|0\.9999)/);
  });
});
