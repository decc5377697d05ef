/**
 * Single neuron f(x) = a wᵀx (docs/theory.md §1): flow right-hand side, GD and RK4 steps, the conserved
 * quantity δ, the (β₀, δ) and (τ, α) initialisations, the excess loss and the NTK kernel distance.
 * Arithmetic of the steps mirrors shaders/singleNeuron/singleNeuron.wgsl.ts (without fma) and src/theory/ensemble.ts.
 */
import { type Matrix, dot, matMul, norm, trace } from './linalg.ts';

/** Data of docs/theory.md §1: XX = XᵀX (d×d symmetric PSD, row-major) and Xy = Xᵀy (d). */
export interface SingleNeuronData {
  XX: number[][];
  Xy: number[];
}

/** Layer learning rates η_a (readout a) and η_w (first layer w); unit rates are {a: 1, w: 1}. */
export interface LayerRates {
  a: number;
  w: number;
}

/** Unit layer rates η_a = η_w = 1. */
export const UNIT_RATES: Readonly<LayerRates> = Object.freeze({ a: 1, w: 1 });

/** Parameter state θ = (a, w): a scalar, w length d. */
export interface NeuronState {
  a: number;
  w: number[];
}

function checkDims(w: readonly number[], data: SingleNeuronData): void {
  const d = w.length;
  if (data.XX.length !== d || data.Xy.length !== d) {
    throw new Error(`dimension mismatch: w has length ${d}, XX is ${data.XX.length}×·, Xy has length ${data.Xy.length}`);
  }
}

function checkRates(rates: LayerRates): void {
  if (!(rates.a > 0 && rates.w > 0 && Number.isFinite(rates.a) && Number.isFinite(rates.w))) {
    throw new Error(`layer rates must be finite and > 0 (got η_a = ${rates.a}, η_w = ${rates.w})`);
  }
}

/**
 * Conserved quantity δ = η_w a² − η_a ‖w‖² (docs/theory.md §1; exact for the flow).
 * @param a scalar. @param w length d. @param rates layer rates (default unit).
 */
export function conservedDelta(a: number, w: readonly number[], rates: LayerRates = UNIT_RATES): number {
  return rates.w * a * a - rates.a * dot(w, w);
}

/**
 * Right-hand side of the gradient flow (docs/theory.md §1): ȧ = −η_a wᵀr, ẇ = −η_w a r, r = XX(a w) − Xy.
 * @param a scalar. @param w length d. @param data XX d×d, Xy d. @param rates layer rates.
 * @returns da (scalar), dw (length d); per unit of time.
 * @throws Error on a dimension mismatch.
 */
export function flowRhs(a: number, w: readonly number[], data: SingleNeuronData, rates: LayerRates = UNIT_RATES): { da: number; dw: number[] } {
  checkDims(w, data);
  const d = w.length;
  const { XX, Xy } = data;
  const beta = new Array<number>(d);
  for (let j = 0; j < d; j++) beta[j] = a * w[j];
  const dw = new Array<number>(d);
  let wr = 0;
  for (let i = 0; i < d; i++) {
    let r = -Xy[i];
    const row = XX[i];
    for (let j = 0; j < d; j++) r += row[j] * beta[j];
    wr += w[i] * r;
    dw[i] = -rates.w * a * r;
  }
  return { da: -rates.a * wr, dw };
}

/**
 * One gradient-descent step (explicit Euler of the flow, docs/theory.md §1): θ ← θ + η θ̇.
 * @param eta learning rate (one step). @returns new {a, w}; inputs are not modified.
 */
export function gdStep(a: number, w: readonly number[], data: SingleNeuronData, rates: LayerRates, eta: number): NeuronState {
  const { da, dw } = flowRhs(a, w, data, rates);
  return { a: a + eta * da, w: w.map((x, j) => x + eta * dw[j]) };
}

/**
 * One classical RK4 step of the flow with time step dt (docs/theory.md §1).
 * Combination: θ + (dt/6)(k1 + 2(k2 + k3) + k4), as in the GPU kernel.
 * @returns new {a, w}; inputs are not modified.
 */
export function rk4Step(a: number, w: readonly number[], data: SingleNeuronData, rates: LayerRates, dt: number): NeuronState {
  const h2 = 0.5 * dt;
  const k1 = flowRhs(a, w, data, rates);
  const k2 = flowRhs(a + h2 * k1.da, w.map((x, j) => x + h2 * k1.dw[j]), data, rates);
  const k3 = flowRhs(a + h2 * k2.da, w.map((x, j) => x + h2 * k2.dw[j]), data, rates);
  const k4 = flowRhs(a + dt * k3.da, w.map((x, j) => x + dt * k3.dw[j]), data, rates);
  const c = dt / 6;
  return {
    a: a + c * (k1.da + 2 * (k2.da + k3.da) + k4.da),
    w: w.map((x, j) => x + c * (k1.dw[j] + 2 * (k2.dw[j] + k3.dw[j]) + k4.dw[j])),
  };
}

/**
 * Fixed-step integration (GD or RK4), sampled at given step counts.
 * @param step η for 'gd', dt for 'rk4' (time reached after k steps is k·step).
 * @param stepCounts ascending non-negative integers (step counts, not times).
 * @returns a[k] and w[k] (length d) after stepCounts[k] steps.
 * @throws Error if stepCounts is not ascending integers ≥ 0, or on a dimension mismatch.
 */
export function integrateFixed(
  a0: number, w0: readonly number[], data: SingleNeuronData, rates: LayerRates,
  method: 'gd' | 'rk4', step: number, stepCounts: readonly number[],
): { a: number[]; w: number[][] } {
  checkDims(w0, data);
  stepCounts.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 0 || (i > 0 && k < stepCounts[i - 1])) {
      throw new Error(`integrateFixed: stepCounts must be ascending integers ≥ 0 (entry ${i} = ${k})`);
    }
  });
  const stepFn = method === 'gd' ? gdStep : rk4Step;
  let s: NeuronState = { a: a0, w: [...w0] };
  let done = 0;
  const out = { a: [] as number[], w: [] as number[][] };
  for (const k of stepCounts) {
    for (; done < k; done++) s = stepFn(s.a, s.w, data, rates, step);
    out.a.push(s.a);
    out.w.push([...s.w]);
  }
  return out;
}

/**
 * Initialisation at a given function β₀ and conserved δ, a > 0 branch (docs/theory.md §1).
 * Unit rates: a = √((δ + √(δ² + 4‖β₀‖²))/2), w = β₀/a. With rates, a² solves
 * η_w A² − δA − η_a‖β₀‖² = 0, i.e. A = (δ + √(δ² + 4η_aη_w‖β₀‖²))/(2η_w) (evaluated without
 * cancellation), so that conservedDelta(a, w, rates) = δ and a·w = β₀.
 * @param beta0 length d. @returns {a, w}.
 * @throws Error if β₀ = 0 with δ < 0 (then a = 0 and the direction of w is not determined).
 */
export function initFromBetaDelta(beta0: readonly number[], delta: number, rates: LayerRates = UNIT_RATES): NeuronState {
  checkRates(rates);
  if (!Number.isFinite(delta) || beta0.some((x) => !Number.isFinite(x))) throw new Error('initFromBetaDelta: β₀ and δ must be finite');
  const b = norm(beta0);
  const root = Math.hypot(delta, 2 * Math.sqrt(rates.a * rates.w) * b);
  const A = delta >= 0 ? (delta + root) / (2 * rates.w) : (2 * rates.a * b * b) / (root - delta);
  if (A === 0) {
    if (delta < 0) throw new Error('initFromBetaDelta: β₀ = 0 with δ < 0 leaves the direction of w undetermined; use initFromTauAlpha');
    return { a: 0, w: beta0.map(() => 0) };
  }
  const a = Math.sqrt(A);
  return { a, w: beta0.map((x) => x / a) };
}

/** δ = τ²(α² − 1/α²) (docs/theory.md §1, unit rates; α divides the first layer). @throws Error unless τ ≥ 0, α > 0. */
export function deltaFromTauAlpha(tau: number, alpha: number): number {
  if (!(tau >= 0 && alpha > 0 && Number.isFinite(tau) && Number.isFinite(alpha))) throw new Error(`deltaFromTauAlpha: need τ ≥ 0 and α > 0 (got τ = ${tau}, α = ${alpha})`);
  return tau * tau * (alpha * alpha - 1 / (alpha * alpha));
}

/**
 * Inverse of {@link deltaFromTauAlpha}: α² = (u + √(u² + 4))/2, u = δ/τ² (docs/theory.md §1), evaluated
 * as 2/(√(u²+4) − u) for u < 0 to avoid cancellation. @returns α > 0. @throws Error unless τ > 0.
 */
export function alphaFromDeltaTau(delta: number, tau: number): number {
  if (!(tau > 0 && Number.isFinite(tau) && Number.isFinite(delta))) throw new Error(`alphaFromDeltaTau: need τ > 0 and finite δ (got τ = ${tau}, δ = ${delta})`);
  const u = delta / (tau * tau);
  const r = Math.hypot(u, 2);
  return Math.sqrt(u >= 0 ? (u + r) / 2 : 2 / (r - u));
}

/**
 * (τ, α) initialisation (docs/theory.md §1): w = τ ŵ/α, a = sign·τα, ŵ = direction/‖direction‖.
 * @param direction length d, non-zero. @param sign +1 or −1.
 * @throws Error if direction is zero/non-finite, τ < 0, α ≤ 0 or sign ∉ {±1}.
 */
export function initFromTauAlpha(tau: number, alpha: number, direction: readonly number[], sign: 1 | -1 = 1): NeuronState {
  deltaFromTauAlpha(tau, alpha); // validates τ, α
  if (sign !== 1 && sign !== -1) throw new Error(`initFromTauAlpha: sign must be ±1 (got ${sign})`);
  const n = norm(direction);
  if (!(n > 0 && Number.isFinite(n))) throw new Error('initFromTauAlpha: direction must be non-zero and finite');
  return { a: sign * tau * alpha, w: direction.map((x) => (tau * x) / (n * alpha)) };
}

/**
 * Excess loss ½(β − β_ols)ᵀ XX (β − β_ols) = L(β) − min L (docs/theory.md §1.5).
 * @param beta length d. @param XX d×d. @param betaOls length d (e.g. pseudoInverseSolve(XX, Xy)).
 */
export function excessLoss(beta: readonly number[], XX: Matrix, betaOls: readonly number[]): number {
  const d = beta.length;
  if (XX.length !== d || betaOls.length !== d) throw new Error(`excessLoss: dimension mismatch (β ${d}, XX ${XX.length}, β_ols ${betaOls.length})`);
  const e = beta.map((x, j) => x - betaOls[j]);
  let q = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let j = 0; j < d; j++) r += XX[i][j] * e[j];
    q += e[i] * r;
  }
  return 0.5 * Math.max(q, 0);
}

/**
 * Data-free NTK M = η_w a² I + η_a w wᵀ (docs/theory.md §1.2; a² I + w wᵀ for unit rates); the Gram
 * matrix on the data is K = X M Xᵀ. @param w length d. @returns d×d.
 */
export function ntkMatrix(a: number, w: readonly number[], rates: LayerRates = UNIT_RATES): Matrix {
  return w.map((wi, i) => w.map((wj, j) => rates.a * wi * wj + (i === j ? rates.w * a * a : 0)));
}

/**
 * Kernel distance S = 1 − ⟨K₀, K_t⟩_F / (‖K₀‖_F ‖K_t‖_F) with K = X M Xᵀ (docs/theory.md §1.2), computed
 * from XX only: ⟨XM₀Xᵀ, XM_tXᵀ⟩_F = tr(M₀ XX M_t XX), ‖X M Xᵀ‖_F² = tr(M XX M XX).
 * @param M0 d×d, @param Mt d×d, @param XX d×d. @returns S ∈ [0, 1] (up to rounding).
 * @throws Error on a shape mismatch or if a kernel is zero (S undefined).
 */
export function kernelDistance(M0: Matrix, Mt: Matrix, XX: Matrix): number {
  const d = XX.length;
  if (M0.length !== d || Mt.length !== d) throw new Error(`kernelDistance: dimension mismatch (M0 ${M0.length}, Mt ${Mt.length}, XX ${d})`);
  const P0 = matMul(M0, XX);
  const Pt = matMul(Mt, XX);
  const cross = trace(matMul(P0, Pt));
  const n0 = Math.sqrt(Math.max(trace(matMul(P0, P0)), 0));
  const nt = Math.sqrt(Math.max(trace(matMul(Pt, Pt)), 0));
  if (!(n0 > 0 && nt > 0)) throw new Error('kernelDistance: a kernel X M Xᵀ is zero, S is undefined');
  return 1 - cross / (n0 * nt);
}
