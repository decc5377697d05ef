/**
 * The theory error field (issue 3): for GD, RK4 or beta-flow runs on XX = σ²I data, the distance of every
 * trajectory from the closed form (docs/theory.md §1.3) at the same time t, per trajectory and summarised.
 * For GD this is the visible gap between gradient descent and gradient flow, which grows with η.
 */
import type { GpuContext } from '../../gpu/device.ts';
import { bindBuffers, computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import { singleNeuronTheoryErrorShader } from '../../../shaders/singleNeuron/singleNeuronTheoryError.wgsl.ts';
import { ExactEvaluator } from './exact.ts';
import { ERROR_PARAMS, WORKGROUP_SIZE } from './layout.ts';
import { decodeLogHistogram, LOG_HISTOGRAM_WORDS } from '../../gpu/logHistogram.ts';
import type { SingleNeuronSim } from './sim.ts';

/** Summary of the error field: max and median of max_c |simulated_c − exact_c| over non-diverged trajectories. */
export interface TheoryErrorSummary {
  max: number;
  /** Median, resolved to the histogram bin (0.1 decade wide): the bin's geometric centre. */
  median: number;
  /** 99th percentile, resolved like the median. */
  p99: number;
  /** Trajectories skipped because they diverged. */
  diverged: number;
  /** Time t at which the error was measured. */
  time: number;
}

/** Computes the error field of one sim. */
export class TheoryErrorPass {
  /** f32 × n: max_c |simulated − exact| per trajectory, −1 for diverged ones. */
  readonly errors: GPUBuffer;
  private readonly exactState: GPUBuffer;
  private readonly reduction: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly exact: ExactEvaluator;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;

  /** @throws Error('no closed form for this data: …') when XX is not a multiple of the identity. */
  constructor(private readonly ctx: GpuContext, private readonly sim: SingleNeuronSim) {
    const { device } = ctx;
    const { n, d } = sim;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.exact = new ExactEvaluator(ctx, sim.ensemble, { initial: sim.initial, info: sim.info });
    this.exactState = createBuffer(device, 'TheoryError.exactState', S, 4 * (d + 1) * n);
    this.errors = createBuffer(device, 'TheoryError.errors', S, 4 * n);
    this.reduction = createBuffer(device, 'TheoryError.reduction', S, 4 * LOG_HISTOGRAM_WORDS);
    this.params = createBuffer(device, 'TheoryError.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, ERROR_PARAMS.size,
      packStruct(ERROR_PARAMS, { n }));
    this.pipeline = computePipeline(device, 'TheoryError.pipeline', singleNeuronTheoryErrorShader({ d }), 'auto', WORKGROUP_SIZE);
    this.bindGroup = bindBuffers(device, 'TheoryError.bindGroup', this.pipeline,
      [this.params, sim.state, this.exactState, sim.flags, this.errors, this.reduction]);
  }

  /** Queues the exact evaluation at the sim's current time and the error reduction. */
  run(): void {
    this.exact.evaluate(this.sim.time, this.exactState);
    this.ctx.device.queue.writeBuffer(this.reduction, 0, new Uint32Array(LOG_HISTOGRAM_WORDS));
    submitDispatch(this.ctx, 'TheoryError.pass', this.pipeline, this.bindGroup, this.sim.n, WORKGROUP_SIZE);
  }

  /** Runs the pass and reads the summary back (a few hundred bytes). */
  async summary(): Promise<TheoryErrorSummary> {
    const time = this.sim.time;
    this.run();
    const { max, median, p99, skipped } = decodeLogHistogram(
      new Uint32Array(await readBuffer(this.ctx.device, this.reduction, 4 * LOG_HISTOGRAM_WORDS)));
    return { max, median, p99, diverged: skipped, time };
  }

  /** Reads the per-trajectory errors (n floats; −1 = diverged). */
  async read(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.ctx.device, this.errors, 4 * this.sim.n));
  }

  destroy(): void {
    for (const b of [this.exactState, this.errors, this.reduction, this.params]) b.destroy();
    this.exact.destroy();
  }
}
