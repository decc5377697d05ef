/**
 * Runner of the peak-FMA microbenchmark (shaders/fmaPeak.wgsl.ts): one pipeline, one output buffer of
 * `threads` floats, timed dispatches. Used by bench.ts and tests/gpu/fmaPeak.test.ts.
 */
import { dispatchSize, type GpuContext } from '../src/gpu/device.ts';
import { createBuffer, readBuffer } from '../src/gpu/buffers.ts';
import { packStruct } from '../src/gpu/struct.ts';
import { FMA_PEAK_CHAINS, FMA_PEAK_PARAMS, fmaPeakFlopsPerThread, fmaPeakShader } from '../shaders/fmaPeak.wgsl.ts';

/** Threads per workgroup of the microbenchmark. */
export const FMA_PEAK_WORKGROUP = 64;

/** The microbenchmark on one device, for a fixed number of threads. */
export class FmaPeakKernel {
  private readonly pipeline: GPUComputePipeline;
  private readonly bindGroup: GPUBindGroup;
  private readonly params: GPUBuffer;
  readonly out: GPUBuffer;

  /**
   * @param threads number of threads (one output float each); 2-D dispatch when it needs more than
   *   maxComputeWorkgroupsPerDimension workgroups.
   * @throws DeviceLimitError when even a 2-D dispatch cannot cover `threads`.
   */
  constructor(private readonly ctx: GpuContext, readonly threads: number, readonly chains = FMA_PEAK_CHAINS) {
    const { device } = ctx;
    dispatchSize(ctx.limits, Math.ceil(threads / FMA_PEAK_WORKGROUP));
    this.params = createBuffer(device, 'FmaPeak.params', GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, FMA_PEAK_PARAMS.size);
    this.out = createBuffer(device, 'FmaPeak.out', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, 4 * threads);
    const module = device.createShaderModule({ label: 'FmaPeak.module', code: fmaPeakShader({ chains }) });
    this.pipeline = device.createComputePipeline({
      label: 'FmaPeak', layout: 'auto', compute: { module, entryPoint: 'main', constants: { WG: FMA_PEAK_WORKGROUP } },
    });
    this.bindGroup = device.createBindGroup({
      label: 'FmaPeak.bindGroup', layout: this.pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: this.params } }, { binding: 1, resource: { buffer: this.out } }],
    });
  }

  /** FLOPs of one {@link run} with `iterations` (2 per FMA). */
  flops(iterations: number): number {
    return this.threads * fmaPeakFlopsPerThread(iterations, this.chains);
  }

  /**
   * Runs the kernel once and waits for it.
   * @param a,b recurrence coefficients x ← fma(x, a, b) (keep |a| ≤ 1 so values stay finite).
   * @param sleepSeconds sleep this long after the submit before awaiting: Dawn for Node busy-polls while
   *   onSubmittedWorkDone is pending, which on a CPU adapter takes a core from the kernel (issue 12).
   * @returns wall seconds from submit to onSubmittedWorkDone.
   */
  async run(iterations: number, a = 0.999999, b = 1e-6, sleepSeconds = 0): Promise<number> {
    const { device } = this.ctx;
    device.queue.writeBuffer(this.params, 0, packStruct(FMA_PEAK_PARAMS, { iterations, a, b }));
    const start = performance.now();
    const encoder = device.createCommandEncoder({ label: 'FmaPeak' });
    const pass = encoder.beginComputePass({ label: 'FmaPeak' });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    const [x, y] = dispatchSize(this.ctx.limits, Math.ceil(this.threads / FMA_PEAK_WORKGROUP));
    pass.dispatchWorkgroups(x, y);
    pass.end();
    device.queue.submit([encoder.finish()]);
    if (sleepSeconds > 0) await new Promise((resolve) => setTimeout(resolve, 1000 * sleepSeconds));
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - start) / 1000;
  }

  /** Reads `out` (threads floats). */
  async read(): Promise<Float32Array> {
    return new Float32Array(await readBuffer(this.ctx.device, this.out, 4 * this.threads));
  }

  /**
   * Peak FMA throughput in FLOP/s: warms up, then scales the iteration count so one run takes about
   * `targetSeconds`, and returns the best of `repeats` + 2 runs (each sleeping through 80 % of the best time
   * so far before it waits, see {@link run}).
   */
  async measure(targetSeconds = 1, repeats = 3): Promise<{ flopsPerSecond: number; iterations: number; seconds: number }> {
    let iterations = 16;
    let seconds = await this.run(iterations); // warm-up (pipeline compilation, first touch)
    for (;;) {
      seconds = await this.run(iterations);
      if (seconds >= targetSeconds / 4 || iterations >= 1 << 24) break;
      iterations *= 4;
    }
    const scale = targetSeconds / seconds;
    iterations = Math.max(1, Math.round(iterations * scale));
    // The calibration ran while Dawn polled (slower): the sleep starts from it and follows the best run, so
    // after a run or two it is under the kernel's time; two extra runs cover that.
    const predicted = seconds * scale;
    let best = Infinity;
    for (let r = 0; r < repeats + 2; r++) best = Math.min(best, await this.run(iterations, undefined, undefined, 0.8 * Math.min(predicted, best)));
    return { flopsPerSecond: this.flops(iterations) / best, iterations, seconds: best };
  }

  /** Frees the buffers. */
  destroy(): void {
    this.params.destroy();
    this.out.destroy();
  }
}
