/**
 * Small dense linear algebra in float64 for the theory oracle (docs/theory.md §1): vectors are
 * `number[]`, matrices are row-major `number[][]`. No imports, no DOM, no GPU.
 */

/** Row-major dense matrix: `M[i][j]` is row i, column j. Square d×d unless stated. */
export type Matrix = number[][];

/** Relative tolerance of {@link validateData}: symmetry and PSD are checked to 1e-9 × the largest |entry| / |eigenvalue|. */
export const DATA_REL_TOL = 1e-9;

/**
 * Dot product uᵀv.
 * @param u length d. @param v length d.
 * @throws Error if the lengths differ.
 */
export function dot(u: readonly number[], v: readonly number[]): number {
  if (u.length !== v.length) throw new Error(`dot: length mismatch (${u.length} vs ${v.length})`);
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
}

/** Euclidean norm ‖v‖ (scaled to avoid overflow). @param v length d. */
export function norm(v: readonly number[]): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (const x of v) s += (x / m) * (x / m);
  return m * Math.sqrt(s);
}

/**
 * Matrix–vector product M v.
 * @param M r×c row-major. @param v length c. @returns length r.
 * @throws Error if the shapes do not match.
 */
export function matVec(M: Matrix, v: readonly number[]): number[] {
  return M.map((row, i) => {
    if (row.length !== v.length) throw new Error(`matVec: row ${i} has ${row.length} entries, vector has ${v.length}`);
    let s = 0;
    for (let j = 0; j < v.length; j++) s += row[j] * v[j];
    return s;
  });
}

/** Matrix product A B. @param A r×k. @param B k×c. @returns r×c. @throws Error on a shape mismatch. */
export function matMul(A: Matrix, B: Matrix): Matrix {
  const k = B.length;
  const c = k > 0 ? B[0].length : 0;
  return A.map((row, i) => {
    if (row.length !== k) throw new Error(`matMul: row ${i} of A has ${row.length} entries, B has ${k} rows`);
    const out = new Array<number>(c).fill(0);
    for (let m = 0; m < k; m++) for (let j = 0; j < c; j++) out[j] += row[m] * B[m][j];
    return out;
  });
}

/** d×d identity. */
export function identity(d: number): Matrix {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}

/** Trace of a square matrix. */
export function trace(M: Matrix): number {
  let s = 0;
  for (let i = 0; i < M.length; i++) s += M[i][i];
  return s;
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method (sweeps until the
 * off-diagonal mass is below 1e-15 × the Frobenius norm, at most 100 sweeps).
 * @param M d×d symmetric (only the symmetric part is used: (M + Mᵀ)/2).
 * @returns `values[k]` ascending, `vectors[k]` the unit eigenvector (length d) of `values[k]`.
 * @throws Error if M is not square or has a non-finite entry.
 */
export function symmetricEigen(M: Matrix): { values: number[]; vectors: number[][] } {
  const d = M.length;
  for (let i = 0; i < d; i++) {
    if (M[i].length !== d) throw new Error(`symmetricEigen: matrix must be square (row ${i} has ${M[i].length} entries, expected ${d})`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(M[i][j])) throw new Error(`symmetricEigen: entry [${i}][${j}] is not finite (${M[i][j]})`);
  }
  const A = M.map((row, i) => row.map((_, j) => 0.5 * (M[i][j] + M[j][i])));
  const V = identity(d); // columns are eigenvectors
  let fro = 0;
  for (const row of A) for (const x of row) fro += x * x;
  const stop = 1e-30 * fro; // (1e-15 · ‖A‖_F)²
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * A[p][q] * A[p][q];
    if (off <= stop) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p][q];
        if (apq === 0) continue;
        // Rotation that zeroes A[p][q] (Golub & Van Loan, Alg. 8.4.1).
        const theta = (A[q][q] - A[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = A[k][p], akq = A[k][q];
          A[k][p] = c * akp - s * akq;
          A[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p][k], aqk = A[q][k];
          A[p][k] = c * apk - s * aqk;
          A[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k][p], vkq = V[k][q];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, k) => k).sort((x, y) => A[x][x] - A[y][y]);
  return {
    values: order.map((k) => A[k][k]),
    vectors: order.map((k) => V.map((row) => row[k])),
  };
}

/** Eigenvalues with |λ| ≤ relTol · max|λ| count as zero (all of them when max|λ| = 0). */
function isNull(lambda: number, maxAbs: number, relTol: number): boolean {
  return Math.abs(lambda) <= relTol * maxAbs;
}

/**
 * Minimum-norm least-squares solution β_ols = XX⁺ Xy (docs/theory.md §1.5), via the eigen-decomposition.
 * @param XX d×d symmetric PSD. @param Xy length d.
 * @param relTol eigenvalues ≤ relTol · λ_max are treated as zero (default 1e-10).
 * @returns length d.
 * @throws Error on a shape mismatch or non-finite entry.
 */
export function pseudoInverseSolve(XX: Matrix, Xy: readonly number[], relTol = 1e-10): number[] {
  const d = XX.length;
  if (Xy.length !== d) throw new Error(`pseudoInverseSolve: Xy has length ${Xy.length}, XX is ${d}×${d}`);
  const { values, vectors } = symmetricEigen(XX);
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  const beta = new Array<number>(d).fill(0);
  for (let k = 0; k < d; k++) {
    if (isNull(values[k], maxAbs, relTol)) continue;
    const c = dot(vectors[k], Xy) / values[k];
    for (let i = 0; i < d; i++) beta[i] += c * vectors[k][i];
  }
  return beta;
}

/**
 * Orthogonal projector onto null(XX) (docs/theory.md §1.5: the null component of w never moves).
 * @param XX d×d symmetric PSD.
 * @param relTol eigenvalues ≤ relTol · λ_max are treated as zero (default 1e-10).
 * @returns d×d symmetric projector P = Σ_{λ_k≈0} v_k v_kᵀ (P = I when XX = 0).
 */
export function nullSpaceProjector(XX: Matrix, relTol = 1e-10): Matrix {
  const d = XX.length;
  const { values, vectors } = symmetricEigen(XX);
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  const P: Matrix = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let k = 0; k < d; k++) {
    if (!isNull(values[k], maxAbs, relTol)) continue;
    const v = vectors[k];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) P[i][j] += v[i] * v[j];
  }
  return P;
}

/**
 * Checks the data of docs/theory.md §1: XX d×d, finite, symmetric and PSD; Xy of length d, finite.
 * Tolerance: |XX[i][j] − XX[j][i]| ≤ 1e-9 · max|XX entry| and λ_min ≥ −1e-9 · max|λ| (relative,
 * {@link DATA_REL_TOL}), so rounding in a computed XᵀX passes.
 * @param XX d×d row-major. @param Xy length d.
 * @throws Error "XX must be d×d …", "XX[i][j] is not finite …", "Xy[i] is not finite …",
 *   "Xy must have length d …", "XX is not symmetric (…)", "XX is not positive semi-definite (…)".
 */
export function validateData(XX: Matrix, Xy: readonly number[]): void {
  const d = XX.length;
  if (d === 0) throw new Error('XX must be d×d with d ≥ 1 (got an empty matrix)');
  XX.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d) {
      throw new Error(`XX must be d×d (row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected d = ${d})`);
    }
  });
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) if (!Number.isFinite(XX[i][j])) throw new Error(`XX[${i}][${j}] is not finite (${XX[i][j]})`);
  }
  if (Xy.length !== d) throw new Error(`Xy must have length d = ${d} (got ${Xy.length})`);
  Xy.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new Error(`Xy[${i}] is not finite (${x})`);
  });
  let maxEntry = 0;
  for (const row of XX) for (const x of row) maxEntry = Math.max(maxEntry, Math.abs(x));
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const gap = Math.abs(XX[i][j] - XX[j][i]);
      if (gap > DATA_REL_TOL * maxEntry) {
        throw new Error(`XX is not symmetric (|XX[i][j] − XX[j][i]| = ${gap} at (${i}, ${j}); tolerance 1e-9 × max|entry| = ${DATA_REL_TOL * maxEntry})`);
      }
    }
  }
  const { values } = symmetricEigen(XX);
  const maxAbs = Math.max(...values.map(Math.abs));
  if (values[0] < -DATA_REL_TOL * maxAbs) {
    throw new Error(`XX is not positive semi-definite (smallest eigenvalue ${values[0]}; tolerance −1e-9 × max|eigenvalue| = ${-DATA_REL_TOL * maxAbs})`);
  }
}
