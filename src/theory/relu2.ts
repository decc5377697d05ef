/**
 * Two-layer ReLU network f(x) = Σ_k a_k σ(w_kᵀx) (docs/theory.md §3) in float64: full-batch GD on the mean
 * squared error, the §3 metrics (train/test loss, Hamming distance, parameter distance, NTK kernel
 * distance, δ_k drift) and the symmetrised (τ, α) initialisation. The oracle of shaders/relu2*.wgsl.ts
 * and the CPU backend of the relu2 model. Conventions (pinned by tests/fixtures/relu2_gd.json):
 * - loss L = (1/n) Σ_i (f(x_i) − y_i)²  (mean, no ½), so ∂L/∂f_i = (2/n)(f_i − y_i);
 * - σ(z) = z for z > 0 and slope·z otherwise (slope 0: ReLU); σ'(z) = 1 for z > 0, else slope (σ'(0) = slope);
 * - a unit is "active" on sample i when w_kᵀx_i > 0; the Hamming distance counts changes of that bit.
 * Pure maths: no DOM, no GPU, no imports from outside src/theory.
 */
import { alphaFromDeltaTau, deltaFromTauAlpha } from './singleNeuron.ts';

/** Network parameters θ = (W, a). W is m×d row-major (W[k·d + j] = (w_k)_j), a has length m. */
export interface Relu2Params {
  m: number;
  d: number;
  W: Float64Array;
  a: Float64Array;
}

/**
 * A data set: X is n×d row-major (X[i·d + j]), y has length n; optional test set Xtest (nTest×d), ytest (nTest).
 */
export interface Relu2Data {
  d: number;
  X: Float64Array;
  y: Float64Array;
  Xtest?: Float64Array;
  ytest?: Float64Array;
}

/** Metrics of docs/theory.md §3 at one step, all dimensionless except where noted. */
export interface Relu2Metrics {
  /** (1/n) Σ (f(x_i) − y_i)² on the training set. */
  trainLoss: number;
  /** The same on the test set; NaN when there is no test set. */
  testLoss: number;
  /** H = Σ_k (1/n) #{i : [w_kᵀx_i > 0] differs from step 0}; 0 ≤ H ≤ m. */
  hamming: number;
  /** ‖θ_t − θ₀‖₂ over all entries of W and a. */
  paramDistance: number;
  /** S = 1 − ⟨K₀, K_t⟩_F / (‖K₀‖_F ‖K_t‖_F) of the n×n NTK Gram on the training set. */
  kernelDistance: number;
  /** max_k |δ_k(t) − δ_k(0)|, δ_k = a_k² − ‖w_k‖² (conserved by the flow; GD drifts by O(η²) per step). */
  deltaDrift: number;
}

/** Number of samples of a data set. @throws Error when X, y and d disagree. */
export function relu2SampleCount(data: Relu2Data): number {
  const n = data.y.length;
  if (data.X.length !== n * data.d) throw new Error(`relu2: X has ${data.X.length} entries, expected n·d = ${n}·${data.d}`);
  if ((data.Xtest === undefined) !== (data.ytest === undefined)) throw new Error('relu2: give both Xtest and ytest, or neither');
  if (data.Xtest && data.ytest && data.Xtest.length !== data.ytest.length * data.d) {
    throw new Error(`relu2: Xtest has ${data.Xtest.length} entries, expected nTest·d = ${data.ytest.length}·${data.d}`);
  }
  return n;
}

/** Copies parameters. */
export function cloneRelu2(p: Relu2Params): Relu2Params {
  return { m: p.m, d: p.d, W: Float64Array.from(p.W), a: Float64Array.from(p.a) };
}

/** σ with the given negative-side slope (0: ReLU). */
export function leakyRelu(z: number, slope: number): number { return z > 0 ? z : slope * z; }

/**
 * Pre-activations Z (m×n, Z[k·n + i] = w_kᵀx_i) and outputs f (n) of the network on X (n×d).
 * @param Z optional scratch of length m·n; @returns { Z, f }.
 */
export function relu2Forward(p: Relu2Params, X: Float64Array, slope: number, Z?: Float64Array): { Z: Float64Array; f: Float64Array } {
  const { m, d, W, a } = p;
  const n = X.length / d;
  const z = Z ?? new Float64Array(m * n);
  const f = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    const wk = k * d, ak = a[k], zk = k * n;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const xi = i * d;
      for (let j = 0; j < d; j++) s += W[wk + j] * X[xi + j];
      z[zk + i] = s;
      f[i] += ak * (s > 0 ? s : slope * s);
    }
  }
  return { Z: z, f };
}

/** Mean squared error (1/n) Σ (f_i − y_i)² of the network on (X, y). */
export function relu2Loss(p: Relu2Params, X: Float64Array, y: Float64Array, slope: number): number {
  const { f } = relu2Forward(p, X, slope);
  let s = 0;
  for (let i = 0; i < f.length; i++) s += (f[i] - y[i]) ** 2;
  return s / f.length;
}

/**
 * One full-batch GD step θ ← θ − η ∇L(θ) in place, L = (1/n)Σ(f − y)²:
 * ∂L/∂a_k = (2/n) Σ_i e_i σ(z_ki), ∂L/∂w_k = (2/n) a_k Σ_i e_i σ'(z_ki) x_i, e_i = f_i − y_i.
 * @param scratch optional Float64Array of length m·n reused for Z.
 * @param bound when L(θ) is non-finite or > bound, θ is left unchanged (the GPU's divergence freeze).
 * @returns the loss L(θ) before the step (the forward pass it reuses).
 */
export function relu2GdStep(p: Relu2Params, data: Relu2Data, eta: number, slope: number, scratch?: Float64Array, bound = Infinity): number {
  const { m, d, W, a } = p;
  const { X, y } = data;
  const n = y.length;
  const { Z, f } = relu2Forward(p, X, slope, scratch);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = f[i] - y[i];
    loss += e * e;
    f[i] = (2 / n) * e; // f now holds r_i = ∂L/∂f_i
  }
  if (!(Number.isFinite(loss) && loss / n <= bound)) return loss / n;
  const g = new Float64Array(d);
  for (let k = 0; k < m; k++) {
    const zk = k * n, wk = k * d;
    let ga = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const z = Z[zk + i];
      const r = f[i];
      if (z > 0) ga += r * z; else ga += r * slope * z;
      const c = z > 0 ? r : slope * r;
      if (c !== 0) { const xi = i * d; for (let j = 0; j < d; j++) g[j] += c * X[xi + j]; }
    }
    const ak = a[k];
    for (let j = 0; j < d; j++) W[wk + j] -= eta * ak * g[j];
    a[k] = ak - eta * ga;
  }
  return loss / n;
}

/**
 * The NTK Gram of docs/theory.md §3 on X (n×d), row-major n×n:
 * K_ij = Σ_k σ(z_ki)σ(z_kj) + (x_iᵀx_j) Σ_k a_k² σ'(z_ki)σ'(z_kj).
 */
export function relu2Ntk(p: Relu2Params, X: Float64Array, slope: number): Float64Array {
  const { m, d, a } = p;
  const { Z } = relu2Forward(p, X, slope);
  const n = X.length / d;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let phi = 0, psi = 0, g = 0;
      for (let q = 0; q < d; q++) g += X[i * d + q] * X[j * d + q];
      for (let k = 0; k < m; k++) {
        const zi = Z[k * n + i], zj = Z[k * n + j];
        phi += leakyRelu(zi, slope) * leakyRelu(zj, slope);
        psi += a[k] * a[k] * (zi > 0 ? 1 : slope) * (zj > 0 ? 1 : slope);
      }
      K[i * n + j] = phi + g * psi;
    }
  }
  return K;
}

/** S = 1 − ⟨K₀, K_t⟩_F/(‖K₀‖_F‖K_t‖_F) of two equal-size Gram matrices (0 when either is zero). */
export function gramDistance(K0: Float64Array, Kt: Float64Array): number {
  let c = 0, n0 = 0, nt = 0;
  for (let i = 0; i < K0.length; i++) { c += K0[i] * Kt[i]; n0 += K0[i] * K0[i]; nt += Kt[i] * Kt[i]; }
  return n0 > 0 && nt > 0 ? 1 - c / Math.sqrt(n0 * nt) : 0;
}

/**
 * All metrics of docs/theory.md §3 for parameters `p` against the initial parameters `p0` on `data`.
 * @param K0 optional precomputed relu2Ntk(p0, data.X, slope) (it never changes along a run).
 * @param kernelDistance optional precomputed S (e.g. computed row by row without the n×n Grams); K0 is then unused.
 * @throws Error when p and p0 differ in shape or the data do not fit.
 */
export function relu2Metrics(p: Relu2Params, p0: Relu2Params, data: Relu2Data, slope: number, K0?: Float64Array, kernelDistance?: number): Relu2Metrics {
  if (p.m !== p0.m || p.d !== p0.d || p.d !== data.d) throw new Error(`relu2Metrics: shapes differ (m ${p.m}/${p0.m}, d ${p.d}/${p0.d}/${data.d})`);
  const n = relu2SampleCount(data);
  const { m, d } = p;
  const { Z, f } = relu2Forward(p, data.X, slope);
  const { Z: Z0 } = relu2Forward(p0, data.X, slope);
  let loss = 0;
  for (let i = 0; i < n; i++) loss += (f[i] - data.y[i]) ** 2;
  let hamming = 0;
  for (let k = 0; k < m; k++) {
    let flips = 0;
    for (let i = 0; i < n; i++) if ((Z[k * n + i] > 0) !== (Z0[k * n + i] > 0)) flips++;
    hamming += flips / n;
  }
  let dist2 = 0, drift = 0;
  for (let k = 0; k < m; k++) {
    dist2 += (p.a[k] - p0.a[k]) ** 2;
    let ww = 0, ww0 = 0;
    for (let j = 0; j < d; j++) {
      const w = p.W[k * d + j], w0 = p0.W[k * d + j];
      dist2 += (w - w0) ** 2;
      ww += w * w;
      ww0 += w0 * w0;
    }
    drift = Math.max(drift, Math.abs(p.a[k] ** 2 - ww - (p0.a[k] ** 2 - ww0)));
  }
  const testLoss = data.Xtest && data.ytest && data.ytest.length > 0 ? relu2Loss(p, data.Xtest, data.ytest, slope) : NaN;
  const S = kernelDistance ?? gramDistance(K0 ?? relu2Ntk(p0, data.X, slope), relu2Ntk(p, data.X, slope));
  return { trainLoss: loss / n, testLoss, hamming, paramDistance: Math.sqrt(dist2), kernelDistance: S, deltaDrift: drift };
}

/** Options of {@link trainRelu2}. */
export interface Relu2TrainOptions {
  /** Learning rate η per GD step. */
  eta: number;
  /** Negative-side slope of σ (0: ReLU). */
  slope: number;
  /** GD step counts at which to record, ascending integers ≥ 0. */
  checkpoints: readonly number[];
  /** A loss above this (or non-finite) marks the run diverged and stops it; default 1e30. */
  bound?: number;
}

/** One recorded checkpoint of {@link trainRelu2}: the metrics and a copy of the parameters. */
export interface Relu2Record extends Relu2Metrics { step: number; params: Relu2Params }

/**
 * Trains a copy of `init` by full-batch GD and records metrics and parameters at every checkpoint.
 * Divergence: when the loss at the start of a step is non-finite or > bound, that step is not taken and
 * the run stops (frozen at the last finite state); later checkpoints repeat it, `divergedAtStep` is the step.
 * @throws Error on invalid checkpoints, η ≤ 0 or data/parameter shape mismatch.
 */
export function trainRelu2(init: Relu2Params, data: Relu2Data, options: Relu2TrainOptions): { records: Relu2Record[]; divergedAtStep: number | null } {
  const { eta, slope, checkpoints } = options;
  const bound = options.bound ?? 1e30;
  if (!(eta > 0 && Number.isFinite(eta))) throw new Error(`trainRelu2: η must be finite and > 0 (got ${eta})`);
  checkpoints.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || (i > 0 && c < checkpoints[i - 1])) throw new Error(`trainRelu2: checkpoints must be ascending integers ≥ 0 (got ${checkpoints.join(', ')})`);
  });
  const n = relu2SampleCount(data);
  const p = cloneRelu2(init);
  const K0 = relu2Ntk(init, data.X, slope);
  const scratch = new Float64Array(p.m * n);
  const records: Relu2Record[] = [];
  let step = 0;
  let divergedAtStep: number | null = null;
  for (const c of checkpoints) {
    while (step < c && divergedAtStep === null) {
      const loss = relu2GdStep(p, data, eta, slope, scratch, bound);
      if (!(Number.isFinite(loss) && loss <= bound)) { divergedAtStep = step; break; }
      step++;
    }
    records.push({ step: c, ...relu2Metrics(p, init, data, slope, K0), params: cloneRelu2(p) });
  }
  return { records, divergedAtStep };
}

/**
 * The symmetrised initialisation of docs/theory.md §3: for k < m/2, w_k = τ u_k/α and a_k = s_k τα; unit
 * k + m/2 copies w_k and has readout −a_k, so f ≡ 0 at t = 0 and every unit has δ_k = τ²(α² − 1/α²).
 * α divides the first layer (α > 1 upstream, α < 1 downstream; docs/theory.md §1 convention).
 * @param directions m/2 vectors of length d (normalised here). @param signs m/2 values ±1.
 * @throws Error when τ < 0, α ≤ 0, a direction is zero or lengths disagree.
 */
export function symmetrisedInit(tau: number, alpha: number, directions: readonly (readonly number[])[], signs: readonly number[]): Relu2Params {
  deltaFromTauAlpha(tau, alpha); // validates τ, α
  const half = directions.length;
  if (signs.length !== half) throw new Error(`symmetrisedInit: ${half} directions but ${signs.length} signs`);
  if (half === 0) throw new Error('symmetrisedInit: need at least one direction (m ≥ 2)');
  const d = directions[0].length;
  const m = 2 * half;
  const W = new Float64Array(m * d), a = new Float64Array(m);
  directions.forEach((u, k) => {
    if (u.length !== d) throw new Error(`symmetrisedInit: direction ${k} has length ${u.length}, expected d = ${d}`);
    const norm = Math.hypot(...u);
    if (!(norm > 0 && Number.isFinite(norm))) throw new Error(`symmetrisedInit: direction ${k} is zero or not finite`);
    const s = signs[k];
    if (s !== 1 && s !== -1) throw new Error(`symmetrisedInit: sign ${k} must be ±1 (got ${s})`);
    for (let j = 0; j < d; j++) {
      W[k * d + j] = (tau * u[j]) / (norm * alpha);
      W[(k + half) * d + j] = W[k * d + j];
    }
    a[k] = s * tau * alpha;
    a[k + half] = -a[k];
  });
  return { m, d, W, a };
}

/** α of a (τ, δ) setting: α² = (u + √(u² + 4))/2, u = δ/τ² (docs/theory.md §1, §3). @throws Error unless τ > 0. */
export function relu2AlphaFromDelta(delta: number, tau: number): number { return alphaFromDeltaTau(delta, tau); }

/** The paper's learning-rate rule η = η_base/τ² (docs/theory.md §3). @throws Error unless τ > 0 and η_base > 0. */
export function learningRateForTau(etaBase: number, tau: number): number {
  if (!(tau > 0 && etaBase > 0)) throw new Error(`learningRateForTau: need τ > 0 and η_base > 0 (got τ = ${tau}, η_base = ${etaBase})`);
  return etaBase / (tau * tau);
}
