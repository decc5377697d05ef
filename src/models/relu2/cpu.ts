/**
 * The relu2 model on the CPU in float64 (src/theory/relu2.ts) behind the backend interface
 * ({@link ModelBackend}): the one CPU trainer, used by the CLI's `backend: "cpu"` (run.ts) and by the
 * browser without WebGPU. Same spec, same per-network metrics and same semantics as {@link Relu2Sim}
 * (docs/theory.md §3): full-batch GD with η per network; a step whose loss is non-finite or above the bound
 * is not taken and the network stays frozen there, flagged diverged. advance yields to the event loop
 * every ~16 ms, reports progress and honours an AbortSignal; the state is kept, so a cancelled run resumes.
 * Slow: about 2·m·n·d multiply–adds per network and step in JavaScript.
 */
import { cloneRelu2, leakyRelu, relu2Forward, relu2GdStep, relu2Metrics, relu2Ntk, type Relu2Params } from '../../theory/index.ts';
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

  /**
   * The §3 metrics of every network now (f64), with step, stepsTaken and diverged as Relu2Sim reports them.
   * Without a cached K₀ the kernel distance is computed row by row ({@link rowwiseKernelDistance}: O(n·m)
   * memory, not two n×n Grams), yielding to the event loop every ~16 ms.
   * @throws the signal's reason when aborted (checked at each yield; nothing is kept of the pass).
   */
  async readMetrics(signal?: AbortSignal): Promise<Relu2NetworkMetrics[]> {
    signal?.throwIfAborted();
    const slope = this.spec.slope ?? 0;
    const out: Relu2NetworkMetrics[] = [];
    for (const [q, net] of this.spec.networks.entries()) {
      const data = this.spec.datasets[net.dataIndex];
      const S = this.K0[q] ? undefined : await rowwiseKernelDistance(this.params[q], net.init, data.X, slope, yieldEvery(SLICE_MS, signal));
      out.push({
        ...relu2Metrics(this.params[q], net.init, data, slope, this.K0[q], S),
        step: this.stepCount, stepsTaken: this.taken[q], diverged: this.frozen[q],
      });
    }
    return out;
  }

  /** Copies of the current parameters (θ where a diverged network froze), in spec order. */
  async readParams(): Promise<(Relu2Params & { diverged: boolean })[]> {
    return this.params.map((p, q) => ({ ...cloneRelu2(p), diverged: this.frozen[q] }));
  }

  /** Nothing to free (the state is garbage-collected). */
  destroy(): void {}
}

/** A callback that yields to the event loop once `ms` have passed since its last yield; rejects with `signal`'s reason once aborted. */
function yieldEvery(ms: number, signal?: AbortSignal): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < ms) return undefined;
    return new Promise<void>((resolve, reject) => setTimeout(() => {
      last = performance.now();
      if (signal?.aborted) reject(signal.reason); else resolve();
    }, 0));
  };
}

/** σ(z) and σ'(z) of every unit on every sample, sample-major (n×m), from relu2Forward's Z (m×n). */
function features(p: Relu2Params, X: Float64Array, slope: number): { Z: Float64Array; n: number } {
  const { Z } = relu2Forward(p, X, slope);
  const m = p.m, n = X.length / p.d;
  const T = new Float64Array(n * m);
  for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) T[i * m + k] = Z[k * n + i];
  return { Z: T, n };
}

/**
 * The kernel distance S = 1 − ⟨K₀, K_t⟩_F/(‖K₀‖_F‖K_t‖_F) of the NTK Grams of docs/theory.md §3
 * (K_ij = Σ_k σ(z_ki)σ(z_kj) + (x_iᵀx_j) Σ_k a_k² σ'(z_ki)σ'(z_kj)) without forming them: one row of both
 * Grams at a time, in O(n·m) memory. Same sums in the same order as gramDistance(relu2Ntk(p0), relu2Ntk(p)),
 * so the result is bit for bit theirs. 0 when either Gram is zero.
 * @param X n×d row-major. @param pause called after each row; a returned promise is awaited (yield to a page).
 */
export async function rowwiseKernelDistance(
  p: Relu2Params, p0: Relu2Params, X: Float64Array, slope: number, pause: () => Promise<void> | undefined = () => undefined,
): Promise<number> {
  const { m, d } = p;
  const { Z: Zt, n } = features(p, X, slope), { Z: Z0 } = features(p0, X, slope);
  const a = p.a, a0 = p0.a;
  let c = 0, n0 = 0, nt = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let g = 0;
      for (let q = 0; q < d; q++) g += X[i * d + q] * X[j * d + q];
      let phi = 0, psi = 0, phi0 = 0, psi0 = 0;
      for (let k = 0; k < m; k++) {
        const zi = Zt[i * m + k], zj = Zt[j * m + k];
        phi += leakyRelu(zi, slope) * leakyRelu(zj, slope);
        psi += a[k] * a[k] * (zi > 0 ? 1 : slope) * (zj > 0 ? 1 : slope);
        const yi = Z0[i * m + k], yj = Z0[j * m + k];
        phi0 += leakyRelu(yi, slope) * leakyRelu(yj, slope);
        psi0 += a0[k] * a0[k] * (yi > 0 ? 1 : slope) * (yj > 0 ? 1 : slope);
      }
      const kt = phi + g * psi, k0 = phi0 + g * psi0;
      c += k0 * kt; n0 += k0 * k0; nt += kt * kt;
    }
    const wait = pause();
    if (wait) await wait;
  }
  return n0 > 0 && nt > 0 ? 1 - c / Math.sqrt(n0 * nt) : 0;
}
