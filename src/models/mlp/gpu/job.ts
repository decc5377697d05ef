/**
 * The job of the mlp GPU ensemble trainer ({@link MlpGpuBackend}, backend.ts): what the mlp plugin's CLI and app
 * hand it, its validation (every field checked, with a message naming it, before anything is allocated) and the
 * compile-time shape of its kernels (shaders/mlp/). Conventions (docs/theory.md §4, shared with src/theory/mlp.ts):
 * f(x) = W_L σ(⋯ σ(W_1 x)) (+ biases when on), ReLU; one network's parameters are W_1 … W_L concatenated, each
 * row-major [out][in], each followed by its bias [out] when biases are on.
 */
import { checkBindingSize, DeviceLimitError } from '../../../gpu/device.ts';
import type { MlpShape } from '../../../../shaders/mlp/mlpKernels.wgsl.ts';
import type { MatmulKind } from '../../../../shaders/mlp/mlpMatmul.wgsl.ts';

/** Limits of the GPU trainer: depth (weight layers) and width of any layer, probe inputs. */
export const MLP_GPU_LIMITS = { maxDepth: 6, maxWidth: 512, maxProbe: 256, minEvalRows: 256 } as const;

/** Optimiser, PyTorch conventions (docs/theory.md §4). */
export type MlpGpuOptimizer =
  | { name: 'sgd'; lr: number; momentum?: number; schedule?: 'cosine'; decayFraction?: number }
  | { name: 'adamw'; lr: number; betas: [number, number]; weightDecay: number };

/** One network of the ensemble. */
export interface MlpGpuNetwork {
  /** θ₀: the parameter count of `layers` and `bias`, in the layout above. */
  params: ArrayLike<number>;
  /** Rows of the shared training set this network trains on (the first trainSize); default: all. */
  trainSize?: number;
  /** Logit scale τ (logits × τ in the loss); default 1. */
  tau?: number;
  /** Factor on the optimiser's learning rate (e.g. 1/τ²); default 1. */
  lrScale?: number;
}

/** Everything {@link MlpGpuBackend.create} needs. Units: steps (optimiser updates), never epochs. */
export interface MlpGpuJob {
  /** Widths [n_0 (inputs), n_1, …, n_L (outputs = classes)]; L = layers.length − 1 ≤ 6 weight layers, each ≤ 512. */
  layers: number[];
  /** Biases on every layer (default false, as in the paper). */
  bias?: boolean;
  /** Divergence bound on |θ_i| (the f64 trainer's `bound`); absent: only non-finite values flag a network. */
  bound?: number;
  /** 'cross-entropy': mean_i −log softmax(τ f(x_i))[y_i]; 'mse': mean_i ‖τ f(x_i) − onehot(y_i)‖². */
  loss: 'cross-entropy' | 'mse';
  optimizer: MlpGpuOptimizer;
  /** Steps of the whole run T (the cosine schedule decays over decayFraction·T); default: unbounded (no schedule allowed). */
  totalSteps?: number;
  /** Shared training set: X row-major [n][n_0], labels [n] in 0 … n_L − 1. */
  train: { X: ArrayLike<number>; labels: ArrayLike<number> };
  /** Test set, same layout (optional). */
  test?: { X: ArrayLike<number>; labels: ArrayLike<number> };
  networks: MlpGpuNetwork[];
  /**
   * 'full': every step uses each network's whole training set (b = trainSize). A number B: each step's rows
   * come from `batches`.
   */
  batchSize: number | 'full';
  /**
   * Minibatch rows of steps [start, start + count): u32 rows of the training set, layout [count][B] when
   * `batchShared`, else [count][E][B] (network-major within a step); each row < that network's trainSize.
   * Required with a numeric batchSize. The host's sampler, so the f64 reference sees the same batches.
   */
  batches?: (start: number, count: number) => Uint32Array;
  /** One row set per step for all networks (default true). */
  batchShared?: boolean;
  /** Probe inputs P (the first P training rows; ≤ 256, ≤ every trainSize) for S(0, t) and the Hamming distance. */
  probe: number;
}

/** A validated job's sizes and kernel shape. */
export interface MlpGpuSizes {
  shape: MlpShape;
  networks: number;
  nTrain: number;
  nTest: number;
  /** Batch rows B per step (full batch: the largest trainSize). */
  batch: number;
  /** Rows of one eval chunk of the metrics forward pass. */
  evalRows: number;
  /** Bytes of each buffer. */
  bytes: Record<'params' | 'data' | 'acts' | 'dz' | 'kern' | 'masks0' | 'nets', number>;
}

const isInt = (x: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
const isPos = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Parameters of one network of these widths. */
export function mlpParamCount(layers: readonly number[], bias = false): number {
  let n = 0;
  for (let l = 1; l < layers.length; l++) n += layers[l] * (layers[l - 1] + (bias ? 1 : 0));
  return n;
}

/**
 * Validates a job against the trainer's and the device's limits and returns its sizes.
 * @throws Error naming the field (`job.layers`, `job.networks[3].params`, …); DeviceLimitError naming the limit.
 */
export function validateMlpGpuJob(job: MlpGpuJob, limits: GPUSupportedLimits, matmul: MatmulKind = 'tiled'): MlpGpuSizes {
  const { layers } = job;
  const fail = (field: string, what: string): never => { throw new Error(`job.${field} ${what}`); };
  if (!Array.isArray(layers) || layers.length < 2 || layers.length > MLP_GPU_LIMITS.maxDepth + 1) {
    fail('layers', `must list 2 … ${MLP_GPU_LIMITS.maxDepth + 1} widths (depth ≤ ${MLP_GPU_LIMITS.maxDepth}), got ${JSON.stringify(layers)}`);
  }
  layers.forEach((n, i) => { if (!isInt(n, 1, MLP_GPU_LIMITS.maxWidth)) fail(`layers[${i}]`, `must be an integer in 1 … ${MLP_GPU_LIMITS.maxWidth}, got ${n}`); });
  const L = layers.length - 1, n0 = layers[0], C = layers[L];
  // Device limits the kernels rely on (shaders/mlp/): storage bindings of the update kernel, the tiled product's
  // 64 × 64 tile (256 invocations, 8 KiB of workgroup memory).
  for (const [limit, need] of [['maxStorageBuffersPerShaderStage', 7], ['maxComputeInvocationsPerWorkgroup', 256], ['maxComputeWorkgroupStorageSize', 8192]] as const) {
    if (limits[limit] < need) throw new DeviceLimitError(`the mlp kernels need ${limit} ≥ ${need}; this device has ${limits[limit]}`);
  }
  if (C < 2 && job.loss === 'cross-entropy') fail('layers', 'needs ≥ 2 outputs for cross-entropy');
  if (job.loss !== 'cross-entropy' && job.loss !== 'mse') fail('loss', `must be "cross-entropy" or "mse", got ${String(job.loss)}`);
  const opt = job.optimizer;
  if (!opt || (opt.name !== 'sgd' && opt.name !== 'adamw')) fail('optimizer.name', 'must be "sgd" or "adamw"');
  if (!isPos(opt.lr)) fail('optimizer.lr', `must be > 0, got ${opt.lr}`);
  if (opt.name === 'sgd') {
    const mu = opt.momentum ?? 0;
    if (!(typeof mu === 'number' && mu >= 0 && mu < 1)) fail('optimizer.momentum', `must be in [0, 1), got ${mu}`);
    if (opt.schedule !== undefined && opt.schedule !== 'cosine') fail('optimizer.schedule', `must be "cosine" or absent, got ${String(opt.schedule)}`);
    if (opt.schedule === 'cosine') {
      const f = opt.decayFraction ?? 1;
      if (!(typeof f === 'number' && f > 0 && f <= 1)) fail('optimizer.decayFraction', `must be in (0, 1], got ${f}`);
      if (!isInt(job.totalSteps, 1)) fail('totalSteps', `must be an integer ≥ 1 with a cosine schedule, got ${job.totalSteps}`);
    }
  } else {
    const b = opt.betas;
    if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === 'number' && x >= 0 && x < 1)) fail('optimizer.betas', `must be two numbers in [0, 1), got ${JSON.stringify(b)}`);
    if (!(typeof opt.weightDecay === 'number' && opt.weightDecay >= 0 && Number.isFinite(opt.weightDecay))) fail('optimizer.weightDecay', `must be ≥ 0, got ${opt.weightDecay}`);
  }
  const checkSet = (name: 'train' | 'test', set: { X: ArrayLike<number>; labels: ArrayLike<number> }) => {
    const n = set.labels?.length ?? 0;
    if (!set.X || set.X.length !== n * n0) fail(`${name}.X`, `must hold labels.length × ${n0} = ${n * n0} numbers, got ${set.X?.length}`);
    for (let i = 0; i < n; i++) if (!isInt(set.labels[i], 0, C - 1)) fail(`${name}.labels[${i}]`, `must be an integer in 0 … ${C - 1}, got ${set.labels[i]}`);
    for (let i = 0; i < set.X.length; i++) if (!Number.isFinite(set.X[i])) fail(`${name}.X[${i}]`, 'must be finite');
    return n;
  };
  if (!job.train) fail('train', 'is required');
  const nTrain = checkSet('train', job.train);
  if (nTrain < 1) fail('train.labels', 'must hold at least one sample');
  const nTest = job.test ? checkSet('test', job.test) : 0;
  const E = job.networks?.length ?? 0;
  if (E < 1) fail('networks', 'must hold at least one network');
  if (E > limits.maxComputeWorkgroupsPerDimension) throw new DeviceLimitError(`job.networks: ${E} networks exceed maxComputeWorkgroupsPerDimension = ${limits.maxComputeWorkgroupsPerDimension}`);
  const bias = job.bias ?? false;
  const paramCount = mlpParamCount(layers, bias);
  let maxTrain = 0, minTrain = Infinity;
  job.networks.forEach((net, q) => {
    if (net.params?.length !== paramCount) fail(`networks[${q}].params`, `must hold ${paramCount} numbers for layers ${JSON.stringify(layers)}${bias ? ' with biases' : ''}, got ${net.params?.length}`);
    for (let i = 0; i < paramCount; i++) if (!Number.isFinite(net.params[i])) fail(`networks[${q}].params[${i}]`, 'must be finite');
    const size = net.trainSize ?? nTrain;
    if (!isInt(size, 1, nTrain)) fail(`networks[${q}].trainSize`, `must be an integer in 1 … ${nTrain}, got ${net.trainSize}`);
    if (net.tau !== undefined && !isPos(net.tau)) fail(`networks[${q}].tau`, `must be > 0, got ${net.tau}`);
    if (net.lrScale !== undefined && !isPos(net.lrScale)) fail(`networks[${q}].lrScale`, `must be > 0, got ${net.lrScale}`);
    maxTrain = Math.max(maxTrain, size);
    minTrain = Math.min(minTrain, size);
  });
  let batch: number;
  if (job.batchSize === 'full') batch = maxTrain;
  else {
    if (!isInt(job.batchSize, 1, 65536)) fail('batchSize', `must be "full" or an integer in 1 … 65536, got ${job.batchSize}`);
    if (typeof job.batches !== 'function') fail('batches', 'must be a function (start, count) → Uint32Array with a numeric batchSize');
    batch = job.batchSize as number;
  }
  if (!isInt(job.probe, 1, Math.min(MLP_GPU_LIMITS.maxProbe, minTrain))) {
    fail('probe', `must be an integer in 1 … ${Math.min(MLP_GPU_LIMITS.maxProbe, minTrain)} (≤ 256 and ≤ every trainSize), got ${job.probe}`);
  }
  const P = job.probe;
  const evalRows = Math.max(MLP_GPU_LIMITS.minEvalRows, batch, P);
  const rows = evalRows;
  const wOff: number[] = [], bOff: number[] = [], zOff: number[] = [];
  let at = 0, z = 0;
  for (let l = 1; l <= L; l++) {
    wOff.push(at);
    at += layers[l] * layers[l - 1];
    bOff.push(at);
    if (bias) at += layers[l];
    zOff.push(z);
    z += rows * layers[l];
  }
  const pStride = Math.ceil(paramCount / 4) * 4;
  const maxWidth = Math.max(...layers.slice(1));
  const hidden = layers.slice(1, L).reduce((a, b) => a + b, 0);
  const shape: MlpShape = {
    layers, bias, loss: job.loss, optimizer: opt.name, momentum: opt.name === 'sgd' ? opt.momentum ?? 0 : 0,
    betas: opt.name === 'adamw' ? opt.betas : [0, 0], pStride, paramCount, wOff, bOff, rows, batch, actStride: z, zOff, maxWidth,
    probe: P, hidden, matmul, bound: job.bound ?? Infinity,
  };
  const bytes = {
    params: 4 * E * pStride, data: 4 * ((nTrain + nTest) * (n0 + 1)), acts: 4 * E * z, dz: 4 * E * 2 * rows * maxWidth,
    kern: 4 * E * P * P, masks0: 4 * E * P * Math.max(1, hidden), nets: 16 * E,
  };
  for (const [name, size] of Object.entries(bytes)) checkBindingSize(limits, size, `mlp ${name} (${E} networks)`);
  return { shape, networks: E, nTrain, nTest, batch, evalRows, bytes };
}

/**
 * Learning-rate schedule of step t (0-based, before its update): lr for plain SGD/AdamW; the cosine schedule
 * lr·½(1 + cos(π·min(t/(f·T), 1))) (docs/theory.md §4).
 */
export function scheduledLr(opt: MlpGpuOptimizer, t: number, totalSteps: number | undefined): number {
  if (opt.name === 'sgd' && opt.schedule === 'cosine') {
    const T = (opt.decayFraction ?? 1) * (totalSteps as number);
    return opt.lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(t / T, 1)));
  }
  return opt.lr;
}
