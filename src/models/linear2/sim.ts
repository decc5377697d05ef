/**
 * The two-layer linear ensemble on the GPU (docs/theory.md §2): owns its buffers and one step pipeline,
 * advances every network by GD, RK4 on (W, A), or RK4 on the Theorem 4.2 β flow, in chunked dispatches,
 * and reads the states back (metrics are computed from them in f64 by metrics.ts).
 * Layout: layout.ts. Kernel: shaders/linear2/linear2.wgsl.ts.
 */
import { checkBindingSize, dispatchSize, type GpuContext } from '../../gpu/device.ts';
import { computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { linear2StepShader } from '../../../shaders/linear2/linear2.wgsl.ts';
import { LINEAR2_LIMITS, type Linear2Quadratic, type Linear2Rates } from '../../theory/linear2.ts';
import { DIVERGED_FLAG, fromSoA, LINEAR2_PARAMS_BYTES, packParams, stateComponents, toSoA, WORKGROUP_SIZE } from './layout.ts';

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
}

/** Network-steps × state components one dispatch may do (keeps one submission short). */
export const WORK_PER_DISPATCH = 1 << 26;

/** A GPU ensemble of two-layer linear networks. Create with {@link Linear2Sim.create}. */
export class Linear2Sim {
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

  private constructor(private readonly ctx: GpuContext, readonly spec: Linear2SimSpec) {
    const { device } = ctx;
    const { d, c, h, method, quadratic: q } = spec;
    this.n = spec.initial.length;
    this.S = stateComponents(method, d, c, h);
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.state = createBuffer(device, 'Linear2.state', S, 4 * this.S * this.n, toSoA(spec.initial, this.S));
    this.flags = createBuffer(device, 'Linear2.flags', S, 4 * this.n, new Uint32Array(this.n));
    const dc = d * c;
    const data = new Float32Array(dc * dc + dc);
    data.set(q.H, 0);
    data.set(q.b, dc * dc);
    const dataBuf = createBuffer(device, 'Linear2.data', S, 4 * data.length, data);
    const deltas = createBuffer(device, 'Linear2.deltas', S, 4 * this.n, Float32Array.from(spec.deltas ?? new Array(this.n).fill(0)));
    this.params = createBuffer(device, 'Linear2.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, LINEAR2_PARAMS_BYTES);
    this.buffers = [this.state, this.flags, dataBuf, deltas, this.params];
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    const layout = device.createBindGroupLayout({
      label: 'Linear2.layout',
      entries: [entry(0, 'uniform'), entry(1, 'storage'), entry(2, 'storage'), entry(3, 'read-only-storage'), entry(4, 'read-only-storage')],
    });
    this.pipeline = computePipeline(device, `Linear2.${method}`, linear2StepShader({ d, c, h, method }), layout, WORKGROUP_SIZE);
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

  /** Frees the GPU buffers. */
  destroy(): void {
    for (const b of this.buffers) b.destroy();
  }
}
