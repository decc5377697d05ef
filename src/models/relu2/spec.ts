/**
 * What a relu2 GPU run is made of, and its validation against the kernel and device limits
 * (docs/theory.md §3; layouts in layout.ts). Separate from sim.ts so the UI and CLI can check a grid before
 * creating a device.
 */
import { DeviceLimitError } from '../../gpu/device.ts';
import type { Relu2Data, Relu2Params } from '../../theory/index.ts';
import {
  dataStride, defaultMetricsKernel, threadActFloats, kernelShape, METRICS_FEAT_BYTES, RELU2_LIMITS, stepWorkgroupWords, THREAD_KERNEL_WORKGROUP_SIZE,
  type Relu2Kernel, type Relu2KernelShape, type Relu2MetricsKernel,
} from './layout.ts';
import { tiledKernelShape, tiledWorkgroupWords, type Relu2TiledShape } from '../../../shaders/relu2/relu2StepTiled.wgsl.ts';

/** One network: initial parameters θ₀, the index of its data set, and its learning rate η (per GD step). */
export interface Relu2NetworkInit { init: Relu2Params; dataIndex: number; eta: number }

/** Everything a {@link Relu2Sim} trains: data sets (one per seed) and networks that index them. */
export interface Relu2SimSpec {
  datasets: readonly Relu2Data[];
  networks: readonly Relu2NetworkInit[];
  /** σ's negative-side slope: 0 (default) is ReLU, e.g. 0.01 for leaky ReLU. */
  slope?: number;
  /** Divergence bound on the training loss (default {@link DEFAULT_BOUND}). */
  bound?: number;
}

/** Default divergence bound on the loss: far above any sane loss, far below f32 overflow of the parameters. */
export const DEFAULT_BOUND = 1e30;

/** Sizes derived from a validated spec. */
export interface Relu2Sizes {
  networks: number;
  datasets: number;
  m: number;
  d: number;
  n: number;
  nTest: number;
  /** The step kernel the sizes are for. */
  kernel: Relu2Kernel;
  /** The workgroup kernel's shape (also fixes dp and the data layout for the thread and tiled kernels). */
  shape: Relu2KernelShape;
  /** The tiled kernel's shape (shaders/relu2/relu2StepTiled.wgsl.ts; computed for every kernel). */
  tiledShape: Relu2TiledShape;
  /** Workgroups of one step dispatch: one per network (workgroup, tiled kernels) or per THREAD_KERNEL_WORKGROUP_SIZE networks. */
  stepWorkgroups: number;
  /** ⌈n/ts⌉. */
  tiles: number;
  /** Floats per network in params: m(1 + dp). */
  pStride: number;
  /** Floats per data set in data. */
  dStride: number;
  /** The metrics kernel: `thread` (shaders/relu2/relu2MetricsThread.wgsl.ts) or `workgroup` (relu2Metrics.wgsl.ts). */
  metricsKernel: Relu2MetricsKernel;
  /** Networks per dispatch of the thread metrics kernel (its `feat` scratch holds 4·n·m floats per network). */
  metricsChunk: number;
  /** Byte size of every buffer, by label suffix (`feat`, `act`: 4 when the kernels need none). */
  bytes: Record<'params' | 'comp' | 'data' | 'grad' | 'nets' | 'status' | 'metrics' | 'feat' | 'act', number>;
}

/** The device limits the relu2 kernels depend on (a subset of GPUSupportedLimits). */
export type Relu2DeviceLimits = Pick<GPUSupportedLimits,
  'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupsPerDimension' | 'maxComputeWorkgroupStorageSize'
  | 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupSizeX'>;

const fmt = (x: number) => x.toLocaleString('en');

/**
 * Checks a spec and returns its sizes for one step kernel (default `workgroup`; layout.ts Relu2Kernel) and
 * one metrics kernel (default: layout.ts defaultMetricsKernel of the step kernel).
 * @throws DeviceLimitError naming the limit when m > 256, d > 128, n or nTest > 65,536, a workgroup of the
 *   workgroup or tiled kernel would exceed the device's invocations or workgroup memory, a buffer exceeds maxStorageBufferBindingSize /
 *   maxBufferSize, or the networks need more than maxComputeWorkgroupsPerDimension² workgroups.
 * @throws Error on malformed input: no networks, m or d differing between networks, data sets with
 *   different d, n or nTest, a bad dataIndex, η ≤ 0, non-finite θ₀, or a negative/non-finite slope.
 */
export function validateRelu2Spec(spec: Relu2SimSpec, limits: Relu2DeviceLimits, kernel: Relu2Kernel = 'workgroup', metricsKernel: Relu2MetricsKernel = defaultMetricsKernel(kernel)): Relu2Sizes {
  const { datasets, networks } = spec;
  if (!networks.length) throw new Error('relu2: no networks to train');
  if (!datasets.length) throw new Error('relu2: no data sets');
  const { m, d } = networks[0].init;
  const slope = spec.slope ?? 0;
  if (!(Number.isFinite(slope) && slope >= 0)) throw new Error(`relu2: the leaky slope must be finite and ≥ 0 (got ${slope})`);
  if (m > RELU2_LIMITS.maxUnits) throw new DeviceLimitError(`relu2: m = ${m} hidden units exceeds the limit of ${RELU2_LIMITS.maxUnits} (one GPU thread per unit, 256 threads per workgroup).`);
  if (d > RELU2_LIMITS.maxInputs) throw new DeviceLimitError(`relu2: d = ${d} inputs exceeds the limit of ${RELU2_LIMITS.maxInputs} (a tile of X must fit in 16 KiB of workgroup memory).`);
  if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(d) && d >= 1)) throw new Error(`relu2: need integers m ≥ 1, d ≥ 1 (got m = ${m}, d = ${d})`);
  const n = datasets[0].y.length;
  const nTest = datasets[0].ytest?.length ?? 0;
  for (const [name, v] of [['n (training samples)', n], ['nTest (test samples)', nTest]] as const) {
    if (v > RELU2_LIMITS.maxSamples) throw new DeviceLimitError(`relu2: ${name} = ${fmt(v)} exceeds the limit of ${fmt(RELU2_LIMITS.maxSamples)}.`);
  }
  if (n < 1) throw new Error('relu2: the training set is empty');
  datasets.forEach((s, i) => {
    const sn = s.y.length, st = s.ytest?.length ?? 0;
    if (s.d !== d || sn !== n || st !== nTest) throw new Error(`relu2: data set ${i} has d = ${s.d}, n = ${sn}, nTest = ${st}; all data sets must match the networks' d = ${d} and data set 0's n = ${n}, nTest = ${nTest}`);
    if (s.X.length !== n * d || (s.Xtest?.length ?? 0) !== nTest * d) throw new Error(`relu2: data set ${i}: X must have n·d = ${n * d} entries and Xtest nTest·d = ${nTest * d}`);
    if (![s.X, s.y, s.Xtest ?? [], s.ytest ?? []].every((arr) => Array.prototype.every.call(arr, Number.isFinite))) throw new Error(`relu2: data set ${i} has non-finite entries`);
  });
  const checked = new Set<Relu2Params>(); // grids may share one θ₀ object; check its entries once
  networks.forEach((net, q) => {
    const p = net.init;
    if (p.m !== m || p.d !== d) throw new Error(`relu2: network ${q} has m = ${p.m}, d = ${p.d}; all networks must have m = ${m}, d = ${d}`);
    if (p.W.length !== m * d || p.a.length !== m) throw new Error(`relu2: network ${q}: W must have m·d = ${m * d} entries and a m = ${m}`);
    if (!(Number.isInteger(net.dataIndex) && net.dataIndex >= 0 && net.dataIndex < datasets.length)) throw new Error(`relu2: network ${q} has dataIndex ${net.dataIndex}; there are ${datasets.length} data sets`);
    if (!(net.eta > 0 && Number.isFinite(net.eta))) throw new Error(`relu2: network ${q} has learning rate ${net.eta}; it must be finite and > 0`);
    if (!checked.has(p) && (!p.W.every(Number.isFinite) || !p.a.every(Number.isFinite))) throw new Error(`relu2: network ${q} has non-finite initial parameters`);
    checked.add(p);
  });

  const shape = kernelShape(m, d, n);
  const maxInv = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const workgroupKernel = kernel === 'workgroup';
  if (workgroupKernel && shape.wg > maxInv) throw new DeviceLimitError(`relu2: m = ${m} needs ${shape.wg} threads per workgroup; this device allows ${maxInv} (maxComputeInvocationsPerWorkgroup).`);
  const tiledShape = tiledKernelShape(m, d, n, Math.floor(limits.maxComputeWorkgroupStorageSize / 4) - 64);
  if (kernel === 'tiled' && tiledShape.wg > maxInv) throw new DeviceLimitError(`relu2: the tiled kernel needs ${tiledShape.wg} threads per workgroup for m = ${m}, d = ${d}; this device allows ${maxInv} (maxComputeInvocationsPerWorkgroup).`);
  const tiledBytes = 4 * tiledWorkgroupWords(tiledShape);
  if (kernel === 'tiled' && tiledBytes > limits.maxComputeWorkgroupStorageSize) throw new DeviceLimitError(`relu2: the tiled kernel needs ${fmt(tiledBytes)} B of workgroup memory; this device allows ${fmt(limits.maxComputeWorkgroupStorageSize)} B (maxComputeWorkgroupStorageSize).`);
  const wgBytes = 4 * stepWorkgroupWords(shape);
  if (workgroupKernel && wgBytes > limits.maxComputeWorkgroupStorageSize) throw new DeviceLimitError(`relu2: the step kernel needs ${fmt(wgBytes)} B of workgroup memory; this device allows ${fmt(limits.maxComputeWorkgroupStorageSize)} B (maxComputeWorkgroupStorageSize).`);
  const N = networks.length;
  const tiles = Math.ceil(n / shape.ts);
  const pStride = m * (1 + shape.dp);
  const dStride = dataStride(shape.dp, n, nTest);
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const featPerNet = 16 * n * m;
  const metricsChunk = Math.max(1, Math.min(N, Math.floor(Math.min(maxBinding, METRICS_FEAT_BYTES) / featPerNet)));
  const bytes = {
    params: 4 * N * pStride, comp: 4 * N * pStride, data: 4 * datasets.length * dStride,
    grad: kernel === 'thread' ? 4 * N * m * d : kernel === 'tiled' ? 4 * N * m * shape.dp : shape.resident || shape.dp <= shape.dc ? 4 : 4 * N * m * shape.dp, nets: 16 * N, status: 8 * N, metrics: 32 * N,
    feat: metricsKernel === 'thread' ? featPerNet * metricsChunk : 4,
    act: kernel === 'thread' ? 4 * N * threadActFloats(m, d, n) : 4,
  };
  for (const [name, b] of Object.entries(bytes)) {
    if (b > maxBinding) {
      throw new DeviceLimitError(`relu2: ${fmt(N)} networks (m = ${m}, d = ${d}, n = ${fmt(n)}) need ${(b / 2 ** 20).toFixed(1)} MiB for the ${name} buffer; `
        + `this device allows ${(maxBinding / 2 ** 20).toFixed(1)} MiB per storage buffer (maxStorageBufferBindingSize). Reduce the grid or split it into shards.`);
    }
  }
  const maxDim = limits.maxComputeWorkgroupsPerDimension;
  const stepWorkgroups = kernel !== 'thread' ? N : Math.ceil(N / THREAD_KERNEL_WORKGROUP_SIZE);
  if (stepWorkgroups > maxDim * maxDim) throw new DeviceLimitError(`relu2: ${fmt(N)} networks need ${fmt(stepWorkgroups)} workgroups, more than ${fmt(maxDim)}² (maxComputeWorkgroupsPerDimension).`);
  return { networks: N, datasets: datasets.length, m, d, n, nTest, kernel, metricsKernel, metricsChunk, shape, tiledShape, stepWorkgroups, tiles, pStride, dStride, bytes };
}
