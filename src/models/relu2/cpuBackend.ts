/**
 * The f64 CPU reference (src/theory/relu2.ts) behind the runner's backend interface, for browsers without
 * WebGPU. Same semantics as Relu2Sim: full-batch GD with η per network, a step whose loss is non-finite
 * or above the bound is not taken and the network stays frozen (diverged); advance yields to the page
 * every ~16 ms, reports progress and honours an AbortSignal; the state is kept, so a cancelled run resumes.
 * Slow: about 2·m·n·d multiply–adds per network and step in JavaScript.
 */
import {
  cloneRelu2, relu2GdStep, relu2Metrics, relu2Ntk, type Relu2Params,
} from '../../theory/index.ts';
import type { ProgressCallback } from '../../models/relu2/sim.ts';
import { DEFAULT_BOUND, type Relu2SimSpec } from '../../models/relu2/spec.ts';
import type { Relu2Backend } from './runner.ts';
import type { NetworkSample } from './results.ts';

/** Largest Σ n² of cached initial kernels K₀ (floats); above it K₀ is recomputed at each checkpoint. */
const K0_CACHE_FLOATS = 2 ** 22;

/** The CPU ensemble. Create with {@link CpuRelu2Backend.create}. */
export class CpuRelu2Backend implements Relu2Backend {
  stepCount = 0;
  private readonly params: Relu2Params[];
  private readonly frozen: boolean[];
  private readonly K0: (Float64Array | undefined)[];
  private readonly scratch: Float64Array;

  private constructor(private readonly spec: Relu2SimSpec) {
    this.params = spec.networks.map((n) => cloneRelu2(n.init));
    this.frozen = spec.networks.map(() => false);
    const n = spec.datasets[0].y.length;
    const cache = spec.networks.length * n * n <= K0_CACHE_FLOATS;
    this.K0 = spec.networks.map((net) => (cache ? relu2Ntk(net.init, spec.datasets[net.dataIndex].X, spec.slope ?? 0) : undefined));
    this.scratch = new Float64Array(spec.networks[0].init.m * n);
  }

  /** Copies θ₀ (the spec is not validated against GPU limits: the CPU has none but time). */
  static async create(spec: Relu2SimSpec): Promise<CpuRelu2Backend> {
    return new CpuRelu2Backend(spec);
  }

  /** Advances every non-frozen network by `steps` GD steps. @throws the signal's reason when aborted. */
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
          if (!(Number.isFinite(loss) && loss <= bound)) this.frozen[q] = true;
        });
        done++;
        this.stepCount++;
      } while (done < steps && performance.now() - t0 < 16);
      onProgress?.(done, steps);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** The §3 metrics of every network (f64). */
  async readMetrics(): Promise<NetworkSample[]> {
    const slope = this.spec.slope ?? 0;
    return this.spec.networks.map((net, q) => ({
      ...relu2Metrics(this.params[q], net.init, this.spec.datasets[net.dataIndex], slope, this.K0[q]),
      diverged: this.frozen[q],
    }));
  }

  /** Copies of the current parameters. */
  async readParams(): Promise<(Relu2Params & { diverged: boolean })[]> {
    return this.params.map((p, q) => ({ ...cloneRelu2(p), diverged: this.frozen[q] }));
  }

  /** Nothing to free. */
  destroy(): void {}
}
