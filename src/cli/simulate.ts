/**
 * `lazyrich simulate`: runs a validated config on the GPU (SingleNeuronSim, f32) or on the f64 CPU reference
 * (advanceEnsembleF64) and samples every trajectory at the output times (theory.md §1).
 */
import { checkBindingSize, dispatchSize, initGpu, type GpuContext } from '../gpu/device.ts';
import { WORKGROUP_SIZE, DIVERGED_FLAG } from '../models/singleNeuron/layout.ts';
import { SingleNeuronSim } from '../models/singleNeuron/sim.ts';
import type { SingleNeuronEnsemble } from '../models/singleNeuron/ensemble.ts';
import { advanceEnsembleF64, excessLoss } from '../theory/index.ts';
import { validateConfig, type SimulateConfig } from './config.ts';
import { ensembleFromConfig } from './ensemble.ts';

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
  /** ½(β − β_ols)ᵀ XX (β − β_ols) with β = a w, β_ols = XX⁺Xy (T; theory.md §1.5). */
  excessLoss: number[];
  /** True if the trajectory left the bound (or became non-finite); it is frozen at its last valid state. */
  diverged: boolean;
}

/** The JSON document `simulate` writes. Trajectories are in init order (grid: i = iδ · #β₀ + iβ₀). */
export interface SimulateOutput {
  model: 'single-neuron';
  method: 'gd' | 'rk4';
  backend: 'gpu' | 'cpu';
  /** GPU adapter name, or {@link CPU_ADAPTER_NAME}. */
  adapter: string;
  /** Output times t (flow time units, t = steps × step). */
  times: number[];
  trajectories: TrajectoryOutput[];
}

/** What `simulate` reports on stderr besides the output. */
export interface SimulateStats {
  /** max over non-diverged trajectories and output times of |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²). */
  maxRelativeDeltaDrift: number;
  diverged: number;
  isSoftware: boolean;
  /** Wall time of the integration (s), without setup and output. */
  seconds: number;
}

/** Options of {@link runSimulate}. */
export interface SimulateOptions {
  /** Overrides config.backend (the CLI's --backend flag). */
  backend?: 'gpu' | 'cpu';
  /** GPU device to use; when absent the GPU backend calls initGpu() and destroys the device at the end. */
  ctx?: GpuContext;
  /** Called as integration proceeds: steps done and total steps (the last output time's step count). */
  onProgress?: (done: number, total: number) => void;
  /** Receives human-readable status lines (the CLI prints them to stderr). */
  log?: (line: string) => void;
}

/**
 * Runs a `simulate` config end to end.
 * @param config a raw JSON value (validated here) or an already validated {@link SimulateConfig}.
 * @returns the output document and the δ-drift / divergence summary.
 * @throws ConfigError for a malformed config; DeviceLimitError (GPU backend) when the ensemble exceeds a
 *   device limit; WebGpuUnavailableError when no adapter exists; Error when the device reports an error.
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
  return typeof c === 'object' && c !== null && Array.isArray((c as SimulateConfig).stepCounts)
    && typeof (c as SimulateConfig).n === 'number';
}

interface RawRun {
  ensemble: SingleNeuronEnsemble;
  /** One SoA snapshot ((d+1)·n) per output time. */
  snapshots: ArrayLike<number>[];
  flags: Uint32Array;
  seconds: number;
}

/** Progress updates (and GPU waits) per run, roughly; each costs one onSubmittedWorkDone round trip. */
const PROGRESS_UPDATES = 100;

async function runGpu(ctx: GpuContext, cfg: SimulateConfig, ensemble: SingleNeuronEnsemble, options: SimulateOptions): Promise<RawRun> {
  const sim = SingleNeuronSim.create(ctx, ensemble, { method: cfg.method, step: cfg.step, bound: cfg.bound });
  try {
    const total = cfg.stepCounts[cfg.stepCounts.length - 1];
    const snapshots: Float32Array[] = [];
    let flags: Uint32Array = new Uint32Array(ensemble.n);
    const start = performance.now();
    // At most ~PROGRESS_UPDATES waits over the run, so the progress bar moves even when one output
    // interval is a single chunk of the sim.
    const piece = Math.max(1, Math.ceil(total / PROGRESS_UPDATES));
    for (const target of cfg.stepCounts) {
      while (sim.stepCount < target) {
        const base = sim.stepCount;
        await sim.advance(Math.min(piece, target - base), (done) => options.onProgress?.(base + done, total));
      }
      const read = await sim.readState();
      snapshots.push(read.state);
      flags = read.flags;
    }
    options.onProgress?.(total, total);
    return { ensemble, snapshots, flags, seconds: (performance.now() - start) / 1000 };
  } finally {
    sim.destroy();
  }
}

/** Trajectory-steps per advanceEnsembleF64 call between progress updates (a few tens of ms of CPU). */
const CPU_CHUNK_TRAJECTORY_STEPS = 1 << 21;

async function runCpu(cfg: SimulateConfig, ensemble: SingleNeuronEnsemble, options: SimulateOptions): Promise<RawRun> {
  const { n, d } = ensemble;
  const XX = Float64Array.from(cfg.data.XX.flat());
  const Xy = Float64Array.from(cfg.data.Xy);
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const total = cfg.stepCounts[cfg.stepCounts.length - 1];
  const chunk = Math.max(1, Math.floor(CPU_CHUNK_TRAJECTORY_STEPS / n));
  const snapshots: Float64Array[] = [];
  let done = 0;
  const start = performance.now();
  for (const target of cfg.stepCounts) {
    while (done < target) {
      const k = Math.min(chunk, target - done);
      advanceEnsembleF64(state, flags, n, d, XX, Xy, cfg.rates, cfg.method, cfg.step, k, cfg.bound);
      done += k;
      options.onProgress?.(done, total);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the progress bar repaint
    }
    snapshots.push(Float64Array.from(state));
  }
  options.onProgress?.(total, total);
  return { ensemble, snapshots, flags, seconds: (performance.now() - start) / 1000 };
}

function finish(
  cfg: SimulateConfig, backend: 'gpu' | 'cpu', adapter: string, isSoftware: boolean, run: RawRun, log: (line: string) => void,
): { output: SimulateOutput; stats: SimulateStats } {
  const { ensemble, snapshots, flags } = run;
  const { n, d, rates, betaOls, delta0, scale0 } = ensemble;
  const XX = cfg.data.XX;
  let drift = 0;
  let diverged = 0;
  const trajectories: TrajectoryOutput[] = [];
  for (let i = 0; i < n; i++) {
    const isDiverged = (flags[i] & DIVERGED_FLAG) !== 0;
    if (isDiverged) diverged++;
    const t: TrajectoryOutput = { a: [], w: [], delta: [], excessLoss: [], diverged: isDiverged };
    for (const s of snapshots) {
      const a = s[i];
      const w = new Array<number>(d);
      let ww = 0;
      for (let j = 0; j < d; j++) { w[j] = s[(1 + j) * n + i]; ww += w[j] * w[j]; }
      const delta = rates.w * a * a - rates.a * ww;
      t.a.push(a);
      t.w.push(w);
      t.delta.push(delta);
      t.excessLoss.push(excessLoss(w.map((x) => a * x), XX, betaOls));
      if (!isDiverged) drift = Math.max(drift, Math.abs(delta - delta0[i]) / Math.max(scale0[i], 1e-300));
    }
    trajectories.push(t);
  }
  const what = cfg.method === 'gd'
    ? 'GD drifts δ by O(η²) per step; the gradient flow conserves it'
    : 'RK4 integration error; the gradient flow conserves δ';
  log(`δ drift: max |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²) = ${drift.toExponential(3)} over ${n - diverged} trajectories (${what}).`);
  if (diverged > 0) log(`diverged: ${diverged} of ${n} trajectories left the bound ${cfg.bound} and were frozen.`);
  log(`integrated ${n} trajectories × ${cfg.stepCounts[cfg.stepCounts.length - 1]} steps in ${run.seconds.toFixed(2)} s.`);
  return {
    output: { model: 'single-neuron', method: cfg.method, backend, adapter, times: [...cfg.times], trajectories },
    stats: { maxRelativeDeltaDrift: drift, diverged, isSoftware, seconds: run.seconds },
  };
}

/**
 * Serialises an output document in pieces (one trajectory per piece), so outputs larger than the
 * largest JavaScript string can be written. Concatenated, the pieces are `JSON.stringify(output)`.
 */
export function* outputJsonChunks(output: SimulateOutput): Generator<string> {
  const { trajectories, ...head } = output;
  const headJson = JSON.stringify(head);
  yield `${headJson.slice(0, -1)},"trajectories":[`;
  for (let i = 0; i < trajectories.length; i++) yield (i > 0 ? ',' : '') + JSON.stringify(trajectories[i]);
  yield ']}\n';
}
