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
  conservedDelta, initFromBetaDelta, initFromTauAlpha, pseudoInverseSolve, validateData,
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
  const inits: InitialState[] = [];
  if (p.grid === 'delta') {
    for (const delta of linspace(p.deltaMin, p.deltaMax, p.deltaCount)) {
      for (const dir of dirs) inits.push(initFromBetaDelta(dir.map((x) => x * p.beta0Norm), delta, rates));
    }
  } else {
    for (const tau of logspace(p.tauMin, p.tauMax, p.tauCount)) {
      for (const alpha of logspace(p.alphaMin, p.alphaMax, p.alphaCount)) {
        for (const dir of dirs) inits.push(initFromTauAlpha(tau, alpha, dir, 1));
      }
    }
  }
  return ensembleFromInits(data, rates, inits);
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
  const d = data.Xy.length;
  const n = inits.length;
  const state0 = new Float64Array((d + 1) * n);
  const delta0 = new Float64Array(n);
  const scale0 = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  inits.forEach(({ a, w }, i) => {
    if (w.length !== d) throw new Error(`initial state ${i}: w has ${w.length} entries, expected d = ${d}`);
    state0[i] = a;
    for (let j = 0; j < d; j++) state0[(1 + j) * n + i] = w[j];
    delta0[i] = conservedDelta(a, [...w], rates);
    scale0[i] = rates.w * a * a + rates.a * w.reduce((s, x) => s + x * x, 0);
    lo = Math.min(lo, delta0[i]);
    hi = Math.max(hi, delta0[i]);
  });
  return { d, n, data, betaOls: pseudoInverseSolve(data.XX, data.Xy), rates, state0, delta0, scale0, deltaRange: [lo, hi] };
}

function identity(d: number): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
}
