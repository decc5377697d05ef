/**
 * The mlp ensemble on the GPU (float32): E deep ReLU MLPs (docs/theory.md §4) trained at once — forward, loss,
 * backward, optimiser — with every kernel batched over the ensemble (shaders/mlp/), and the §4 metrics computed on
 * the GPU at checkpoints: train/test loss and accuracy, the empirical-NTK kernel distance S(0, t) on the probe set
 * (trace over outputs, §1.2), the Hamming distance of activation patterns and ‖θ_t − θ₀‖. The job: job.ts.
 * A network whose loss or gradient becomes non-finite is flagged and frozen before that step's update (its products
 * still run with the others; only its update is skipped); one whose step would take some |θ_i| above the bound is
 * frozen before that step too (the update checks every new value first, then writes). Product kernels: 'tiled' (GPUs) or 'direct' (CPU adapters,
 * 3.5× faster on SwiftShader: bench/mlp.ts), shaders/mlp/mlpMatmul.wgsl.ts.
 */
import type { ModelBackend, ProgressCallback } from '../../plugin.ts';
import type { MlpMetrics as MlpReferenceMetrics } from '../../../theory/mlpMetrics.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import { createBuffer, readBuffer } from '../../../gpu/buffers.ts';
import { MLP_BUFFERS, MLP_UNIFORM_WORDS, U_INDEX, type MlpBufferName, type MlpKernelSource } from '../../../../shaders/mlp/mlpCommon.wgsl.ts';
import {
  backwardDataKernel, forwardKernel, gradKernel, gramKernel, kernelAccumKernel, lossKernel, MLP_WG, seedKernel, tickKernel, updateKernel,
} from '../../../../shaders/mlp/mlpKernels.wgsl.ts';
import { matmulGroups, type MatmulKind } from '../../../../shaders/mlp/mlpMatmul.wgsl.ts';
import { ACCUM, ACCUM_WORDS, evalKernel, hammingKernel, kernelDistanceKernel, paramDistanceKernel } from '../../../../shaders/mlp/mlpMetrics.wgsl.ts';
import { scheduledLr, validateMlpGpuJob, type MlpGpuJob, type MlpGpuSizes } from './job.ts';

/**
 * Metrics of one network at the backend's current step (units: steps): the f64 reference's record
 * (src/theory/mlpMetrics.ts) plus the divergence state. Loss and accuracy NaN without a test set.
 */
export interface MlpMetrics extends MlpReferenceMetrics {
  /** Updates this network actually took (< step once it diverged and froze). */
  stepsTaken: number;
  diverged: boolean;
}

/** Chunking of {@link MlpGpuBackend.advance}. */
export interface MlpGpuOptions {
  /** Wall time one submission should take, in ms (default 50). */
  targetMs?: number;
  /** Multiply–adds of the first submission (default 2²⁴); later ones grow at most 2× each. */
  initialWork?: number;
  /** Product kernel: 'tiled' (workgroup tiles; default on GPUs) or 'direct' (a 4 × 4 block per thread; default on software adapters). */
  matmul?: MatmulKind;
}

type Compiled = { pipeline: GPUComputePipeline; bindGroup: GPUBindGroup };
/** Words of the plan buffer (4 schedule words per step + the minibatch rows). */
const PLAN_WORDS = 1 << 22;

/** The GPU ensemble. Create with {@link MlpGpuBackend.create}; free with {@link destroy}. */
export class MlpGpuBackend implements ModelBackend<MlpMetrics> {
  readonly kind = 'gpu' as const;
  /** Steps advanced since θ₀. */
  stepCount = 0;
  /** Steps per submission (adapted to targetMs). */
  stepsPerSubmit: number;
  private readonly buffers = new Map<MlpBufferName, GPUBuffer>();
  private readonly kernels = new Map<string, Compiled>();
  private readonly tiles = new Map<string, readonly [number, number]>();
  private readonly maxStepsPerSubmit: number;
  private readonly targetMs: number;

  private constructor(private readonly ctx: GpuContext, readonly job: MlpGpuJob, readonly sizes: MlpGpuSizes, options: MlpGpuOptions) {
    const { device } = ctx;
    const { shape, networks: E, nTrain, nTest } = sizes;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (name: MlpBufferName, size: number, data?: ArrayBufferView) => {
      this.buffers.set(name, createBuffer(device, `Mlp.${name}`, S, size, data));
    };
    const theta = new Float32Array(E * shape.pStride);
    job.networks.forEach((net, q) => theta.set(Array.from(net.params), q * shape.pStride));
    const n0 = shape.layers[0];
    const data = new Float32Array((nTrain + nTest) * (n0 + 1));
    data.set(Array.from(job.train.X), 0);
    if (job.test) data.set(Array.from(job.test.X), nTrain * n0);
    const labels = (nTrain + nTest) * n0;
    data.set(Array.from(job.train.labels), labels);
    if (job.test) data.set(Array.from(job.test.labels), labels + nTrain);
    const nets = new ArrayBuffer(16 * E);
    const netsU = new Uint32Array(nets), netsF = new Float32Array(nets);
    job.networks.forEach((net, q) => { netsU[4 * q] = net.trainSize ?? nTrain; netsF[4 * q + 1] = net.tau ?? 1; netsF[4 * q + 2] = net.lrScale ?? 1; });
    const needs1 = shape.optimizer === 'adamw' || shape.momentum > 0;
    buf('params', sizes.bytes.params, theta);
    buf('params0', sizes.bytes.params, theta);
    buf('grads', sizes.bytes.params);
    buf('opt1', needs1 ? sizes.bytes.params : 4);
    buf('opt2', shape.optimizer === 'adamw' ? sizes.bytes.params : 4);
    buf('data', sizes.bytes.data, data);
    buf('acts', sizes.bytes.acts);
    buf('dz', sizes.bytes.dz);
    buf('nets', sizes.bytes.nets, new Uint8Array(nets));
    buf('plan', 4 * PLAN_WORDS);
    buf('status', 4 * (2 + 2 * E));
    buf('kern', sizes.bytes.kern);
    buf('kern0', sizes.bytes.kern);
    buf('gram', sizes.bytes.kern);
    buf('masks0', sizes.bytes.masks0);
    buf('accum', 4 * ACCUM_WORDS * E);
    this.buffers.set('U', createBuffer(device, 'Mlp.uniforms', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 4 * MLP_UNIFORM_WORDS));
    this.labelsOffset = labels;
    const rowsPerStep = job.batchSize === 'full' ? 0 : (job.batchShared ?? true) ? sizes.batch : E * sizes.batch;
    this.maxStepsPerSubmit = Math.max(1, Math.floor(PLAN_WORDS / (4 + rowsPerStep)));
    this.targetMs = options.targetMs ?? 50;
    this.stepsPerSubmit = Math.max(1, Math.min(this.maxStepsPerSubmit, Math.floor((options.initialWork ?? 2 ** 24) / this.workPerStep)));
  }

  private readonly labelsOffset: number;

  /**
   * Validates the job (job.ts validateMlpGpuJob), uploads data and θ₀, compiles the kernels and records θ₀'s probe
   * kernel K₀ and activation patterns.
   * @throws Error naming the job field, DeviceLimitError naming the limit (nothing allocated then); Error when a
   *   kernel fails to compile (the buffers are freed first).
   */
  static async create(ctx: GpuContext, job: MlpGpuJob, options: MlpGpuOptions = {}): Promise<MlpGpuBackend> {
    const sizes = validateMlpGpuJob(job, ctx.limits, options.matmul ?? (ctx.isSoftware ? 'direct' : 'tiled'));
    const backend = new MlpGpuBackend(ctx, job, sizes, options);
    try {
      await backend.compile();
      await backend.probePass(true);
      const encoder = ctx.device.createCommandEncoder({ label: 'Mlp.kern0' });
      encoder.copyBufferToBuffer(backend.buf('kern'), 0, backend.buf('kern0'), 0, sizes.bytes.kern);
      ctx.device.queue.submit([encoder.finish()]);
    } catch (e) {
      backend.destroy();
      throw e;
    }
    return backend;
  }

  /** Networks in the ensemble. */
  get count(): number { return this.sizes.networks; }

  /** Multiply–adds of one training step of all networks: 3·B·Σ n_{l−1}n_l per network (forward, ∂A, ∇W). */
  get workPerStep(): number {
    const { layers } = this.sizes.shape;
    let macs = 0;
    for (let l = 1; l < layers.length; l++) macs += layers[l - 1] * layers[l];
    return 3 * this.sizes.batch * macs * this.sizes.networks;
  }

  private buf(name: MlpBufferName): GPUBuffer {
    return this.buffers.get(name === 'paramsRO' ? 'params' : name === 'statusRO' ? 'status' : name)!;
  }

  private async compile(): Promise<void> {
    const { shape } = this.sizes;
    const L = shape.layers.length - 1;
    const sources: MlpKernelSource[] = [lossKernel(shape), updateKernel(shape, 'check'), updateKernel(shape, 'apply'), tickKernel(), seedKernel(shape), evalKernel(shape),
      hammingKernel(shape), paramDistanceKernel(shape), kernelDistanceKernel()];
    for (let l = 1; l <= L; l++) {
      sources.push(forwardKernel(shape, l), gradKernel(shape, l), gramKernel(shape, l), kernelAccumKernel(shape, l));
      if (l > 1) sources.push(backwardDataKernel(shape, l));
    }
    const { device } = this.ctx;
    device.pushErrorScope('validation');
    await Promise.all(sources.map(async (src) => {
      const layout = device.createBindGroupLayout({
        label: `${src.label}.layout`,
        entries: src.uses.map((name, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: MLP_BUFFERS[name].kind } })),
      });
      const pipeline = await device.createComputePipelineAsync({
        label: src.label, layout: device.createPipelineLayout({ label: `${src.label}.pipelineLayout`, bindGroupLayouts: [layout] }),
        compute: { module: device.createShaderModule({ label: `${src.label}.module`, code: src.code }), entryPoint: 'main' },
      });
      const bindGroup = device.createBindGroup({
        label: `${src.label}.bindGroup`, layout, entries: src.uses.map((name, binding) => ({ binding, resource: { buffer: this.buf(name) } })),
      });
      this.kernels.set(src.label, { pipeline, bindGroup });
      if (src.tile) this.tiles.set(src.label, src.tile);
    }));
    const error = await device.popErrorScope();
    if (error) throw new Error(`MlpGpuBackend: creating the kernels failed: ${error.message}`);
  }

  private dispatch(pass: GPUComputePassEncoder, label: string, x: number, y = this.sizes.networks): void {
    const k = this.kernels.get(label);
    if (!k) throw new Error(`MlpGpuBackend: no kernel ${label}`);
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, k.bindGroup);
    pass.dispatchWorkgroups(Math.max(1, x), y);
  }

  /** Dispatches the product `label` of M = m rows, N = n columns for every network. */
  private matmul(pass: GPUComputePassEncoder, label: string, m: number, n: number): void {
    const [tm, tn] = this.tiles.get(label)!;
    const [x, y] = matmulGroups(m, n, { tm, tn }, this.sizes.networks, this.sizes.shape.matmul);
    this.dispatch(pass, label, x, y);
  }

  private writeUniforms(values: Partial<Record<keyof typeof U_INDEX, number>>): void {
    const { sizes } = this;
    const words = new Uint32Array(MLP_UNIFORM_WORDS);
    const opt = this.job.optimizer;
    const wd = new Float32Array([opt.name === 'adamw' ? opt.weightDecay : 0]);
    const base = {
      nets: sizes.networks, rows: sizes.batch, rowStart: 0, testSet: 0, testX: sizes.nTrain * sizes.shape.layers[0], labels: this.labelsOffset,
      nTrain: sizes.nTrain, idxOffset: 0, batchMode: 0, nTest: sizes.nTest, probe: sizes.shape.probe, output: 0, layer: 0,
      wdBits: new Uint32Array(wd.buffer)[0], ...values,
    };
    for (const [key, index] of Object.entries(U_INDEX)) words[index] = base[key as keyof typeof U_INDEX];
    this.ctx.device.queue.writeBuffer(this.buf('U'), 0, words);
  }

  /** Forward products of all layers over `rows` rows (uniforms already written). */
  private encodeForward(pass: GPUComputePassEncoder, rows: number): void {
    const { layers } = this.sizes.shape;
    for (let l = 1; l < layers.length; l++) this.matmul(pass, `Mlp.forward${l}`, rows, layers[l]);
  }

  /** Writes the plan (schedule words and minibatch rows) of steps [stepCount, stepCount + count). */
  private writePlan(count: number): number {
    const { job, sizes } = this;
    const opt = job.optimizer;
    const idxOffset = 4 * count;
    let rows: Uint32Array | undefined;
    if (job.batchSize !== 'full') {
      const shared = job.batchShared ?? true;
      const per = shared ? sizes.batch : sizes.networks * sizes.batch;
      rows = job.batches!(this.stepCount, count);
      if (!(rows instanceof Uint32Array) || rows.length !== count * per) {
        throw new Error(`job.batches(${this.stepCount}, ${count}) must return a Uint32Array of ${count * per} rows, got ${rows?.length}`);
      }
      const sizesOf = job.networks.map((n) => n.trainSize ?? sizes.nTrain);
      const minSize = Math.min(...sizesOf);
      for (let i = 0; i < rows.length; i++) {
        const e = shared ? -1 : Math.floor(i / sizes.batch) % sizes.networks;
        const limit = e < 0 ? minSize : sizesOf[e];
        if (rows[i] >= limit) throw new Error(`job.batches(${this.stepCount}, ${count})[${i}] = ${rows[i]} is not a training row of ${e < 0 ? 'every network' : `network ${e}`} (< ${limit})`);
      }
    }
    const plan = new ArrayBuffer(4 * (idxOffset + (rows?.length ?? 0)));
    const f = new Float32Array(plan), w = new Uint32Array(plan);
    const [b1, b2] = opt.name === 'adamw' ? opt.betas : [0, 0];
    for (let s = 0; s < count; s++) {
      const t = this.stepCount + s;
      f[4 * s] = scheduledLr(opt, t, job.totalSteps);
      f[4 * s + 1] = 1 - b1 ** (t + 1);
      f[4 * s + 2] = 1 - b2 ** (t + 1);
      w[4 * s + 3] = t === 0 ? 1 : 0;
    }
    if (rows) w.set(rows, idxOffset);
    this.ctx.device.queue.writeBuffer(this.buf('plan'), 0, plan);
    return idxOffset;
  }

  /**
   * Advances every non-frozen network by `steps` steps, in submissions of {@link stepsPerSubmit} steps adapted to
   * targetMs; between submissions the promise yields, `onProgress(done, steps)` is called and `signal` checked.
   * @throws the signal's reason when aborted (completed steps are kept); Error when steps is not an integer ≥ 0,
   *   or job.batches returns a bad row set.
   */
  async advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void> {
    if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`MlpGpuBackend.advance: steps must be an integer ≥ 0 (got ${steps})`);
    const { device } = this.ctx;
    const { shape, batch } = this.sizes;
    const L = shape.layers.length - 1;
    const batchMode = this.job.batchSize === 'full' ? 0 : (this.job.batchShared ?? true) ? 1 : 2;
    for (let done = 0; done < steps;) {
      signal?.throwIfAborted();
      const chunk = Math.min(this.stepsPerSubmit, steps - done);
      const idxOffset = this.writePlan(chunk);
      this.writeUniforms({ rows: batch, batchMode, idxOffset });
      device.queue.writeBuffer(this.buf('status'), 0, new Uint32Array([0]));
      const t0 = performance.now();
      const encoder = device.createCommandEncoder({ label: 'Mlp.advance' });
      const pass = encoder.beginComputePass({ label: 'Mlp.advance' });
      for (let s = 0; s < chunk; s++) {
        this.encodeForward(pass, batch);
        this.dispatch(pass, 'Mlp.loss', Math.ceil(batch / MLP_WG));
        for (let l = L; l >= 1; l--) {
          this.matmul(pass, `Mlp.grad${l}`, shape.layers[l], shape.layers[l - 1] + (shape.bias ? 1 : 0));
          if (l > 1) this.matmul(pass, `Mlp.backward${l}`, batch, shape.layers[l - 1]);
        }
        this.dispatch(pass, 'Mlp.updateCheck', Math.ceil(shape.paramCount / MLP_WG));
        this.dispatch(pass, 'Mlp.update', Math.ceil(shape.paramCount / MLP_WG));
        this.dispatch(pass, 'Mlp.tick', 1, 1);
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      const ms = Math.max(performance.now() - t0, 0.05);
      done += chunk;
      this.stepCount += chunk;
      if (chunk === this.stepsPerSubmit) {
        this.stepsPerSubmit = Math.max(1, Math.min(2 * chunk, this.maxStepsPerSubmit, Math.round((chunk * this.targetMs) / ms)));
      }
      onProgress?.(done, steps);
    }
  }

  /** Forward on the probe rows, Hamming (init: record θ₀'s patterns) and the NTK K on the probe set into `kern`. */
  private async probePass(init: boolean, signal?: AbortSignal): Promise<void> {
    const { device } = this.ctx;
    const { shape } = this.sizes;
    const L = shape.layers.length - 1, P = shape.probe, C = shape.layers[L];
    const submit = (fill: (pass: GPUComputePassEncoder) => void, clear = false) => {
      const encoder = device.createCommandEncoder({ label: 'Mlp.probe' });
      if (clear) encoder.clearBuffer(this.buf('kern'));
      const pass = encoder.beginComputePass({ label: 'Mlp.probe' });
      fill(pass);
      pass.end();
      device.queue.submit([encoder.finish()]);
    };
    this.writeUniforms({ rows: P, batchMode: 3, layer: init ? 1 : 0 });
    submit((pass) => { this.encodeForward(pass, P); this.dispatch(pass, 'Mlp.hamming', 1); }, true);
    for (let l = 1; l <= L; l++) {
      for (let o = 0; o < C; o++) {
        this.writeUniforms({ rows: P, batchMode: 3, output: o, layer: l });
        submit((pass) => {
          if (o === 0) this.matmul(pass, `Mlp.gram${l}`, P, P);
          this.dispatch(pass, 'Mlp.seed', Math.ceil((P * C) / MLP_WG));
          for (let k = L; k > l; k--) this.matmul(pass, `Mlp.backward${k}`, P, shape.layers[k - 1]);
          this.matmul(pass, `Mlp.ntk${l}`, P, P);
        });
      }
      await device.queue.onSubmittedWorkDone();
      signal?.throwIfAborted();
    }
  }

  /**
   * The metrics of every network now, in job order (units: steps). Train loss and accuracy over each network's
   * training set, test over the test set (NaN without one), S(0, t), Hamming and ‖θ_t − θ₀‖ on the GPU.
   * @throws the signal's reason when aborted between passes (the state is kept).
   */
  async readMetrics(signal?: AbortSignal): Promise<MlpMetrics[]> {
    const { device } = this.ctx;
    const { nTrain, nTest, evalRows, networks: E } = this.sizes;
    signal?.throwIfAborted();
    const clear = device.createCommandEncoder({ label: 'Mlp.metrics.clear' });
    clear.clearBuffer(this.buf('accum'));
    device.queue.submit([clear.finish()]);
    const maxTrain = Math.max(...this.job.networks.map((n) => n.trainSize ?? nTrain));
    for (const [testSet, n] of [[0, maxTrain], [1, nTest]]) {
      for (let rowStart = 0; rowStart < n; rowStart += evalRows) {
        const rows = Math.min(evalRows, n - rowStart);
        this.writeUniforms({ rows, rowStart, testSet, batchMode: 3 });
        const encoder = device.createCommandEncoder({ label: 'Mlp.metrics.eval' });
        const pass = encoder.beginComputePass({ label: 'Mlp.metrics.eval' });
        this.encodeForward(pass, rows);
        this.dispatch(pass, 'Mlp.eval', 1);
        pass.end();
        device.queue.submit([encoder.finish()]);
      }
      await device.queue.onSubmittedWorkDone();
      signal?.throwIfAborted();
    }
    await this.probePass(false, signal);
    const encoder = device.createCommandEncoder({ label: 'Mlp.metrics.reduce' });
    const pass = encoder.beginComputePass({ label: 'Mlp.metrics.reduce' });
    this.dispatch(pass, 'Mlp.paramDistance', 1);
    this.dispatch(pass, 'Mlp.kernelDistance', 1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [raw, rawStatus] = await Promise.all([readBuffer(device, this.buf('accum'), 4 * ACCUM_WORDS * E), readBuffer(device, this.buf('status'), 4 * (2 + 2 * E))]);
    const a = new Float32Array(raw), s = new Uint32Array(rawStatus);
    return this.job.networks.map((net, e) => {
      const at = (k: number) => a[e * ACCUM_WORDS + k];
      const size = net.trainSize ?? nTrain;
      return {
        step: this.stepCount, stepsTaken: s[3 + 2 * e], diverged: (s[2 + 2 * e] & 1) !== 0,
        trainLoss: at(ACCUM.trainLoss) / size, trainAccuracy: at(ACCUM.trainCorrect) / size,
        testLoss: nTest > 0 ? at(ACCUM.testLoss) / nTest : NaN, testAccuracy: nTest > 0 ? at(ACCUM.testCorrect) / nTest : NaN,
        kernelDistance: at(ACCUM.kernelDistance), hamming: at(ACCUM.hamming), paramDistance: at(ACCUM.paramDistance),
      };
    });
  }

  /** Current parameters of every network (job layout, as f64) with its divergence flag and updates taken. */
  async readParams(): Promise<{ params: Float64Array; diverged: boolean; stepsTaken: number }[]> {
    const { device } = this.ctx;
    const { shape, networks: E } = this.sizes;
    const [raw, rawStatus] = await Promise.all([readBuffer(device, this.buf('params'), this.sizes.bytes.params), readBuffer(device, this.buf('status'), 4 * (2 + 2 * E))]);
    const p = new Float32Array(raw), s = new Uint32Array(rawStatus);
    return Array.from({ length: E }, (_, e) => ({
      params: Float64Array.from(p.subarray(e * shape.pStride, e * shape.pStride + shape.paramCount)),
      diverged: (s[2 + 2 * e] & 1) !== 0, stepsTaken: s[3 + 2 * e],
    }));
  }

  /** Frees every GPU buffer. */
  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }
}
