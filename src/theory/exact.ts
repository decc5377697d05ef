/**
 * Closed forms of docs/theory.md §1: the exact single-neuron flow for XX = σ²I (§1.3), the
 * function-space preconditioner M(β, δ) (§1.1) and the low-rank limit (§1.5).
 */
import { dot, matVec, norm, nullSpaceProjector, pseudoInverseSolve, type Matrix } from './linalg.ts';
import { conservedDelta, UNIT_RATES, type LayerRates, type NeuronState, type SingleNeuronData } from './singleNeuron.ts';

/** Relative tolerance for "XX is a multiple of the identity": |XX_ij − σ²δ_ij| ≤ 1e-10 · σ². */
export const IDENTITY_REL_TOL = 1e-10;
/** Relative tolerance for the δ passed to {@link exactSingleNeuron}: |δ − (a₀² − ‖w₀‖²)| ≤ 1e-8 (a₀² + ‖w₀‖² + |δ|). */
export const DELTA_CONSISTENCY_REL_TOL = 1e-8;

/** E(x) = expm1(x)/x, E(0) = 1; bounded by 1 for x ≤ 0. */
function expm1OverX(x: number): number {
  return x === 0 ? 1 : Math.expm1(x) / x;
}

/**
 * Exact gradient flow for whitened data XX = I, unit rates, any d (docs/theory.md §1.3), evaluated without
 * poles: with q = h/s, (g, q) solves the symmetric linear system (g, q)' = [[δ, s], [s, 0]] (g, q), whose
 * eigen-coordinates c± (eigenvalues r±) are bounded by ‖(a₀, q₀)‖. The largest growth e^λ,
 * λ = max(0, ln|c₊| + r₊t), is factored out of g, q and N (N² out as e^{2λ}), so every exponential left
 * has exponent ≤ 0 and each ∫ is t·expm1(x)/x with x ≤ 0. s → 0, δ → 0 and r₊ − r₋ → 0 need no branch.
 * @param a0 scalar. @param w0 length d. @param betaStar β* = Xy, length d.
 * @param delta δ = a₀² − ‖w₀‖² (passed in so it can be exact; must agree to {@link DELTA_CONSISTENCY_REL_TOL}).
 * @param t time (not steps), ≥ 0.
 * @returns {a, w} at time t.
 * @throws Error on a dimension mismatch, non-finite input, t < 0 or an inconsistent δ.
 */
export function exactSingleNeuron(a0: number, w0: readonly number[], betaStar: readonly number[], delta: number, t: number): NeuronState {
  const d = w0.length;
  if (betaStar.length !== d) throw new Error(`exactSingleNeuron: dimension mismatch (w0 ${d}, β* ${betaStar.length})`);
  if (![a0, delta, t, ...w0, ...betaStar].every(Number.isFinite)) throw new Error('exactSingleNeuron: inputs must be finite');
  if (t < 0) throw new Error(`exactSingleNeuron: t must be ≥ 0 (got ${t})`);
  const ww = dot(w0, w0);
  if (Math.abs(delta - (a0 * a0 - ww)) > DELTA_CONSISTENCY_REL_TOL * (a0 * a0 + ww + Math.abs(delta))) {
    throw new Error(`exactSingleNeuron: δ = ${delta} does not match a₀² − ‖w₀‖² = ${a0 * a0 - ww}`);
  }
  // Split w₀ along β̂* (coordinate q₀) and orthogonal to it.
  const s = norm(betaStar);
  const bHat = s > 0 ? betaStar.map((x) => x / s) : betaStar.map(() => 0);
  const q0 = dot(w0, bHat);
  const wPerp0 = w0.map((x, j) => x - q0 * bHat[j]);
  // Roots r± = (δ ± D)/2 without cancellation.
  const D = Math.hypot(delta, 2 * s);
  let rp = 0, rm = 0;
  if (D > 0) {
    rp = delta >= 0 ? (delta + D) / 2 : (2 * s * s) / (D - delta);
    rm = delta < 0 ? (delta - D) / 2 : (-2 * s * s) / (delta + D);
  }
  // Eigenvectors u₊ = (cos φ, sin φ), u₋ = (−sin φ, cos φ) of [[δ, s], [s, 0]]; tan 2φ = 2s/δ.
  const phi = Math.atan2(2 * s, delta) / 2;
  const cp = Math.cos(phi), sp = Math.sin(phi);
  const cPlus = cp * a0 + sp * q0;
  const cMinus = -sp * a0 + cp * q0;
  // Growth factor e^λ and the scaled coefficients k± = c± e^{r± t − λ}.
  const logGrowth = cPlus !== 0 ? Math.log(Math.abs(cPlus)) + rp * t : -Infinity;
  const lambda = Math.max(0, logGrowth);
  let kPlus: number;
  if (cPlus === 0) kPlus = 0;
  else if (lambda > 0) kPlus = Math.sign(cPlus);
  else kPlus = rp * t < 700 ? cPlus * Math.exp(rp * t) : Math.sign(cPlus) * Math.exp(logGrowth);
  const eMinusLambda = Math.exp(-lambda);
  const kMinus = cMinus * Math.exp(rm * t - lambda);
  const gHat = cp * kPlus - sp * kMinus;
  const qHat = sp * kPlus + cp * kMinus;
  // N̂² = e^{−2λ} N² = e^{−2λ} + 2 e^{−2λ} ∫₀ᵗ g², term by term with exponents ≤ 0.
  const iPlus = t * expm1OverX(-2 * rp * t);
  const iCross = t * Math.exp((Math.max(delta, 0) - rp) * t) * expm1OverX(-Math.abs(delta) * t);
  const iMinus = t * Math.exp(-2 * lambda) * expm1OverX(2 * rm * t);
  const nHat2 = Math.exp(-2 * lambda)
    + 2 * (cp * cp * kPlus * kPlus * iPlus - 2 * cp * sp * kPlus * cMinus * eMinusLambda * iCross + sp * sp * cMinus * cMinus * iMinus);
  const nHat = Math.sqrt(nHat2);
  return {
    a: gHat / nHat,
    w: bHat.map((b, j) => (qHat * b + eMinusLambda * wPerp0[j]) / nHat),
  };
}

/**
 * The data have no closed-form solution (docs/theory.md §1.3 needs XX = σ²I with σ > 0). Thrown by
 * {@link identityScale} and so by everything that evaluates the closed form; callers test
 * `instanceof NoClosedFormError`. The message starts with "no closed form for this data: ".
 */
export class NoClosedFormError extends Error {
  override name = 'NoClosedFormError';
  /** @param reason what the data lack, e.g. "XX must be a multiple of the identity". */
  constructor(reason: string) {
    super(`no closed form for this data: ${reason}`);
  }
}

/**
 * If XX = σ²I (to {@link IDENTITY_REL_TOL}), returns σ²; otherwise throws.
 * @throws NoClosedFormError('no closed form for this data: XX must be a multiple of the identity'), or
 *   ('… XX = σ²I needs σ > 0') for XX = 0; Error when XX is not square.
 */
export function identityScale(XX: Matrix): number {
  const d = XX.length;
  let sigma2 = 0;
  for (let i = 0; i < d; i++) sigma2 += XX[i][i] / d;
  for (let i = 0; i < d; i++) {
    if (XX[i].length !== d) throw new Error(`XX must be d×d (row ${i} has ${XX[i].length} entries, expected ${d})`);
    for (let j = 0; j < d; j++) {
      if (Math.abs(XX[i][j] - (i === j ? sigma2 : 0)) > IDENTITY_REL_TOL * Math.abs(sigma2)) {
        throw new NoClosedFormError('XX must be a multiple of the identity');
      }
    }
  }
  if (!(sigma2 > 0)) throw new NoClosedFormError('XX = σ²I needs σ > 0');
  return sigma2;
}

/**
 * Exact flow for XX = σ²I (σ > 0) and any layer rates (docs/theory.md §1 rescalings + §1.3).
 * ã = a/√η_a, w̃ = w/√η_w gives unit rates with data (k²XX, kXy), k = √(η_aη_w); then â = σ'ã,
 * ŵ = σ'w̃ with σ' = kσ gives whitened data with β* = kXy (same time), δ̂ = σ²δ.
 * @param a0 scalar. @param w0 length d. @param data XX d×d (= σ²I), Xy d. @param t time, ≥ 0.
 * @returns {a, w} at time t.
 * @throws Error('no closed form for this data: XX must be a multiple of the identity') otherwise.
 */
export function exactSingleNeuronGeneral(a0: number, w0: readonly number[], data: SingleNeuronData, rates: LayerRates, t: number): NeuronState {
  if (data.XX.length !== w0.length) throw new Error(`exactSingleNeuronGeneral: dimension mismatch (w0 ${w0.length}, XX ${data.XX.length})`);
  const sigma = Math.sqrt(identityScale(data.XX));
  const k = Math.sqrt(rates.a * rates.w);
  const sA = Math.sqrt(rates.a), sW = Math.sqrt(rates.w);
  const scale = k * sigma;
  const aHat = (scale * a0) / sA;
  const wHat = w0.map((x) => (scale * x) / sW);
  const deltaHat = sigma * sigma * conservedDelta(a0, w0, rates);
  const res = exactSingleNeuron(aHat, wHat, data.Xy.map((x) => k * x), deltaHat, t);
  return { a: (sA * res.a) / scale, w: res.w.map((x) => (sW * x) / scale) };
}

/**
 * Limit of the flow for any PSD XX (docs/theory.md §1.5), unit rates after the §1 rescaling:
 * β∞ = β_ols + a∞ w_null, a∞² = κ + √(κ² + ‖β_ols‖²), κ = (δ + ‖w_null‖²)/2, w∞ = β_ols/a∞ + w_null.
 * Assumes Xy ∈ range(XX) (true for XX = XᵀX, Xy = Xᵀy). The sign of a∞ is the sign of a along the
 * path: pass `signA` if known; otherwise for XX = σ²I it is read off the closed form (sign of c₊),
 * and for other XX it is sign(a₀) (sign(w₀·Xy) if a₀ = 0) — exact when δ > 0, where a² ≥ δ/η_w > 0
 * so a cannot cross zero; for δ ≤ 0 a may change sign and this default can be wrong.
 * @param w0 length d. @param data XX d×d, Xy d. @returns {a, w, beta} in the original (unscaled) variables.
 * @throws Error if a∞ = 0 (β_ols = 0 and κ ≤ 0: the limit of w is not determined).
 */
export function predictedLimit(
  a0: number, w0: readonly number[], data: SingleNeuronData, rates: LayerRates = UNIT_RATES, signA?: 1 | -1,
): { a: number; w: number[]; beta: number[] } {
  const d = w0.length;
  if (data.XX.length !== d || data.Xy.length !== d) throw new Error(`predictedLimit: dimension mismatch (w0 ${d}, XX ${data.XX.length}, Xy ${data.Xy.length})`);
  const k = Math.sqrt(rates.a * rates.w);
  const sW = Math.sqrt(rates.w), sA = Math.sqrt(rates.a);
  // Unit-rate variables: β̃_ols = β_ols/k, w̃_null = w_null/√η_w, δ̃ = δ/k².
  const betaOls = pseudoInverseSolve(data.XX, data.Xy).map((x) => x / k);
  const P = nullSpaceProjector(data.XX);
  const wNull = matVec(P, w0).map((x) => x / sW);
  const deltaT = conservedDelta(a0, w0, rates) / (k * k);
  const kappa = (deltaT + dot(wNull, wNull)) / 2;
  const b2 = dot(betaOls, betaOls);
  const root = Math.hypot(kappa, Math.sqrt(b2));
  const a2 = kappa >= 0 ? kappa + root : b2 / (root - kappa);
  if (!(a2 > 0)) throw new Error('predictedLimit: a∞ = 0 (β_ols = 0 and κ ≤ 0), the limit of w is not determined');
  const sign = signA ?? defaultSign(a0, w0, data, rates);
  const aT = sign * Math.sqrt(a2);
  const wT = betaOls.map((x, j) => x / aT + wNull[j]);
  return {
    a: sA * aT,
    w: wT.map((x) => sW * x),
    beta: wT.map((x) => k * aT * x),
  };
}

function defaultSign(a0: number, w0: readonly number[], data: SingleNeuronData, rates: LayerRates): 1 | -1 {
  let isIdentity = true;
  try {
    identityScale(data.XX);
  } catch {
    isIdentity = false;
  }
  if (isIdentity) {
    // a(t) → sign(c₊)√r₊: evaluate the closed form far out (its sign is settled once e^{−Dt} ≪ 1).
    const far = exactSingleNeuronGeneral(a0, [...w0], data, rates, 1e6);
    if (far.a !== 0) return far.a > 0 ? 1 : -1;
  }
  if (a0 !== 0) return a0 > 0 ? 1 : -1;
  return dot(w0, data.Xy) >= 0 ? 1 : -1;
}

/**
 * Function-space preconditioner of docs/theory.md §1.1, M = η_w a² I + η_a w wᵀ written through β and δ:
 * M = m₁ I + c₂ ββᵀ, m₁ = (√(δ² + 4k²‖β‖²) + δ)/2, c₂‖β‖² = (√(δ² + 4k²‖β‖²) − δ)/2, k² = η_aη_w
 * (unit rates: k = 1), each evaluated without cancellation. At β = 0: M = δI for δ ≥ 0; for δ < 0,
 * a = 0 and M = |δ| ŵŵᵀ depends on the direction of w, which β does not carry.
 * @param beta length d. @param directionAtZero direction of w, used only when β = 0 and δ < 0.
 * @returns d×d symmetric PSD.
 * @throws Error when β = 0, δ < 0 and no directionAtZero is given.
 */
export function preconditioner(beta: readonly number[], delta: number, rates: LayerRates = UNIT_RATES, directionAtZero?: readonly number[]): Matrix {
  const d = beta.length;
  const b = norm(beta);
  const k = Math.sqrt(rates.a * rates.w);
  let m1: number, c2: number, u: readonly number[] = beta;
  if (b === 0) {
    if (delta >= 0) return beta.map((_, i) => beta.map((__, j) => (i === j ? delta : 0)));
    if (!directionAtZero || directionAtZero.length !== d || !(norm(directionAtZero) > 0)) {
      throw new Error('preconditioner: at β = 0 with δ < 0, M = |δ|ŵŵᵀ needs the direction of w (directionAtZero, length d, non-zero)');
    }
    const n = norm(directionAtZero);
    m1 = 0;
    c2 = -delta / (n * n);
    u = directionAtZero;
  } else {
    const root = Math.hypot(delta, 2 * k * b);
    m1 = delta >= 0 ? (root + delta) / 2 : (2 * k * k * b * b) / (root - delta);
    c2 = delta > 0 ? (2 * k * k) / (root + delta) : (root - delta) / (2 * b * b);
  }
  return u.map((ui, i) => u.map((uj, j) => c2 * ui * uj + (i === j ? m1 : 0)));
}

/**
 * Function-space flow β̇ = −M(β, δ) (XXβ − Xy) (docs/theory.md §1.1), per unit time.
 * @param beta length d. @param data XX d×d, Xy d. @returns β̇, length d.
 * @throws Error as {@link preconditioner}, or on a dimension mismatch.
 */
export function betaFlowRhs(beta: readonly number[], delta: number, data: SingleNeuronData, rates: LayerRates = UNIT_RATES, directionAtZero?: readonly number[]): number[] {
  if (data.XX.length !== beta.length || data.Xy.length !== beta.length) throw new Error(`betaFlowRhs: dimension mismatch (β ${beta.length}, XX ${data.XX.length}, Xy ${data.Xy.length})`);
  const grad = matVec(data.XX, beta).map((x, i) => x - data.Xy[i]);
  return matVec(preconditioner(beta, delta, rates, directionAtZero), grad).map((x) => -x);
}
