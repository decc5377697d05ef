/**
 * Evaluates the closed-form flow (docs/theory.md §1.3) on the GPU for every trajectory of a sim, at any time t,
 * from the initial state. XX = σ²I and unequal layer rates are mapped to the whitened unit-rate problem
 * by the rescalings of docs/theory.md §1 (see exactSingleNeuronGeneral in src/theory/exact.ts).
 */
import type { GpuContext } from '../../gpu/device.ts';
import { computePipeline, submitDispatch } from '../../gpu/compute.ts';
import { createBuffer } from '../../gpu/buffers.ts';
import { packStruct } from '../../gpu/struct.ts';
import { singleNeuronExactShader } from '../../../shaders/singleNeuron/singleNeuronExact.wgsl.ts';
import { identityScale } from '../../theory/index.ts';
import { EXACT_PARAMS, WORKGROUP_SIZE } from './layout.ts';
import type { SingleNeuronEnsemble } from './ensemble.ts';

/** The GPU buffers the exact kernel reads: initial state (SoA f32) and info (δ₀ at [i]). */
export interface ExactSources { initial: GPUBuffer; info: GPUBuffer }

/** One exact-solution pass over an ensemble. */
export class ExactEvaluator {
  private readonly params: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly bindGroups = new Map<GPUBuffer, GPUBindGroup>();
  private readonly mapping: { scaleA: number; scaleW: number; deltaScale: number; betaStar: number[] };

  /**
   * @throws Error('no closed form for this data: XX must be a multiple of the identity') for other data.
   */
  constructor(private readonly ctx: GpuContext, private readonly ensemble: SingleNeuronEnsemble, private readonly sources: ExactSources) {
    const sigma2 = identityScale(ensemble.data.XX);
    const { a: etaA, w: etaW } = ensemble.rates;
    const k = Math.sqrt(etaA * etaW);
    const scale = k * Math.sqrt(sigma2);
    this.mapping = {
      scaleA: scale / Math.sqrt(etaA), scaleW: scale / Math.sqrt(etaW), deltaScale: sigma2,
      betaStar: ensemble.data.Xy.map((x) => k * x),
    };
    const { device } = ctx;
    this.params = createBuffer(device, 'SingleNeuronExact.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, EXACT_PARAMS.size);
    const entry = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry =>
      ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
    this.layout = device.createBindGroupLayout({
      label: 'SingleNeuronExact.layout',
      entries: [entry(0, 'uniform'), entry(1, 'read-only-storage'), entry(2, 'read-only-storage'), entry(3, 'storage')],
    });
    this.pipeline = computePipeline(device, 'SingleNeuronExact.pipeline', singleNeuronExactShader({ d: ensemble.d }), this.layout, WORKGROUP_SIZE);
  }

  /**
   * Writes the exact state at time `t` (time units, not steps) into `out` (SoA, (d+1)·n f32) and submits.
   * @throws Error for t < 0 or non-finite t.
   */
  evaluate(t: number, out: GPUBuffer): void {
    if (!(Number.isFinite(t) && t >= 0)) throw new Error(`exact solution needs a finite time t ≥ 0; got ${t}`);
    const { device } = this.ctx;
    device.queue.writeBuffer(this.params, 0, packStruct(EXACT_PARAMS, { n: this.ensemble.n, t, ...this.mapping }));
    let bindGroup = this.bindGroups.get(out);
    if (!bindGroup) {
      bindGroup = device.createBindGroup({
        label: 'SingleNeuronExact.bindGroup', layout: this.layout,
        entries: [this.params, this.sources.initial, this.sources.info, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      this.bindGroups.set(out, bindGroup);
    }
    submitDispatch(this.ctx, 'SingleNeuronExact.pass', this.pipeline, bindGroup, this.ensemble.n, WORKGROUP_SIZE);
  }

  destroy(): void { this.params.destroy(); }
}
