/**
 * Records ν, μ, excess loss and S of up to RECORDER.maxSelected selected trajectories into a ring of
 * RECORDER.slots samples on the GPU (issue 3: time series without per-step readback). Values come from an
 * {@link ObservablesPass}, which must have run for the current state before {@link SelectionRecorder.record}.
 */
import type { GpuContext } from '../../gpu/device.ts';
import { bindBuffers, computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer, readBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import { singleNeuronRecordShader } from '../../../shaders/singleNeuron/singleNeuronRecord.wgsl.ts';
import { RECORD_PARAMS, RECORDED_ROWS, RECORDER } from './layout.ts';
import type { ObservablesPass } from './observables.ts';

/** One selected trajectory's recorded series, oldest sample first. */
export interface RecordedSeries {
  index: number;
  time: Float64Array;
  nu: Float64Array;
  mu: Float64Array;
  excessLoss: Float64Array;
  kernelDistance: Float64Array;
}

const ROWS = RECORDED_ROWS.length;

/** The GPU ring of samples of the selected trajectories. */
export class SelectionRecorder {
  private readonly ring: GPUBuffer;
  private readonly selectionBuffer: GPUBuffer;
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private selection = new Uint32Array(0);
  /** Samples recorded since the selection was set (the ring keeps the last RECORDER.slots). */
  private recorded = 0;

  constructor(private readonly ctx: GpuContext, private readonly n: number, observables: ObservablesPass) {
    const { device } = ctx;
    this.ring = createBuffer(device, 'Recorder.ring', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      4 * RECORDER.slots * RECORDER.maxSelected * ROWS);
    this.selectionBuffer = createBuffer(device, 'Recorder.selection', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * RECORDER.maxSelected);
    this.params = createBuffer(device, 'Recorder.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, RECORD_PARAMS.size);
    this.pipeline = computePipeline(device, 'Recorder.pipeline', singleNeuronRecordShader());
    this.bindGroup = bindBuffers(device, 'Recorder.bindGroup', this.pipeline, [this.params, this.selectionBuffer, observables.buffer, this.ring]);
  }

  /** The trajectories being recorded. */
  get selected(): Uint32Array { return this.selection; }

  /**
   * Sets the trajectories to follow (the first RECORDER.maxSelected are kept) and clears the history.
   * @throws Error when an index is ≥ n.
   */
  setSelection(indices: Uint32Array): void {
    const kept = indices.slice(0, RECORDER.maxSelected);
    for (const i of kept) if (i >= this.n) throw new Error(`trajectory ${i} does not exist (n = ${this.n})`);
    this.selection = kept;
    this.recorded = 0;
    if (kept.length) this.ctx.device.queue.writeBuffer(this.selectionBuffer, 0, kept);
  }

  /** Queues one sample at time `time` (time units) for every selected trajectory. */
  record(time: number): void {
    if (this.selection.length === 0) return;
    this.ctx.device.queue.writeBuffer(this.params, 0, packStruct(RECORD_PARAMS, {
      n: this.n, count: this.selection.length, slot: this.recorded % RECORDER.slots, time,
    }));
    submitDispatch(this.ctx, 'Recorder.pass', this.pipeline, this.bindGroup, this.selection.length, RECORDER.maxSelected);
    this.recorded++;
  }

  /** Reads the ring and returns one series per selected trajectory, oldest first. */
  async read(): Promise<RecordedSeries[]> {
    const count = Math.min(this.recorded, RECORDER.slots);
    const selection = this.selection;
    if (count === 0 || selection.length === 0) return [];
    const first = this.recorded - count;
    const ring = new Float32Array(await readBuffer(this.ctx.device, this.ring, 4 * RECORDER.slots * RECORDER.maxSelected * ROWS));
    return Array.from(selection, (index, k) => {
      const rows = RECORDED_ROWS.map(() => new Float64Array(count));
      for (let s = 0; s < count; s++) {
        const base = (((first + s) % RECORDER.slots) * RECORDER.maxSelected + k) * ROWS;
        for (let r = 0; r < ROWS; r++) rows[r][s] = ring[base + r];
      }
      const [time, nu, mu, excessLoss, kernelDistance] = rows;
      return { index, time, nu, mu, excessLoss, kernelDistance };
    });
  }

  destroy(): void {
    for (const b of [this.ring, this.selectionBuffer, this.params]) b.destroy();
  }
}
