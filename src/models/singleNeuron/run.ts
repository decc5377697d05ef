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
import { checkBindingSize, dispatchSize, initGpu, type GpuContext } from '../../gpu/device.ts';
import {
  advanceBetaFlowF64, advanceEnsembleF64, exactSingleNeuronGeneral, identityScale, kernelDistance, ntkMatrix,
  NoClosedFormError, type Matrix,
} from '../../theory/index.ts';
import { mark } from '../../cli/timing.ts';
import { ensembleFromConfig } from './cliEnsemble.ts';
import { exactUnavailableError, validateConfig, type SimulateConfig } from './config.ts';
import type { SingleNeuronEnsemble } from './ensemble.ts';
import { ExactEvaluator } from './exact.ts';
import { OBSERVABLE_ROWS, WORKGROUP_SIZE } from './layout.ts';
import { ObservablesPass } from './observables.ts';
import { SingleNeuronSim } from './sim.ts';
import { finishRun, type Observables, type RawRun, type SimulateOutput, type SimulateStats, type StreamedOutput } from './output.ts';

export { outputJsonChunks, type SimulateOutput, type SimulateStats, type StreamedOutput, type TrajectoryOutput } from './output.ts';

/** Adapter name reported for the CPU backend. */
export const CPU_ADAPTER_NAME = 'cpu (f64 reference)';

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
 * @returns the output document (trajectories as an array) and the δ-drift / divergence summary.
 * @throws ConfigError for a malformed config (including "exact" on data without a closed form, on either
 *   backend); DeviceLimitError (GPU backend) when the ensemble exceeds a device limit;
 *   WebGpuUnavailableError when no adapter exists; Error when the device reports an error.
 */
export async function runSimulate(
  config: unknown, options: SimulateOptions = {},
): Promise<{ output: SimulateOutput; stats: SimulateStats }> {
  const { output, stats } = await simulateStream(config, options);
  return { output: { ...output.head, trajectories: [...output.trajectories()] }, stats };
}

/**
 * {@link runSimulate} with the trajectories as a generator that builds each one as it is written (the CLI's
 * path: no array of n trajectories is kept). Same arguments, results and errors.
 */
export async function simulateStream(
  config: unknown, options: SimulateOptions = {},
): Promise<{ output: StreamedOutput; stats: SimulateStats }> {
  const cfg = isValidated(config) ? config : validateConfig(config);
  const backend = options.backend ?? cfg.backend;
  const log = options.log ?? (() => {});
  if (backend === 'cpu') {
    log(`adapter: ${CPU_ADAPTER_NAME}`);
    return finishRun(cfg, 'cpu', CPU_ADAPTER_NAME, false, await runCpu(cfg, ensembleFromConfig(cfg), options), log);
  }
  const errors: string[] = [];
  const ctx = options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  mark('device');
  try {
    log(`adapter: ${ctx.adapterName}`);
    if (ctx.isSoftware) log('notice: this is a software (CPU) adapter; GPU timings here are CPU timings.');
    // The checks SingleNeuronSim.create makes, before the (possibly large) ensemble is built on the host.
    checkBindingSize(ctx.limits, 4 * (cfg.d + 1) * cfg.n, `${cfg.n.toLocaleString('en')} trajectories × (d+1) = ${cfg.d + 1} floats`);
    dispatchSize(ctx.limits, Math.ceil(cfg.n / WORKGROUP_SIZE));
    const ensemble = ensembleFromConfig(cfg);
    mark('ensemble');
    const run = await runGpu(ctx, cfg, ensemble, options);
    if (errors.length > 0) throw new Error(errors.join('; '));
    const done = finishRun(cfg, 'gpu', ctx.adapterName, ctx.isSoftware, run, log);
    mark('summary');
    return done;
  } finally {
    if (!options.ctx) ctx.device.destroy();
  }
}

function isValidated(c: unknown): c is SimulateConfig {
  return typeof c === 'object' && c !== null && 'stepCounts' in c && typeof (c as SimulateConfig).n === 'number';
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
    mark('compile');
    // Each sample queues its pass and readbacks and is awaited at the end: the GPU goes on stepping while the
    // host waits for a copy (the readbacks' copies are submitted in queue order, before the next steps).
    const samples: Promise<{ state: Float32Array; flags: Uint32Array; table: Observables }>[] = [];
    const sample = (pass: ObservablesPass): void => {
      pass.run(UNUSED_EPSILON);
      const read = Promise.all([sim.readState(), pass.readRows(OBSERVABLE_ROWS.indexOf('kernelDistance') + 1)])
        .then(([r, t]) => ({ ...r, table: { nu: t.nu!, mu: t.mu!, kernelDistance: t.kernelDistance! } }));
      read.catch(() => {}); // awaited below
      samples.push(read);
    };
    const start = performance.now();
    if (exact) {
      const T = cfg.times.length;
      for (let k = 0; k < T; k++) {
        exact.evaluate(cfg.times[k], sim.state);
        sim.time = cfg.times[k];
        sample(obs);
        await samples[k];
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
        sample(obs);
      }
      options.onProgress?.(total, total);
    }
    const read = await Promise.all(samples);
    mark('integrate');
    const snapshots = read.map((r) => r.state);
    const observables = read.map((r) => r.table);
    const flags = read[read.length - 1].flags;
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
