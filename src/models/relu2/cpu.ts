/**
 * The relu2 model on the CPU in float64 (src/theory/relu2.ts) behind the backend interface
 * ({@link ModelBackend}): the one CPU trainer, used by the CLI's `backend: "cpu"` (run.ts) and by the
 * browser without WebGPU. Same spec, same per-network metrics and same semantics as {@link Relu2Sim}
 * (docs/theory.md §3): full-batch GD with η per network; a step whose loss is non-finite or above the bound
 * is not taken and the network stays frozen there, flagged diverged. advance yields to the event loop
 * every ~16 ms, reports progress and honours an AbortSignal; the state is kept, so a cancelled run resumes.
 * Slow: about 2·m·n·d multiply–adds per network and step in JavaScript.
 */
import { cloneRelu2, relu2GdStep, relu2Metrics, relu2Ntk, type Relu2Params } from '../../theory/index.ts';
import type { ModelBackend, ProgressCallback } from '../plugin.ts';
import type { Relu2NetworkMetrics } from './sim.ts';
import { DEFAULT_BOUND, type Relu2SimSpec } from './spec.ts';

/** Largest Σ n² of cached initial kernels K₀ (floats); above it K₀ is recomputed at each checkpoint. */
const K0_CACHE_FLOATS = 2 ** 22;
/** Wall time (ms) of GD steps between yields to the event loop (a page stays responsive). */
const SLICE_MS = 16;

/** The CPU ensemble of one {@link Relu2SimSpec}. Create with {@link CpuRelu2Backend.create}. */
export class CpuRelu2Backend implements ModelBackend<Relu2NetworkMetrics> {
  readonly kind = 'cpu' as const;
  /** GD steps advanced so far (the same for every network; frozen networks stop counting in stepsTaken). */
  stepCount = 0;
  private readonly params: Relu2Params[];
  private readonly frozen: boolean[];
  /** GD steps each network actually took (< stepCount once it froze). */
  private readonly taken: number[];
  private readonly K0: (Float64Array | undefined)[];
  private readonly scratch: Float64Array;

  private constructor(private readonly spec: Relu2SimSpec) {
    this.params = spec.networks.map((n) => cloneRelu2(n.init));
    this.frozen = spec.networks.map(() => false);
    this.taken = spec.networks.map(() => 0);
    const n = spec.datasets[0].y.length;
    const cache = spec.networks.length * n * n <= K0_CACHE_FLOATS;
    this.K0 = spec.networks.map((net) => (cache ? relu2Ntk(net.init, spec.datasets[net.dataIndex].X, spec.slope ?? 0) : undefined));
    this.scratch = new Float64Array(spec.networks[0].init.m * n);
  }

  /**
   * Copies θ₀ of every network. The spec is not validated against GPU limits (the CPU has none but time;
   * call validateRelu2Spec for them).
   * @throws Error when the spec has no networks or data sets.
   */
  static async create(spec: Relu2SimSpec): Promise<CpuRelu2Backend> {
    if (!spec.networks.length || !spec.datasets.length) throw new Error('relu2: no networks or data sets to train');
    return new CpuRelu2Backend(spec);
  }

  /** Networks in the ensemble (spec order). */
  get count(): number { return this.spec.networks.length; }

  /**
   * Advances every non-frozen network by `steps` GD steps (divergence bound: spec.bound, default
   * {@link DEFAULT_BOUND} on the loss).
   * @param onProgress (steps done, steps) of this call, after each slice of ~16 ms.
   * @throws the signal's reason when aborted (steps completed so far are kept and counted).
   */
  async advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void> {
    const slope = this.spec.slope ?? 0, bound = this.spec.bound ?? DEFAULT_BOUND;
    let done = 0;
    while (done < steps) {
      signal?.throwIfAborted();
      const t0 = performance.now();
      do {
        this.spec.networks.forEach((net, q) => {
          if (this.frozen[q]) return;
          const loss = relu2GdStep(this.params[q], this.spec.datasets[net.dataIndex], net.eta, slope, this.scratch, bound);
          if (Number.isFinite(loss) && loss <= bound) this.taken[q]++;
          else this.frozen[q] = true; // relu2GdStep left θ unchanged: the step is not taken
        });
        done++;
        this.stepCount++;
      } while (done < steps && performance.now() - t0 < SLICE_MS);
      onProgress?.(done, steps);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** The §3 metrics of every network now (f64), with step, stepsTaken and diverged as Relu2Sim reports them. */
  async readMetrics(): Promise<Relu2NetworkMetrics[]> {
    const slope = this.spec.slope ?? 0;
    return this.spec.networks.map((net, q) => ({
      ...relu2Metrics(this.params[q], net.init, this.spec.datasets[net.dataIndex], slope, this.K0[q]),
      step: this.stepCount, stepsTaken: this.taken[q], diverged: this.frozen[q],
    }));
  }

  /** Copies of the current parameters (θ where a diverged network froze), in spec order. */
  async readParams(): Promise<(Relu2Params & { diverged: boolean })[]> {
    return this.params.map((p, q) => ({ ...cloneRelu2(p), diverged: this.frozen[q] }));
  }

  /** Nothing to free (the state is garbage-collected). */
  destroy(): void {}
}
