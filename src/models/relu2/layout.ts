/**
 * GPU memory layout and kernel shapes of the relu2 model f(x) = Σ_k a_k σ(w_kᵀx) (docs/theory.md §3).
 * Shared by shaders/relu2*.wgsl.ts, src/models/relu2/sim.ts and any reader of the buffers.
 *
 * Sizes: N networks, m units, d inputs padded to dp = ⌈d/4⌉·4 (padding columns of X and W are 0 and
 * stay 0), n train and nTest test samples per data set, S data sets (one per seed), ts samples per
 * tile (kernelShape), tiles = ⌈n/ts⌉. All float buffers are f32, all indices in elements.
 *
 * - `params` (f32, read_write): network q occupies [q·pStride, (q+1)·pStride), pStride = m·(1 + dp):
 *   a_k at q·pStride + k; W_kj at q·pStride + m + j·m + k (column-major per network: unit k fastest, so
 *   the threads of one workgroup, one per unit, read W coalesced).
 * - `comp` (f32, read_write): Kahan compensation of every entry of `params`, same layout: GD updates
 *   η·∇L are often below the f32 spacing of the parameter (e.g. η = 2.5e-5 at τ = 2), so each update is
 *   summed compensated; the parameter is params − comp to about f64-like accuracy over 10⁵ steps.
 * - `params0` (f32, read): θ₀ in the same layout; never written (Hamming, ‖θ − θ₀‖, K₀ and δ₀ need it).
 * - `data` (f32 viewed as vec4, read): data set s at s·dStride, dStride = n·dp + n4 + nTest·dp + nTest4
 *   (n4 = ⌈n/4⌉·4): X row-major n×dp, then y (n, zero-padded to n4), then Xtest (nTest×dp), then ytest.
 *   Every part starts on a multiple of 4 floats, so X rows are vec4-aligned.
 * - `nets` (struct NetInfo {dataOffset: u32, eta: f32, _: u32, _: u32}, read): per network the float
 *   offset of its data set (s·dStride) and its learning rate η (per GD step).
 * - `status` (u32, read_write): status[2q] flag bits ({@link DIVERGED_FLAG}); status[2q+1] GD steps the
 *   network has actually taken (it stops counting when frozen).
 * - `grad` (f32 scratch): g̃_kj = Σ_i r_i σ'(w_kᵀx_i) x_ij of the current step, r_i = (2/n)(f(x_i) − y_i);
 *   ∂L/∂w_k = a_k g̃_k and ∂L/∂a_k = w_kᵀg̃_k. Workgroup kernel, tiled with dp > 32 only: at
 *   q·m·dp + j·m + k. Tiled kernel: at q·m·dp + k·dp + j. Thread kernel: at (k·d + j)·N + q (unpadded; networks fastest, so the networks
 *   of one SIMD group share cache lines).
 * - `act` (f32 scratch, thread kernel only): f_i then r_i, and activation bits (threadActFloats; shaders/relu2/relu2StepThread.wgsl.ts).
 * - `metrics` (f32, read_write): METRIC_WORDS per network, at q·METRIC_WORDS + METRIC_INDEX[name].
 * - `feat` (vec4f scratch, thread metrics kernel only): the 4 NTK features of (sample, unit, network) for one
 *   chunk of networks, at vec4 (i·m + k)·chunk + ql (shaders/relu2/relu2MetricsThread.wgsl.ts).
 */
import { defineStruct } from '../../gpu/struct.ts';

/** Hard limits of the kernels (docs/theory.md §3 sizes fit with room): m units, d inputs, n samples per set. */
export const RELU2_LIMITS = Object.freeze({
  /** m ≤ 256: one thread per unit and workgroups of at most 256 invocations (WebGPU's guaranteed minimum). */
  maxUnits: 256,
  /** d ≤ 128: a tile of samples × dp floats must fit in 16 KiB of workgroup memory with the reduction. */
  maxInputs: 128,
  /** n, nTest ≤ 65,536 (nominally 4,096; more is accepted while every buffer fits the device's binding size). */
  maxSamples: 65536,
});

/** Workgroup memory the step kernel may use, in f32 words (WebGPU's guaranteed 16 KiB, minus 256 B). */
export const WORKGROUP_WORDS = 4096 - 64;

/** Flag bit in status[2q]: the network diverged (loss non-finite or > bound, or a non-finite parameter) and is frozen. */
export const DIVERGED_FLAG = 1;

/** Threads per workgroup of the metrics kernel (one workgroup per network). */
export const METRICS_WORKGROUP_SIZE = 64;
/** Samples per tile side in the kernel-distance reduction (a 16×16 tile of K per step of the loop). */
export const KERNEL_TILE = 16;
/** Units per chunk in the kernel-distance reduction. */
export const KERNEL_UNIT_CHUNK = 16;

/** f32 words per network in the `metrics` buffer. */
export const METRIC_WORDS = 8;
/** Slot of each metric within a network's METRIC_WORDS. */
export const METRIC_INDEX = Object.freeze({
  trainLoss: 0, testLoss: 1, hamming: 2, paramDistance: 3, kernelDistance: 4, deltaDrift: 5,
  /** ‖K₀‖_F, for diagnostics. */
  kernelNorm0: 6,
  /** ‖K_t‖_F, for diagnostics. */
  kernelNormT: 7,
});

/**
 * Uniforms of both kernels. `steps`: GD steps per dispatch; `tiles` = ⌈n/ts⌉; `pStride`: floats per
 * network in params; `testOffset`: float offset of Xtest within a data set; `bound`: divergence bound on
 * the loss; `slope`: σ's negative-side slope (0: ReLU); `netOffset`, `chunk`: the first network and the
 * network count of one dispatch of the thread metrics kernel (shaders/relu2/relu2MetricsThread.wgsl.ts; unused elsewhere).
 */
export const RELU2_UNIFORMS = defineStruct('Relu2Uniforms', [
  { name: 'n', type: 'u32' },
  { name: 'nTest', type: 'u32' },
  { name: 'nets', type: 'u32' },
  { name: 'steps', type: 'u32' },
  { name: 'tiles', type: 'u32' },
  { name: 'pStride', type: 'u32' },
  { name: 'testOffset', type: 'u32' },
  { name: 'slope', type: 'f32' },
  { name: 'bound', type: 'f32' },
  { name: 'netOffset', type: 'u32' },
  { name: 'chunk', type: 'u32' },
  // Metrics kernels: the kernel-distance pass covers rows [rowStart, rowEnd) of the Gram (multiples of KERNEL_TILE).
  { name: 'rowStart', type: 'u32' },
  { name: 'rowEnd', type: 'u32' },
]);

/**
 * The three step kernels. `workgroup` (shaders/relu2/relu2Step.wgsl.ts): one workgroup per network, a thread per
 * unit, X tiled through workgroup memory. `tiled` (shaders/relu2/relu2StepTiled.wgsl.ts): one workgroup of
 * 64–256 threads per network, forward and backward as register-tiled matrix products (every thread busy):
 * the kernel for GPUs. `thread` (shaders/relu2/relu2StepThread.wgsl.ts): one thread per network, unrolled
 * over blocks of samples: the kernel for CPU adapters (SwiftShader), which run it about 10× faster than the
 * workgroup kernel and GPUs far slower.
 */
export type Relu2Kernel = 'workgroup' | 'thread' | 'tiled';

/** Every step kernel, in the order `--kernel` lists them. */
export const RELU2_KERNELS: readonly Relu2Kernel[] = ['thread', 'workgroup', 'tiled'];

/** The two metrics kernels: thread per network (CPU adapters) or workgroup per network. */
export type Relu2MetricsKernel = 'workgroup' | 'thread';

/** The default kernel for an adapter: `thread` on a software (CPU) adapter, `tiled` on a GPU. */
export function defaultRelu2Kernel(isSoftwareAdapter: boolean): Relu2Kernel {
  return isSoftwareAdapter ? 'thread' : 'tiled';
}

let kernelOverride: Relu2Kernel | undefined;
/**
 * The step kernel of every later Relu2Sim.create without options.kernel, set by the CLI's `--kernel` and the
 * app's `kernel=` URL key; undefined: by adapter ({@link defaultRelu2Kernel}).
 */
export function relu2KernelOverride(): Relu2Kernel | undefined { return kernelOverride; }
/** Sets {@link relu2KernelOverride} (undefined clears it). */
export function setRelu2KernelOverride(kernel: Relu2Kernel | undefined): void { kernelOverride = kernel; }

/** The default metrics kernel with a step kernel: `thread` with `thread`, else `workgroup`. */
export function defaultMetricsKernel(kernel: Relu2Kernel): Relu2MetricsKernel {
  return kernel === 'thread' ? 'thread' : 'workgroup';
}

/** Largest scratch of the thread metrics kernel (`feat`); more networks go in several dispatches. */
export const METRICS_FEAT_BYTES = 64 * 2 ** 20;

/** Threads per workgroup of the thread kernel: one SIMD group of a CPU adapter, so small batches still spread over cores. */
export const THREAD_KERNEL_WORKGROUP_SIZE = 4;

/** Most w (forward) or g̃ (backward) values the thread kernel keeps in registers per unit chunk (KC·d). */
export const THREAD_CHUNK_VALUES = 1024;

/**
 * Units per register chunk of the thread kernel (shaders/relu2/relu2StepThread.wgsl.ts) for m units and d inputs:
 * at most 32 (one u32 of activation bits per chunk and sample) and about {@link THREAD_CHUNK_VALUES}/d, evened
 * out over the ⌈m / that⌉ chunks (m = 50: 25 for d = 20, 10 for d = 100).
 */
export function threadUnitChunk(m: number, d: number): number {
  const most = Math.min(32, Math.max(1, Math.floor(THREAD_CHUNK_VALUES / d)));
  return Math.ceil(m / Math.ceil(m / most));
}

/**
 * Samples per block of the thread kernel's backward pass for units chunks of kc and d inputs: each g̃ register
 * is updated once per block, and a block's code is kc·d·sb FMAs, kept near 2,048 (compile time), 1..8.
 */
export function threadBackwardSamples(kc: number, d: number): number {
  return Math.max(1, Math.min(8, Math.floor(2048 / (kc * d))));
}

/** The thread kernel's shape for m units, d inputs (shaders/relu2/relu2StepThread.wgsl.ts Relu2ThreadKernelShape). */
export function threadKernelShape(m: number, d: number): { m: number; d: number; dp: number; kc: number; sb: number } {
  const kc = threadUnitChunk(m, d);
  return { m, d, dp: Math.ceil(d / 4) * 4, kc, sb: threadBackwardSamples(kc, d) };
}

/** Floats per network of the thread kernel's `act` scratch: f, then r (n), and one u32 of activation bits per unit chunk and sample. */
export function threadActFloats(m: number, d: number, n: number): number {
  return n * (1 + Math.ceil(m / threadUnitChunk(m, d)));
}

/** Compile-time shape of the step kernel for one (m, d, n). */
export interface Relu2KernelShape {
  m: number;
  d: number;
  /** d padded to a multiple of 4. */
  dp: number;
  /** Threads per step workgroup: the next power of two ≥ max(m, 32); thread k owns unit k. */
  wg: number;
  /** Samples per tile: a multiple of 4, ≤ 32 (one u32 of activation bits per unit and tile). */
  ts: number;
  /** Most columns of g̃ a thread keeps in registers (min(dp, 32)); with dp > dc the tiled kernel uses `grad`. */
  dc: number;
  /**
   * Resident kernel: n ≤ ts and dp ≤ 32, so X (one tile, in both layouts) stays in workgroup memory and
   * each thread keeps w_k in registers for the whole dispatch: 3 barriers per GD step instead of ≥ 8.
   */
  resident: boolean;
}

/** Workgroup words the step kernel declares for a shape (see shaders/relu2/relu2Step.wgsl.ts). */
export function stepWorkgroupWords(s: Pick<Relu2KernelShape, 'dp' | 'wg' | 'ts' | 'resident'>): number {
  return s.ts * s.dp * (s.resident ? 2 : 1) + s.ts * s.wg + 2 * s.ts + 2;
}

/**
 * The step kernel's shape. Resident when n ≤ 32, dp ≤ 32 and it fits (ts = ⌈n/4⌉·4); otherwise the
 * tiled kernel with ts = the largest multiple of 4 (≤ 32) whose workgroup memory fits {@link WORKGROUP_WORDS}.
 * @throws Error when m, d or n is outside the limits (callers check limits first with clear messages).
 */
export function kernelShape(m: number, d: number, n: number): Relu2KernelShape {
  if (!(m >= 1 && m <= RELU2_LIMITS.maxUnits && d >= 1 && d <= RELU2_LIMITS.maxInputs && n >= 1 && n <= RELU2_LIMITS.maxSamples)) {
    throw new Error(`kernelShape: m = ${m}, d = ${d}, n = ${n} outside the limits`);
  }
  const dp = Math.ceil(d / 4) * 4;
  const wg = Math.max(32, 2 ** Math.ceil(Math.log2(m)));
  const dc = Math.min(dp, 32);
  const small = { dp, wg, ts: Math.ceil(n / 4) * 4, resident: true };
  if (n <= 32 && dp <= 32 && stepWorkgroupWords(small) <= WORKGROUP_WORDS) return { m, d, dc, ...small };
  let ts = 32;
  while (ts > 4 && stepWorkgroupWords({ dp, wg, ts, resident: false }) > WORKGROUP_WORDS) ts -= 4;
  return { m, d, dp, wg, ts, dc, resident: false };
}

/** Floats per data set in `data` (see file comment). */
export function dataStride(dp: number, n: number, nTest: number): number {
  const up4 = (x: number) => Math.ceil(x / 4) * 4;
  return n * dp + up4(n) + nTest * dp + up4(nTest);
}
