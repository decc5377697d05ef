/**
 * Host-side (f64) metrics of the linear2 app, from the states read back from the GPU or the CPU backend
 * (docs/theory.md §2): per network the CLI's record (singularValues, loss, deltaDrift, kernelDistance) plus
 * the nuclear norm, the effective rank and the distances to β* and to the two interpolants; the recorded
 * history of every network's singular values; and the f64 references of the followed networks: the
 * mirror-flow prediction λ̇_i = −√(δ² + 4k²λ_i²) ∂L/∂λ_i (Thm B.6, singular vectors held at β₀'s) and the
 * exact flow of the method's variables (the GD-vs-flow gap).
 */
import { integrateAdaptive } from '../../../theory/adaptive.ts';
import { betaOfState, linear2BetaFlowRhs, linear2DeltaDrift, linear2FlowRhs, linear2Loss } from '../../../theory/linear2.ts';
import {
  effectiveRank, frobeniusDistance, kernelBlocksOfBeta, kernelBlocksOfState, linear2KernelDistance, mirrorFlowRhs, ntkGram,
} from '../../../theory/linear2Metrics.ts';
import { svd } from '../../../theory/linear2Svd.ts';
import type { Linear2Experiment } from './experiment.ts';

/** One network's metrics at one time (names as the CLI's output where they overlap). */
export interface Linear2Metrics {
  singularValues: number[];
  loss: number;
  /** Relative Δ drift (NaN for beta-flow, which has no W, A). */
  deltaDrift: number;
  kernelDistance: number;
  nuclearNorm: number;
  effectiveRank: number;
  /** ‖β − β*‖_F (NaN without a teacher). */
  distStar: number;
  distFrobenius: number;
  /** ‖β − min-nuclear interpolant‖_F (NaN when the data determine β). */
  distNuclear: number;
  diverged: boolean;
}

/** β (d×c row-major) of a state in the method's layout. */
export function betaOf(e: Linear2Experiment, state: ArrayLike<number>): Float64Array {
  const { h, d, c, method } = e.cfg;
  return method === 'beta-flow' ? Float64Array.from(state) : betaOfState(state, h, d, c);
}

/** The NTK Gram of network i's state (P, Q from W, A, or from β under Δ = δI for beta-flow). */
function gram(e: Linear2Experiment, i: number, state: ArrayLike<number>): Float64Array {
  const { h, d, c, rates, method } = e.cfg;
  const blocks = method === 'beta-flow' ? kernelBlocksOfBeta(state, d, c, e.networks[i].scalarDelta ?? 0, rates) : kernelBlocksOfState(state, h, d, c, rates);
  return ntkGram(e.kernelFactor, blocks.P, blocks.Q, d, c);
}

/** Per-network NTK at t = 0, computed on first use. */
export class InitialKernels {
  private readonly cache = new Map<number, Float64Array>();
  constructor(private readonly e: Linear2Experiment) {}
  /** K₀ of network i. */
  get(i: number): Float64Array {
    let K = this.cache.get(i);
    if (!K) { K = gram(this.e, i, this.e.initial[i]); this.cache.set(i, K); }
    return K;
  }
}

/**
 * Metrics of network i from its state (the method's layout, as read back).
 * @param K0 its NTK at t = 0 (InitialKernels).
 */
export function networkMetrics(e: Linear2Experiment, i: number, state: ArrayLike<number>, diverged: boolean, K0: Float64Array): Linear2Metrics {
  const { h, d, c, rates, method, quadratic } = e.cfg;
  const beta = betaOf(e, state);
  const s = Array.from(svd(beta, d, c).s);
  return {
    singularValues: s,
    loss: linear2Loss(quadratic, beta),
    deltaDrift: method === 'beta-flow' ? NaN : linear2DeltaDrift(e.y0[i], state, h, d, c, rates),
    kernelDistance: linear2KernelDistance(K0, gram(e, i, state)),
    nuclearNorm: s.reduce((a, b) => a + b, 0),
    effectiveRank: effectiveRank(beta, d, c),
    distStar: e.betaStar ? frobeniusDistance(beta, e.betaStar) : NaN,
    distFrobenius: frobeniusDistance(beta, e.minFrobenius),
    distNuclear: e.minNuclear ? frobeniusDistance(beta, e.minNuclear.beta) : NaN,
    diverged,
  };
}

/**
 * Singular values of every network over time: rows of N·r floats (network i's σ at [i·r, (i+1)·r)), at most
 * `capacity` rows; when full, every other row is dropped (the first and the newest kept), so memory stays
 * bounded and the whole run stays visible.
 */
export class SpectrumHistory {
  readonly times: number[] = [];
  readonly rows: Float32Array[] = [];
  readonly capacity: number;
  /** @param budget most floats kept (capacity = budget / (N·r), at least 16 rows). */
  constructor(readonly networks: number, readonly r: number, budget = 4_000_000) {
    this.capacity = Math.max(16, Math.floor(budget / Math.max(1, networks * r)));
  }
  /** Appends one row at time t (σ of every network, N·r floats). @throws RangeError on a wrong length. */
  push(t: number, row: Float32Array): void {
    if (row.length !== this.networks * this.r) throw new RangeError(`SpectrumHistory.push: expected ${this.networks * this.r} values, got ${row.length}`);
    if (this.times.length && t <= this.times[this.times.length - 1]) return;
    if (this.times.length >= this.capacity) {
      const keep = this.times.map((_, k) => k).filter((k) => k % 2 === 0 || k === this.times.length - 1);
      const times = keep.map((k) => this.times[k]), rows = keep.map((k) => this.rows[k]);
      this.times.splice(0, this.times.length, ...times);
      this.rows.splice(0, this.rows.length, ...rows);
    }
    this.times.push(t);
    this.rows.push(row);
  }
  /** σ_k of network i over the recorded times. */
  series(i: number, k: number): Float64Array {
    return Float64Array.from(this.rows, (row) => row[i * this.r + k]);
  }
}

/**
 * An f64 ODE solution advanced on demand (DOP853, src/theory/adaptive.ts) and evaluated at increasing times;
 * values at times already passed are kept in a map, so the chart can ask for every recorded time.
 */
class OnDemandFlow {
  private t = 0;
  private y: Float64Array;
  private failed = false;
  private readonly values = new Map<number, Float64Array>();
  constructor(private readonly rhs: (y: Float64Array) => Float64Array, y0: ArrayLike<number>, private readonly tol = 1e-10) {
    this.y = Float64Array.from(y0);
    this.values.set(0, Float64Array.from(y0));
  }
  /** The solution at time t ≥ 0 (t ≥ the latest asked, or one asked before); null after a failure (non-finite flow). */
  at(t: number): Float64Array | null {
    const known = this.values.get(t);
    if (known) return known;
    if (this.failed || t < this.t) return null;
    try {
      this.y = integrateAdaptive((_t, y) => this.rhs(y), this.y, [this.t, t], { rtol: this.tol, atol: this.tol * 1e-2 })[1];
    } catch {
      this.failed = true;
      return null;
    }
    this.t = t;
    this.values.set(t, this.y);
    return this.y;
  }
}

/** The mirror-flow prediction of network i (null when Δ is not δI: Thm B.6 does not apply). λ(t), descending at t = 0. */
export class MirrorFlowPrediction {
  private readonly flow: OnDemandFlow;
  constructor(e: Linear2Experiment, i: number) {
    const { quadratic: q, rates, d, c } = e.cfg;
    const delta = e.networks[i].scalarDelta ?? 0;
    const { U, s, V } = svd(e.beta0[i], d, c);
    this.flow = new OnDemandFlow((l) => mirrorFlowRhs(q, rates, delta, l, U, V), s);
  }
  /** The predicted singular values at t (null after a failure). */
  at(t: number): Float64Array | null { return this.flow.at(t); }
}

/** The exact flow of network i's method variables in f64 ((W, A) flow for gd and rk4, Thm 4.2's β flow for beta-flow). */
export class ExactFlow {
  private readonly flow: OnDemandFlow;
  constructor(private readonly e: Linear2Experiment, i: number) {
    const { quadratic: q, rates, h, method } = e.cfg;
    const delta = e.networks[i].scalarDelta ?? 0;
    this.flow = new OnDemandFlow(method === 'beta-flow' ? (b) => linear2BetaFlowRhs(q, rates, delta, b) : (y) => linear2FlowRhs(q, rates, h, y), e.initial[i]);
  }
  /** β of the exact flow at t (null after a failure). */
  betaAt(t: number): Float64Array | null {
    const y = this.flow.at(t);
    return y ? betaOf(this.e, y) : null;
  }
}

/** Mean over seeds of one metric per map cell (rows × cols, row-major; NaN where every seed diverged or the value is NaN). */
export function cellMeans(e: Linear2Experiment, metrics: readonly Linear2Metrics[], key: keyof Omit<Linear2Metrics, 'singularValues' | 'diverged'>): Float32Array {
  const sum = new Float64Array(e.rows * e.cols), count = new Float64Array(e.rows * e.cols);
  metrics.forEach((m, i) => {
    const v = m[key];
    if (m.diverged || !Number.isFinite(v)) return;
    sum[e.networks[i].cell] += v;
    count[e.networks[i].cell]++;
  });
  return Float32Array.from(sum, (s, k) => (count[k] ? s / count[k] : NaN));
}
