/**
 * Per-trajectory observables on the GPU (docs/theory.md §1.2): ν, μ, excess loss, kernel distance S(t), max S
 * and the time to reach excess loss < ε. Layout: OBSERVABLE_ROWS in layout.ts.
 */
import type { GpuContext } from '../../gpu/device.ts';
import { bindBuffers, computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import { singleNeuronObservablesShader } from '../../../shaders/singleNeuron/singleNeuronObservables.wgsl.ts';
import { matMul, trace } from '../../theory/index.ts';
import { OBSERVABLE_PARAMS, OBSERVABLE_ROWS, OBSERVABLES, WORKGROUP_SIZE } from './layout.ts';
import type { SingleNeuronSim } from './sim.ts';

/** Default S threshold for t_S, the time the kernel has visibly moved (see src/models/singleNeuron/regimes.ts). */
export const DEFAULT_KERNEL_THRESHOLD = 0.1;

/** Observables of every trajectory: one Float32Array of length n per row. */
export type ObservableTable = Record<(typeof OBSERVABLE_ROWS)[number], Float32Array>;

/** Computes and keeps the observables of one sim. Running maxima and t_ε accumulate across {@link run} calls. */
export class ObservablesPass {
  /** f32, OBSERVABLES × n (SoA). */
  readonly buffer: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly constants: { xx: Float64Array; xx2: Float64Array; trXX2: number };

  /**
   * Compiles the kernel for the sim's d and allocates its OBSERVABLES × n buffer (t_ε and t_S start at −1).
   * @param options.unroll tests only: force the unrolled (true) or looped (false) kernel; default by d
   *   (shaders/singleNeuron/singleNeuronObservables.wgsl.ts UNROLL_MAX_D).
   */
  constructor(private readonly ctx: GpuContext, private readonly sim: SingleNeuronSim, options: { unroll?: boolean } = {}) {
    const { device } = ctx;
    const { n, d, data } = sim.ensemble;
    const xx2 = matMul(data.XX, data.XX);
    this.constants = { xx: Float64Array.from(data.XX.flat()), xx2: Float64Array.from(xx2.flat()), trXX2: trace(xx2) };
    const initial = new Float32Array(OBSERVABLES * n);
    initial.fill(-1, 5 * n); // t_ε and t_S: not reached yet
    this.buffer = createBuffer(device, 'SingleNeuronObservables.values',
      GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 4 * OBSERVABLES * n, initial);
    this.params = createBuffer(device, 'SingleNeuronObservables.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, OBSERVABLE_PARAMS.size);
    this.pipeline = computePipeline(device, 'SingleNeuronObservables.pipeline', singleNeuronObservablesShader({ d, unroll: options.unroll }), 'auto', WORKGROUP_SIZE);
    this.bindGroup = bindBuffers(device, 'SingleNeuronObservables.bindGroup', this.pipeline, [this.params, sim.state, sim.initial, this.buffer]);
  }

  /**
   * Queues the observables of the sim's current state at its current time.
   * @param epsilon excess-loss threshold for t_ε (> 0).
   * @param kernelThreshold kernel-distance threshold for t_S (default {@link DEFAULT_KERNEL_THRESHOLD}).
   */
  run(epsilon: number, kernelThreshold = DEFAULT_KERNEL_THRESHOLD): void {
    const { device } = this.ctx;
    const { ensemble } = this.sim;
    device.queue.writeBuffer(this.params, 0, packStruct(OBSERVABLE_PARAMS, {
      n: ensemble.n, time: this.sim.time, epsilon, kernelThreshold, etaA: ensemble.rates.a, etaW: ensemble.rates.w,
      betaOls: ensemble.betaOls, ...this.constants,
    }));
    submitDispatch(this.ctx, 'SingleNeuronObservables.pass', this.pipeline, this.bindGroup, ensemble.n, WORKGROUP_SIZE);
  }

  /** Reads every row back to the host. */
  async read(): Promise<ObservableTable> {
    return this.readRows(OBSERVABLES) as Promise<ObservableTable>;
  }

  /**
   * Reads the first `rows` rows (OBSERVABLE_ROWS order: ν, μ, excess loss, S, …) back to the host: the CLI needs
   * ν, μ and S, the first 4 (issue 12: less to copy and map per output time).
   * @throws Error unless 1 ≤ rows ≤ OBSERVABLES.
   */
  async readRows(rows: number): Promise<Partial<ObservableTable>> {
    if (!(Number.isInteger(rows) && rows >= 1 && rows <= OBSERVABLES)) throw new Error(`readRows: rows must be 1…${OBSERVABLES}, got ${rows}`);
    const n = this.sim.n;
    const all = new Float32Array(await readBuffer(this.ctx.device, this.buffer, 4 * rows * n));
    const table: Partial<ObservableTable> = {};
    OBSERVABLE_ROWS.slice(0, rows).forEach((name, r) => { table[name] = all.subarray(r * n, (r + 1) * n); });
    return table;
  }

  destroy(): void {
    this.buffer.destroy();
    this.params.destroy();
  }
}
