/**
 * Batched float64 RK4 on the function-space flow of the single neuron (docs/theory.md §1.1), over the SoA
 * layout of src/models/singleNeuron/layout.ts (as advanceEnsembleF64 in ensemble.ts). Same algorithm as
 * the 'beta-flow' kernel of shaders/singleNeuron/singleNeuron.wgsl.ts: RK4 on β with M(β, δ), then (a, w) recovered from
 * (β, δ) with the sign of a carried along and flipped when β reverses (β_next·β < 0).
 */
import type { LayerRates } from './singleNeuron.ts';
import { DIVERGED_FLAG } from './ensemble.ts';

/**
 * m₁ = η_w a² as a function of ‖β‖² and δ: m₁ = (√(δ² + 4k²‖β‖²) + δ)/2, k² = η_aη_w, written without
 * cancellation (for δ < 0 as 2k²‖β‖² / (√(…) − δ)). 0 at β = 0 when δ ≤ 0.
 */
function firstCoefficient(b2: number, delta: number, k2: number): number {
  const root = Math.sqrt(delta * delta + 4 * k2 * b2);
  return delta >= 0 ? 0.5 * (root + delta) : (2 * k2 * b2) / (root - delta);
}

/**
 * β̇ = −M(β, δ)(XXβ − Xy) with M = m₁ I + c₂ ββᵀ (docs/theory.md §1.1; c₂ = k²/m₁ = η_a/a²), written into v.
 * At β = 0 with δ ≤ 0, c₂ = 0 and m₁ = 0 (β = 0 is then a fixed point of this flow, as in the WGSL).
 * `g` is scratch (length d); XX row-major d×d.
 */
function betaVelocity(
  beta: Float64Array, delta: number, v: Float64Array, g: Float64Array, XX: Float64Array, Xy: Float64Array, d: number, k2: number,
): void {
  let b2 = 0;
  for (let j = 0; j < d; j++) b2 += beta[j] * beta[j];
  const root = Math.sqrt(delta * delta + 4 * k2 * b2);
  const m1 = delta >= 0 ? 0.5 * (root + delta) : (2 * k2 * b2) / (root - delta);
  const c2 = b2 > 0 ? (delta > 0 ? (2 * k2) / (root + delta) : (0.5 * (root - delta)) / b2) : 0;
  let bg = 0;
  for (let i = 0; i < d; i++) {
    let r = -Xy[i];
    const row = i * d;
    for (let j = 0; j < d; j++) r += XX[row + j] * beta[j];
    g[i] = r;
    bg += beta[i] * r;
  }
  const cbg = c2 * bg;
  for (let j = 0; j < d; j++) v[j] = -(m1 * g[j] + cbg * beta[j]);
}

/**
 * Advances every non-diverged trajectory `steps` RK4 steps of size `step` (time units per step) on the
 * function-space flow β̇ = −M(β, δ)(XXβ − Xy) (docs/theory.md §1.1), in place, in float64.
 *
 * Per trajectory: β = a·w is loaded, the sign of a is taken as +1 if a ≥ 0 else −1, and δ = delta[i] is
 * held fixed (the flow conserves it). After each RK4 step (a, w) are recovered as
 * a = ±√(m₁(‖β‖², δ)/η_w), w = β/a (w = 0 if a = 0), where the sign flips when β reverses direction
 * (β_next·β < 0) — a crosses zero only through β = 0, which is possible for δ ≤ 0. This is the algorithm
 * of the 'beta-flow' WGSL kernel (shaders/singleNeuron/singleNeuron.wgsl.ts), so a chunked run (several calls) matches
 * one long run up to the rounding of re-forming β = a·w at each call.
 *
 * Layout: `state` SoA, length n(d+1): a at [i], w_j at [(1+j)·n + i]. `flags[i]` bit DIVERGED_FLAG.
 * A step whose recovered (a, w) has a non-finite component or |component| > bound is discarded: the
 * trajectory keeps its state before that step, gets the flag, and never moves again.
 * Limitation (shared with the kernel): a trajectory at β = 0 with δ < 0 stays there, although the parameter
 * flow would leave it (M = |δ|ŵŵᵀ needs the direction of w, which β does not carry).
 * @param XX row-major d×d, length d². @param Xy length d. @param rates layer rates η_a, η_w (> 0).
 * @param delta δ = η_w a₀² − η_a‖w₀‖² per trajectory, length n (e.g. SingleNeuronEnsemble.delta0).
 * @param step dt (time per step, > 0). @param steps number of steps (integer ≥ 0). @param bound > 0.
 * @throws Error on a length mismatch or invalid n, d, step, steps or bound.
 */
export function advanceBetaFlowF64(
  state: Float64Array, flags: Uint32Array, n: number, d: number, XX: Float64Array, Xy: Float64Array,
  rates: LayerRates, delta: ArrayLike<number>, step: number, steps: number, bound: number,
): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 1) throw new Error(`advanceBetaFlowF64: need integers n ≥ 0, d ≥ 1 (got n = ${n}, d = ${d})`);
  if (state.length !== n * (d + 1)) throw new Error(`advanceBetaFlowF64: state has length ${state.length}, expected n(d+1) = ${n * (d + 1)}`);
  if (flags.length !== n) throw new Error(`advanceBetaFlowF64: flags has length ${flags.length}, expected n = ${n}`);
  if (delta.length !== n) throw new Error(`advanceBetaFlowF64: delta has length ${delta.length}, expected n = ${n}`);
  if (XX.length !== d * d || Xy.length !== d) throw new Error(`advanceBetaFlowF64: XX must have length d² = ${d * d} and Xy length d = ${d} (got ${XX.length}, ${Xy.length})`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`advanceBetaFlowF64: steps must be an integer ≥ 0 (got ${steps})`);
  if (!(step > 0 && Number.isFinite(step))) throw new Error(`advanceBetaFlowF64: step must be finite and > 0 (got ${step})`);
  if (!(bound > 0)) throw new Error(`advanceBetaFlowF64: bound must be > 0 (got ${bound})`);
  if (!(rates.a > 0 && rates.w > 0)) throw new Error(`advanceBetaFlowF64: layer rates must be > 0 (got η_a = ${rates.a}, η_w = ${rates.w})`);
  const k2 = rates.a * rates.w;
  const etaW = rates.w;
  const limit = Math.min(bound, Number.MAX_VALUE); // so that ±Infinity always fails
  const h2 = 0.5 * step;
  const c = step / 6;
  const beta = new Float64Array(d), bt = new Float64Array(d), next = new Float64Array(d), g = new Float64Array(d);
  const k1 = new Float64Array(d), k2v = new Float64Array(d), k3 = new Float64Array(d), k4 = new Float64Array(d);
  const w = new Float64Array(d);

  for (let i = 0; i < n; i++) {
    if ((flags[i] & DIVERGED_FLAG) !== 0) continue;
    const dl = delta[i];
    let a = state[i];
    for (let j = 0; j < d; j++) {
      w[j] = state[(j + 1) * n + i];
      beta[j] = a * w[j];
    }
    let signA = a >= 0 ? 1 : -1;
    for (let s = 0; s < steps; s++) {
      betaVelocity(beta, dl, k1, g, XX, Xy, d, k2);
      for (let j = 0; j < d; j++) bt[j] = beta[j] + h2 * k1[j];
      betaVelocity(bt, dl, k2v, g, XX, Xy, d, k2);
      for (let j = 0; j < d; j++) bt[j] = beta[j] + h2 * k2v[j];
      betaVelocity(bt, dl, k3, g, XX, Xy, d, k2);
      for (let j = 0; j < d; j++) bt[j] = beta[j] + step * k3[j];
      betaVelocity(bt, dl, k4, g, XX, Xy, d, k2);
      let turn = 0;
      let b2 = 0;
      for (let j = 0; j < d; j++) {
        next[j] = beta[j] + c * (k1[j] + 2 * (k2v[j] + k3[j]) + k4[j]);
        turn += next[j] * beta[j];
        b2 += next[j] * next[j];
      }
      const sign = turn < 0 ? -signA : signA;
      const aNext = sign * Math.sqrt(firstCoefficient(b2, dl, k2) / etaW);
      const inv = aNext !== 0 ? 1 / aNext : 0;
      // Valid iff finite and |x| ≤ bound (NaN fails the comparison).
      let ok = Math.abs(aNext) <= limit;
      for (let j = 0; j < d; j++) ok = ok && Math.abs(next[j] * inv) <= limit;
      if (!ok) {
        flags[i] |= DIVERGED_FLAG;
        break;
      }
      signA = sign;
      a = aNext;
      for (let j = 0; j < d; j++) w[j] = next[j] * inv;
      beta.set(next);
    }
    state[i] = a;
    for (let j = 0; j < d; j++) state[(j + 1) * n + i] = w[j];
  }
}
