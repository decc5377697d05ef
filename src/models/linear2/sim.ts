/**
 * The two-layer linear ensemble on the GPU (docs/theory.md §2): owns its buffers and one step pipeline,
 * advances every network by GD, RK4 on (W, A), or RK4 on the Theorem 4.2 β flow, in chunked dispatches,
 * reads the states back, and computes each network's metrics on the GPU (readMetrics: β, singular values, loss,
 * Δ drift, kernel distance, nuclear norm, effective rank, distances to the interpolants; f32).
 * Layout: layout.ts. Kernels: shaders/linear2/linear2.wgsl.ts, shaders/linear2/linear2Metrics.wgsl.ts.
 */
import type { ModelBackend } from '../plugin.ts';
import { checkBindingSize, dispatchSize, type GpuContext } from '../../gpu/device.ts';
import { computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { linear2StepShader } from '../../../shaders/linear2/linear2.wgsl.ts';
import { linear2MetricsShader, metricsRecordLength } from '../../../shaders/linear2/linear2Metrics.wgsl.ts';
import { LINEAR2_LIMITS, type Linear2Quadratic, type Linear2Rates } from '../../theory/linear2.ts';
import { linear2MetricsFactor, minFrobeniusInterpolant, minNuclearInterpolant, type NuclearInterpolant } from '../../theory/linear2Metrics.ts';
import { DIVERGED_FLAG, fromSoA, isKronecker, LINEAR2_PARAMS_BYTES, packParams, stateComponents, toSoA, WORKGROUP_SIZE } from './layout.ts';

/** Methods of the step kernel. */
export type Linear2Method = 'gd' | 'rk4' | 'beta-flow';

/** What a {@link Linear2Sim} runs. */
export interface Linear2SimSpec {
  d: number;
  c: number;
  h: number;
  method: Linear2Method;
  /** GD: η per step; rk4 / beta-flow: dt. Flow time advances by `step` per step. */
  step: number;
  /** Divergence bound on every state entry (|x| ≤ bound). */
  bound: number;
  rates: Linear2Rates;
  quadratic: Linear2Quadratic;
  /** Initial states, one per network: y = [W, A] (length h(d+c)) for gd/rk4, β (length dc) for beta-flow. */
  initial: readonly ArrayLike<number>[];
  /** δ per network (beta-flow only; zeros otherwise). */
  deltas?: readonly number[];
  /**
   * Use the general (dc)² gradient even when H = XX ⊗ I_c (default false: such data gets the d²c gradient, with
   * bit-identical results; layout.ts isKronecker). For the test of that identity and the bench's comparison row.
   */
  generalGradient?: boolean;
  /**
   * false: keep the loops of the (W, A) velocity (default: unrolled when small, shaders/linear2/linear2.wgsl.ts unrolls;
   * bit-identical results). For the test of that identity and the bench's comparison row.
   */
  unroll?: boolean;
}

/**
 * One network's metrics at the current step (the CLI output's names, one value instead of a series; docs/theory.md §2).
 * f32 values from shaders/linear2/linear2Metrics.wgsl.ts.
 */
export interface Linear2MetricRecord {
  /** d×c. */
  beta: number[][];
  /** min(d, c) values, descending. */
  singularValues: number[];
  loss: number;
  /** ‖Δ − Δ₀‖_F/(η_W‖A₀‖² + η_A‖W₀‖²); 0 for beta-flow. */
  deltaDrift: number;
  /** S = 1 − ⟨K₀, K⟩/(‖K₀‖‖K‖) of the NTK. */
  kernelDistance: number;
  nuclearNorm: number;
  effectiveRank: number;
  /** ‖β − β_F‖_F to the minimum-Frobenius interpolant; null unless the data is under-determined (rank H < dc). */
  minFrobeniusDistance: number | null;
  /** ‖β − β_*‖_F to the minimum-nuclear-norm interpolant (ADMM, f64); null unless under-determined. */
  minNuclearDistance: number | null;
  diverged: boolean;
}

/** The interpolants the metrics measure against (f64, computed once on the host), for under-determined data. */
export interface Linear2Interpolants {
  /** d×c row-major, H⁺b. */
  minFrobenius: Float64Array;
  /** ADMM result with its residual and feasibility. */
  minNuclear: NuclearInterpolant;
}

/** What the metrics pass holds once built (lazily, on the first readMetrics). */
interface MetricsPass {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  out: GPUBuffer;
  record: number;
  interpolants: Linear2Interpolants | null;
}

/** Network-steps × state components one dispatch may do (keeps one submission short). */
export const WORK_PER_DISPATCH = 1 << 26;

/** A GPU ensemble of two-layer linear networks (a ModelBackend, src/models/plugin.ts). Create with {@link Linear2Sim.create}. */
export class Linear2Sim implements ModelBackend<Linear2MetricRecord> {
  readonly kind = 'gpu' as const;
  /** Steps taken (time = stepCount × step). */
  stepCount = 0;
  readonly n: number;
  readonly S: number;
  private readonly buffers: GPUBuffer[];
  private readonly state: GPUBuffer;
  private readonly flags: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly initialState: GPUBuffer;
  private readonly deltas: GPUBuffer;
  private metricsPass: MetricsPass | null = null;

  private constructor(private readonly ctx: GpuContext, readonly spec: Linear2SimSpec) {
    const { device } = ctx;
    const { d, c, h, method, quadratic: q } = spec;
    this.n = spec.initial.length;
    this.S = stateComponents(method, d, c, h);
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const soa = toSoA(spec.initial, this.S);
    this.state = createBuffer(device, 'Linear2.state', S, 4 * this.S * this.n, soa);
    this.initialState = createBuffer(device, 'Linear2.initial', GPUBufferUsage.STORAGE, 4 * this.S * this.n, soa);
    this.flags = createBuffer(device, 'Linear2.flags', S, 4 * this.n, new Uint32Array(this.n));
    const dc = d * c;
    const data = new Float32Array(dc * dc + dc);
    data.set(q.H, 0);
    data.set(q.b, dc * dc);
    const dataBuf = createBuffer(device, 'Linear2.data', S, 4 * data.length, data);
    const deltas = createBuffer(device, 'Linear2.deltas', S, 4 * this.n, Float32Array.from(spec.deltas ?? new Array(this.n).fill(0)));
    this.deltas = deltas;
    this.params = createBuffer(device, 'Linear2.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, LINEAR2_PARAMS_BYTES);
    this.buffers = [this.state, this.flags, dataBuf, deltas, this.params, this.initialState];
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const layout = device.createBindGroupLayout({
      label: 'Linear2.layout',
      entries: [entry(0, 'uniform'), entry(1, 'storage'), entry(2, 'storage'), entry(3, 'read-only-storage'), entry(4, 'read-only-storage')],
    });
    this.pipeline = computePipeline(device, `Linear2.${method}`, linear2StepShader({ d, c, h, method, kron: !spec.generalGradient && isKronecker(q.H, d, c), unroll: spec.unroll }), layout, WORKGROUP_SIZE);
    this.bindGroup = device.createBindGroup({
      label: 'Linear2.bindGroup', layout,
      entries: [this.params, this.state, this.flags, dataBuf, deltas].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /**
   * Uploads the ensemble and compiles the kernel.
   * @throws Error when d, c or h is outside the limits (1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32) or an initial state has the wrong length.
   * @throws DeviceLimitError when the state does not fit one storage binding or one 2-D dispatch.
   */
  static create(ctx: GpuContext, spec: Linear2SimSpec): Linear2Sim {
    const { d, c, h } = spec;
    if (!(d >= 1 && d <= LINEAR2_LIMITS.maxD)) throw new Error(`d = ${d} is not supported (1 ≤ d ≤ ${LINEAR2_LIMITS.maxD})`);
    if (!(c >= 1 && c <= LINEAR2_LIMITS.maxC)) throw new Error(`c = ${c} is not supported (1 ≤ c ≤ ${LINEAR2_LIMITS.maxC})`);
    if (!(h >= 1 && h <= LINEAR2_LIMITS.maxH)) throw new Error(`h = ${h} is not supported (1 ≤ h ≤ ${LINEAR2_LIMITS.maxH})`);
    const S = stateComponents(spec.method, d, c, h);
    spec.initial.forEach((y, i) => { if (y.length !== S) throw new Error(`initial state ${i} has length ${y.length}, expected ${S}`); });
    checkBindingSize(ctx.limits, 4 * S * spec.initial.length, `${spec.initial.length} networks × ${S} floats`);
    dispatchSize(ctx.limits, Math.ceil(spec.initial.length / WORKGROUP_SIZE));
    return new Linear2Sim(ctx, spec);
  }

  /** Networks in the ensemble (= n). */
  get count(): number {
    return this.n;
  }

  /** Steps per dispatch under {@link WORK_PER_DISPATCH}. */
  get stepsPerDispatch(): number {
    const dc = this.spec.d * this.spec.c;
    return Math.max(1, Math.floor(WORK_PER_DISPATCH / (this.n * (this.S + dc * dc))));
  }

  /**
   * Advances every network by `steps` steps and waits for the GPU.
   * @param onProgress (steps done, steps) between chunks. @param signal aborts between chunks (throws its reason).
   */
  async advance(steps: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const { device } = this.ctx;
    const { step, rates, bound } = this.spec;
    for (let done = 0; done < steps;) {
      signal?.throwIfAborted();
      const k = Math.min(this.stepsPerDispatch, steps - done);
      device.queue.writeBuffer(this.params, 0, packParams(this.n, k, step, rates.W, rates.A, bound));
      submitDispatch(this.ctx, `Linear2.${this.spec.method}`, this.pipeline, this.bindGroup, this.n, WORKGROUP_SIZE);
      await device.queue.onSubmittedWorkDone();
      done += k;
      this.stepCount += k;
      onProgress?.(done, steps);
    }
  }

  /** Reads the states (per network, f32 values as Float64Array of length S) and the diverged flags. */
  async readStates(): Promise<{ states: Float64Array[]; diverged: boolean[] }> {
    const { device } = this.ctx;
    const [state, flags] = await Promise.all([readBuffer(device, this.state, 4 * this.S * this.n), readBuffer(device, this.flags, 4 * this.n)]);
    const f = new Uint32Array(flags);
    return { states: fromSoA(new Float32Array(state), this.S, this.n), diverged: Array.from(f, (x) => (x & DIVERGED_FLAG) !== 0) };
  }

  /** Floats per network of the metrics record (shaders/linear2/linear2Metrics.wgsl.ts): dc + min(d, c) + 7. */
  get metricsRecordLength(): number {
    return metricsRecordLength(this.spec.d, this.spec.c);
  }

  /**
   * The interpolants the distances are measured to (null when the data is not under-determined). Computes them on
   * the first call (ADMM: up to 20,000 iterations of a dc-sized SVD, f64; its residual is in minNuclear.residual).
   */
  get interpolants(): Linear2Interpolants | null {
    return this.buildMetrics().interpolants;
  }

  private buildMetrics(): MetricsPass {
    if (this.metricsPass) return this.metricsPass;
    const { device } = this.ctx;
    const { d, c, h, method, quadratic: q } = this.spec;
    const f = linear2MetricsFactor(q);
    const dc = d * c;
    const interpolants = f.underDetermined ? { minFrobenius: minFrobeniusInterpolant(q), minNuclear: minNuclearInterpolant(q) } : null;
    const data = new Float32Array(f.r * dc + f.r + 3 * dc);
    data.set(f.F, 0);
    data.set(f.z, f.r * dc);
    data.set(f.bPerp, f.r * dc + f.r);
    if (interpolants) {
      data.set(interpolants.minFrobenius, f.r * dc + f.r + dc);
      data.set(interpolants.minNuclear.beta, f.r * dc + f.r + 2 * dc);
    }
    const record = metricsRecordLength(d, c);
    checkBindingSize(this.ctx.limits, 4 * record * this.n, `${this.n} networks × ${record} metric floats`);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
    const dataBuf = createBuffer(device, 'Linear2.metricsData', GPUBufferUsage.STORAGE, 4 * data.length, data);
    const uniform = new ArrayBuffer(32);
    new Uint32Array(uniform)[0] = this.n;
    new Float32Array(uniform).set([this.spec.rates.W, this.spec.rates.A, f.Lmin], 2);
    const params = createBuffer(device, 'Linear2.metricsParams', GPUBufferUsage.UNIFORM, 32, uniform);
    const out = createBuffer(device, 'Linear2.metrics', usage, 4 * record * this.n);
    this.buffers.push(dataBuf, params, out);
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const layout = device.createBindGroupLayout({
      label: 'Linear2.metricsLayout',
      entries: [entry(0, 'uniform'), ...[1, 2, 3, 4].map((b) => entry(b, 'read-only-storage')), entry(5, 'storage')],
    });
    const pipeline = computePipeline(device, `Linear2.metrics.${method}`, linear2MetricsShader({ d, c, h, method, r: f.r }), layout, WORKGROUP_SIZE);
    const bindGroup = device.createBindGroup({
      label: 'Linear2.metricsBindGroup', layout,
      entries: [params, this.state, this.initialState, this.deltas, dataBuf, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    return (this.metricsPass = { pipeline, bindGroup, out, record, interpolants });
  }

  /**
   * Runs the metrics kernel on the current state and reads it back: the raw records (network-major, each
   * {@link metricsRecordLength} floats: β (dc), σ (min(d, c), descending), loss, Δ drift, S, ‖β‖_*, effective rank,
   * ‖β − β_F‖, ‖β − β_*‖; see shaders/linear2/linear2Metrics.wgsl.ts) and the diverged flags.
   * @param signal checked before the dispatch (throws its reason).
   */
  async readMetricsArray(signal?: AbortSignal): Promise<{ data: Float32Array; record: number; diverged: boolean[] }> {
    signal?.throwIfAborted();
    const m = this.buildMetrics();
    submitDispatch(this.ctx, 'Linear2.metrics', m.pipeline, m.bindGroup, this.n, WORKGROUP_SIZE);
    const [data, flags] = await Promise.all([readBuffer(this.ctx.device, m.out, 4 * m.record * this.n), readBuffer(this.ctx.device, this.flags, 4 * this.n)]);
    return { data: new Float32Array(data), record: m.record, diverged: Array.from(new Uint32Array(flags), (x) => (x & DIVERGED_FLAG) !== 0) };
  }

  /**
   * Per-network metrics at the current step ({@link Linear2MetricRecord}, computed on the GPU in f32), in network order.
   * A diverged network's metrics are those of its frozen last state.
   */
  async readMetrics(signal?: AbortSignal): Promise<Linear2MetricRecord[]> {
    const { d, c } = this.spec;
    const { data, record, diverged } = await this.readMetricsArray(signal);
    const r = Math.min(d, c), dc = d * c;
    const under = this.buildMetrics().interpolants !== null;
    return diverged.map((div, i) => {
      const o = i * record, s = o + dc + r;
      return {
        beta: Array.from({ length: d }, (_, a) => Array.from(data.subarray(o + a * c, o + (a + 1) * c))),
        singularValues: Array.from(data.subarray(o + dc, s)),
        loss: data[s], deltaDrift: data[s + 1], kernelDistance: data[s + 2], nuclearNorm: data[s + 3], effectiveRank: data[s + 4],
        minFrobeniusDistance: under ? data[s + 5] : null, minNuclearDistance: under ? data[s + 6] : null, diverged: div,
      };
    });
  }

  /** Frees the GPU buffers. */
  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
