/**
 * Builds a single-neuron ensemble from validated params: the data (XX, Xy) of the chosen preset and one
 * initialisation per grid point, in the SoA layout of layout.ts.
 *
 * Grid order (trajectory index i):
 * - grid "delta":    i = iδ · directions + iDir, δ linearly spaced in [δmin, δmax], β₀ = ‖β₀‖ · direction.
 * - grid "tauAlpha": i = (iτ · αCount + iα) · directions + iDir, τ and α log-spaced; w₀ = τ ŵ / α, a₀ = τ α.
 * Directions: d = 1 alternates ±1; d = 2 is the circle starting at angle π, i.e. (−1, 0) (Fig. 2's β₀);
 * d > 2 draws seeded uniform unit vectors.
 */
import { ParamError } from '../../params/schema.ts';
import {
  conservedDelta, initFromBetaDelta, initFromTauAlpha, norm, pseudoInverseSolve, validateData,
  type SingleNeuronData,
} from '../../theory/index.ts';
import { createRng, randomUnitVector } from '../random.ts';
import type { SingleNeuronParams } from './params.ts';

/** The ensemble's data, initial state and per-trajectory labels. */
export interface SingleNeuronEnsemble {
  d: number;
  n: number;
  data: SingleNeuronData;
  /** Minimum-norm least-squares solution XX⁺Xy (d). */
  betaOls: number[];
  rates: { a: number; w: number };
  /** Initial state, f64 SoA, (d+1)·n: a at [i], w_j at [(1+j)·n + i]. */
  state0: Float64Array;
  /** δ = η_w a₀² − η_a‖w₀‖² per trajectory (n). */
  delta0: Float64Array;
  /** η_w a₀² + η_a‖w₀‖² per trajectory (n), the scale for relative δ drift. */
  scale0: Float64Array;
  /** Range of δ0 over the ensemble. */
  deltaRange: [number, number];
}

/** Largest ensemble the app builds (memory on the host: ~ (d+1)·8 bytes per trajectory). */
export const MAX_TRAJECTORIES = 1 << 24;

/**
 * The data of a params set: whitened (XX = I, Xy = β*), one sample (XX = x xᵀ, Xy = y x), or a
 * seeded Gaussian X (n×d, entries N(0, 1/n)) with a linear teacher β_t ~ N(0, I/d) plus label noise σ.
 * @throws ParamError when a vector's length differs from d.
 */
export function buildData(p: SingleNeuronParams): SingleNeuronData {
  const d = p.d;
  const need = (name: 'target' | 'sample', v: number[]) => {
    if (v.length !== d) {
      throw new ParamError(name, `${name === 'target' ? 'target β* = Xy (xy)' : 'sample x (x)'} must have d = ${d} entries; got ${v.length}.`);
    }
  };
  if (p.dataset === 'whitened') {
    need('target', p.target);
    return { XX: identity(d), Xy: [...p.target] };
  }
  if (p.dataset === 'lowrank') {
    need('sample', p.sample);
    const x = p.sample;
    return { XX: x.map((xi) => x.map((xj) => xi * xj)), Xy: x.map((xi) => p.label * xi) };
  }
  const rng = createRng(p.dataSeed);
  const teacher = Array.from({ length: d }, () => rng.normal() / Math.sqrt(d));
  const XX = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const Xy = new Array<number>(d).fill(0);
  for (let s = 0; s < p.samples; s++) {
    const x = Array.from({ length: d }, () => rng.normal() / Math.sqrt(p.samples));
    const y = x.reduce((acc, xi, j) => acc + xi * teacher[j], 0) + p.noise * rng.normal() / Math.sqrt(p.samples);
    for (let i = 0; i < d; i++) {
      Xy[i] += x[i] * y;
      for (let j = 0; j < d; j++) XX[i][j] += x[i] * x[j];
    }
  }
  return { XX, Xy };
}

/** Number of trajectories the params describe, without building them. */
export function ensembleSize(p: SingleNeuronParams): number {
  return p.grid === 'delta' ? p.deltaCount * p.directions : p.tauCount * p.alphaCount * p.directions;
}

/** The initial directions of β₀ (unit vectors), in grid order. */
export function initialDirections(d: number, count: number, seed: number): number[][] {
  if (d === 1) return Array.from({ length: count }, (_, k) => [k % 2 === 0 ? -1 : 1]);
  if (d === 2) {
    return Array.from({ length: count }, (_, k) => {
      const angle = Math.PI + (2 * Math.PI * k) / count;
      return [Math.cos(angle), Math.sin(angle)];
    });
  }
  const rng = createRng(seed);
  return Array.from({ length: count }, () => randomUnitVector(rng, d));
}

/** `count` points evenly spaced in [from, to] (count = 1 gives `from`). */
export function linspace(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (count === 1 ? from : from + ((to - from) * k) / (count - 1)));
}

/** `count` points evenly spaced in log between from and to (both > 0). */
export function logspace(from: number, to: number, count: number): number[] {
  return linspace(Math.log(from), Math.log(to), count).map(Math.exp);
}

/**
 * Builds the ensemble: validates the data (symmetric PSD XX) and the grid, then initialises every trajectory.
 * @throws ParamError naming the field: vector length ≠ d, δ min > δ max, too many trajectories, invalid data.
 */
export function buildEnsemble(p: SingleNeuronParams): SingleNeuronEnsemble {
  const n = ensembleSize(p);
  if (n > MAX_TRAJECTORIES) {
    throw new ParamError(p.grid === 'delta' ? 'deltaCount' : 'tauCount',
      `The grid has ${n.toLocaleString('en')} trajectories; at most ${MAX_TRAJECTORIES.toLocaleString('en')} are supported.`);
  }
  if (p.deltaMin > p.deltaMax) throw new ParamError('deltaMin', `δ min (${p.deltaMin}) must not exceed δ max (${p.deltaMax}).`);
  if (p.tauMin > p.tauMax) throw new ParamError('tauMin', `τ min (${p.tauMin}) must not exceed τ max (${p.tauMax}).`);
  if (p.alphaMin > p.alphaMax) throw new ParamError('alphaMin', `α min (${p.alphaMin}) must not exceed α max (${p.alphaMax}).`);
  const data = buildData(p);
  try {
    validateData(data.XX, data.Xy);
  } catch (e) {
    throw new ParamError('dataset', (e as Error).message);
  }
  const rates = { a: p.etaA, w: p.etaW };
  const dirs = initialDirections(p.d, p.directions, p.seed);
  // Packed straight into the SoA arrays, one point at a time: no per-trajectory objects are kept, so the
  // largest grid (2²⁴ trajectories) costs (d+3)·8 bytes each (issue 10 defect 9).
  const packer = new EnsemblePacker(data, rates, n);
  if (p.grid === 'delta') {
    const beta0s = dirs.map((dir) => dir.map((x) => x * p.beta0Norm));
    const norms = beta0s.map(norm);
    const c = 2 * Math.sqrt(rates.a * rates.w);
    for (const delta of linspace(p.deltaMin, p.deltaMax, p.deltaCount)) {
      beta0s.forEach((beta0, k) => {
        // initFromBetaDelta's a₀ (docs/theory.md §1) inline, bit for bit, without its per-point arrays;
        // its edge cases (δ not finite, a₀ = 0) go through it.
        const b = norms[k], root = Math.hypot(delta, c * b);
        const A = delta >= 0 ? (delta + root) / (2 * rates.w) : (2 * rates.a * b * b) / (root - delta);
        if (A === 0 || !Number.isFinite(delta)) packer.push(initFromBetaDelta(beta0, delta, rates));
        else packer.pushBeta(Math.sqrt(A), beta0);
      });
    }
  } else {
    for (const tau of logspace(p.tauMin, p.tauMax, p.tauCount)) {
      for (const alpha of logspace(p.alphaMin, p.alphaMax, p.alphaCount)) {
        for (const dir of dirs) packer.push(initFromTauAlpha(tau, alpha, dir, 1));
      }
    }
  }
  return packer.finish();
}

/**
 * Packs initial states one by one into the SoA arrays of a {@link SingleNeuronEnsemble} of n trajectories
 * (δ₀, its scale and the δ range on the way), so a grid never holds n state objects at once.
 */
export class EnsemblePacker {
  private readonly d: number;
  private readonly state0: Float64Array;
  private readonly delta0: Float64Array;
  private readonly scale0: Float64Array;
  private i = 0;
  private lo = Infinity;
  private hi = -Infinity;

  /** @param data validated data (d = Xy.length). @param n the number of states that will be pushed. */
  constructor(private readonly data: SingleNeuronData, private readonly rates: { a: number; w: number }, private readonly n: number) {
    this.d = data.Xy.length;
    this.state0 = new Float64Array((this.d + 1) * n);
    this.delta0 = new Float64Array(n);
    this.scale0 = new Float64Array(n);
  }

  /** Adds trajectory i (the next index). @throws Error when w does not have length d, or when n states were already pushed. */
  push({ a, w }: InitialState): void {
    const { d, n, i, rates } = this;
    if (i >= n) throw new Error(`EnsemblePacker: more than n = ${n} initial states`);
    if (w.length !== d) throw new Error(`initial state ${i}: w has ${w.length} entries, expected d = ${d}`);
    this.state0[i] = a;
    let ww = 0;
    for (let j = 0; j < d; j++) { this.state0[(1 + j) * n + i] = w[j]; ww += w[j] * w[j]; }
    const delta = conservedDelta(a, w, rates);
    this.delta0[i] = delta;
    this.scale0[i] = rates.w * a * a + rates.a * ww;
    this.lo = Math.min(this.lo, delta);
    this.hi = Math.max(this.hi, delta);
    this.i++;
  }

  /** Adds the state (a, w = β₀/a) with a ≠ 0 (initFromBetaDelta's w, without the array). */
  pushBeta(a: number, beta0: readonly number[]): void {
    const { d, n, i, rates } = this;
    if (i >= n) throw new Error(`EnsemblePacker: more than n = ${n} initial states`);
    this.state0[i] = a;
    let ww = 0;
    for (let j = 0; j < d; j++) {
      const w = beta0[j] / a;
      this.state0[(1 + j) * n + i] = w;
      ww += w * w;
    }
    const delta = rates.w * a * a - rates.a * ww; // conservedDelta
    this.delta0[i] = delta;
    this.scale0[i] = rates.w * a * a + rates.a * ww;
    this.lo = Math.min(this.lo, delta);
    this.hi = Math.max(this.hi, delta);
    this.i++;
  }

  /** The ensemble. @throws Error when fewer than n states were pushed. */
  finish(): SingleNeuronEnsemble {
    if (this.i !== this.n) throw new Error(`EnsemblePacker: ${this.i} of n = ${this.n} initial states pushed`);
    const { d, n, data, rates } = this;
    return {
      d, n, data, betaOls: pseudoInverseSolve(data.XX, data.Xy), rates,
      state0: this.state0, delta0: this.delta0, scale0: this.scale0, deltaRange: [this.lo, this.hi],
    };
  }
}

/** One initial state θ₀ = (a₀, w₀), w₀ of length d. */
export interface InitialState { a: number; w: readonly number[] }

/**
 * Packs explicit initial states into an ensemble (trajectory i = inits[i]); computes δ₀, its scale and β_ols.
 * The data must already be validated (see validateData).
 * @throws Error when an init's w does not have length d = Xy.length.
 */
export function ensembleFromInits(
  data: SingleNeuronData, rates: { a: number; w: number }, inits: readonly InitialState[],
): SingleNeuronEnsemble {
  const packer = new EnsemblePacker(data, rates, inits.length);
  for (const init of inits) packer.push(init);
  return packer.finish();
}

function identity(d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}
