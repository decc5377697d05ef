/**
 * Implicit bias on low-rank data (docs/theory.md §1.5, paper Fig. 4b): for singular XX the flow converges to
 * one of many interpolants, β∞ = β_ols + a∞ w_null, set by δ and the null-space part of w₀. This pass
 * predicts β∞ for every trajectory on the GPU and measures ‖β_t − β∞‖.
 */
import type { GpuContext } from '../../gpu/device.ts';
import { bindBuffers, computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { decodeLogHistogram, LOG_HISTOGRAM_WORDS, type LogHistogramSummary } from '../../gpu/logHistogram.ts';
import { packStruct } from '../../gpu/struct.ts';
import { singleNeuronLimitShader } from '../../../shaders/singleNeuron/singleNeuronLimit.wgsl.ts';
import { nullSpaceProjector, symmetricEigen, type Matrix } from '../../theory/index.ts';
import { LIMIT_PARAMS, WORKGROUP_SIZE } from './layout.ts';
import type { SingleNeuronSim } from './sim.ts';

/**
 * Relative eigenvalue tolerance below which XX counts as singular: the default relTol of
 * nullSpaceProjector / pseudoInverseSolve, so "singular" and the null space β∞ projects onto agree.
 */
export const SINGULAR_REL_TOL = 1e-10;

/**
 * Whether XX (d×d symmetric PSD) is rank-deficient: its smallest eigenvalue (symmetricEigen) is
 * ≤ {@link SINGULAR_REL_TOL} · its largest |eigenvalue| (XX = 0 is singular). Only then does the limit
 * depend on the initialisation (docs/theory.md §1.5): the app adds the implicit-bias pass and the CLI's
 * output carries `predictedLimit`.
 */
export function isSingular(XX: Matrix): boolean {
  const { values } = symmetricEigen(XX);
  const maxAbs = Math.max(0, ...values.map(Math.abs));
  return values[0] <= SINGULAR_REL_TOL * maxAbs;
}

/** Predicted limits of one sim: `limit` holds β∞ (f32, d × n SoA: component j of trajectory i at j·n + i). */
export class ImplicitBiasPass {
  readonly limit: GPUBuffer;
  private readonly reduction: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;

  constructor(private readonly ctx: GpuContext, private readonly sim: SingleNeuronSim) {
    const { device } = ctx;
    const { n, d, data, rates, betaOls } = sim.ensemble;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.limit = createBuffer(device, 'ImplicitBias.limit', S, 4 * d * n);
    this.reduction = createBuffer(device, 'ImplicitBias.reduction', S, 4 * LOG_HISTOGRAM_WORDS);
    const params = createBuffer(device, 'ImplicitBias.params', GPUBufferUsage.UNIFORM, LIMIT_PARAMS.size, packStruct(LIMIT_PARAMS, {
      n, etaA: rates.a, etaW: rates.w, k: Math.sqrt(rates.a * rates.w), betaOls,
      proj: nullSpaceProjector(data.XX, SINGULAR_REL_TOL).flat(),
    }));
    this.pipeline = computePipeline(device, 'ImplicitBias.pipeline', singleNeuronLimitShader({ d }), 'auto', WORKGROUP_SIZE);
    this.bindGroup = bindBuffers(device, 'ImplicitBias.bindGroup', this.pipeline,
      [params, sim.state, sim.initial, sim.info, sim.flags, this.limit, this.reduction]);
  }

  /** Queues the prediction at the sim's current state. */
  run(): void {
    this.ctx.device.queue.writeBuffer(this.reduction, 0, new Uint32Array(LOG_HISTOGRAM_WORDS));
    submitDispatch(this.ctx, 'ImplicitBias.pass', this.pipeline, this.bindGroup, this.sim.n, WORKGROUP_SIZE);
  }

  /** Runs the pass; returns max and median of ‖β_t − β∞‖ over non-diverged trajectories. */
  async distanceSummary(): Promise<LogHistogramSummary> {
    this.run();
    return decodeLogHistogram(new Uint32Array(await readBuffer(this.ctx.device, this.reduction, 4 * LOG_HISTOGRAM_WORDS)));
  }

  /** Reads β∞ back (d × n SoA). */
  async readLimits(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.ctx.device, this.limit, 4 * this.sim.d * this.sim.n));
  }

  destroy(): void {
    this.limit.destroy();
    this.reduction.destroy();
  }
}
