/**
 * The single-neuron ensemble on the GPU: owns its buffers and pipelines, advances every trajectory by
 * GD or RK4 in chunked dispatches, and reduces a summary (δ drift, diverged count, max excess loss).
 * Buffer layouts: layout.ts. Kernels: shaders/singleNeuron/singleNeuron.wgsl.ts.
 */
import { checkBindingSize, dispatchSize, type GpuContext } from '../../gpu/device.ts';
import { computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import { CHECK_BLOCK, singleNeuronMetricsShader, singleNeuronStepShader, type DivergenceCheck } from '../../../shaders/singleNeuron/singleNeuron.wgsl.ts';
import { GD_LANES, singleNeuronGdLanesShader } from '../../../shaders/singleNeuron/singleNeuronGdLanes.wgsl.ts';
import { ExactEvaluator } from './exact.ts';
import { safeStartNorm2 } from './growthBound.ts';
import { DIVERGED_FLAG, MAX_D, STEP_PARAMS, SUMMARY_WORDS, WORKGROUP_SIZE } from './layout.ts';
import type { SingleNeuronEnsemble } from './ensemble.ts';

/**
 * 'gd' and 'rk4' integrate the parameter flow, 'beta-flow' integrates β with RK4 on the function-space
 * flow (docs/theory.md §1.1), and 'exact' evaluates the closed form (XX = σ²I only) at t = Σ steps × step.
 */
export type Method = 'gd' | 'rk4' | 'beta-flow' | 'exact';
type SteppedMethod = Exclude<Method, 'exact'>;

/** Integrator settings: method, step (η for GD, dt for RK4 and exact; time per step) and divergence bound. */
export interface IntegratorConfig { method: Method; step: number; bound: number }

/** Reduced observables of the whole ensemble (see singleNeuronMetricsShader). */
export interface EnsembleSummary {
  /** max over trajectories of |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²). */
  maxRelativeDeltaDrift: number;
  diverged: number;
  /** max over non-diverged trajectories of ½(β − β_ols)ᵀ XX (β − β_ols). */
  maxExcessLoss: number;
}

/**
 * Whether XX (d×d, row-major nested arrays) is exactly σ²I: every off-diagonal entry 0 and every diagonal
 * entry equal to XX[0][0] as float32 (the kernels see f32 uniforms). Then the step kernels compute the
 * residual as σ²β − Xy (shaders/singleNeuron/singleNeuron.wgsl.ts `whitened`), bitwise equal to the general d-term
 * chain for finite β. docs/theory.md §1.
 */
export function isWhitened(XX: readonly (readonly number[])[]): boolean {
  const s2 = Math.fround(XX[0][0]);
  return XX.every((row, i) => row.every((v, j) => (i === j ? Math.fround(v) === s2 : v === 0)));
}

/**
 * Trajectory-steps one dispatch may do, so no submission runs long enough to trip a GPU watchdog (2²⁶: ~10 ms
 * on a GPU at 10⁹–10¹⁰ trajectory-steps/s, ~0.2 s on SwiftShader; at 2²⁴, 10⁵ trajectories got 160 steps a
 * dispatch, and each dispatch pays its loads, stores and one masked checked block).
 */
export const TRAJECTORY_STEPS_PER_DISPATCH = 1 << 26;

/** {@link SingleNeuronSim.advance} sleeps only when a chunk is expected to take longer than this (ms). */
const MIN_SLEEP_MS = 20;
/** Fraction of a chunk's expected time that {@link SingleNeuronSim.advance} sleeps before it waits on the GPU. */
const SLEEP_FRACTION = 0.8;
/**
 * Chunks shorter than this (ms) or smaller than this (trajectory-steps) do not set the expected time per
 * step: their submit and wait overheads would (a 2-step chunk of 10⁵ trajectories taking 50 ms on a loaded
 * host read 100× the real time per step, and the next chunks slept for it).
 */
const MIN_MEASURED_MS = 50;
const MIN_MEASURED_WORK = 1 << 24;

/** Kernel options of {@link SingleNeuronSim.create}. */
export interface SingleNeuronSimOptions {
  /** Divergence check of the step kernels; default 'block'. 'none' never freezes (bench only). */
  check?: DivergenceCheck;
  /**
   * Tests only: replaces P.safeNorm2, the start a² + ‖w‖² under which a block runs unchecked (growthBound.ts).
   * +∞ runs every GD/RK4 block unchecked, which must break the bitwise agreement with the per-step check.
   */
  safeNorm2?: number;
  /** GD with four trajectories per thread (singleNeuronGdLanes.wgsl.ts; default true), or one (tests compare them). */
  gdLanes?: boolean;
}

/** A GPU ensemble of single-neuron networks. Create with {@link SingleNeuronSim.create}. */
export class SingleNeuronSim {
  /** Steps taken since the initial state (all trajectories share it; frozen ones stop moving). */
  stepCount = 0;
  /** Time t = Σ steps × step, in the flow's time units (for GD, η per step). */
  time = 0;
  readonly state: GPUBuffer;
  /** The initial state θ₀, same layout as `state`; read by the exact kernel. */
  readonly initial: GPUBuffer;
  readonly flags: GPUBuffer;
  readonly info: GPUBuffer;
  private readonly summary: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly stepLayout: GPUBindGroupLayout;
  private readonly stepBindGroup: GPUBindGroup;
  private readonly metricsBindGroup: GPUBindGroup;
  private readonly metricsPipeline: () => GPUComputePipeline;
  private metricsCompiled: GPUComputePipeline | null = null;
  private readonly stepPipelines: Partial<Record<SteppedMethod, GPUComputePipeline>> = {};
  private readonly stepPipeline: (method: SteppedMethod) => GPUComputePipeline;
  private exact: ExactEvaluator | null = null;
  /** True when XX = σ²I exactly and the step kernels use the whitened residual σ²β − Xy (see {@link isWhitened}). */
  readonly whitened: boolean;

  private constructor(
    private readonly ctx: GpuContext, readonly ensemble: SingleNeuronEnsemble, public config: IntegratorConfig,
    check: DivergenceCheck, private readonly gdLanes: boolean,
  ) {
    const { device } = ctx;
    const { n, d } = ensemble;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const state0 = new Float32Array(ensemble.state0);
    this.state = createBuffer(device, 'SingleNeuron.state', S, 4 * (d + 1) * n, state0);
    this.initial = createBuffer(device, 'SingleNeuron.initial', S, 4 * (d + 1) * n, state0);
    this.flags = createBuffer(device, 'SingleNeuron.flags', S, 4 * n);
    const info = new Float32Array(2 * n);
    info.set(ensemble.delta0, 0);
    info.set(ensemble.scale0, n);
    this.info = createBuffer(device, 'SingleNeuron.info', S, 4 * 2 * n, info);
    this.summary = createBuffer(device, 'SingleNeuron.summary', S, 4 * SUMMARY_WORDS);
    this.params = createBuffer(device, 'SingleNeuron.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, STEP_PARAMS.size);

    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    this.stepLayout = device.createBindGroupLayout({
      label: 'SingleNeuron.stepLayout',
      entries: [entry(0, 'uniform'), entry(1, 'storage'), entry(2, 'storage'), entry(3, 'read-only-storage')],
    });
    const metricsLayout = device.createBindGroupLayout({
      label: 'SingleNeuron.metricsLayout',
      entries: [entry(0, 'uniform'), entry(1, 'storage'), entry(2, 'storage'), entry(3, 'read-only-storage'), entry(4, 'storage')],
    });
    const bind = [this.params, this.state, this.flags].map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.stepBindGroup = device.createBindGroup({
      label: 'SingleNeuron.stepBindGroup', layout: this.stepLayout, entries: [...bind, { binding: 3, resource: { buffer: this.info } }],
    });
    this.metricsBindGroup = device.createBindGroup({
      label: 'SingleNeuron.metricsBindGroup', layout: metricsLayout,
      entries: [...bind, { binding: 3, resource: { buffer: this.info } }, { binding: 4, resource: { buffer: this.summary } }],
    });
    const pipeline = (label: string, code: string, layout: GPUBindGroupLayout) =>
      computePipeline(device, label, code, layout, WORKGROUP_SIZE);
    const whitened = isWhitened(ensemble.data.XX);
    this.whitened = whitened;
    // Compiled on first use (a CLI run needs one method: ~0.1 s of SwiftShader compile each).
    this.stepPipeline = (method) => (this.stepPipelines[method] ??= pipeline(`SingleNeuron.${method}`, method === 'gd' && this.gdLanes
      ? singleNeuronGdLanesShader({ d, whitened, check })
      : singleNeuronStepShader({ d, method, whitened, check }), this.stepLayout));
    this.metricsPipeline = () => (this.metricsCompiled ??= pipeline('SingleNeuron.metrics', singleNeuronMetricsShader({ d }), metricsLayout));
  }

  /**
   * Uploads an ensemble and compiles the kernels.
   * @param options.check divergence check of the step kernels (default 'block'; 'step' and 'none' exist
   *   for tests and the bench, see shaders/singleNeuron/singleNeuron.wgsl.ts).
   * @throws DeviceLimitError when the state does not fit one storage binding or one 2-D dispatch.
   * @throws Error when d is outside 1..MAX_D.
   */
  static create(ctx: GpuContext, ensemble: SingleNeuronEnsemble, config: IntegratorConfig, options: SingleNeuronSimOptions = {}): SingleNeuronSim {
    const { n, d } = ensemble;
    if (!(d >= 1 && d <= MAX_D)) throw new Error(`d = ${d} is not supported; the kernels handle 1 ≤ d ≤ ${MAX_D}.`);
    checkBindingSize(ctx.limits, 4 * (d + 1) * n, `${n.toLocaleString('en')} trajectories × (d+1) = ${d + 1} floats`);
    dispatchSize(ctx.limits, Math.ceil(n / WORKGROUP_SIZE));
    const sim = new SingleNeuronSim(ctx, ensemble, { ...config, method: 'rk4' }, options.check ?? 'block', options.gdLanes ?? true);
    sim.safeOverride = options.safeNorm2;
    try {
      sim.setIntegrator(config);
    } catch (e) {
      sim.destroy();
      throw e;
    }
    return sim;
  }

  get n(): number { return this.ensemble.n; }
  get d(): number { return this.ensemble.d; }

  /**
   * Changes method, step or bound; the current state and time are kept (for 'exact', the state becomes
   * the closed form at the current time).
   * @throws Error('no closed form for this data: …') when switching to 'exact' with XX ≠ σ²I.
   */
  setIntegrator(config: IntegratorConfig): void {
    if (config.method === 'exact') {
      this.exact ??= new ExactEvaluator(this.ctx, this.ensemble, { initial: this.initial, info: this.info });
      if (this.config.method !== 'exact') this.exact.evaluate(this.time, this.state);
    }
    this.config = config;
  }

  /**
   * Steps per dispatch: the most under {@link TRAJECTORY_STEPS_PER_DISPATCH}, rounded down to whole
   * divergence-check blocks (CHECK_BLOCK steps, shaders/singleNeuron/singleNeuron.wgsl.ts) and never fewer than one
   * block, so large ensembles (N > 2²⁶/16 ≈ 4·10⁶) still run the block-checked path.
   */
  get stepsPerDispatch(): number {
    return Math.max(CHECK_BLOCK, Math.floor(TRAJECTORY_STEPS_PER_DISPATCH / this.n / CHECK_BLOCK) * CHECK_BLOCK);
  }

  /**
   * P.safeNorm2 of the current integrator: the start norm² a² + ‖w‖² under which a CHECK_BLOCK-step block
   * of GD or RK4 provably stays inside the bound (growthBound.ts); −1 (never) for the β flow and 'exact'.
   */
  get safeNorm2(): number {
    const { method, step, bound } = this.config;
    const key = `${method} ${step} ${bound}`;
    if (this.safeOverride !== undefined) return this.safeOverride;
    if (this.safeKey !== key) {
      this.safeKey = key;
      this.safeValue = method === 'gd' || method === 'rk4'
        ? safeStartNorm2({ method, data: this.ensemble.data, rates: this.ensemble.rates, step, bound, steps: CHECK_BLOCK })
        : -1;
    }
    return this.safeValue;
  }
  private safeKey = '';
  private safeOverride: number | undefined;
  private safeValue = -1;

  private writeParams(steps: number): void {
    const { data, betaOls, rates, d } = this.ensemble;
    const xx = new Float64Array(d * d);
    data.XX.forEach((row, i) => row.forEach((v, j) => { xx[i * d + j] = v; }));
    this.ctx.device.queue.writeBuffer(this.params, 0, packStruct(STEP_PARAMS, {
      n: this.n, steps, h: this.config.step, etaA: rates.a, etaW: rates.w, bound: this.config.bound, safeNorm2: this.safeNorm2,
      xy: data.Xy, xx, betaOls,
    }));
  }


  /**
   * Queues `steps` steps in chunks of at most {@link stepsPerDispatch}, one submission each.
   * Returns at once; the GPU runs asynchronously. `stepCount` and `time` advance immediately.
   */
  queueSteps(steps: number): void {
    const { device } = this.ctx;
    if (this.config.method === 'exact') {
      this.stepCount += steps;
      this.time += steps * this.config.step;
      this.exact!.evaluate(this.time, this.state);
      return;
    }
    const pipeline = this.stepPipeline(this.config.method);
    for (let done = 0; done < steps;) {
      const chunk = Math.min(this.stepsPerDispatch, steps - done);
      this.writeParams(chunk);
      // GD runs GD_LANES trajectories per thread (shaders/singleNeuron/singleNeuronGdLanes.wgsl.ts).
      const threads = this.config.method === 'gd' && this.gdLanes ? Math.ceil(this.n / GD_LANES) : this.n;
      submitDispatch(this.ctx, `SingleNeuron.${this.config.method}`, pipeline, this.stepBindGroup, threads, WORKGROUP_SIZE);
      done += chunk;
      this.stepCount += chunk;
      this.time += chunk * this.config.step;
    }
  }

  /**
   * Advances `steps` steps and waits for the GPU, calling `onProgress(done, steps)` between chunks.
   * @param signal aborts between chunks (throws the signal's reason); completed steps are kept.
   */
  async advance(steps: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const chunk = this.stepsPerDispatch * 4;
    for (let done = 0; done < steps;) {
      signal?.throwIfAborted();
      const k = Math.min(chunk, steps - done);
      const start = performance.now();
      const method = this.config.method;
      this.queueSteps(k);
      // Dawn (webgpu for Node) polls with setImmediate while a promise such as onSubmittedWorkDone is pending:
      // on a CPU adapter that busy thread takes a core from the kernel. Sleep through most of the expected time first.
      const expected = k * (this.msPerStep.get(method) ?? 0);
      if (expected > MIN_SLEEP_MS) await new Promise((resolve) => setTimeout(resolve, SLEEP_FRACTION * expected));
      await this.ctx.device.queue.onSubmittedWorkDone();
      const ms = performance.now() - start;
      // The lowest rate seen over chunks long enough to dwarf the submit and wait (never the first: it compiles),
      // so an estimate only errs towards sleeping less.
      const seen = this.chunksSeen.get(method) ?? 0;
      this.chunksSeen.set(method, seen + 1);
      if (method !== 'exact' && seen > 0 && ms >= MIN_MEASURED_MS && k * this.n >= MIN_MEASURED_WORK) this.msPerStep.set(method, Math.min(this.msPerStep.get(method) ?? Infinity, ms / k));
      done += k;
      onProgress?.(done, steps);
    }
  }
  private readonly chunksSeen = new Map<Method, number>();
  /** Lowest measured wall ms per step of an advance chunk, per method (for the sleep in {@link advance}). */
  private readonly msPerStep = new Map<Method, number>();

  /** Runs the metrics kernel and reads the 16-byte summary back. */
  async readSummary(): Promise<EnsembleSummary> {
    const { device } = this.ctx;
    this.writeParams(0);
    device.queue.writeBuffer(this.summary, 0, new Uint32Array(SUMMARY_WORDS));
    submitDispatch(this.ctx, 'SingleNeuron.metrics', this.metricsPipeline(), this.metricsBindGroup, this.n, WORKGROUP_SIZE);
    const words = new Uint32Array(await readBuffer(device, this.summary, 4 * SUMMARY_WORDS));
    const f = new Float32Array(words.buffer);
    return { maxRelativeDeltaDrift: f[0], diverged: words[1], maxExcessLoss: f[2] };
  }

  /** Reads the whole state (SoA, (d+1)·n floats) and flags (n) back to the host. */
  async readState(): Promise<{ state: Float32Array; flags: Uint32Array }> {
    const { device } = this.ctx;
    const [state, flags] = await Promise.all([
      readBuffer(device, this.state, 4 * (this.d + 1) * this.n),
      readBuffer(device, this.flags, 4 * this.n),
    ]);
    return { state: new Float32Array(state), flags: new Uint32Array(flags) };
  }

  /** Reads the flags (u32 × n; bit DIVERGED_FLAG = diverged) back to the host. */
  async readFlags(): Promise<Uint32Array> {
    return new Uint32Array(await readBuffer(this.ctx.device, this.flags, 4 * this.n));
  }

  /** Frees the GPU buffers. */
  destroy(): void {
    for (const b of [this.state, this.initial, this.flags, this.info, this.summary, this.params]) b.destroy();
    this.exact?.destroy();
  }
}

export { DIVERGED_FLAG };
