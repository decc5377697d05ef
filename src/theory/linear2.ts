/**
 * Wide two-layer linear networks f(x) = AᵀW x (docs/theory.md §2; paper Part II, §4 and App. B) in float64:
 * the oracle of the `linear2` GPU kernels and its CPU backend.
 *
 * Conventions (used by every function here and by src/models/linear2):
 * - W is h×d, A is h×c, β = WᵀA is d×c; matrices are flat row-major Float64Arrays.
 * - The flow state y is one Float64Array of length h(d + c): W row-major, then A row-major.
 * - vec(β) is row-major: index i·c + j holds β_ij.
 * - Both data forms reduce to L(β) = ½ vec(β)ᵀ H vec(β) − bᵀ vec(β) + L₀ and G = ∂L/∂β = H vec(β) − b.
 * - Layer rates η_W, η_A: Ẇ = −η_W A Gᵀ, Ȧ = −η_A W G; Δ = η_W AAᵀ − η_A WWᵀ is conserved.
 * Times are flow times (t = steps × dt); GD's step is η (one step advances t by η).
 */
import { integrateAdaptive } from './adaptive.ts';
import { symmetricEigen } from './linalg.ts';
import { svd } from './linear2Svd.ts';

/** Data of docs/theory.md §2: regression (XX d×d PSD, XY d×c) or matrix sensing (M[n][d][c], y[n]). */
export type Linear2Data =
  | { kind: 'regression'; XX: number[][]; XY: number[][] }
  | { kind: 'sensing'; M: number[][][]; y: number[] };

/** The quadratic form of a data set: L(β) = ½ vβᵀHvβ − bᵀvβ + L₀ (vβ row-major, length dc). */
export interface Linear2Quadratic {
  d: number;
  c: number;
  /** dc×dc symmetric PSD, row-major. */
  H: Float64Array;
  /** Length dc. */
  b: Float64Array;
  /** Constant: 0 for regression (the const of docs/theory.md §2 is dropped), ½Σy² for sensing. */
  L0: number;
}

/** Layer rates (η_W, η_A) of docs/theory.md §2. */
export interface Linear2Rates { W: number; A: number }

/** Dimension limits of the model: 1 ≤ d, c ≤ 8 and 1 ≤ h ≤ 32. */
export const LINEAR2_LIMITS = { maxD: 8, maxC: 8, maxH: 32 } as const;

const finiteOr = (x: unknown, what: string): number => {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${what} is not a finite number (${String(x)})`);
  return x;
};

/**
 * Builds H and b (docs/theory.md §2). Regression: H = XX ⊗ I_c acting as β ↦ XXβ, b = vec(XY).
 * Sensing: H = Σ vec(M_i)vec(M_i)ᵀ, b = Σ y_i vec(M_i), L₀ = ½Σy_i².
 * @throws Error naming the field ("XX", "XY[1]", "M[3][0][2]", "y") on a bad shape or a non-finite entry;
 *   for regression also when XX is not symmetric or not PSD (relative tolerance 1e-9).
 */
export function linear2Quadratic(data: Linear2Data): Linear2Quadratic {
  if (data.kind === 'regression') {
    const { XX, XY } = data;
    const d = XX.length;
    if (d < 1) throw new Error('XX must be d×d with d ≥ 1');
    XX.forEach((row, i) => { if (row.length !== d) throw new Error(`XX must be d×d: XX[${i}] has ${row.length} entries, expected ${d}`); });
    if (XY.length !== d) throw new Error(`XY must have d = ${d} rows (got ${XY.length})`);
    const c = XY[0]?.length ?? 0;
    if (c < 1) throw new Error('XY must be d×c with c ≥ 1');
    XY.forEach((row, i) => { if (row.length !== c) throw new Error(`XY must be d×c: XY[${i}] has ${row.length} entries, expected ${c}`); });
    let maxEntry = 0;
    XX.forEach((row, i) => row.forEach((x, j) => { maxEntry = Math.max(maxEntry, Math.abs(finiteOr(x, `XX[${i}][${j}]`))); }));
    XY.forEach((row, i) => row.forEach((x, j) => finiteOr(x, `XY[${i}][${j}]`)));
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) {
      if (Math.abs(XX[i][j] - XX[j][i]) > 1e-9 * maxEntry) throw new Error(`XX is not symmetric (XX[${i}][${j}] = ${XX[i][j]}, XX[${j}][${i}] = ${XX[j][i]})`);
    }
    const ev = symmetricEigen(XX).values;
    const maxAbs = Math.max(...ev.map(Math.abs));
    if (ev[0] < -1e-9 * maxAbs) throw new Error(`XX is not positive semi-definite (smallest eigenvalue ${ev[0]})`);
    const n = d * c;
    const H = new Float64Array(n * n), b = new Float64Array(n);
    for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) {
      b[i * c + j] = XY[i][j];
      for (let k = 0; k < d; k++) H[(i * c + j) * n + k * c + j] = 0.5 * (XX[i][k] + XX[k][i]);
    }
    return { d, c, H, b, L0: 0 };
  }
  const { M, y } = data;
  const m = M.length;
  if (m < 1) throw new Error('M must hold n ≥ 1 measurement matrices');
  if (y.length !== m) throw new Error(`y must have n = ${m} values (got ${y.length})`);
  const d = M[0].length, c = M[0][0]?.length ?? 0;
  if (d < 1 || c < 1) throw new Error('M[0] must be d×c with d, c ≥ 1');
  const n = d * c;
  const H = new Float64Array(n * n), b = new Float64Array(n);
  let L0 = 0;
  M.forEach((Mi, s) => {
    if (Mi.length !== d) throw new Error(`M[${s}] must have d = ${d} rows (got ${Mi.length})`);
    const v = new Float64Array(n);
    Mi.forEach((row, i) => {
      if (row.length !== c) throw new Error(`M[${s}][${i}] must have c = ${c} entries (got ${row.length})`);
      row.forEach((x, j) => { v[i * c + j] = finiteOr(x, `M[${s}][${i}][${j}]`); });
    });
    const ys = finiteOr(y[s], `y[${s}]`);
    for (let p = 0; p < n; p++) {
      b[p] += ys * v[p];
      for (let q = 0; q < n; q++) H[p * n + q] += v[p] * v[q];
    }
    L0 += 0.5 * ys * ys;
  });
  return { d, c, H, b, L0 };
}

/** G = H vec(β) − b (d×c row-major, written into `out` when given). @param beta d×c row-major. */
export function linear2Gradient(q: Linear2Quadratic, beta: ArrayLike<number>, out?: Float64Array): Float64Array {
  const n = q.d * q.c;
  const g = out ?? new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let s = -q.b[p];
    const row = p * n;
    for (let r = 0; r < n; r++) s += q.H[row + r] * beta[r];
    g[p] = s;
  }
  return g;
}

/** L(β) = ½ vβᵀHvβ − bᵀvβ + L₀ (docs/theory.md §2). @param beta d×c row-major. */
export function linear2Loss(q: Linear2Quadratic, beta: ArrayLike<number>): number {
  const n = q.d * q.c;
  let s = q.L0;
  for (let p = 0; p < n; p++) {
    let hb = 0;
    const row = p * n;
    for (let r = 0; r < n; r++) hb += q.H[row + r] * beta[r];
    s += beta[p] * (0.5 * hb - q.b[p]);
  }
  return s;
}

/** β = WᵀA (d×c row-major) from the flow state y = [W (h×d), A (h×c)]. */
export function betaOfState(y: ArrayLike<number>, h: number, d: number, c: number, out?: Float64Array): Float64Array {
  const beta = out ?? new Float64Array(d * c);
  beta.fill(0);
  const a0 = h * d;
  for (let k = 0; k < h; k++) for (let i = 0; i < d; i++) {
    const w = y[k * d + i];
    for (let j = 0; j < c; j++) beta[i * c + j] += w * y[a0 + k * c + j];
  }
  return beta;
}

/** Packs W (h×d) and A (h×c), as nested arrays, into a flow state y. */
export function packLinear2State(W: number[][], A: number[][]): Float64Array {
  return Float64Array.from([...W.flat(), ...A.flat()]);
}

/** Splits a flow state y into nested W (h×d) and A (h×c). */
export function unpackLinear2State(y: ArrayLike<number>, h: number, d: number, c: number): { W: number[][]; A: number[][] } {
  const W = Array.from({ length: h }, (_, k) => Array.from({ length: d }, (_, i) => y[k * d + i]));
  const A = Array.from({ length: h }, (_, k) => Array.from({ length: c }, (_, j) => y[h * d + k * c + j]));
  return { W, A };
}

/**
 * Velocity of the (W, A) flow (docs/theory.md §2): Ẇ = −η_W A Gᵀ, Ȧ = −η_A W G, G = G(WᵀA).
 * @param y state [W, A] (length h(d+c)). @returns a new array of the same length.
 */
export function linear2FlowRhs(q: Linear2Quadratic, rates: Linear2Rates, h: number, y: ArrayLike<number>): Float64Array {
  const { d, c } = q;
  const g = linear2Gradient(q, betaOfState(y, h, d, c));
  const v = new Float64Array(h * (d + c));
  const a0 = h * d;
  for (let k = 0; k < h; k++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < c; j++) s += y[a0 + k * c + j] * g[i * c + j];
      v[k * d + i] = -rates.W * s;
    }
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += y[k * d + i] * g[i * c + j];
      v[a0 + k * c + j] = -rates.A * s;
    }
  }
  return v;
}

/** One GD step θ ← θ + η·(flow velocity) (the Euler step of the flow). @returns a new state. */
export function linear2GdStep(q: Linear2Quadratic, rates: Linear2Rates, h: number, y: ArrayLike<number>, eta: number): Float64Array {
  const v = linear2FlowRhs(q, rates, h, y);
  return Float64Array.from(v, (x, i) => y[i] + eta * x);
}

/** Classical RK4 step of size dt on a right-hand side f. @returns a new state. */
export function linear2Rk4(f: (y: Float64Array) => Float64Array, y: Float64Array, dt: number): Float64Array {
  const k1 = f(y);
  const k2 = f(y.map((x, i) => x + 0.5 * dt * k1[i]));
  const k3 = f(y.map((x, i) => x + 0.5 * dt * k2[i]));
  const k4 = f(y.map((x, i) => x + dt * k3[i]));
  return y.map((x, i) => x + (dt / 6) * (k1[i] + 2 * (k2[i] + k3[i]) + k4[i]));
}

/**
 * Runs a fixed-step method and records the state at the given step counts.
 * @param checkpoints ascending step counts (0 allowed). @returns one state per checkpoint.
 */
export function runFixedSteps(step: (y: Float64Array) => Float64Array, y0: ArrayLike<number>, checkpoints: readonly number[]): Float64Array[] {
  let y: Float64Array = Float64Array.from(y0);
  let done = 0;
  const out: Float64Array[] = [];
  for (const target of checkpoints) {
    for (; done < target; done++) y = step(y);
    out.push(Float64Array.from(y));
  }
  return out;
}

/**
 * The (W, A) flow integrated by DOP853 (src/theory/adaptive.ts) to the given times.
 * @param times ascending flow times; times[0] is the start. @param tol rtol (atol = tol·1e-2), default 1e-12.
 */
export function integrateLinear2Flow(
  q: Linear2Quadratic, rates: Linear2Rates, h: number, y0: ArrayLike<number>, times: readonly number[], tol = 1e-12,
): Float64Array[] {
  return integrateAdaptive((_t, y) => linear2FlowRhs(q, rates, h, y), y0, times, { rtol: tol, atol: tol * 1e-2 });
}

/**
 * Δ = η_W AAᵀ − η_A WWᵀ (h×h row-major, docs/theory.md §2) of a state y = [W, A].
 */
export function linear2Delta(y: ArrayLike<number>, h: number, d: number, c: number, rates: Linear2Rates): Float64Array {
  const D = new Float64Array(h * h);
  const a0 = h * d;
  for (let k = 0; k < h; k++) for (let l = 0; l < h; l++) {
    let aa = 0, ww = 0;
    for (let j = 0; j < c; j++) aa += y[a0 + k * c + j] * y[a0 + l * c + j];
    for (let i = 0; i < d; i++) ww += y[k * d + i] * y[l * d + i];
    D[k * h + l] = rates.W * aa - rates.A * ww;
  }
  return D;
}

/**
 * Relative Δ drift ‖Δ(y) − Δ(y₀)‖_F / (η_W‖A₀‖_F² + η_A‖W₀‖_F²) — the analogue of the single neuron's
 * |δ − δ₀| / (η_w a₀² + η_a‖w₀‖²) (docs/theory.md §1). 0 when the denominator is 0 and Δ did not move.
 */
export function linear2DeltaDrift(y0: ArrayLike<number>, y: ArrayLike<number>, h: number, d: number, c: number, rates: Linear2Rates): number {
  const D0 = linear2Delta(y0, h, d, c, rates), D = linear2Delta(y, h, d, c, rates);
  let num = 0, den = 0;
  for (let p = 0; p < D.length; p++) num += (D[p] - D0[p]) ** 2;
  for (let p = 0; p < h * d; p++) den += rates.A * y0[p] * y0[p];
  for (let p = h * d; p < h * (d + c); p++) den += rates.W * y0[p] * y0[p];
  return den > 0 ? Math.sqrt(num) / den : Math.sqrt(num) === 0 ? 0 : Infinity;
}

/**
 * The scalar δ when Δ = δI up to a relative tolerance (‖Δ − δI‖_F ≤ relTol·(η_W‖A‖² + η_A‖W‖² + |δ|)),
 * else null. δ = tr(Δ)/h, snapped to 0 when |δ| ≤ relTol·(η_W‖A‖² + η_A‖W‖²) (a balanced init up to rounding).
 */
export function scalarDelta(y: ArrayLike<number>, h: number, d: number, c: number, rates: Linear2Rates, relTol = 1e-6): number | null {
  const D = linear2Delta(y, h, d, c, rates);
  let tr = 0;
  for (let k = 0; k < h; k++) tr += D[k * h + k];
  const delta = tr / h;
  let off = 0, scale = 0;
  for (let k = 0; k < h; k++) for (let l = 0; l < h; l++) off += (D[k * h + l] - (k === l ? delta : 0)) ** 2;
  for (let p = 0; p < h * d; p++) scale += rates.A * y[p] * y[p];
  for (let p = h * d; p < h * (d + c); p++) scale += rates.W * y[p] * y[p];
  if (!(Math.sqrt(off) <= relTol * (scale + Math.abs(delta)))) return null;
  return Math.abs(delta) <= relTol * scale ? 0 : delta;
}

/**
 * Whether Theorem 4.2's β flow describes this init: Δ = δI with δ = 0 (any h), δ > 0 and h = c, or δ < 0
 * and h = d (for h < c, AᵀA is singular and cannot equal √(βᵀβ + δ²/4) + δ/2 > 0; likewise for W).
 * @returns null when it does, else the reason (for the refusal message).
 */
export function betaFlowRefusal(delta: number | null, h: number, d: number, c: number): string | null {
  if (delta === null) return 'beta-flow needs Δ = η_W AAᵀ − η_A WWᵀ = δI (Theorem 4.2); this init has a non-scalar Δ';
  if (delta > 0 && h !== c) return `beta-flow with δ = ${delta} > 0 needs h = c (got h = ${h}, c = ${c})`;
  if (delta < 0 && h !== d) return `beta-flow with δ = ${delta} < 0 needs h = d (got h = ${h}, d = ${d})`;
  return null;
}

/** PSD square root of a symmetric matrix (n×n row-major) via symmetricEigen; negative eigenvalues clamp to 0. */
export function psdSqrt(S: ArrayLike<number>, n: number): Float64Array {
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => S[i * n + j]));
  const { values, vectors } = symmetricEigen(rows);
  const R = new Float64Array(n * n);
  values.forEach((lam, k) => {
    const s = Math.sqrt(Math.max(lam, 0));
    const v = vectors[k];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) R[i * n + j] += s * v[i] * v[j];
  });
  return R;
}

/**
 * The two matrices of Theorem 4.2 (docs/theory.md §2) from β and δ, with k² = η_Wη_A:
 * P = √(k²ββᵀ + δ²/4 I_d) − δ/2 I_d (= η_A WᵀW) and Q = √(k²βᵀβ + δ²/4 I_c) + δ/2 I_c (= η_W AᵀA).
 * Computed from the SVD β = Σσ_i u_i v_iᵀ without cancellation and without square roots of near-zero
 * eigenvalues: P = max(−δ, 0) I + Σ ρ_i (σ_i u_i)(σ_i u_i)ᵀ, Q = max(δ, 0) I + Σ ρ_i (σ_i v_i)(σ_i v_i)ᵀ,
 * ρ_i = k² / (√(k²σ_i² + δ²/4) + |δ|/2) (0 when the denominator is 0), with σ_i u_i = βv_i, σ_i v_i = βᵀu_i.
 * (Equal to the eigen-decomposition formula; the unit test checks it against {@link psdSqrt}.)
 * @returns P d×d and Q c×c, row-major.
 */
export function betaFlowBlocks(beta: ArrayLike<number>, d: number, c: number, delta: number, k2: number): { P: Float64Array; Q: Float64Array } {
  const { U, s, V, r } = svd(beta, d, c);
  const P = new Float64Array(d * d), Q = new Float64Array(c * c);
  const gW = Math.max(-delta, 0), gA = Math.max(delta, 0);
  for (let i = 0; i < d; i++) P[i * d + i] = gW;
  for (let j = 0; j < c; j++) Q[j * c + j] = gA;
  const bu = new Float64Array(d), bv = new Float64Array(c);
  for (let k = 0; k < r; k++) {
    const den = Math.sqrt(k2 * s[k] * s[k] + delta * delta / 4) + Math.abs(delta) / 2;
    const rho = den > 0 ? k2 / den : 0;
    for (let i = 0; i < d; i++) bu[i] = s[k] * U[i * r + k];
    for (let j = 0; j < c; j++) bv[j] = s[k] * V[j * r + k];
    for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) P[i * d + l] += rho * bu[i] * bu[l];
    for (let j = 0; j < c; j++) for (let m = 0; m < c; m++) Q[j * c + m] += rho * bv[j] * bv[m];
  }
  return { P, Q };
}

/**
 * Velocity of the exact β flow (Theorem 4.2, docs/theory.md §2) with layer rates (k² = η_Wη_A):
 * β̇ = −(√(k²ββᵀ + δ²/4 I_d) − δ/2 I_d) G − G (√(k²βᵀβ + δ²/4 I_c) + δ/2 I_c) = −PG − GQ ({@link betaFlowBlocks}).
 * @param beta d×c row-major. @returns d×c.
 */
export function linear2BetaFlowRhs(q: Linear2Quadratic, rates: Linear2Rates, delta: number, beta: ArrayLike<number>): Float64Array {
  const { d, c } = q;
  const g = linear2Gradient(q, beta);
  const { P, Q } = betaFlowBlocks(beta, d, c, delta, rates.W * rates.A);
  const v = new Float64Array(d * c);
  for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) {
    let s = 0;
    for (let l = 0; l < d; l++) s += P[i * d + l] * g[l * c + j];
    for (let m = 0; m < c; m++) s += g[i * c + m] * Q[m * c + j];
    v[i * c + j] = -s;
  }
  return v;
}

/** The β flow of Theorem 4.2 integrated by DOP853 to the given flow times (rtol = tol, atol = tol·1e-2). */
export function integrateLinear2BetaFlow(
  q: Linear2Quadratic, rates: Linear2Rates, delta: number, beta0: ArrayLike<number>, times: readonly number[], tol = 1e-12,
): Float64Array[] {
  return integrateAdaptive((_t, b) => linear2BetaFlowRhs(q, rates, delta, b), beta0, times, { rtol: tol, atol: tol * 1e-2 });
}
