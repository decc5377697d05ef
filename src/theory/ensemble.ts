/**
 * Batched float64 CPU backend of the single-neuron model (docs/theory.md §1), with the GPU memory layout
 * of src/models/singleNeuron/layout.ts. Arithmetic per step is identical to gdStep/rk4Step in
 * singleNeuron.ts (same operation order), so results agree bitwise.
 */
import type { LayerRates } from './singleNeuron.ts';

/** Flag bit: the trajectory diverged and is frozen at its last finite in-bound state. */
export const DIVERGED_FLAG = 1;

/**
 * Advances every non-diverged trajectory `steps` GD steps (step η) or RK4 steps (dt), in place.
 * Layout: `state` is structure-of-arrays, length n(d+1); component 0 is a, component 1+j is w_j;
 * element (component c, trajectory i) is at `c*n + i`. `flags[i]` bit {@link DIVERGED_FLAG}.
 * A step whose result has a non-finite component or |component| > bound is discarded: the trajectory
 * keeps the state before that step, gets the flag, and never moves again.
 * @param XX row-major d×d, length d². @param Xy length d. @param step η (GD) or dt (RK4), per step.
 * @param steps number of steps (integer ≥ 0). @param bound divergence bound (> 0).
 * @throws Error on a length mismatch or invalid steps/bound.
 */
export function advanceEnsembleF64(
  state: Float64Array, flags: Uint32Array, n: number, d: number, XX: Float64Array, Xy: Float64Array,
  rates: LayerRates, method: 'gd' | 'rk4', step: number, steps: number, bound: number,
): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 1) throw new Error(`advanceEnsembleF64: need integers n ≥ 0, d ≥ 1 (got n = ${n}, d = ${d})`);
  if (state.length !== n * (d + 1)) throw new Error(`advanceEnsembleF64: state has length ${state.length}, expected n(d+1) = ${n * (d + 1)}`);
  if (flags.length !== n) throw new Error(`advanceEnsembleF64: flags has length ${flags.length}, expected n = ${n}`);
  if (XX.length !== d * d || Xy.length !== d) throw new Error(`advanceEnsembleF64: XX must have length d² = ${d * d} and Xy length d = ${d} (got ${XX.length}, ${Xy.length})`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`advanceEnsembleF64: steps must be an integer ≥ 0 (got ${steps})`);
  if (!(bound > 0)) throw new Error(`advanceEnsembleF64: bound must be > 0 (got ${bound})`);
  const etaA = rates.a, etaW = rates.w;
  const limit = Math.min(bound, Number.MAX_VALUE); // so that ±Infinity always fails
  const isRk4 = method === 'rk4';
  // Per-trajectory scratch: current w, stage input wt, beta, stage slopes k1..k4 and the next w.
  const w = new Float64Array(d), wt = new Float64Array(d), beta = new Float64Array(d);
  const k1w = new Float64Array(d), k2w = new Float64Array(d), k3w = new Float64Array(d), k4w = new Float64Array(d);
  const wNext = new Float64Array(d);


  for (let i = 0; i < n; i++) {
    if ((flags[i] & DIVERGED_FLAG) !== 0) continue;
    let a = state[i];
    for (let j = 0; j < d; j++) w[j] = state[(j + 1) * n + i];
    for (let s = 0; s < steps; s++) {
      let aNext: number;
      if (isRk4) {
        const h2 = 0.5 * step;
        const k1a = velocity(a, w, k1w, beta, XX, Xy, d, etaA, etaW);
        for (let j = 0; j < d; j++) wt[j] = w[j] + h2 * k1w[j];
        const k2a = velocity(a + h2 * k1a, wt, k2w, beta, XX, Xy, d, etaA, etaW);
        for (let j = 0; j < d; j++) wt[j] = w[j] + h2 * k2w[j];
        const k3a = velocity(a + h2 * k2a, wt, k3w, beta, XX, Xy, d, etaA, etaW);
        for (let j = 0; j < d; j++) wt[j] = w[j] + step * k3w[j];
        const k4a = velocity(a + step * k3a, wt, k4w, beta, XX, Xy, d, etaA, etaW);
        const c = step / 6;
        aNext = a + c * (k1a + 2 * (k2a + k3a) + k4a);
        for (let j = 0; j < d; j++) wNext[j] = w[j] + c * (k1w[j] + 2 * (k2w[j] + k3w[j]) + k4w[j]);
      } else {
        const da = velocity(a, w, k1w, beta, XX, Xy, d, etaA, etaW);
        aNext = a + step * da;
        for (let j = 0; j < d; j++) wNext[j] = w[j] + step * k1w[j];
      }
      // Valid iff finite and |x| ≤ bound (NaN fails the comparison).
      let ok = Math.abs(aNext) <= limit;
      for (let j = 0; j < d; j++) ok = ok && Math.abs(wNext[j]) <= limit;
      if (!ok) {
        flags[i] |= DIVERGED_FLAG;
        break;
      }
      a = aNext;
      w.set(wNext);
    }
    state[i] = a;
    for (let j = 0; j < d; j++) state[(j + 1) * n + i] = w[j];
  }
}

/**
 * Velocity of the flow at (a, wIn): writes ẇ into kw (length d) and returns ȧ. Same operation order
 * as flowRhs in singleNeuron.ts. `beta` is scratch (length d); XX row-major d×d.
 */
function velocity(
  a: number, wIn: Float64Array, kw: Float64Array, beta: Float64Array, XX: Float64Array, Xy: Float64Array,
  d: number, etaA: number, etaW: number,
): number {
  for (let j = 0; j < d; j++) beta[j] = a * wIn[j];
  let wr = 0;
  for (let i = 0; i < d; i++) {
    let r = -Xy[i];
    const row = i * d;
    for (let j = 0; j < d; j++) r += XX[row + j] * beta[j];
    wr += wIn[i] * r;
    kw[i] = -etaW * a * r;
  }
  return -etaA * wr;
}
