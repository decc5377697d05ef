/**
 * Resource estimates of relu2 runs (src/models/estimate.ts), from a config or the app's params, before
 * anything is allocated (issue 11 defect 3, issue 10 defect 9). Byte counts follow spec.ts
 * validateRelu2Spec (GPU buffers, f32), plan.ts (θ₀ and data sets as f64 on the host) and run.ts (the
 * CLI's output objects: W as m arrays of d numbers per network). Times are rough (±2×).
 */
import type { ResourceEstimate } from '../estimate.ts';
import { relu2ConfigFromParams } from './appConfig.ts';
import type { Relu2Config } from './config.ts';
import { METRICS_FEAT_BYTES, threadActFloats } from './layout.ts';
import type { Relu2AppParams } from './params.ts';

/** Multiply–adds per second of the host's set-up (teacher data, symmetrised inits), one core. */
export const SETUP_FLOPS = 5e7;
/** V8 costs (bytes): one number in a packed double array, an array's header, a small object. */
const NUM = 8, ARR = 32, OBJ = 120;

/** The sizes an estimate depends on. */
export interface Relu2Shape {
  /** Networks built and run together (a simulate run, a sweep chunk, an app batch). */
  networks: number;
  /** Data sets they use (one per grid seed with teacher data, else 1). */
  datasets: number;
  m: number; d: number; n: number; nTest: number;
  /** Teacher units (0 for explicit data). */
  m0: number;
  /** Checkpoints (C). */
  checkpoints: number;
}

/**
 * The estimate for one run of `shape.networks` networks.
 * @param holdOutputs true when every network's output (metrics at C checkpoints and the final W, a as JS
 *   arrays) is held in memory at once (`simulate`, a sweep chunk); false for the app (metrics only).
 * @param backend 'cpu' has no GPU buffers but a second f64 copy of θ.
 */
export function relu2Resources(shape: Relu2Shape, backend: 'gpu' | 'cpu', holdOutputs: boolean, fields: string[]): ResourceEstimate {
  const { networks: N, datasets: D, m, d, n, nTest, m0, checkpoints: C } = shape;
  const dp = Math.ceil(d / 4) * 4, up4 = (x: number) => Math.ceil(x / 4) * 4;
  const theta = m * (d + 1);
  const dataFloats = (n + nTest) * (d + 1);
  // host: θ₀ (f64) and the data sets (f64), plus the f32 upload copies or the CPU's f64 working copy
  const bufferBytes = N * (8 * theta + 200) * 2 + D * dataFloats * 8 * 2 + (backend === 'cpu' ? 8 * m * n : 0);
  const metricsHeap = N * C * (OBJ + 10 * NUM);
  const outputHeap = holdOutputs ? N * (OBJ + 4 * NUM + 7 * (ARR + C * NUM) + ARR + m * (ARR + d * NUM) + ARR + m * NUM) : 0;
  let deviceBytes = 0, largestBuffer = 0;
  if (backend === 'gpu') {
    const pStride = m * (1 + dp);
    const buffers = [4 * N * pStride, 4 * N * pStride, 4 * D * (n * dp + up4(n) + nTest * dp + up4(nTest)),
      4 * N * m * (d <= 32 ? d : dp) /* grad: exact for the thread kernel, an upper bound for the workgroup one */, 16 * N, 8 * N, 32 * N, Math.min(METRICS_FEAT_BYTES, 16 * n * m * N),
      4 * N * threadActFloats(m, d, n) /* act: the thread kernel's */];
    deviceBytes = buffers.reduce((s, b) => s + b, 0);
    largestBuffer = Math.max(...buffers);
  }
  return {
    items: N, itemName: 'networks',
    heapBytes: metricsHeap + outputHeap,
    bufferBytes,
    deviceBytes, largestBuffer,
    setupSeconds: (N * theta + D * (n + nTest) * d * Math.max(1, m0)) / SETUP_FLOPS,
    fields,
  };
}

/** The shape of networks [start, start + count) of a validated config (data sets: those the range uses). */
export function relu2ConfigShape(cfg: Relu2Config, count = cfg.networks): Relu2Shape {
  const perSeed = cfg.init.kind === 'explicit' ? cfg.networks : Math.max(1, cfg.networks / cfg.init.seeds.length);
  const teacherSets = cfg.data.kind === 'teacher' && cfg.init.kind !== 'explicit';
  return {
    networks: count, datasets: teacherSets ? Math.min(Math.ceil(count / perSeed) + 1, cfg.init.kind === 'explicit' ? 1 : cfg.init.seeds.length) : 1,
    m: cfg.m, d: cfg.d, n: cfg.n, nTest: cfg.nTest, m0: cfg.data.kind === 'teacher' ? cfg.data.teacher.m0 : 0,
    checkpoints: cfg.checkpoints.length,
  };
}

/** The config fields that set a relu2 run's size (for messages). */
export function relu2SizeFields(cfg: Relu2Config): string[] {
  const init = cfg.init.kind === 'explicit' ? 'config.init.explicit' : `config.init.${cfg.init.kind}`;
  return [init, cfg.data.kind === 'teacher' ? 'config.data.teacher' : 'config.data'];
}

/** `lazyrich simulate` of a whole validated config (every output held until the end). */
export function estimateRelu2Config(cfg: Relu2Config, backend: 'gpu' | 'cpu' = cfg.backend): ResourceEstimate {
  return relu2Resources(relu2ConfigShape(cfg), backend, true, relu2SizeFields(cfg));
}

/**
 * The app's experiment for params p (teacher data only: uploaded data are estimated when they are
 * uploaded). Host: every data set (the app builds them all up front) and one batch of networks; device:
 * the largest batch. Fields: the URL keys of the grid's counts and the data's sizes.
 * @returns undefined for data = "upload" (the params do not carry the data's size).
 */
export function estimateRelu2Params(p: Relu2AppParams): ResourceEstimate | undefined {
  if (p.data === 'upload') return undefined;
  const cfg = relu2ConfigFromParams(p, null);
  const rows = p.shape === 'delta' ? p.deltaCount : p.alphaCount;
  const batch = p.experiment === 'fig1a' || p.batch === 'all' ? cfg.networks : p.batch === 'tau' ? rows * p.seeds : p.seeds;
  const one = relu2Resources({ ...relu2ConfigShape(cfg, batch), datasets: p.seeds }, 'gpu', false, []);
  const all = relu2Resources({ ...relu2ConfigShape(cfg), datasets: p.seeds }, 'gpu', false, []);
  return {
    ...one, items: cfg.networks, heapBytes: all.heapBytes, setupSeconds: all.setupSeconds,
    fields: [...(p.experiment === 'fig1a' ? [] : ['tn', p.shape === 'delta' ? 'dn' : 'an']), 'sn', 'm', 'd', 'n', 'nt'],
  };
}
