/**
 * Metrics of the two-layer linear model (docs/theory.md §2) in float64: singular values (one-sided Jacobi
 * SVD), the NTK kernel distance, and the minimum-Frobenius and minimum-nuclear-norm interpolants.
 * Layouts as in linear2.ts: β is d×c row-major, the state y = [W (h×d), A (h×c)].
 */
import { symmetricEigen } from './linalg.ts';
import { betaFlowBlocks, linear2Quadratic, type Linear2Data, type Linear2Quadratic, type Linear2Rates } from './linear2.ts';
import { svd } from './linear2Svd.ts';
import { integrateAdaptive } from './adaptive.ts';

/** Singular values of a d×c matrix (row-major), descending, length min(d, c). */
export function singularValues(beta: ArrayLike<number>, d: number, c: number): number[] {
  return Array.from(svd(beta, d, c).s);
}

/** Nuclear norm Σσ_i. */
export function nuclearNorm(beta: ArrayLike<number>, d: number, c: number): number {
  return singularValues(beta, d, c).reduce((a, b) => a + b, 0);
}

/** Effective rank exp(−Σ p_i log p_i), p_i = σ_i/Σσ (Roy & Vetterli); 0 for β = 0. */
export function effectiveRank(beta: ArrayLike<number>, d: number, c: number): number {
  const s = singularValues(beta, d, c);
  const total = s.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return 0;
  return Math.exp(-s.reduce((acc, x) => (x > 0 ? acc + (x / total) * Math.log(x / total) : acc), 0));
}

/** Frobenius distance ‖x − y‖_F of two equal-length flat matrices. */
export function frobeniusDistance(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - y[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Factor F of the data's H (H = Σ_m vec(F_m)vec(F_m)ᵀ), n' matrices of d×c (flat row-major), for the kernel
 * distance. Sensing: F_i = M_i. Regression: F_(m,j) = √λ_m v_m e_jᵀ from XX = Σλ_m v_m v_mᵀ (λ_m > 1e-12·λ_max),
 * so that FᵀF = H = XX ⊗ I_c; any factor of H gives the same ⟨K₀, K_t⟩ (it is tr(M₀HM_tH)).
 */
export function kernelFactor(data: Linear2Data): Float64Array[] {
  if (data.kind === 'sensing') return data.M.map((Mi) => Float64Array.from(Mi.flat()));
  const d = data.XX.length, c = data.XY[0].length;
  const { values, vectors } = symmetricEigen(data.XX);
  const top = Math.max(...values.map(Math.abs));
  const out: Float64Array[] = [];
  values.forEach((lam, m) => {
    if (!(lam > 1e-12 * top)) return;
    const r = Math.sqrt(lam);
    for (let j = 0; j < c; j++) {
      const F = new Float64Array(d * c);
      for (let i = 0; i < d; i++) F[i * c + j] = r * vectors[m][i];
      out.push(F);
    }
  });
  return out;
}

/** The kernel's layer factors: P = η_A WᵀW (d×d) and Q = η_W AᵀA (c×c) of a state y = [W, A]. */
export function kernelBlocksOfState(y: ArrayLike<number>, h: number, d: number, c: number, rates: Linear2Rates): { P: Float64Array; Q: Float64Array } {
  const P = new Float64Array(d * d), Q = new Float64Array(c * c);
  const a0 = h * d;
  for (let k = 0; k < h; k++) {
    for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) P[i * d + l] += rates.A * y[k * d + i] * y[k * d + l];
    for (let i = 0; i < c; i++) for (let l = 0; l < c; l++) Q[i * c + l] += rates.W * y[a0 + k * c + i] * y[a0 + k * c + l];
  }
  return { P, Q };
}

/**
 * P and Q from β alone under Δ = δI (Theorem 4.2): P = √(k²ββᵀ + δ²/4) − δ/2, Q = √(k²βᵀβ + δ²/4) + δ/2,
 * k² = η_Wη_A (what η_A WᵀW and η_W AᵀA equal along the flow). For the beta-flow method; see betaFlowBlocks.
 */
export function kernelBlocksOfBeta(beta: ArrayLike<number>, d: number, c: number, delta: number, rates: Linear2Rates): { P: Float64Array; Q: Float64Array } {
  return betaFlowBlocks(beta, d, c, delta, rates.W * rates.A);
}

/**
 * The NTK Gram on the factor F (n'×n', row-major): K_ab = ⟨F_a, P F_b + F_b Q⟩. With unit rates this is
 * the K = X M Xᵀ, M = I_c ⊗ WᵀW + AᵀA ⊗ I_d (sensing: the Gram of the measurements under M).
 */
export function ntkGram(F: readonly Float64Array[], P: ArrayLike<number>, Q: ArrayLike<number>, d: number, c: number): Float64Array {
  const n = F.length;
  const K = new Float64Array(n * n);
  const U = new Float64Array(d * c);
  for (let b = 0; b < n; b++) {
    const Fb = F[b];
    for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) {
      let s = 0;
      for (let l = 0; l < d; l++) s += P[i * d + l] * Fb[l * c + j];
      for (let m = 0; m < c; m++) s += Fb[i * c + m] * Q[m * c + j];
      U[i * c + j] = s;
    }
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let p = 0; p < d * c; p++) s += F[a][p] * U[p];
      K[a * n + b] = s;
    }
  }
  return K;
}

/** Kernel distance S = 1 − ⟨K₀, K⟩_F / (‖K₀‖_F‖K‖_F) (docs/theory.md §1.2, as for the single neuron); 0 if either is 0. */
export function linear2KernelDistance(K0: ArrayLike<number>, K: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < K.length; i++) { ab += K0[i] * K[i]; aa += K0[i] * K0[i]; bb += K[i] * K[i]; }
  return aa > 0 && bb > 0 ? 1 - ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Minimum-Frobenius-norm minimiser of L: β = H⁺b (pseudo-inverse by eigen-decomposition of H; eigenvalues
 * ≤ 1e-10·λ_max count as zero). For under-determined data, the minimum-norm interpolant (regression: XX⁺XY).
 * @returns d×c row-major.
 */
export function minFrobeniusInterpolant(q: Linear2Quadratic): Float64Array {
  const n = q.d * q.c;
  const rows = Array.from({ length: n }, (_, i) => Array.from(q.H.subarray(i * n, (i + 1) * n)));
  const { values, vectors } = symmetricEigen(rows);
  const top = Math.max(...values.map(Math.abs));
  const out = new Float64Array(n);
  values.forEach((lam, k) => {
    if (Math.abs(lam) <= 1e-10 * top) return;
    let s = 0;
    for (let p = 0; p < n; p++) s += vectors[k][p] * q.b[p];
    for (let p = 0; p < n; p++) out[p] += (s / lam) * vectors[k][p];
  });
  return out;
}

/** Result of {@link minNuclearInterpolant}. */
export interface NuclearInterpolant {
  /** d×c row-major, feasible to the affine projection's precision. */
  beta: Float64Array;
  /** ‖β − Z‖_F at the end (ADMM primal residual: distance between the feasible and the low-rank iterate). */
  residual: number;
  /** ‖Hβ − b‖ (stationarity of L at β). */
  feasibility: number;
  iterations: number;
}

/**
 * Minimum-nuclear-norm interpolant: argmin ‖β‖_* subject to Hβ = b (i.e. ∇L(β) = 0; for sensing with
 * independent measurements, ⟨M_i, β⟩ = y_i), by ADMM with singular-value thresholding (Boyd et al. 2011, §5):
 * β ← Π_aff(Z − U), Z ← SVT_{1/ρ}(β + U), U ← U + β − Z, with Π_aff(x) = x − H⁺(Hx − b). Stops when the
 * primal ‖β − Z‖ and dual ρ‖Z − Z_prev‖ residuals are both ≤ tol (default 1e-10), or after maxIter (20000).
 */
export function minNuclearInterpolant(q: Linear2Quadratic, options: { rho?: number; tol?: number; maxIter?: number } = {}): NuclearInterpolant {
  const { d, c } = q;
  const n = d * c;
  const rho = options.rho ?? 1, tol = options.tol ?? 1e-10, maxIter = options.maxIter ?? 20000;
  const rows = Array.from({ length: n }, (_, i) => Array.from(q.H.subarray(i * n, (i + 1) * n)));
  const { values, vectors } = symmetricEigen(rows);
  const top = Math.max(...values.map(Math.abs));
  const range = vectors.filter((_, k) => Math.abs(values[k]) > 1e-10 * top);
  const base = minFrobeniusInterpolant(q);
  // Π_aff(x) = base + (I − Π_range)(x − base) = x − Π_range(x) + Π_range(base); Π_range(base) = base.
  const project = (x: Float64Array): Float64Array => {
    const out = Float64Array.from(x);
    for (const v of range) {
      let s = 0;
      for (let p = 0; p < n; p++) s += v[p] * (x[p] - base[p]);
      for (let p = 0; p < n; p++) out[p] -= s * v[p];
    }
    return out;
  };
  let Z: Float64Array = Float64Array.from(base), beta: Float64Array = Float64Array.from(base);
  const U = new Float64Array(n);
  let it = 0, primal = Infinity;
  for (; it < maxIter; it++) {
    beta = project(Z.map((z, p) => z - U[p]));
    const { U: Us, s, V } = svd(beta.map((b, p) => b + U[p]), d, c);
    const Znew = new Float64Array(n);
    for (let k = 0; k < s.length; k++) {
      const sk = s[k] - 1 / rho;
      if (sk <= 0) continue;
      for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) Znew[i * c + j] += sk * Us[i * s.length + k] * V[j * s.length + k];
    }
    primal = frobeniusDistance(beta, Znew);
    const dual = rho * frobeniusDistance(Znew, Z);
    for (let p = 0; p < n; p++) U[p] += beta[p] - Znew[p];
    Z = Znew;
    if (primal <= tol && dual <= tol) { it++; break; }
  }
  const g = new Float64Array(n);
  for (let p = 0; p < n; p++) { let s = -q.b[p]; for (let r = 0; r < n; r++) s += q.H[p * n + r] * beta[r]; g[p] = s; }
  return { beta, residual: primal, feasibility: Math.hypot(...g), iterations: it };
}

/** Convenience: {@link linear2Quadratic} then {@link minFrobeniusInterpolant}. */
export function minFrobeniusOfData(data: Linear2Data): Float64Array {
  return minFrobeniusInterpolant(linear2Quadratic(data));
}

/**
 * Mirror flow on the singular values (Theorem B.6, docs/theory.md §2) with the singular vectors held fixed:
 * λ̇_i = −√(δ² + 4k²λ_i²) ∂L/∂λ_i, ∂L/∂λ_i = u_iᵀ G v_i at β = Σλ_i u_i v_iᵀ, k² = η_Wη_A. Exact when the
 * singular vectors stay fixed (e.g. XX = I and XY sharing β₀'s singular vectors); otherwise the prediction
 * the views draw dashed beside the simulated spectrum.
 * @param U d×r, V c×r (row-major, from {@link svd} of β₀). @returns λ̇ (length r).
 */
export function mirrorFlowRhs(
  q: Linear2Quadratic, rates: Linear2Rates, delta: number, lambda: ArrayLike<number>, U: ArrayLike<number>, V: ArrayLike<number>,
): Float64Array {
  const { d, c } = q;
  const r = lambda.length;
  const beta = new Float64Array(d * c);
  for (let k = 0; k < r; k++) for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) beta[i * c + j] += lambda[k] * U[i * r + k] * V[j * r + k];
  const n = d * c;
  const g = new Float64Array(n);
  for (let p = 0; p < n; p++) { let s = -q.b[p]; for (let m = 0; m < n; m++) s += q.H[p * n + m] * beta[m]; g[p] = s; }
  const k2 = rates.W * rates.A;
  return Float64Array.from({ length: r }, (_, k) => {
    let dl = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) dl += U[i * r + k] * g[i * c + j] * V[j * r + k];
    return -Math.sqrt(delta * delta + 4 * k2 * lambda[k] * lambda[k]) * dl;
  });
}

/**
 * Integrates {@link mirrorFlowRhs} from β₀'s singular values by DOP853 (rtol = tol, atol = tol·1e-2) to the given
 * flow times, with β₀'s singular vectors held fixed. @returns λ(t) (descending at t₀) per time.
 */
export function integrateMirrorFlow(
  q: Linear2Quadratic, rates: Linear2Rates, delta: number, beta0: ArrayLike<number>, times: readonly number[], tol = 1e-12,
): Float64Array[] {
  const { U, s, V } = svd(beta0, q.d, q.c);
  return integrateAdaptive((_t, l) => mirrorFlowRhs(q, rates, delta, l, U, V), s, times, { rtol: tol, atol: tol * 1e-2 });
}

/**
 * The data's eigen-factor for per-network metrics on the GPU (docs/theory.md §2), from H = Σλ_m v_m v_mᵀ (dc×dc):
 * F = Λ^{1/2}Vᵀ (r×dc, λ_m > 1e-10·λ_max, so FᵀF = H to that rank), z = Λ^{-1/2}Vᵀb (r), b⊥ = b − VVᵀb (dc) and
 * Lmin = L₀ − ½‖z‖², so that L(β) = ½‖Fβ − z‖² − b⊥ᵀβ + Lmin with no cancellation near the minimum (f32-safe:
 * the residual Fβ − z is formed directly). Any factor of H gives the same kernel distance (tr(M₀HM_tH)).
 * `underDetermined` is rank(H) < dc; then the interpolants' distances are reported.
 */
export interface Linear2MetricsFactor {
  /** Rank r of H (eigenvalues > 1e-10·λ_max); F has r rows. */
  r: number;
  /** r×dc row-major. */
  F: Float64Array;
  z: Float64Array;
  bPerp: Float64Array;
  Lmin: number;
  underDetermined: boolean;
}

/** {@link Linear2MetricsFactor} of a quadratic. H = 0 gives r = 0 (L = −bᵀβ + L₀, no kernel). */
export function linear2MetricsFactor(q: Linear2Quadratic): Linear2MetricsFactor {
  const n = q.d * q.c;
  const rows = Array.from({ length: n }, (_, i) => Array.from(q.H.subarray(i * n, (i + 1) * n)));
  const { values, vectors } = symmetricEigen(rows);
  const top = Math.max(...values.map(Math.abs));
  const keep = values.map((_, k) => k).filter((k) => top > 0 && values[k] > 1e-10 * top);
  const r = keep.length;
  const F = new Float64Array(r * n), z = new Float64Array(r), bPerp = Float64Array.from(q.b);
  let zz = 0;
  keep.forEach((k, a) => {
    const s = Math.sqrt(values[k]), v = vectors[k];
    let vb = 0;
    for (let p = 0; p < n; p++) { F[a * n + p] = s * v[p]; vb += v[p] * q.b[p]; }
    z[a] = vb / s;
    zz += z[a] * z[a];
    for (let p = 0; p < n; p++) bPerp[p] -= vb * v[p];
  });
  return { r, F, z, bPerp, Lmin: q.L0 - 0.5 * zz, underDetermined: r < n };
}
