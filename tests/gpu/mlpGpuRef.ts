/**
 * A compact f64 reference of the mlp trainer for the GPU tests (tests/gpu/mlpGpu*.test.ts), written from the
 * conventions (docs/theory.md §4; the fixture's description), independent of the GPU code: straightforward loops,
 * per-sample backprop, and the empirical NTK from explicit per-(input, output) gradient vectors (not the GPU's
 * factorised Gram products). Stand-in until src/theory/mlp.ts (helper mlpcore) lands on main.
 */
import type { MlpGpuJob } from '../../src/models/mlp/gpu/job.ts';
import { mlpParamCount, scheduledLr } from '../../src/models/mlp/gpu/job.ts';

/** Metrics of one network at one checkpoint (as MlpMetrics without step bookkeeping). */
export interface RefRecord {
  step: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number;
  kernelDistance: number; hamming: number; paramDistance: number;
}

/** Pre-activations Z_1 … Z_L of one input (params in the job layout). */
function forward(layers: readonly number[], bias: boolean, p: Float64Array, x: ArrayLike<number>): Float64Array[] {
  const zs: Float64Array[] = [];
  let a = Float64Array.from(x);
  let at = 0;
  for (let l = 1; l < layers.length; l++) {
    const [ni, no] = [layers[l - 1], layers[l]];
    const z = new Float64Array(no);
    for (let o = 0; o < no; o++) {
      let s = 0;
      for (let k = 0; k < ni; k++) s += p[at + o * ni + k] * a[k];
      z[o] = s;
    }
    at += no * ni;
    if (bias) { for (let o = 0; o < no; o++) z[o] += p[at + o]; at += no; }
    zs.push(z);
    a = z.map((v) => Math.max(v, 0));
  }
  return zs;
}

/** Adds into `grad` the gradient of Σ_o seed_o·f_o(x) (zs = forward(x)). */
function backward(layers: readonly number[], bias: boolean, p: Float64Array, x: ArrayLike<number>, zs: Float64Array[], seed: Float64Array, grad: Float64Array): void {
  const offs: number[] = [];
  let at = 0;
  for (let l = 1; l < layers.length; l++) { offs.push(at); at += layers[l] * (layers[l - 1] + (bias ? 1 : 0)); }
  let d = Float64Array.from(seed);
  for (let l = layers.length - 1; l >= 1; l--) {
    const [ni, no] = [layers[l - 1], layers[l]];
    const a = l === 1 ? Float64Array.from(x) : zs[l - 2].map((v) => Math.max(v, 0));
    const w = offs[l - 1];
    for (let o = 0; o < no; o++) {
      for (let k = 0; k < ni; k++) grad[w + o * ni + k] += d[o] * a[k];
      if (bias) grad[w + no * ni + o] += d[o];
    }
    if (l > 1) {
      const next = new Float64Array(ni);
      for (let k = 0; k < ni; k++) {
        let s = 0;
        for (let o = 0; o < no; o++) s += d[o] * p[w + o * ni + k];
        next[k] = zs[l - 2][k] > 0 ? s : 0;
      }
      d = next;
    }
  }
}

/** Loss of τ·logits against label y and its gradient with respect to the logits (before 1/b). */
function lossOf(kind: MlpGpuJob['loss'], z: Float64Array, tau: number, y: number): { loss: number; dz: Float64Array } {
  const s = z.map((v) => tau * v);
  if (kind === 'mse') {
    const r = s.map((v, j) => v - (j === y ? 1 : 0));
    return { loss: r.reduce((a, v) => a + v * v, 0), dz: r.map((v) => 2 * tau * v) };
  }
  const mx = Math.max(...s);
  const ex = s.map((v) => Math.exp(v - mx));
  const sum = ex.reduce((a, v) => a + v, 0);
  return { loss: Math.log(sum) + mx - s[y], dz: ex.map((v, j) => tau * (v / sum - (j === y ? 1 : 0))) };
}

/** Trains every network of `job` in f64 and records the metrics at `checkpoints` (steps, ascending). */
export function referenceTrain(job: MlpGpuJob, checkpoints: readonly number[]): RefRecord[][] {
  const { layers, loss } = job;
  const bias = job.bias ?? false;
  const L = layers.length - 1, n0 = layers[0], C = layers[L];
  const np = mlpParamCount(layers, bias);
  const nTrain = job.train.labels.length;
  const row = (set: NonNullable<MlpGpuJob['test']>, i: number) => Array.from({ length: n0 }, (_, k) => set.X[i * n0 + k]);
  const E = job.networks.length;
  const B = job.batchSize === 'full' ? 0 : job.batchSize;
  const opt = job.optimizer;
  const P = job.probe;
  const ntk = (p: Float64Array) => {
    const g = Array.from({ length: P * C }, (_, io) => {
      const i = Math.floor(io / C), o = io % C;
      const gr = new Float64Array(np);
      const x = row(job.train, i);
      const seed = new Float64Array(C); seed[o] = 1;
      backward(layers, bias, p, x, forward(layers, bias, p, x), seed, gr);
      return gr;
    });
    const K = new Float64Array(P * P);
    for (let i = 0; i < P; i++) for (let j = 0; j < P; j++) {
      let s = 0;
      for (let o = 0; o < C; o++) { const a = g[i * C + o], b = g[j * C + o]; for (let k = 0; k < np; k++) s += a[k] * b[k]; }
      K[i * P + j] = s;
    }
    return K;
  };
  const pattern = (p: Float64Array) => Array.from({ length: P }, (_, i) => forward(layers, bias, p, row(job.train, i)).slice(0, L - 1).flatMap((z) => Array.from(z, (v) => v > 0)));
  const out: RefRecord[][] = job.networks.map(() => []);
  const state = job.networks.map((net) => {
    const p0 = Float64Array.from(net.params);
    return { p: Float64Array.from(p0), p0, m1: new Float64Array(np), m2: new Float64Array(np), K0: ntk(p0), H0: pattern(p0), size: net.trainSize ?? nTrain, tau: net.tau ?? 1, lrs: net.lrScale ?? 1 };
  });
  const record = (e: number, step: number) => {
    const s = state[e];
    const evalSet = (set: NonNullable<MlpGpuJob['test']>, n: number) => {
      let l = 0, c = 0;
      for (let i = 0; i < n; i++) {
        const z = forward(layers, bias, s.p, row(set, i))[L - 1];
        l += lossOf(loss, z, s.tau, set.labels[i]).loss;
        let best = 0;
        for (let j = 1; j < C; j++) if (z[j] > z[best]) best = j;
        if (best === set.labels[i]) c++;
      }
      return [l / n, c / n];
    };
    const [trainLoss, trainAccuracy] = evalSet(job.train, s.size);
    const [testLoss, testAccuracy] = job.test ? evalSet(job.test, job.test.labels.length) : [NaN, NaN];
    const K = ntk(s.p);
    let dot = 0, a = 0, b = 0;
    for (let k = 0; k < K.length; k++) { dot += K[k] * s.K0[k]; a += s.K0[k] ** 2; b += K[k] ** 2; }
    const H = pattern(s.p);
    let diff = 0, units = 0;
    H.forEach((h, i) => h.forEach((v, j) => { units++; if (v !== s.H0[i][j]) diff++; }));
    let d2 = 0;
    for (let k = 0; k < np; k++) d2 += (s.p[k] - s.p0[k]) ** 2;
    out[e].push({ step, trainLoss, trainAccuracy, testLoss, testAccuracy, kernelDistance: 1 - dot / Math.sqrt(a * b), hamming: units ? diff / units : 0, paramDistance: Math.sqrt(d2) });
  };
  const last = checkpoints[checkpoints.length - 1];
  for (let t = 0; t <= last; t++) {
    if (checkpoints.includes(t)) for (let e = 0; e < E; e++) record(e, t);
    if (t === last) break;
    const rows = B ? job.batches!(t, 1) : undefined;
    for (let e = 0; e < E; e++) {
      const s = state[e];
      const idx = rows ? Array.from((job.batchShared ?? true) ? rows : rows.subarray(e * B, (e + 1) * B)) : Array.from({ length: s.size }, (_, i) => i);
      const g = new Float64Array(np);
      for (const i of idx) {
        const x = row(job.train, i);
        const zs = forward(layers, bias, s.p, x);
        const { dz } = lossOf(loss, zs[L - 1], s.tau, job.train.labels[i]);
        backward(layers, bias, s.p, x, zs, dz.map((v) => v / idx.length), g);
      }
      const lr = scheduledLr(opt, t, job.totalSteps) * s.lrs;
      for (let k = 0; k < np; k++) {
        if (opt.name === 'sgd') {
          const mu = opt.momentum ?? 0;
          s.m1[k] = t === 0 ? g[k] : mu * s.m1[k] + g[k];
          s.p[k] -= lr * s.m1[k];
        } else {
          const [b1, b2] = opt.betas;
          s.p[k] *= 1 - lr * opt.weightDecay;
          s.m1[k] = b1 * s.m1[k] + (1 - b1) * g[k];
          s.m2[k] = b2 * s.m2[k] + (1 - b2) * g[k] ** 2;
          s.p[k] -= (lr * (s.m1[k] / (1 - b1 ** (t + 1)))) / (Math.sqrt(s.m2[k] / (1 - b2 ** (t + 1))) + 1e-8);
        }
      }
    }
  }
  return out;
}
