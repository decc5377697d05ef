/**
 * mlp rows of the bench (issue 14 item 7): network-steps per second of the GPU ensemble trainer
 * (src/models/mlp/gpu/backend.ts, f32) on the random-hierarchy MLP of Fig. 6(c) (docs/theory.md §4: input
 * 64 = 8 positions × v = 8 one-hot, 3 hidden ReLU layers of width 64, 8 classes, no biases; SGD momentum 0.9,
 * minibatch 128 rows shared by the ensemble) at 36 and 216 networks, the achieved fraction of the adapter's FMA
 * peak, and the f64 reference (a plain minibatch SGD step in this file, one JS thread).
 * FLOPs per network-step: 2 (FLOP per multiply–add) × 3 (forward Z = A·Wᵀ, ∂A = ∂Z·W, ∇W = ∂Zᵀ·A) × B × Σ n_{l−1}n_l
 * = 6 · 128 · 12,800 = 9.83 MFLOP (loss, ReLU masks and optimiser update not counted; the first layer's ∂A is not
 * formed, so the count is 4 % above the work done).
 * Run alone: `npx tsx bench/mlp.ts` (measures the FMA peak first); `npm run bench -- --only mlp` in the table.
 */
import { initGpu, type GpuContext } from '../src/gpu/device.ts';
import { MlpGpuBackend } from '../src/models/mlp/gpu/backend.ts';
import type { MlpGpuJob } from '../src/models/mlp/gpu/job.ts';
import type { MatmulKind } from '../shaders/mlp/mlpMatmul.wgsl.ts';
import { calibrated, fmt, table, type BenchRow } from './common.ts';
import { FmaPeakKernel, FMA_PEAK_WORKGROUP } from './fmaPeak.ts';

/** Network counts of the rows: one α × seed block (6 × 6) and the Fig. 6(c) grid of one training size (6 α × 6 seeds × 6). */
export const MLP_SIZES = [36, 216];
/** The RHM MLP: widths, batch, training rows. */
export const RHM_MLP = { layers: [64, 64, 64, 64, 8], batch: 128, train: 2048 } as const;
/** Seconds a timed row aims at. */
const TARGET_S = 2;

/** FLOPs of one network-step (see the header). */
export function mlpFlopsPerStep(layers: readonly number[], batch: number): number {
  let macs = 0;
  for (let l = 1; l < layers.length; l++) macs += layers[l - 1] * layers[l];
  return 6 * batch * macs;
}

/** Deterministic uniform [0, 1) stream (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RHM-shaped inputs (8 one-hot positions of 8 symbols), random labels, He-normal-ish θ₀; E networks; seeded batches. */
export function rhmBenchJob(E: number): MlpGpuJob {
  const { layers, batch, train } = RHM_MLP;
  const r = rng(1);
  const X = new Float32Array(train * 64);
  for (let i = 0; i < train; i++) for (let pos = 0; pos < 8; pos++) X[i * 64 + pos * 8 + Math.floor(8 * r())] = 1;
  const labels = Array.from({ length: train }, () => Math.floor(8 * r()));
  const params = () => {
    const p: number[] = [];
    for (let l = 1; l < layers.length; l++) for (let i = 0; i < layers[l] * layers[l - 1]; i++) p.push((2 * r() - 1) * Math.sqrt(6 / layers[l - 1]));
    return p;
  };
  return {
    layers: [...layers], loss: 'cross-entropy', optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 }, train: { X, labels }, probe: 16,
    networks: Array.from({ length: E }, () => ({ params: params() })), batchSize: batch,
    batches: (start, count) => {
      const out = new Uint32Array(count * batch);
      const draw = rng(100 + start);
      for (let i = 0; i < out.length; i++) out[i] = Math.floor(draw() * train);
      return out;
    },
  };
}

/** One f64 minibatch SGD-momentum step of one network (the reference's arithmetic: forward, backward, update). */
function f64Step(job: MlpGpuJob, p: Float64Array, buf: Float64Array, rows: Uint32Array, t: number): void {
  const { layers } = job;
  const L = layers.length - 1, B = rows.length;
  const acts: Float64Array[] = [new Float64Array(B * layers[0])];
  for (let i = 0; i < B; i++) for (let k = 0; k < layers[0]; k++) acts[0][i * layers[0] + k] = job.train.X[rows[i] * layers[0] + k];
  const off: number[] = [];
  let at = 0;
  for (let l = 1; l <= L; l++) {
    off.push(at);
    const [ni, no] = [layers[l - 1], layers[l]];
    const a = acts[l - 1], z = new Float64Array(B * no);
    for (let i = 0; i < B; i++) for (let o = 0; o < no; o++) {
      let s = 0;
      for (let k = 0; k < ni; k++) s += a[i * ni + k] * p[at + o * ni + k];
      z[i * no + o] = l < L ? Math.max(s, 0) : s;
    }
    acts.push(z);
    at += ni * no;
  }
  const C = layers[L];
  let d = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    const z = acts[L].subarray(i * C, (i + 1) * C);
    const mx = Math.max(...z);
    let sum = 0;
    for (let j = 0; j < C; j++) sum += Math.exp(z[j] - mx);
    for (let j = 0; j < C; j++) d[i * C + j] = (Math.exp(z[j] - mx) / sum - (j === job.train.labels[rows[i]] ? 1 : 0)) / B;
  }
  const g = new Float64Array(p.length);
  for (let l = L; l >= 1; l--) {
    const [ni, no] = [layers[l - 1], layers[l]];
    const a = acts[l - 1];
    for (let i = 0; i < B; i++) for (let o = 0; o < no; o++) {
      const dv = d[i * no + o];
      if (dv !== 0) for (let k = 0; k < ni; k++) g[off[l - 1] + o * ni + k] += dv * a[i * ni + k];
    }
    if (l > 1) {
      const next = new Float64Array(B * ni);
      for (let i = 0; i < B; i++) for (let o = 0; o < no; o++) {
        const dv = d[i * no + o];
        if (dv !== 0) for (let k = 0; k < ni; k++) next[i * ni + k] += dv * p[off[l - 1] + o * ni + k];
      }
      for (let k = 0; k < next.length; k++) if (a[k] <= 0) next[k] = 0;
      d = next;
    }
  }
  const mu = job.optimizer.name === 'sgd' ? job.optimizer.momentum ?? 0 : 0;
  for (let k = 0; k < p.length; k++) {
    buf[k] = t === 0 ? g[k] : mu * buf[k] + g[k];
    p[k] -= job.optimizer.lr * buf[k];
  }
}

/**
 * Times the mlp rows on `ctx`.
 * @param peakFlops the adapter's FMA peak in FLOP/s (bench/fmaPeak.ts), measured in the same run.
 */
export async function benchMlp(ctx: GpuContext, peakFlops: number, log: (s: string) => void): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const model = `mlp RHM ${RHM_MLP.layers.join('-')} B=${RHM_MLP.batch}`;
  const flopsPerStep = mlpFlopsPerStep(RHM_MLP.layers, RHM_MLP.batch);
  const one = rhmBenchJob(1);
  const p = Float64Array.from(one.networks[0].params), buf = new Float64Array(p.length);
  let t = 0;
  const cpuRun = async (steps: number) => {
    const start = performance.now();
    for (let s = 0; s < steps; s++, t++) f64Step(one, p, buf, one.batches!(t, 1), t);
    return (performance.now() - start) / 1000;
  };
  await cpuRun(2);
  const cpu = await calibrated(cpuRun, 2, 1);
  const cpuRate = cpu.steps / cpu.seconds;
  log(`bench: mlp f64 reference, 1 network: ${cpu.steps} steps in ${cpu.seconds.toFixed(2)} s`);
  const rows: BenchRow[] = [];
  const preferred: MatmulKind = ctx.isSoftware ? 'direct' : 'tiled';
  for (const matmul of [preferred, preferred === 'direct' ? 'tiled' : 'direct'] as MatmulKind[]) for (const E of MLP_SIZES) {
    const backend = await MlpGpuBackend.create(ctx, rhmBenchJob(E), { matmul });
    try {
      await backend.advance(1);
      const { steps, seconds } = await calibrated(async (n) => {
        const start = performance.now();
        await backend.advance(n);
        return (performance.now() - start) / 1000;
      }, 1, TARGET_S);
      const each = steps / seconds;
      rows.push({
        model, method: `SGD-momentum, ${matmul} products${matmul === preferred ? ' (default)' : ''}`, n: E, gpuSteps: steps, gpuSeconds: seconds, gpuStepsPerSecond: each, gpuRate: E * each,
        flopsPerStep, cpuSteps: cpu.steps, cpuSeconds: cpu.seconds, cpuRate, cpuNote: '†',
      });
      log(`bench: mlp ${matmul} E=${E}: GPU ${steps} steps in ${seconds.toFixed(2)} s, ${(100 * E * each * flopsPerStep / peakFlops).toFixed(1)}% of the FMA peak`);
    } finally {
      backend.destroy();
    }
  }
  const notes = [
    `mlp rows: the RHM MLP of Fig. 6(c) (docs/theory.md §4; RHM-shaped one-hot inputs, random labels: the rate does not depend on the data), layers ${RHM_MLP.layers.join('-')}, no biases, minibatch ${RHM_MLP.batch} rows shared by the ensemble, `
      + 'MlpGpuBackend.advance (chunked submissions, awaits onSubmittedWorkDone; metrics not timed), with each product kernel (shaders/mlp/mlpMatmul.wgsl.ts: '
      + `'tiled' workgroup tiles for GPUs, 'direct' 4 × 4 blocks per thread for CPU adapters), this adapter's default (${preferred}) first. `
      + `FLOPs per network-step: 6·B·Σ n_{l−1}n_l = ${flopsPerStep.toExponential(3)} (forward, ∂A and ∇W multiply–adds, 2 FLOP each; loss and update not counted).`,
    `† f64 reference (bench/mlp.ts f64Step, one JS thread): 1 network, ${cpu.steps} steps in ${cpu.seconds.toFixed(2)} s, the same network-steps/s for every N.`,
  ];
  return { rows, notes };
}

/** Standalone: `npx tsx bench/mlp.ts` prints the mlp rows as a table. */
async function main(): Promise<void> {
  const ctx = await initGpu();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const peakKernel = new FmaPeakKernel(ctx, 8192 * FMA_PEAK_WORKGROUP);
  const peak = await peakKernel.measure(1, 3);
  peakKernel.destroy();
  const { rows, notes } = await benchMlp(ctx, peak.flopsPerSecond, log);
  const body = rows.map((r) => [r.model, r.method, `${r.n}`, `${r.gpuSteps}`, r.gpuSeconds.toFixed(2), fmt(r.gpuStepsPerSecond), fmt(r.gpuRate),
    `${((100 * r.gpuRate * r.flopsPerStep) / peak.flopsPerSecond).toFixed(1)}%`, `${fmt(r.cpuRate)}†`, `${(r.gpuRate / r.cpuRate).toFixed(1)}×`]);
  console.log([`adapter: ${ctx.adapterName}; FMA peak ${(peak.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s`, '',
    table(['model', 'method', 'N', 'GPU steps', 'GPU s', 'steps/s each', 'network-steps/s', '% FMA peak', 'CPU network-steps/s', 'GPU/CPU'], body, 2), '', ...notes].join('\n'));
  ctx.device.destroy();
  process.exit(0);
}

if (process.argv[1]?.endsWith('bench/mlp.ts')) void main();
