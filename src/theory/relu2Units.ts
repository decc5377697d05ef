/**
 * Per-unit radial and directional motion of the two-layer ReLU network (docs/theory.md §3.1, paper
 * eqs. 9–10), in float64. For unit k: β_k = a_k w_k, μ_k = sgn(a_k)‖β_k‖, β̂_k = sgn(a_k)β_k/‖β_k‖ = w_k/‖w_k‖,
 * ξ_k = Σ_i (∂L/∂f_i) c_ki x_i with c_ki = σ'(w_kᵀx_i) and the project's loss L = (1/n)Σ(f − y)², so
 * ∂L/∂f_i = (2/n)(f_i − y_i) (the paper's ½Σ loss drops the 2/n). Under the gradient flow
 *
 *     μ̇_k = −√(δ_k² + 4μ_k²) β̂_kᵀξ_k,    β̂̇_k = −(√(δ_k² + 4μ_k²) + δ_k)/(2μ_k) (I − β̂_kβ̂_kᵀ) ξ_k.
 *
 * Also: the motion of every unit from θ₀ (angle moved by β̂_k, relative radial change, Hamming distance of
 * its activation pattern), the gradient and an RK4 step of the flow (the tests' finite differences), and
 * the active-unit count on points (the Fig. 5a parity picture). Conventions as src/theory/relu2.ts:
 * unit k is active on x when w_kᵀx > 0; σ'(z) = 1 for z > 0, else slope. Pure maths, no imports outside src/theory.
 */
import { relu2Forward, relu2SampleCount, type Relu2Data, type Relu2Params } from './relu2.ts';

/** Eqs. 9–10 of every unit at one θ (docs/theory.md §3.1). Vectors are m×d row-major (entry k·d + j). */
export interface Relu2UnitRates {
  /** μ_k = sgn(a_k)‖β_k‖ (sgn(0) = +1). */
  mu: Float64Array;
  /** β̂_k = w_k/‖w_k‖ (zero for w_k = 0), m×d. */
  betaHat: Float64Array;
  /** δ_k = a_k² − ‖w_k‖². */
  delta: Float64Array;
  /** ξ_k = Σ_i (2/n)(f_i − y_i) σ'(w_kᵀx_i) x_i, m×d. */
  xi: Float64Array;
  /** μ̇_k of eq. 9 (per unit of time t, not per GD step). */
  muDot: Float64Array;
  /** β̂̇_k of eq. 10, m×d (per unit of time); zero where μ_k = 0 (the direction is undefined there). */
  betaHatDot: Float64Array;
  /** ‖β̂̇_k‖, the angular speed in radians per unit of time. */
  dirSpeed: Float64Array;
}

/** Where the data and θ disagree in shape. @throws Error naming the field. */
function checkShapes(p: Relu2Params, d: number): void {
  if (p.W.length !== p.m * p.d) throw new Error(`relu2Units: W has ${p.W.length} entries, expected m·d = ${p.m}·${p.d}`);
  if (p.a.length !== p.m) throw new Error(`relu2Units: a has ${p.a.length} entries, expected m = ${p.m}`);
  if (p.d !== d) throw new Error(`relu2Units: parameters have d = ${p.d} but the data have d = ${d}`);
}

/**
 * ξ_k of every unit (m×d) and the residual (2/n)(f − y) (n) at θ.
 * @throws Error on a shape mismatch of θ and the data.
 */
export function relu2Xi(p: Relu2Params, data: Relu2Data, slope: number): { xi: Float64Array; residual: Float64Array; Z: Float64Array } {
  checkShapes(p, data.d);
  const n = relu2SampleCount(data);
  const { m, d } = p;
  const { Z, f } = relu2Forward(p, data.X, slope);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = (2 / n) * (f[i] - data.y[i]);
  const xi = new Float64Array(m * d);
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) {
      const c = (Z[k * n + i] > 0 ? 1 : slope) * r[i];
      if (c !== 0) for (let j = 0; j < d; j++) xi[k * d + j] += c * data.X[i * d + j];
    }
  }
  return { xi, residual: r, Z };
}

/**
 * μ_k, β̂_k, δ_k, ξ_k and their time derivatives of eqs. 9–10 for every unit at θ.
 * @throws Error on a shape mismatch of θ and the data.
 */
export function relu2UnitRates(p: Relu2Params, data: Relu2Data, slope: number): Relu2UnitRates {
  const { xi } = relu2Xi(p, data, slope);
  const { m, d, W, a } = p;
  const mu = new Float64Array(m), delta = new Float64Array(m), muDot = new Float64Array(m), dirSpeed = new Float64Array(m);
  const betaHat = new Float64Array(m * d), betaHatDot = new Float64Array(m * d);
  for (let k = 0; k < m; k++) {
    let ww = 0;
    for (let j = 0; j < d; j++) ww += W[k * d + j] ** 2;
    const wn = Math.sqrt(ww);
    mu[k] = (a[k] < 0 ? -1 : 1) * Math.abs(a[k]) * wn;
    delta[k] = a[k] * a[k] - ww;
    if (wn > 0) for (let j = 0; j < d; j++) betaHat[k * d + j] = W[k * d + j] / wn;
    const root = Math.sqrt(delta[k] ** 2 + 4 * mu[k] ** 2);
    let proj = 0;
    for (let j = 0; j < d; j++) proj += betaHat[k * d + j] * xi[k * d + j];
    muDot[k] = -root * proj;
    if (mu[k] === 0) continue;
    const gain = -(root + delta[k]) / (2 * mu[k]);
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = gain * (xi[k * d + j] - proj * betaHat[k * d + j]);
      betaHatDot[k * d + j] = v;
      s += v * v;
    }
    dirSpeed[k] = Math.sqrt(s);
  }
  return { mu, betaHat, delta, xi, muDot, betaHatDot, dirSpeed };
}

/**
 * The angle (radians, in [0, π]) between two vectors of ℝᵈ, as 2·atan2(‖û − v̂‖, ‖û + v̂‖): accurate for
 * tiny and near-π angles, where acos of the dot product loses half the digits. 0 when either is zero.
 */
export function angleBetween(u: ArrayLike<number>, v: ArrayLike<number>, offU = 0, offV = 0, d = u.length): number {
  let nu = 0, nv = 0;
  for (let j = 0; j < d; j++) { nu += u[offU + j] ** 2; nv += v[offV + j] ** 2; }
  if (!(nu > 0 && nv > 0)) return 0;
  nu = Math.sqrt(nu); nv = Math.sqrt(nv);
  let minus = 0, plus = 0;
  for (let j = 0; j < d; j++) {
    const x = u[offU + j] / nu, y = v[offV + j] / nv;
    minus += (x - y) ** 2; plus += (x + y) ** 2;
  }
  return 2 * Math.atan2(Math.sqrt(minus), Math.sqrt(plus));
}

/** How far each unit moved from θ₀ (docs/theory.md §3.1); per-unit arrays have length m. */
export interface Relu2UnitMotion {
  /** Angle between β̂_k(t) and β̂_k(0) = angle between w_k(t) and w_k(0), radians in [0, π]. */
  angle: Float64Array;
  /** |μ_k(t) − μ_k(0)| / |μ_k(0)| (NaN where μ_k(0) = 0). */
  radial: Float64Array;
  /** Fraction of the samples whose active bit [w_kᵀx_i > 0] differs from θ₀, in [0, 1]. */
  hamming: Float64Array;
  /** μ_k(0) and μ_k(t). */
  mu0: Float64Array;
  mu: Float64Array;
  /** Mean over units of `angle` (radians). */
  meanAngle: number;
  /** ‖θ − θ₀‖ / ‖θ₀‖ over every entry of W and a (NaN when θ₀ = 0). */
  relParamDistance: number;
}

/**
 * Each unit's motion from θ₀ to θ: angle moved, relative radial change and Hamming distance on X.
 * @param X n×d row-major samples on which activation patterns are compared.
 * @throws Error when θ and θ₀ differ in shape or X is not a multiple of d.
 */
export function relu2UnitMotion(p: Relu2Params, p0: Relu2Params, X: Float64Array, slope: number): Relu2UnitMotion {
  if (p.m !== p0.m || p.d !== p0.d) throw new Error(`relu2UnitMotion: θ has (m, d) = (${p.m}, ${p.d}) but θ₀ has (${p0.m}, ${p0.d})`);
  checkShapes(p, p.d); checkShapes(p0, p.d);
  const { m, d } = p;
  if (X.length % d !== 0) throw new Error(`relu2UnitMotion: X has ${X.length} entries, not a multiple of d = ${d}`);
  const n = X.length / d;
  const { Z } = relu2Forward(p, X, slope), { Z: Z0 } = relu2Forward(p0, X, slope);
  const angle = new Float64Array(m), radial = new Float64Array(m), hamming = new Float64Array(m);
  const mu = new Float64Array(m), mu0 = new Float64Array(m);
  let dist2 = 0, norm2 = 0, sumAngle = 0;
  for (let k = 0; k < m; k++) {
    angle[k] = angleBetween(p.W, p0.W, k * d, k * d, d);
    sumAngle += angle[k];
    let ww = 0, ww0 = 0;
    for (let j = 0; j < d; j++) {
      const w = p.W[k * d + j], w0 = p0.W[k * d + j];
      ww += w * w; ww0 += w0 * w0; dist2 += (w - w0) ** 2; norm2 += w0 * w0;
    }
    dist2 += (p.a[k] - p0.a[k]) ** 2; norm2 += p0.a[k] ** 2;
    mu[k] = (p.a[k] < 0 ? -1 : 1) * Math.abs(p.a[k]) * Math.sqrt(ww);
    mu0[k] = (p0.a[k] < 0 ? -1 : 1) * Math.abs(p0.a[k]) * Math.sqrt(ww0);
    radial[k] = mu0[k] !== 0 ? Math.abs(mu[k] - mu0[k]) / Math.abs(mu0[k]) : NaN;
    let flips = 0;
    for (let i = 0; i < n; i++) if ((Z[k * n + i] > 0) !== (Z0[k * n + i] > 0)) flips++;
    hamming[k] = n > 0 ? flips / n : 0;
  }
  return { angle, radial, hamming, mu0, mu, meanAngle: sumAngle / m, relParamDistance: norm2 > 0 ? Math.sqrt(dist2 / norm2) : NaN };
}

/**
 * ∇L(θ) of L = (1/n)Σ(f − y)²: ∂L/∂w_k = a_k ξ_k, ∂L/∂a_k = w_kᵀξ_k (σ is positively homogeneous, so
 * σ(z) = σ'(z) z), and the loss. @throws Error on a shape mismatch.
 */
export function relu2Gradient(p: Relu2Params, data: Relu2Data, slope: number): { gW: Float64Array; ga: Float64Array; loss: number } {
  const { xi, residual } = relu2Xi(p, data, slope);
  const { m, d, W, a } = p;
  const n = residual.length;
  let loss = 0;
  for (let i = 0; i < n; i++) loss += ((n / 2) * residual[i]) ** 2;
  const gW = new Float64Array(m * d), ga = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) { gW[k * d + j] = a[k] * xi[k * d + j]; s += W[k * d + j] * xi[k * d + j]; }
    ga[k] = s;
  }
  return { gW, ga, loss: loss / n };
}

/**
 * `steps` classical RK4 steps of the gradient flow θ̇ = −∇L(θ) with step dt (time t = steps·dt), on a copy.
 * The right-hand side is only piecewise smooth (it jumps when a w_kᵀx_i changes sign), so RK4's order
 * holds between such crossings. @throws Error on a shape mismatch or dt ≤ 0.
 */
export function relu2FlowRk4(p: Relu2Params, data: Relu2Data, slope: number, dt: number, steps: number): Relu2Params {
  if (!(dt > 0 && Number.isFinite(dt))) throw new Error(`relu2FlowRk4: dt must be finite and > 0 (got ${dt})`);
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`relu2FlowRk4: steps must be an integer ≥ 0 (got ${steps})`);
  const N = p.W.length + p.a.length;
  let y = new Float64Array(N);
  y.set(p.W); y.set(p.a, p.W.length);
  const at = (v: Float64Array): Relu2Params => ({ m: p.m, d: p.d, W: v.subarray(0, p.W.length), a: v.subarray(p.W.length) });
  const rhs = (v: Float64Array): Float64Array => {
    const { gW, ga } = relu2Gradient(at(v), data, slope);
    const out = new Float64Array(N);
    for (let i = 0; i < gW.length; i++) out[i] = -gW[i];
    for (let i = 0; i < ga.length; i++) out[gW.length + i] = -ga[i];
    return out;
  };
  const axpy = (v: Float64Array, h: number, k: Float64Array) => v.map((x, i) => x + h * k[i]);
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(y), k2 = rhs(axpy(y, dt / 2, k1)), k3 = rhs(axpy(y, dt / 2, k2)), k4 = rhs(axpy(y, dt, k3));
    y = y.map((x, i) => x + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return { m: p.m, d: p.d, W: Float64Array.from(y.subarray(0, p.W.length)), a: Float64Array.from(y.subarray(p.W.length)) };
}

/**
 * The number of active units (w_kᵀx > 0) at each point of `points` (count×d row-major), for the Fig. 5a
 * picture (its parity colours the input plane: the regions of the piecewise-linear network).
 * @throws Error when points is not a multiple of d.
 */
export function relu2ActiveCounts(W: ArrayLike<number>, m: number, d: number, points: ArrayLike<number>): Uint16Array {
  if (points.length % d !== 0) throw new Error(`relu2ActiveCounts: ${points.length} coordinates is not a multiple of d = ${d}`);
  const count = points.length / d;
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    let c = 0;
    for (let k = 0; k < m; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += W[k * d + j] * points[i * d + j];
      if (z > 0) c++;
    }
    out[i] = c;
  }
  return out;
}
