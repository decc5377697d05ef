/**
 * Runs the networks of a relu2 config (docs/theory.md §3) on the GPU (Relu2Sim, f32 with Kahan-compensated
 * updates) or on the f64 CPU reference (cpu.ts CpuRelu2Backend), and shapes the per-network output of
 * `lazyrich simulate` (and of sweep shards and `merge`). Units: checkpoints and progress count GD steps
 * (progress: network-steps = networks × steps), never time.
 */
import { createHash } from 'node:crypto';
import { DeviceLimitError, initGpu, type GpuContext } from '../../gpu/device.ts';
import type { Relu2Metrics, Relu2Params } from '../../theory/index.ts';
import { validateRelu2Config, type Relu2Config } from './config.ts';
import { relu2CanonicalConfig } from './configHash.ts';
import { CpuRelu2Backend } from './cpu.ts';
import { Relu2Plan, type Relu2NetworkLabel } from './plan.ts';
import { Relu2Sim, type Relu2NetworkMetrics } from './sim.ts';
import { DEFAULT_BOUND } from './spec.ts';

/** {@link DEFAULT_BOUND} as messages write it ("1e30"). */
const BOUND_TEXT = DEFAULT_BOUND.toExponential().replace('e+', 'e');

/** Adapter name reported for the CPU backend. */
export const RELU2_CPU_ADAPTER = 'cpu (f64 reference)';

/** One network's results: its label (grid only), metrics at the C checkpoints, and its final θ. */
export interface Relu2NetworkOutput extends Relu2NetworkLabel {
  /** GD step counts of the metrics (C; the config's checkpoints). */
  checkpoints: number[];
  /** (1/n) Σ (f(x_i) − y_i)² (C). */
  trainLoss: number[];
  /** The same on the test set (C); only when the data have a test set. */
  testLoss?: number[];
  /** H = Σ_k fraction of samples whose activation sign changed since step 0 (C), 0 ≤ H ≤ m. */
  hamming: number[];
  /** ‖θ_t − θ₀‖₂ over W and a (C). */
  paramDistance: number[];
  /** S = 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖) of the NTK Gram on the training set (C). */
  kernelDistance: number[];
  /** max_k |δ_k(t) − δ_k(0)|, δ_k = a_k² − ‖w_k‖² (C). */
  deltaDrift: number[];
  /** Final first layer, m × d (after the last checkpoint, or where the network froze). */
  W: number[][];
  /** Final readouts (m). */
  a: number[];
  /** With config `record.units`: the first layer at each checkpoint, C × m × d (the last equals W). */
  unitsW?: number[][][];
  /** With config `record.units`: the readouts at each checkpoint, C × m (the last equals a). */
  unitsA?: number[][];
  /** True when the loss became non-finite or exceeded DEFAULT_BOUND (1e30): the network froze there. */
  diverged: boolean;
  /** GD steps the network actually took (< the last checkpoint when it diverged). */
  stepsTaken: number;
}

/** The document `lazyrich simulate` (and `merge`) writes for a relu2 config. */
export interface Relu2SimulateOutput {
  model: 'relu2';
  backend: 'gpu' | 'cpu';
  /** GPU adapter name(s) ("; "-joined after a merge of shards from several machines), or {@link RELU2_CPU_ADAPTER}. */
  adapter: string;
  /** {@link relu2ConfigHash} of the config. */
  configHash: string;
  /** GD step counts (C). */
  checkpoints: number[];
  /** One entry per network, in config order (see plan.ts). */
  networks: Relu2NetworkOutput[];
}

/** Options of {@link runRelu2Range}. */
export interface Relu2RangeOptions {
  backend: 'gpu' | 'cpu';
  /** The device (required for the GPU backend). */
  ctx?: GpuContext;
  /** (network-steps done, network-steps in this range); network-steps = networks × GD steps. */
  onProgress?: (done: number, total: number) => void;
  /** Checked between GPU submissions / every ~16 ms on the CPU; aborting throws its reason. */
  signal?: AbortSignal;
}

/**
 * SHA-256 (hex) of what determines the results of a config (configHash.ts relu2CanonicalConfig): activation,
 * data, init (with ranges expanded), learning rate, checkpoints and `record` when set — not the backend,
 * which shards and merge check separately. The app's exports compute the same hash with WebCrypto.
 */
export function relu2ConfigHash(cfg: Relu2Config): string {
  return createHash('sha256').update(relu2CanonicalConfig(cfg)).digest('hex');
}

function rows(W: ArrayLike<number>, m: number, d: number): number[][] {
  return Array.from({ length: m }, (_, k) => Array.from({ length: d }, (__, j) => W[k * d + j]));
}

function entry(
  label: Relu2NetworkLabel, checkpoints: number[], metrics: Relu2Metrics[], params: Relu2Params, diverged: boolean,
  stepsTaken: number, hasTest: boolean, units?: Relu2Params[],
): Relu2NetworkOutput {
  const pick = (key: keyof Relu2Metrics) => metrics.map((x) => x[key]);
  return {
    ...label, checkpoints: [...checkpoints], trainLoss: pick('trainLoss'), ...(hasTest ? { testLoss: pick('testLoss') } : {}),
    hamming: pick('hamming'), paramDistance: pick('paramDistance'), kernelDistance: pick('kernelDistance'),
    deltaDrift: pick('deltaDrift'), W: rows(params.W, params.m, params.d), a: Array.from(params.a),
    ...(units ? { unitsW: units.map((p) => rows(p.W, p.m, p.d)), unitsA: units.map((p) => Array.from(p.a)) } : {}),
    diverged, stepsTaken,
  };
}

/**
 * Trains networks [start, end) of the plan and returns their outputs in order, on one backend for the
 * range: Relu2Sim (GPU; chunked, cancellable submissions, metrics computed on the GPU) or CpuRelu2Backend
 * (f64), advanced checkpoint by checkpoint with the metrics read at each. Divergence: a step whose loss
 * is non-finite or > DEFAULT_BOUND is not taken and the network freezes (both backends). With config
 * `record.units` the units (W, a) are read at every checkpoint too; the last read is the final W, a.
 * @throws DeviceLimitError (GPU) when the range exceeds a device limit; the signal's reason when aborted;
 *   RangeError for an empty or out-of-range range; Error when the GPU backend has no ctx.
 */
export async function runRelu2Range(plan: Relu2Plan, start: number, end: number, options: Relu2RangeOptions): Promise<Relu2NetworkOutput[]> {
  const { spec, labels } = plan.spec(start, end);
  const { checkpoints, nTest } = plan.config;
  const last = checkpoints[checkpoints.length - 1];
  const N = end - start;
  const { onProgress, signal } = options;
  if (options.backend === 'gpu' && !options.ctx) throw new Error('runRelu2Range: the GPU backend needs a GpuContext');
  const sim = options.backend === 'gpu' ? await Relu2Sim.create(options.ctx!, spec) : await CpuRelu2Backend.create(spec);
  try {
    const records: Relu2NetworkMetrics[][] = [];
    const units: Awaited<ReturnType<typeof sim.readParams>>[] = [];
    for (const c of checkpoints) {
      const base = sim.stepCount;
      if (c > base) await sim.advance(c - base, (done) => onProgress?.(N * (base + done), N * last), signal);
      records.push(await sim.readMetrics(signal));
      if (plan.config.record?.units) units.push(await sim.readParams());
    }
    onProgress?.(N * last, N * last);
    const params = units.length ? units[units.length - 1] : await sim.readParams();
    return labels.map((label, i) => {
      const final = records[records.length - 1][i];
      return entry(label, checkpoints, records.map((r) => r[i]), params[i], params[i].diverged, final.stepsTaken, nTest > 0,
        units.length ? units.map((u) => u[i]) : undefined);
    });
  } finally {
    sim.destroy();
  }
}

/** Options of {@link runRelu2Simulate}. */
export interface Relu2SimulateOptions {
  /** Overrides config.backend (the CLI's --backend flag). */
  backend?: 'gpu' | 'cpu';
  /** GPU device to use; when absent the GPU backend calls initGpu() and destroys the device at the end. */
  ctx?: GpuContext;
  /** (network-steps done, total network-steps). */
  onProgress?: (done: number, total: number) => void;
  /** Human-readable status lines (the CLI prints them to stderr). */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Summary lines after a run (stderr): networks × steps and wall time (s), the largest δ drift max_k
 * |δ_k(t) − δ_k(0)| over the non-diverged networks (GD drifts δ_k by O(η²) per step), and the divergence count.
 * @param networks the outputs, or digests holding only `diverged` and `deltaDrift`.
 */
export function relu2Summary(networks: readonly Pick<Relu2NetworkOutput, 'diverged' | 'deltaDrift'>[], seconds: number, lastStep: number): string[] {
  const diverged = networks.filter((x) => x.diverged).length;
  const drift = Math.max(0, ...networks.filter((x) => !x.diverged).map((x) => Math.max(0, ...x.deltaDrift)));
  return [
    `trained ${networks.length} networks × ${lastStep} GD steps in ${seconds.toFixed(2)} s.`,
    `δ drift: max_k |δ_k(t) − δ_k(0)| = ${drift.toExponential(3)} over ${networks.length - diverged} networks (GD drifts δ by O(η²) per step; the flow conserves it).`,
    ...(diverged > 0 ? [`diverged: ${diverged} of ${networks.length} networks (loss non-finite or > ${BOUND_TEXT}) and were frozen.`] : []),
  ];
}

/**
 * Runs a relu2 `simulate` config end to end: every network in one range (one Relu2Sim on the GPU).
 * @param config a raw JSON value (validated here) or a validated {@link Relu2Config}.
 * @throws ConfigError for a malformed config; DeviceLimitError when the grid exceeds the device (use
 *   `lazyrich sweep`, which runs it in chunks); WebGpuUnavailableError without an adapter; Error when the
 *   device reports an error.
 */
export async function runRelu2Simulate(config: unknown, options: Relu2SimulateOptions = {}): Promise<{ output: Relu2SimulateOutput; seconds: number }> {
  const cfg = isRelu2Config(config) ? config : validateRelu2Config(config);
  const backend = options.backend ?? cfg.backend;
  const log = options.log ?? (() => {});
  const plan = new Relu2Plan(cfg);
  const errors: string[] = [];
  const ctx = backend === 'cpu' ? undefined
    : options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  try {
    const adapter = ctx ? ctx.adapterName : RELU2_CPU_ADAPTER;
    log(`adapter: ${adapter}`);
    if (ctx?.isSoftware) log('notice: this is a software (CPU) adapter; GPU timings here are CPU timings.');
    log(`relu2: ${cfg.networks} networks, m = ${cfg.m}, d = ${cfg.d}, n = ${cfg.n}, nTest = ${cfg.nTest}, ${cfg.checkpoints[cfg.checkpoints.length - 1]} GD steps.`);
    const start = performance.now();
    let networks: Relu2NetworkOutput[];
    try {
      networks = await runRelu2Range(plan, 0, plan.count, { backend, ctx, onProgress: options.onProgress, signal: options.signal });
    } catch (e) {
      if (e instanceof DeviceLimitError) throw new DeviceLimitError(`${e.message} (lazyrich sweep runs a grid in chunks of --chunk networks)`);
      throw e;
    }
    if (errors.length > 0) throw new Error(errors.join('; '));
    const seconds = (performance.now() - start) / 1000;
    for (const line of relu2Summary(networks, seconds, cfg.checkpoints[cfg.checkpoints.length - 1])) log(line);
    return {
      output: { model: 'relu2', backend, adapter, configHash: relu2ConfigHash(cfg), checkpoints: [...cfg.checkpoints], networks },
      seconds,
    };
  } finally {
    if (ctx && !options.ctx) ctx.device.destroy();
  }
}

function isRelu2Config(c: unknown): c is Relu2Config {
  return typeof c === 'object' && c !== null && (c as Relu2Config).model === 'relu2' && typeof (c as Relu2Config).networks === 'number';
}
