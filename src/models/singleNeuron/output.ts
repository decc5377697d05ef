/**
 * The output of a single-neuron `simulate` run (run.ts): the document's types and its trajectories built from a
 * backend's snapshots: the state (a, w), δ, the excess loss, the observables ν, μ, S (docs/theory.md §1.2) and,
 * for singular XX, the predicted limit β∞ (§1.5). Trajectories are built on demand (see {@link finishRun}).
 */
import { compactChunks } from '../../cli/resultFile.ts';
import { predictedLimit } from '../../theory/index.ts';
import type { SimulateConfig, SimulateMethod } from './config.ts';
import type { SingleNeuronEnsemble } from './ensemble.ts';
import { isSingular, SINGULAR_REL_TOL } from './implicitBias.ts';
import { DIVERGED_FLAG } from './layout.ts';
import { Derived, summarizeRun, trajectoryTexts } from './outputJson.ts';
import type { JsonText } from '../../cli/resultFile.ts';

/** One trajectory sampled at the T output times (T = times.length). */
export interface TrajectoryOutput {
  /** a(t) (T). */
  a: number[];
  /** w(t) (T × d). */
  w: number[][];
  /** δ = η_w a² − η_a‖w‖² (T); constant for the flow, drifting O(η²) per step for GD. */
  delta: number[];
  /** ½(β − β_ols)ᵀ XX (β − β_ols) with β = a w, β_ols = XX⁺Xy (T; docs/theory.md §1.5). */
  excessLoss: number[];
  /** Signed norm ν = a‖w‖ (T; docs/theory.md §1.2). */
  nu: number[];
  /** Alignment μ = ŵ·β̂* with β* = β_ols (T; docs/theory.md §1.2); 0 where w = 0 or β_ols = 0. */
  mu: number[];
  /**
   * Kernel distance S(t) = 1 − ⟨K₀, K_t⟩_F / (‖K₀‖_F‖K_t‖_F) of K = X M Xᵀ, M = η_w a² I + η_a w wᵀ, computed
   * from XX (T; docs/theory.md §1.2); S(0) = 0. 0 where a kernel is zero (S undefined), as on the GPU.
   */
  kernelDistance: number[];
  /** True if the trajectory left the bound (or became non-finite); it is frozen at its last valid state. */
  diverged: boolean;
  /**
   * Only for singular XX ({@link isSingular}): the predicted limit β∞ = β_ols + a∞ w_null (d; docs/theory.md
   * §1.5, predictedLimit from the f64 initial state). The sign of a∞ is the sign of a at the last output
   * time ("the sign of a along the path"; sign(a₀) if that a is 0). When a∞ = 0 (β_ols = 0 and κ ≤ 0)
   * the limit is β∞ = β_ols.
   */
  predictedLimit?: number[];
}

/** The JSON document `simulate` writes. Trajectories are in init order (grid: i = iδ · #β₀ + iβ₀). */
export interface SimulateOutput {
  model: 'single-neuron';
  method: SimulateMethod;
  backend: 'gpu' | 'cpu';
  /** GPU adapter name, or {@link CPU_ADAPTER_NAME}. */
  adapter: string;
  /** Output times t (flow time units; t = steps × step for the stepped methods). */
  times: number[];
  trajectories: TrajectoryOutput[];
}

/** What `simulate` reports on stderr besides the output. */
export interface SimulateStats {
  /** max over non-diverged trajectories and output times of |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²). */
  maxRelativeDeltaDrift: number;
  diverged: number;
  isSoftware: boolean;
  /** Wall time of the integration / evaluation and observables (s), without setup and output. */
  seconds: number;
}

/** ν, μ, S of every trajectory at one output time (length n each). */
export interface Observables {
  nu: ArrayLike<number>;
  mu: ArrayLike<number>;
  kernelDistance: ArrayLike<number>;
}

/** What a backend hands to {@link finishRun}: snapshots and observables at each output time, flags, seconds. */
export interface RawRun {
  ensemble: SingleNeuronEnsemble;
  /** One SoA snapshot ((d+1)·n) per output time. */
  snapshots: ArrayLike<number>[];
  /** The observables at each output time. */
  observables: Observables[];
  flags: Uint32Array;
  seconds: number;
}

/** β∞ of trajectory i (docs/theory.md §1.5) with the sign of a at the last output time (see TrajectoryOutput). */
function limitOf(ensemble: SingleNeuronEnsemble, i: number, aLast: number): number[] {
  const { n, d, state0, data, rates, betaOls } = ensemble;
  const w0 = Array.from({ length: d }, (_, j) => state0[(1 + j) * n + i]);
  const sign = aLast > 0 ? 1 : aLast < 0 ? -1 : undefined;
  try {
    return predictedLimit(state0[i], w0, data, rates, sign).beta;
  } catch {
    return [...betaOls]; // a∞ = 0: β∞ = β_ols + 0 · w_null
  }
}

const DRIFT_NOTE: Record<SimulateMethod, string> = {
  gd: 'GD drifts δ by O(η²) per step; the gradient flow conserves it',
  rk4: 'RK4 integration error; the gradient flow conserves δ',
  'beta-flow': 'beta-flow holds δ fixed and recovers (a, w) from (β, δ), so this is rounding',
  exact: 'closed form, which conserves δ; this is rounding',
};

/** The output document without its trajectories, and the trajectories as a generator (each built on demand). */
export interface StreamedOutput {
  head: Omit<SimulateOutput, 'trajectories'>;
  /** The n trajectories in init order, each built when iterated (the same objects on every pass). */
  trajectories: () => Generator<TrajectoryOutput>;
  /**
   * The same trajectories as JSON text, in pieces of several (outputJson.ts trajectoryTexts): GPU float32 values
   * as their shortest round-trip decimals, the rest as JSON.stringify writes them. The CLI writes these.
   */
  texts: () => Generator<JsonText>;
}

/**
 * Builds trajectory i of a run from its snapshots (a, w, δ and the excess loss from `derived`, the one derivation
 * the JSON text also uses; β∞ in f64 from the state; ν, μ, S from the observables). A non-finite value (float32 overflow of the GPU's closed form at t = 1e300) flags it diverged.
 */
function trajectoryAt(run: RawRun, derived: Derived, i: number, singular: boolean, nonFinite: boolean): TrajectoryOutput {
  const { ensemble, snapshots, observables, flags } = run;
  const T = snapshots.length;
  const t: TrajectoryOutput = {
    a: new Array<number>(T), w: new Array<number[]>(T), delta: new Array<number>(T), excessLoss: new Array<number>(T),
    nu: new Array<number>(T), mu: new Array<number>(T), kernelDistance: new Array<number>(T),
    diverged: (flags[i] & DIVERGED_FLAG) !== 0 || nonFinite,
  };
  for (let k = 0; k < T; k++) {
    t.a[k] = derived.at(snapshots[k], i);
    t.w[k] = Array.from(derived.w);
    t.delta[k] = derived.delta;
    t.excessLoss[k] = derived.loss;
    t.nu[k] = observables[k].nu[i];
    t.mu[k] = observables[k].mu[i];
    t.kernelDistance[k] = observables[k].kernelDistance[i];
  }
  if (singular) t.predictedLimit = limitOf(ensemble, i, t.a[T - 1]);
  return t;
}

/**
 * The output of a run: logs the δ drift, divergence and singular-XX lines, and returns the head, a generator
 * of the trajectories (objects, built as iterated) and their JSON text (the CLI's path). The summary pass
 * (outputJson.ts summarizeRun) reads the snapshots directly and builds no trajectory (issue 12: output of a
 * CLI run).
 */
export function finishRun(
  cfg: SimulateConfig, backend: 'gpu' | 'cpu', adapter: string, isSoftware: boolean, run: RawRun, log: (line: string) => void,
): { output: StreamedOutput; stats: SimulateStats } {
  const { ensemble } = run;
  const { n } = ensemble;
  const XX = cfg.data.XX;
  const singular = isSingular(XX);
  const limit = singular ? (i: number, aLast: number) => limitOf(ensemble, i, aLast) : undefined;
  const summary = summarizeRun(run, limit && ((i, aLast) => limit(i, aLast).every(Number.isFinite)));
  const { drift, diverged, nonFinite } = summary;
  log(`δ drift: max |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²) = ${drift.toExponential(3)} over ${n - diverged} trajectories (${DRIFT_NOTE[cfg.method]}).`);
  if (diverged > nonFinite) log(`diverged: ${diverged - nonFinite} of ${n} trajectories left the bound ${cfg.bound} and were frozen.`);
  if (nonFinite > 0) log(`diverged: ${nonFinite} of ${n} trajectories have non-finite values (null in the JSON) and are flagged diverged.`);
  if (singular) log(`XX is singular (λ_min ≤ ${SINGULAR_REL_TOL} λ_max): each trajectory carries predictedLimit β∞ (docs/theory.md §1.5).`);
  if (cfg.stepCounts === null) {
    log(`evaluated the closed form for ${n} trajectories at ${cfg.times.length} times in ${run.seconds.toFixed(2)} s.`);
  } else {
    log(`integrated ${n} trajectories × ${cfg.stepCounts[cfg.stepCounts.length - 1]} steps in ${run.seconds.toFixed(2)} s.`);
  }
  function* trajectories(): Generator<TrajectoryOutput> {
    const derived = new Derived(run);
    for (let i = 0; i < n; i++) yield trajectoryAt(run, derived, i, singular, summary.nonFiniteAt[i] === 1);
  }
  const texts = () => trajectoryTexts(run, summary, backend === 'gpu', limit);
  return {
    output: { head: { model: 'single-neuron', method: cfg.method, backend, adapter, times: [...cfg.times] }, trajectories, texts },
    stats: { maxRelativeDeltaDrift: drift, diverged, isSoftware, seconds: run.seconds },
  };
}

/**
 * Serialises an output document in pieces (one trajectory per piece), so outputs larger than the
 * largest JavaScript string can be written. Concatenated, the pieces are `JSON.stringify(output)` plus a
 * newline (resultFile.ts's 'compact' layout).
 */
export function outputJsonChunks(output: SimulateOutput): Generator<string> {
  const { trajectories, ...head } = output;
  return compactChunks(head, 'trajectories', trajectories);
}
