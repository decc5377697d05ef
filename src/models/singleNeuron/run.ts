/**
 * `lazyrich simulate` of the single-neuron model (cli.ts): runs a validated config on the GPU (SingleNeuronSim, f32) or on the f64 CPU reference
 * (src/theory) and samples every trajectory at the output times: the state (a, w), δ, the excess loss and the
 * observables ν, μ, S of docs/theory.md §1.2; for singular XX also the predicted limit β∞ of §1.5.
 *
 * Methods (docs/theory.md §1): 'gd' and 'rk4' step the parameter flow, 'beta-flow' steps the function-space flow
 * (§1.1, RK4), 'exact' evaluates the closed form (§1.3, XX = σ²I only) directly at each output time.
 * GPU: SingleNeuronSim for the stepped methods, ExactEvaluator for 'exact', ObservablesPass for ν, μ, S.
 * CPU: advanceEnsembleF64, advanceBetaFlowF64, exactSingleNeuronGeneral; ν, μ, S from ntkMatrix and
 * kernelDistance.
 */
import { compactChunks } from '../../cli/resultFile.ts';
import { checkBindingSize, dispatchSize, initGpu, type GpuContext } from '../../gpu/device.ts';
import {
  advanceBetaFlowF64, advanceEnsembleF64, exactSingleNeuronGeneral, excessLoss, identityScale, kernelDistance, ntkMatrix,
  NoClosedFormError, predictedLimit, type Matrix,
} from '../../theory/index.ts';
import { ensembleFromConfig } from './cliEnsemble.ts';
import { exactUnavailableError, validateConfig, type SimulateConfig, type SimulateMethod } from './config.ts';
import type { SingleNeuronEnsemble } from './ensemble.ts';
import { ExactEvaluator } from './exact.ts';
import { isSingular, SINGULAR_REL_TOL } from './implicitBias.ts';
import { WORKGROUP_SIZE, DIVERGED_FLAG } from './layout.ts';
import { ObservablesPass } from './observables.ts';
import { SingleNeuronSim } from './sim.ts';

/** Adapter name reported for the CPU backend. */
export const CPU_ADAPTER_NAME = 'cpu (f64 reference)';

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

/** Options of {@link runSimulate}. */
export interface SimulateOptions {
  /** Overrides config.backend (the CLI's --backend flag). */
  backend?: 'gpu' | 'cpu';
  /** GPU device to use; when absent the GPU backend calls initGpu() and destroys the device at the end. */
  ctx?: GpuContext;
  /**
   * Called as the run proceeds: (steps done, total steps) for the stepped methods (total = the last
   * output time's step count); (output times done, T) for 'exact'.
   */
  onProgress?: (done: number, total: number) => void;
  /** Receives human-readable status lines (the CLI prints them to stderr). */
  log?: (line: string) => void;
}

/**
 * Runs a `simulate` config end to end.
 * @param config a raw JSON value (validated here) or an already validated {@link SimulateConfig}.
 * @returns the output document and the δ-drift / divergence summary.
 * @throws ConfigError for a malformed config (including "exact" on data without a closed form, on either
 *   backend); DeviceLimitError (GPU backend) when the ensemble exceeds a device limit;
 *   WebGpuUnavailableError when no adapter exists; Error when the device reports an error.
 */
export async function runSimulate(
  config: unknown, options: SimulateOptions = {},
): Promise<{ output: SimulateOutput; stats: SimulateStats }> {
  const cfg = isValidated(config) ? config : validateConfig(config);
  const backend = options.backend ?? cfg.backend;
  const log = options.log ?? (() => {});
  if (backend === 'cpu') {
    log(`adapter: ${CPU_ADAPTER_NAME}`);
    return finish(cfg, 'cpu', CPU_ADAPTER_NAME, false, await runCpu(cfg, ensembleFromConfig(cfg), options), log);
  }
  const errors: string[] = [];
  const ctx = options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  try {
    log(`adapter: ${ctx.adapterName}`);
    if (ctx.isSoftware) log('notice: this is a software (CPU) adapter; GPU timings here are CPU timings.');
    // The checks SingleNeuronSim.create makes, before the (possibly large) ensemble is built on the host.
    checkBindingSize(ctx.limits, 4 * (cfg.d + 1) * cfg.n, `${cfg.n.toLocaleString('en')} trajectories × (d+1) = ${cfg.d + 1} floats`);
    dispatchSize(ctx.limits, Math.ceil(cfg.n / WORKGROUP_SIZE));
    const run = await runGpu(ctx, cfg, ensembleFromConfig(cfg), options);
    if (errors.length > 0) throw new Error(errors.join('; '));
    return finish(cfg, 'gpu', ctx.adapterName, ctx.isSoftware, run, log);
  } finally {
    if (!options.ctx) ctx.device.destroy();
  }
}

function isValidated(c: unknown): c is SimulateConfig {
  return typeof c === 'object' && c !== null && 'stepCounts' in c && typeof (c as SimulateConfig).n === 'number';
}

/** ν, μ, S of every trajectory at one output time (length n each). */
interface Observables {
  nu: ArrayLike<number>;
  mu: ArrayLike<number>;
  kernelDistance: ArrayLike<number>;
}

interface RawRun {
  ensemble: SingleNeuronEnsemble;
  /** One SoA snapshot ((d+1)·n) per output time. */
  snapshots: ArrayLike<number>[];
  /** The observables at each output time. */
  observables: Observables[];
  flags: Uint32Array;
  seconds: number;
}

/** Progress updates (and GPU waits) per run, roughly; each costs one onSubmittedWorkDone round trip. */
const PROGRESS_UPDATES = 100;
/** Wall time below which a GPU piece between progress updates doubles. */
const MIN_PIECE_MS = 250;
/** ε of ObservablesPass.run (its time-to-ε row is not part of the output, so the value does not matter). */
const UNUSED_EPSILON = 1e-6;

async function runGpu(ctx: GpuContext, cfg: SimulateConfig, ensemble: SingleNeuronEnsemble, options: SimulateOptions): Promise<RawRun> {
  const sim = SingleNeuronSim.create(ctx, ensemble, {
    // 'exact' is evaluated by its own ExactEvaluator below at arbitrary t, so the sim is never stepped then.
    method: cfg.method === 'exact' ? 'rk4' : cfg.method, step: cfg.step ?? 1, bound: cfg.bound,
  });
  let exact: ExactEvaluator | null = null;
  let obs: ObservablesPass | null = null;
  try {
    if (cfg.method === 'exact') {
      try {
        exact = new ExactEvaluator(ctx, ensemble, { initial: sim.initial, info: sim.info });
      } catch (e) {
        if (e instanceof NoClosedFormError) throw exactUnavailableError(e);
        throw e;
      }
    }
    obs = new ObservablesPass(ctx, sim);
    const snapshots: Float32Array[] = [];
    const observables: Observables[] = [];
    let flags: Uint32Array = new Uint32Array(ensemble.n);
    const sample = async (pass: ObservablesPass): Promise<void> => {
      pass.run(UNUSED_EPSILON);
      const [read, table] = await Promise.all([sim.readState(), pass.read()]);
      snapshots.push(read.state);
      flags = read.flags;
      observables.push({ nu: table.nu, mu: table.mu, kernelDistance: table.kernelDistance });
    };
    const start = performance.now();
    if (exact) {
      const T = cfg.times.length;
      for (let k = 0; k < T; k++) {
        exact.evaluate(cfg.times[k], sim.state);
        sim.time = cfg.times[k];
        await sample(obs);
        options.onProgress?.(k + 1, T);
      }
    } else {
      const stepCounts = cfg.stepCounts as number[];
      const total = stepCounts[stepCounts.length - 1];
      // At most ~PROGRESS_UPDATES waits over the run, so the progress bar moves even when one output
      // interval is a single chunk of the sim; a piece that took < MIN_PIECE_MS doubles (each wait idles
      // the GPU for a round trip: 100 waits cost ~10 s on a loaded software adapter, issue 12).
      let piece = Math.max(1, Math.ceil(total / PROGRESS_UPDATES));
      for (const target of stepCounts) {
        while (sim.stepCount < target) {
          const base = sim.stepCount;
          const t0 = performance.now();
          await sim.advance(Math.min(piece, target - base), (done) => options.onProgress?.(base + done, total));
          if (performance.now() - t0 < MIN_PIECE_MS) piece = Math.min(2 * piece, total);
        }
        await sample(obs);
      }
      options.onProgress?.(total, total);
    }
    return { ensemble, snapshots, observables, flags, seconds: (performance.now() - start) / 1000 };
  } finally {
    obs?.destroy();
    exact?.destroy();
    sim.destroy();
  }
}

/** Trajectory-steps per CPU advance call between progress updates (a few tens of ms of CPU). */
const CPU_CHUNK_TRAJECTORY_STEPS = 1 << 21;

/** Lets the progress bar repaint between CPU chunks. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runCpu(cfg: SimulateConfig, ensemble: SingleNeuronEnsemble, options: SimulateOptions): Promise<RawRun> {
  const { n, d } = ensemble;
  const XX = Float64Array.from(cfg.data.XX.flat());
  const Xy = Float64Array.from(cfg.data.Xy);
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const snapshots: Float64Array[] = [];
  const observables: Observables[] = [];
  const kernels0 = initialKernels(ensemble);
  const start = performance.now();
  if (cfg.method === 'exact') {
    const T = cfg.times.length;
    for (let k = 0; k < T; k++) {
      const snapshot = exactSnapshot(ensemble, cfg.times[k]);
      snapshots.push(snapshot);
      observables.push(cpuObservables(ensemble, snapshot, kernels0));
      options.onProgress?.(k + 1, T);
      await yieldToEventLoop();
    }
  } else {
    const { method, step, stepCounts } = cfg;
    const total = stepCounts[stepCounts.length - 1];
    const chunk = Math.max(1, Math.floor(CPU_CHUNK_TRAJECTORY_STEPS / n));
    let done = 0;
    for (const target of stepCounts) {
      while (done < target) {
        const k = Math.min(chunk, target - done);
        if (method === 'beta-flow') advanceBetaFlowF64(state, flags, n, d, XX, Xy, cfg.rates, ensemble.delta0, step, k, cfg.bound);
        else advanceEnsembleF64(state, flags, n, d, XX, Xy, cfg.rates, method, step, k, cfg.bound);
        done += k;
        options.onProgress?.(done, total);
        await yieldToEventLoop();
      }
      const snapshot = Float64Array.from(state);
      snapshots.push(snapshot);
      observables.push(cpuObservables(ensemble, snapshot, kernels0));
    }
    options.onProgress?.(total, total);
  }
  return { ensemble, snapshots, observables, flags, seconds: (performance.now() - start) / 1000 };
}

/**
 * The closed form (docs/theory.md §1.3 with the §1 rescalings) of every trajectory at time t, f64 SoA.
 * @throws ConfigError ({@link exactUnavailableError}) when XX ≠ σ²I.
 */
function exactSnapshot(ensemble: SingleNeuronEnsemble, t: number): Float64Array {
  const { n, d, state0, data, rates } = ensemble;
  const out = new Float64Array((d + 1) * n);
  const w0 = new Array<number>(d);
  try {
    identityScale(data.XX);
  } catch (e) {
    throw exactUnavailableError(e as Error);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) w0[j] = state0[(1 + j) * n + i];
    const { a, w } = exactSingleNeuronGeneral(state0[i], w0, data, rates, t);
    out[i] = a;
    for (let j = 0; j < d; j++) out[(1 + j) * n + i] = w[j];
  }
  return out;
}

/** M₀ = η_w a₀² I + η_a w₀w₀ᵀ of every trajectory (from the f64 initial state). */
function initialKernels(ensemble: SingleNeuronEnsemble): Matrix[] {
  const { n, d, state0, rates } = ensemble;
  return Array.from({ length: n }, (_, i) => ntkMatrix(state0[i], Array.from({ length: d }, (__, j) => state0[(1 + j) * n + i]), rates));
}

/** ν, μ and S (docs/theory.md §1.2) in f64 from a SoA snapshot; the same conventions as the GPU ObservablesPass. */
function cpuObservables(ensemble: SingleNeuronEnsemble, s: Float64Array, kernels0: Matrix[]): Observables {
  const { n, d, rates, betaOls, data } = ensemble;
  const bNorm = Math.hypot(...betaOls);
  const nu = new Float64Array(n), mu = new Float64Array(n), S = new Float64Array(n);
  const w = new Array<number>(d);
  for (let i = 0; i < n; i++) {
    const a = s[i];
    let ww = 0, wb = 0;
    for (let j = 0; j < d; j++) {
      w[j] = s[(1 + j) * n + i];
      ww += w[j] * w[j];
      wb += w[j] * betaOls[j];
    }
    const wNorm = Math.sqrt(ww);
    nu[i] = a * wNorm;
    mu[i] = wNorm > 0 && bNorm > 0 ? wb / (wNorm * bNorm) : 0;
    try {
      S[i] = kernelDistance(kernels0[i], ntkMatrix(a, w, rates), data.XX);
    } catch {
      S[i] = 0; // a kernel X M Xᵀ is zero: S is undefined; 0 as on the GPU
    }
  }
  return { nu, mu, kernelDistance: S };
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

/** Whether every number of a trajectory's output (a, w, δ, loss, ν, μ, S, β∞) is finite. */
function allFinite(t: TrajectoryOutput): boolean {
  return [t.a, ...t.w, t.delta, t.excessLoss, t.nu, t.mu, t.kernelDistance, t.predictedLimit ?? []].every((l) => l.every(Number.isFinite));
}

function finish(
  cfg: SimulateConfig, backend: 'gpu' | 'cpu', adapter: string, isSoftware: boolean, run: RawRun, log: (line: string) => void,
): { output: SimulateOutput; stats: SimulateStats } {
  const { ensemble, snapshots, observables, flags } = run;
  const { n, d, rates, betaOls, delta0, scale0 } = ensemble;
  const XX = cfg.data.XX;
  const singular = isSingular(XX);
  let drift = 0;
  let diverged = 0;
  const trajectories: TrajectoryOutput[] = [];
  let nonFinite = 0;
  for (let i = 0; i < n; i++) {
    const flagged = (flags[i] & DIVERGED_FLAG) !== 0;
    const t: TrajectoryOutput = { a: [], w: [], delta: [], excessLoss: [], nu: [], mu: [], kernelDistance: [], diverged: flagged };
    snapshots.forEach((s, k) => {
      const a = s[i];
      const w = new Array<number>(d);
      let ww = 0;
      for (let j = 0; j < d; j++) { w[j] = s[(1 + j) * n + i]; ww += w[j] * w[j]; }
      const delta = rates.w * a * a - rates.a * ww;
      t.a.push(a);
      t.w.push(w);
      t.delta.push(delta);
      t.excessLoss.push(excessLoss(w.map((x) => a * x), XX, betaOls));
      t.nu.push(observables[k].nu[i]);
      t.mu.push(observables[k].mu[i]);
      t.kernelDistance.push(observables[k].kernelDistance[i]);
    });
    if (singular) t.predictedLimit = limitOf(ensemble, i, t.a[t.a.length - 1]);
    // A non-finite output (float32 overflow of the GPU's closed form at t = 1e300) is flagged diverged, never a silent null.
    if (!flagged && !allFinite(t)) { t.diverged = true; nonFinite++; }
    if (t.diverged) diverged++;
    else t.delta.forEach((delta) => { drift = Math.max(drift, Math.abs(delta - delta0[i]) / Math.max(scale0[i], 1e-300)); });
    trajectories.push(t);
  }
  log(`δ drift: max |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²) = ${drift.toExponential(3)} over ${n - diverged} trajectories (${DRIFT_NOTE[cfg.method]}).`);
  if (diverged > nonFinite) log(`diverged: ${diverged - nonFinite} of ${n} trajectories left the bound ${cfg.bound} and were frozen.`);
  if (nonFinite > 0) log(`diverged: ${nonFinite} of ${n} trajectories have non-finite values (null in the JSON) and are flagged diverged.`);
  if (singular) log(`XX is singular (λ_min ≤ ${SINGULAR_REL_TOL} λ_max): each trajectory carries predictedLimit β∞ (docs/theory.md §1.5).`);
  if (cfg.stepCounts === null) {
    log(`evaluated the closed form for ${n} trajectories at ${cfg.times.length} times in ${run.seconds.toFixed(2)} s.`);
  } else {
    log(`integrated ${n} trajectories × ${cfg.stepCounts[cfg.stepCounts.length - 1]} steps in ${run.seconds.toFixed(2)} s.`);
  }
  return {
    output: { model: 'single-neuron', method: cfg.method, backend, adapter, times: [...cfg.times], trajectories },
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
