/**
 * Many independent two-layer ReLU networks (docs/theory.md §3) trained by full-batch GD on the GPU in float32:
 * uploads data (once per data set) and θ₀, advances all networks in chunked, cancellable, resumable
 * dispatches, and computes the §3 metrics on the GPU at checkpoints. Kernels: shaders/relu2/relu2Step.wgsl.ts
 * (workgroup per network), shaders/relu2/relu2StepTiled.wgsl.ts (workgroup per network, register-tiled: GPUs) or
 * shaders/relu2/relu2StepThread.wgsl.ts (thread per network, CPU adapters; layout.ts Relu2Kernel) and
 * shaders/relu2/relu2Metrics*.wgsl.ts; buffer layouts: layout.ts; validation: spec.ts.
 */
import type { ModelBackend } from '../plugin.ts';
import { checkBindingSize, dispatchSize, type GpuContext } from '../../gpu/device.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import type { Relu2Metrics, Relu2Params } from '../../theory/index.ts';
import { relu2StepShader } from '../../../shaders/relu2/relu2Step.wgsl.ts';
import { relu2StepThreadShader } from '../../../shaders/relu2/relu2StepThread.wgsl.ts';
import { relu2StepTiledShader } from '../../../shaders/relu2/relu2StepTiled.wgsl.ts';
import { relu2MetricsShader } from '../../../shaders/relu2/relu2Metrics.wgsl.ts';
import { relu2MetricsThreadShader } from '../../../shaders/relu2/relu2MetricsThread.wgsl.ts';
import {
  defaultMetricsKernel, defaultRelu2Kernel, DIVERGED_FLAG, KERNEL_TILE, relu2KernelOverride, METRIC_INDEX, METRIC_WORDS, METRICS_WORKGROUP_SIZE, RELU2_UNIFORMS, THREAD_KERNEL_WORKGROUP_SIZE,
  threadKernelShape, type Relu2Kernel, type Relu2MetricsKernel,
} from './layout.ts';
import { DEFAULT_BOUND, validateRelu2Spec, type Relu2SimSpec, type Relu2Sizes } from './spec.ts';

/** Metrics of one network at the sim's current step (units: GD steps, not time). */
export interface Relu2NetworkMetrics extends Relu2Metrics {
  /** Steps the sim has advanced ({@link Relu2Sim.stepCount}). */
  step: number;
  /** GD steps this network actually took (< step once it diverged and froze). */
  stepsTaken: number;
  /** True when the network diverged and is frozen (layout.ts DIVERGED_FLAG). */
  diverged: boolean;
}

/** Kernel choice and chunking of {@link Relu2Sim.advance}. */
export interface Relu2SimOptions {
  /** Step kernel (layout.ts Relu2Kernel); default: layout.ts relu2KernelOverride(), else `thread` on a software adapter, `tiled` on a GPU. */
  kernel?: Relu2Kernel;
  /** Metrics kernel; default: layout.ts defaultMetricsKernel (thread per network with the thread step kernel). */
  metricsKernel?: Relu2MetricsKernel;
  /** Tiled kernel: sum across unit columns with subgroup operations; default: when the device has the `subgroups` feature. */
  subgroups?: boolean;
  /** Thread kernel: units per register chunk (1..32) and samples per backward block (1..8); default layout.ts threadKernelShape. Results do not depend on them. */
  threadShape?: { kc?: number; sb?: number };
  /** Wall time one submission should take, in ms (default 50): keeps UIs responsive and far from watchdogs. */
  targetMs?: number;
  /** Work of the first submission, in multiply–adds (default 2²⁴); later ones grow at most 2× each. */
  initialWork?: number;
}

/** Progress callback: steps done in this call, steps requested. */
export type ProgressCallback = (done: number, total: number) => void;

type CompiledKernel = { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline };
const kernelCache = new WeakMap<GPUDevice, Map<string, Promise<CompiledKernel>>>();

/** Compiles a kernel once per device, WGSL source and workgroup size (sims of the same shape share it). */
function cachedPipeline(device: GPUDevice, label: string, code: string, wg: number, types: GPUBufferBindingType[]): Promise<CompiledKernel> {
  let cache = kernelCache.get(device);
  if (!cache) kernelCache.set(device, cache = new Map());
  const key = `${wg}|${types.join(',')}|${code}`;
  let entry = cache.get(key);
  if (!entry) {
    const layout = device.createBindGroupLayout({
      label: `${label}.layout`,
      entries: types.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
    });
    entry = device.createComputePipelineAsync({
      label, layout: device.createPipelineLayout({ label: `${label}.pipelineLayout`, bindGroupLayouts: [layout] }),
      compute: { module: device.createShaderModule({ label: `${label}.module`, code }), entryPoint: 'main', constants: { WG: wg } },
    }).then((pipeline) => ({ layout, pipeline }));
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

/** The relu2 ensemble on the GPU. Create with {@link Relu2Sim.create}; free with {@link destroy}. */
export class Relu2Sim implements ModelBackend<Relu2NetworkMetrics> {
  /** The GPU (float32) backend. */
  readonly kind = 'gpu' as const;
  /** GD steps advanced since θ₀ (all networks in lockstep; frozen ones stop at their own count). */
  stepCount = 0;
  /** Current GD steps per submission (adapted to {@link Relu2SimOptions.targetMs}). */
  stepsPerDispatch: number;
  /** Current network·(i, j) Gram pairs per metrics submission (adapted to targetMs like stepsPerDispatch). */
  pairsPerDispatch: number;
  /** Metrics submissions of the last {@link readMetrics} (a kernel-distance pass split in row ranges). */
  metricsDispatches = 0;
  private readonly buffers: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly comp: GPUBuffer;
  private readonly status: GPUBuffer;
  private readonly metrics: GPUBuffer;
  private readonly stepUniforms: GPUBuffer;
  private readonly metricsUniforms: GPUBuffer;
  private stepBindGroup!: GPUBindGroup;
  private metricsBindGroup!: GPUBindGroup;
  private stepPipeline!: GPUComputePipeline;
  private metricsPipeline!: GPUComputePipeline;
  private readonly targetMs: number;
  private readonly threadShape: { kc?: number; sb?: number };
  /** True when the tiled step kernel runs its subgroup path (Relu2SimOptions.subgroups). */
  readonly subgroups: boolean;

  private constructor(private readonly ctx: GpuContext, readonly spec: Relu2SimSpec, readonly sizes: Relu2Sizes, chunk: Relu2SimOptions) {
    const { device } = ctx;
    const { networks: N, m, d, n, nTest, shape, pStride, dStride, tiles } = sizes;
    const { dp } = shape;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (label: string, size: number, data?: ArrayBufferView) => {
      const b = createBuffer(device, `Relu2.${label}`, S, size, data);
      this.buffers.push(b);
      return b;
    };
    const theta = new Float32Array(N * pStride);
    spec.networks.forEach(({ init }, q) => {
      const o = q * pStride;
      for (let k = 0; k < m; k++) {
        theta[o + k] = init.a[k];
        for (let j = 0; j < d; j++) theta[o + m + j * m + k] = init.W[k * d + j];
      }
    });
    const data = new Float32Array(sizes.datasets * dStride);
    const testOffset = n * dp + Math.ceil(n / 4) * 4;
    spec.datasets.forEach((s, si) => {
      const o = si * dStride;
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[o + i * dp + j] = s.X[i * d + j];
      data.set(s.y, o + n * dp);
      for (let i = 0; i < nTest; i++) for (let j = 0; j < d; j++) data[o + testOffset + i * dp + j] = s.Xtest![i * d + j];
      if (nTest > 0) data.set(s.ytest!, o + testOffset + nTest * dp);
    });
    const nets = new ArrayBuffer(16 * N);
    const netsU = new Uint32Array(nets), netsF = new Float32Array(nets);
    spec.networks.forEach((net, q) => { netsU[4 * q] = net.dataIndex * dStride; netsF[4 * q + 1] = net.eta; });

    this.params = buf('params', sizes.bytes.params, theta);
    this.comp = buf('comp', sizes.bytes.comp);
    const params0 = buf('params0', sizes.bytes.params, theta);
    const dataBuf = buf('data', sizes.bytes.data, data);
    const netsBuf = buf('nets', sizes.bytes.nets, new Uint8Array(nets));
    this.status = buf('status', sizes.bytes.status);
    const grad = buf('grad', sizes.bytes.grad);
    const act = buf('act', sizes.bytes.act);
    this.metrics = buf('metrics', sizes.bytes.metrics);
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const uniforms = (steps: number) => packStruct(RELU2_UNIFORMS, {
      n, nTest, nets: N, steps, tiles, pStride, testOffset,
      slope: spec.slope ?? 0, bound: Math.min(spec.bound ?? DEFAULT_BOUND, 3e38), netOffset: 0, chunk: sizes.metricsChunk,
      rowStart: 0, rowEnd: n,
    });
    this.stepUniforms = createBuffer(device, 'Relu2.stepUniforms', U, RELU2_UNIFORMS.size, uniforms(0));
    this.metricsUniforms = createBuffer(device, 'Relu2.metricsUniforms', U, RELU2_UNIFORMS.size, uniforms(0));
    this.buffers.push(this.stepUniforms, this.metricsUniforms);
    this.stepBuffers = [this.stepUniforms, this.params, dataBuf, netsBuf, this.status, this.comp, grad];
    if (sizes.kernel === 'thread') this.stepBuffers.push(act);
    this.metricsBuffers = [this.metricsUniforms, this.params, params0, dataBuf, netsBuf, this.metrics];
    if (sizes.metricsKernel === 'thread') this.metricsBuffers.push(buf('feat', sizes.bytes.feat), buf('partial', 48 * sizes.metricsChunk));
    else this.metricsBuffers.push(buf('partial', 16 * N));
    this.targetMs = chunk.targetMs ?? 50;
    this.threadShape = chunk.threadShape ?? {};
    this.subgroups = sizes.kernel === 'tiled' && (chunk.subgroups ?? device.features.has('subgroups'));
    this.stepsPerDispatch = Math.max(1, Math.floor((chunk.initialWork ?? 2 ** 24) / this.workPerStep));
    this.pairsPerDispatch = Math.max(1, (chunk.initialWork ?? 2 ** 24) / this.workPerPair);
  }

  private readonly stepBuffers: GPUBuffer[];
  private readonly metricsBuffers: GPUBuffer[];

  /**
   * Validates the spec, uploads data and θ₀, and compiles the step kernel (options.kernel) and the
   * metrics kernel for its (m, d, n).
   * @throws Error when options.subgroups is true and the device lacks the `subgroups` feature.
   * @throws DeviceLimitError / Error as {@link validateRelu2Spec}; Error when a kernel fails to compile
   *   or a resource fails validation (the buffers are freed first).
   */
  static async create(ctx: GpuContext, spec: Relu2SimSpec, options: Relu2SimOptions = {}): Promise<Relu2Sim> {
    const kernel = options.kernel ?? relu2KernelOverride() ?? defaultRelu2Kernel(ctx.isSoftware);
    if (options.subgroups && !ctx.device.features.has('subgroups')) throw new Error('Relu2Sim: subgroups = true, but this device has no `subgroups` feature');
    const sizes = validateRelu2Spec(spec, ctx.limits, kernel, options.metricsKernel ?? defaultMetricsKernel(kernel));
    const { kc, sb } = options.threadShape ?? {};
    if (kc !== undefined && !(Number.isInteger(kc) && kc >= 1 && kc <= 32)) throw new Error(`Relu2Sim: threadShape.kc must be an integer in 1..32 (got ${kc})`);
    if (sb !== undefined && !(Number.isInteger(sb) && sb >= 1 && sb <= 8)) throw new Error(`Relu2Sim: threadShape.sb must be an integer in 1..8 (got ${sb})`);
    if (kernel === 'thread' && kc !== undefined) { // the act scratch holds one word of activation bits per chunk and sample
      sizes.bytes.act = 4 * sizes.networks * sizes.n * (1 + Math.ceil(sizes.m / kc));
      checkBindingSize(ctx.limits, sizes.bytes.act, `the act buffer of ${sizes.networks} networks with ${kc} units per chunk`);
    }
    const sim = new Relu2Sim(ctx, spec, sizes, options);
    try {
      await sim.compile();
    } catch (e) {
      sim.destroy();
      throw e;
    }
    return sim;
  }

  private async compile(): Promise<void> {
    const { device } = this.ctx;
    const { shape } = this.sizes;
    const make = async (label: string, code: string, wg: number, buffers: GPUBuffer[], types: GPUBufferBindingType[]) => {
      const { layout, pipeline } = await cachedPipeline(device, label, code, wg, types);
      const bindGroup = device.createBindGroup({
        label: `${label}.bindGroup`, layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      return { pipeline, bindGroup };
    };
    device.pushErrorScope('validation');
    const rw = 'storage', ro = 'read-only-storage';
    const stepTypes: GPUBufferBindingType[] = ['uniform', rw, ro, ro, rw, rw, rw];
    const { kernel, tiledShape } = this.sizes;
    const step = kernel === 'tiled' ? await make('Relu2.stepTiled', relu2StepTiledShader(tiledShape, { subgroups: this.subgroups }), tiledShape.wg, this.stepBuffers, stepTypes)
      : kernel === 'thread' ? await make('Relu2.stepThread', relu2StepThreadShader({ ...threadKernelShape(shape.m, shape.d), ...this.threadShape }),
        THREAD_KERNEL_WORKGROUP_SIZE, this.stepBuffers, [...stepTypes, rw])
      : await make('Relu2.step', relu2StepShader(shape), shape.wg, this.stepBuffers, stepTypes);
    const metrics = this.sizes.metricsKernel === 'thread'
      ? await make('Relu2.metricsThread', relu2MetricsThreadShader({ m: shape.m, dp: shape.dp }), THREAD_KERNEL_WORKGROUP_SIZE,
        this.metricsBuffers, ['uniform', ro, ro, ro, ro, rw, rw, rw])
      : await make('Relu2.metrics', relu2MetricsShader({ m: shape.m, dp: shape.dp }), METRICS_WORKGROUP_SIZE,
        this.metricsBuffers, ['uniform', ro, ro, ro, ro, rw, rw]);
    const error = await device.popErrorScope();
    if (error) throw new Error(`Relu2Sim: creating the kernels failed: ${error.message}`);
    this.stepPipeline = step.pipeline;
    this.stepBindGroup = step.bindGroup;
    this.metricsPipeline = metrics.pipeline;
    this.metricsBindGroup = metrics.bindGroup;
  }

  /** Number of networks. */
  get count(): number { return this.sizes.networks; }

  /** Multiply–adds of one GD step of all networks (forward + backward, 2·N·m·n·dp). */
  get workPerStep(): number {
    const { networks, m, n, shape } = this.sizes;
    return 2 * networks * m * n * shape.dp;
  }

  /** Multiply–adds of one Gram pair (i, j) of one network in the kernel-distance pass (4m feature products + x_iᵀx_j). */
  get workPerPair(): number { return 4 * this.sizes.m + this.sizes.shape.dp; }

  private submit(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, label: string, workgroups = this.sizes.networks): void {
    const { device, limits } = this.ctx;
    const encoder = device.createCommandEncoder({ label });
    const pass = encoder.beginComputePass({ label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const [x, y] = dispatchSize(limits, workgroups);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }

  /**
   * Advances every non-frozen network by `steps` GD steps. Work goes out in submissions of
   * {@link stepsPerDispatch} steps, adapted so each takes about `targetMs`; between submissions the
   * promise yields, `onProgress(done, steps)` is called and `signal` is checked. The state stays on the
   * GPU, so an aborted or finished call can be followed by another (resume).
   * @throws the signal's reason when aborted (steps completed so far are kept and counted in stepCount).
   * @throws Error when steps is not an integer ≥ 0.
   */
  async advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void> {
    if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`Relu2Sim.advance: steps must be an integer ≥ 0 (got ${steps})`);
    const { device } = this.ctx;
    for (let done = 0; done < steps;) {
      signal?.throwIfAborted();
      const chunk = Math.min(this.stepsPerDispatch, steps - done);
      device.queue.writeBuffer(this.stepUniforms, RELU2_UNIFORMS.offsets.steps, new Uint32Array([chunk]));
      const t0 = performance.now();
      this.submit(this.stepPipeline, this.stepBindGroup, 'Relu2.advance', this.sizes.stepWorkgroups);
      await device.queue.onSubmittedWorkDone();
      const ms = Math.max(performance.now() - t0, 0.05);
      done += chunk;
      this.stepCount += chunk;
      if (chunk === this.stepsPerDispatch) {
        this.stepsPerDispatch = Math.max(1, Math.min(2 * chunk, Math.round((chunk * this.targetMs) / ms)));
      }
      onProgress?.(done, steps);
    }
  }

  /**
   * Runs the metrics kernel and reads one {@link Relu2NetworkMetrics} per network, in spec order. The O(n²)
   * kernel-distance pass goes out in row ranges of about {@link pairsPerDispatch} network·pairs (adapted so a
   * submission takes about targetMs); between submissions the promise yields and `signal` is checked.
   * @throws the signal's reason when aborted (nothing is read; a later call redoes the whole pass).
   */
  async readMetrics(signal?: AbortSignal): Promise<Relu2NetworkMetrics[]> {
    const { metricsKernel, metricsChunk, networks, n } = this.sizes;
    const { device } = this.ctx;
    signal?.throwIfAborted();
    const thread = metricsKernel === 'thread';
    const span = thread ? metricsChunk : networks; // networks per submission (thread: one chunk of the feat scratch)
    this.metricsDispatches = 0;
    for (let first = 0; first < networks; first += span) {
      const count = Math.min(span, networks - first);
      device.queue.writeBuffer(this.metricsUniforms, RELU2_UNIFORMS.offsets.netOffset, new Uint32Array([first]));
      let row = 0;
      do {
        const end = metricsRowEnd(row, n, Math.max(1, this.pairsPerDispatch / count), thread ? 4 : KERNEL_TILE);
        device.queue.writeBuffer(this.metricsUniforms, RELU2_UNIFORMS.offsets.rowStart, new Uint32Array([row, end]));
        const t0 = performance.now();
        if (thread) this.submit(this.metricsPipeline, this.metricsBindGroup, 'Relu2.metricsThread', Math.ceil(count / THREAD_KERNEL_WORKGROUP_SIZE));
        else this.submit(this.metricsPipeline, this.metricsBindGroup, 'Relu2.metrics');
        this.metricsDispatches++;
        await device.queue.onSubmittedWorkDone();
        const ms = Math.max(performance.now() - t0, 0.05);
        const pairs = count * gramPairs(row, Math.min(end, n), n);
        if (end < n || pairs >= this.pairsPerDispatch) {
          this.pairsPerDispatch = Math.max(1, Math.min(2 * this.pairsPerDispatch, (pairs * this.targetMs) / ms));
        }
        signal?.throwIfAborted();
        row = end;
      } while (row < n);
    }
    const [raw, status] = await Promise.all([
      readBuffer(device, this.metrics, this.sizes.bytes.metrics), readBuffer(device, this.status, this.sizes.bytes.status),
    ]);
    const f = new Float32Array(raw), s = new Uint32Array(status);
    const I = METRIC_INDEX;
    return Array.from({ length: this.count }, (_, q) => {
      const at = (slot: number) => f[q * METRIC_WORDS + slot];
      return {
        step: this.stepCount, stepsTaken: s[2 * q + 1], diverged: (s[2 * q] & DIVERGED_FLAG) !== 0,
        trainLoss: at(I.trainLoss), testLoss: this.sizes.nTest > 0 ? at(I.testLoss) : NaN, hamming: at(I.hamming),
        paramDistance: at(I.paramDistance), kernelDistance: at(I.kernelDistance), deltaDrift: at(I.deltaDrift),
      };
    });
  }

  /**
   * Reads the current parameters of every network and its divergence flag. Values are the compensated
   * sums params − comp (layout.ts), evaluated in f64; W is m×d row-major as in Relu2Params.
   */
  async readParams(): Promise<(Relu2Params & { diverged: boolean })[]> {
    const { device } = this.ctx;
    const { m, d, pStride } = this.sizes;
    const [raw, rawComp, status] = await Promise.all([
      readBuffer(device, this.params, this.sizes.bytes.params), readBuffer(device, this.comp, this.sizes.bytes.comp),
      readBuffer(device, this.status, this.sizes.bytes.status),
    ]);
    const hi = new Float32Array(raw), lo = new Float32Array(rawComp), s = new Uint32Array(status);
    const val = (i: number) => hi[i] - lo[i];
    return Array.from({ length: this.count }, (_, q) => {
      const o = q * pStride;
      const W = new Float64Array(m * d), a = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        a[k] = val(o + k);
        for (let j = 0; j < d; j++) W[k * d + j] = val(o + m + j * m + k);
      }
      return { m, d, W, a, diverged: (s[2 * q] & DIVERGED_FLAG) !== 0 };
    });
  }

  /** Frees every GPU buffer of the sim. */
  destroy(): void { for (const b of this.buffers) b.destroy(); }
}

/** Pairs (i, j ≥ i) of an n×n Gram in rows [r0, r1). */
export function gramPairs(r0: number, r1: number, n: number): number {
  const rows = Math.max(0, r1 - r0);
  return rows * (n - r0) - (rows * (rows - 1)) / 2;
}

/**
 * End row of a metrics submission starting at row `start` (a multiple of `quantum`) with about `pairs` Gram
 * pairs per network: a multiple of `quantum` (the kernel's row block: KERNEL_TILE for the workgroup kernel, 4
 * for the thread kernel), at least one block past start, ≥ n when the pass ends there.
 */
export function metricsRowEnd(start: number, n: number, pairs: number, quantum: number): number {
  let end = start + quantum;
  while (end < n && gramPairs(start, end + quantum, n) <= pairs) end += quantum;
  return end;
}
