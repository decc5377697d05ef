/**
 * Per-network reductions of the mlp metrics at checkpoints (src/models/mlp/gpu/backend.ts, docs/theory.md §4,
 * §1.2): one workgroup of MLP_WG threads per network (workgroup_id.y), each writing its slots of `accum`
 * (f32 [E][8]: train loss sum, train correct, test loss sum, test correct, Hamming, ‖θ − θ₀‖, S(0, t), spare).
 */
import { declareBuffers, type MlpKernelSource } from './mlpCommon.wgsl.ts';
import { MLP_WG, type MlpShape } from './mlpKernels.wgsl.ts';

/** Slots of accum per network. */
export const ACCUM_WORDS = 8;
/** Slot of each metric in accum. */
export const ACCUM = { trainLoss: 0, trainCorrect: 1, testLoss: 2, testCorrect: 3, hamming: 4, paramDistance: 5, kernelDistance: 6 } as const;

const u = (x: number) => `${x}u`;
const reduce = (n: number) => /* wgsl */ `var<workgroup> red: array<f32, ${MLP_WG}>;
var<workgroup> red2: array<f32, ${MLP_WG}>;
fn reduce2(t: u32, a: f32, b: f32) -> vec2f {
  red[t] = a;
  red2[t] = b;
  workgroupBarrier();
  for (var h = ${u(n / 2)}; h > 0u; h = h / 2u) {
    if (t < h) { red[t] += red[t + h]; red2[t] += red2[t + h]; }
    workgroupBarrier();
  }
  let r = vec2f(red[0], red2[0]);
  workgroupBarrier();
  return r;
}`;

/**
 * Loss (τ-scaled logits, as in training) and correct predictions (argmax, first maximum) of U.rows eval rows
 * starting at U.rowStart of the train (U.testSet = 0; rows ≥ the network's trainSize skipped) or test set, added
 * to accum. Sums, not means: the host divides.
 */
export function evalKernel(s: MlpShape): MlpKernelSource {
  const L = s.layers.length - 1;
  const C = s.layers[L];
  const uses = ['U', 'data', 'acts', 'nets', 'accum'] as const;
  const loss = s.loss === 'cross-entropy'
    ? `var mx = -3.4e38;
      for (var j = 0u; j < C; j++) { mx = max(mx, tau * acts[z + j]); }
      var sum = 0.0;
      for (var j = 0u; j < C; j++) { sum += exp(tau * acts[z + j] - mx); }
      lossSum += log(sum) + mx - tau * acts[z + y];`
    : `for (var j = 0u; j < C; j++) { let r = tau * acts[z + j] - select(0.0, 1.0, j == y); lossSum += r * r; }`;
  return {
    label: 'Mlp.eval', uses, code: /* wgsl */ `${declareBuffers(uses)}
${reduce(MLP_WG)}
const C: u32 = ${u(C)};
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let e = wid.y;
  let tau = bitcast<f32>(nets[e].y);
  let limit = select(min(nets[e].x, U.nTrain), U.nTest, U.testSet == 1u);
  var lossSum = 0.0;
  var correct = 0.0;
  for (var m = t; m < U.rows; m += ${u(MLP_WG)}) {
    if (U.rowStart + m >= limit) { break; }
    let row = U.rowStart + m + select(0u, U.nTrain, U.testSet == 1u);
    let y = u32(data[U.labels + row]);
    let z = e * ${u(s.actStride)} + ${u(s.zOff[L - 1])} + m * C;
    var best = 0u;
    for (var j = 1u; j < C; j++) { if (acts[z + j] > acts[z + best]) { best = j; } }
    correct += select(0.0, 1.0, best == y);
    ${loss}
  }
  let r = reduce2(t, lossSum, correct);
  if (t == 0u) {
    let at = e * ${u(ACCUM_WORDS)} + 2u * U.testSet;
    accum[at] += r.x;
    accum[at + 1u] += r.y;
  }
}
`,
  };
}

/**
 * Hamming distance of the probe inputs' activation patterns [Z_l > 0] (hidden layers l < L) from θ₀'s, mean over
 * hidden units and probe inputs, into accum; with U.layer = 1 it records θ₀'s pattern in masks0 instead.
 */
export function hammingKernel(s: MlpShape): MlpKernelSource {
  const L = s.layers.length - 1;
  const uses = ['U', 'acts', 'masks0', 'accum'] as const;
  const layers = Array.from({ length: L - 1 }, (_, i) => {
    const n = s.layers[i + 1];
    const hOff = s.layers.slice(1, i + 1).reduce((a, b) => a + b, 0);
    return `  for (var p = t; p < U.probe * ${u(n)}; p += ${u(MLP_WG)}) {
    let m = p / ${u(n)};
    let j = p % ${u(n)};
    let on = select(0.0, 1.0, acts[e * ${u(s.actStride)} + ${u(s.zOff[i])} + m * ${u(n)} + j] > 0.0);
    let at = e * U.probe * ${u(s.hidden)} + m * ${u(s.hidden)} + ${u(hOff)} + j;
    if (U.layer == 1u) { masks0[at] = on; } else { diff += abs(on - masks0[at]); }
  }`;
  }).join('\n');
  return {
    label: 'Mlp.hamming', uses, code: /* wgsl */ `${declareBuffers(uses)}
${reduce(MLP_WG)}
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let e = wid.y;
  var diff = 0.0;
${layers}
  let r = reduce2(t, diff, 0.0);
  if (t == 0u) { accum[e * ${u(ACCUM_WORDS)} + ${u(ACCUM.hamming)}] = ${L > 1 ? `r.x / f32(U.probe * ${u(s.hidden)})` : '0.0'}; }
}
`,
  };
}

/** ‖θ_t − θ₀‖ of each network into accum. */
export function paramDistanceKernel(s: MlpShape): MlpKernelSource {
  const uses = ['U', 'paramsRO', 'params0', 'accum'] as const;
  return {
    label: 'Mlp.paramDistance', uses, code: /* wgsl */ `${declareBuffers(uses)}
${reduce(MLP_WG)}
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let e = wid.y;
  var sum = 0.0;
  for (var p = t; p < ${u(s.paramCount)}; p += ${u(MLP_WG)}) {
    let d = params[e * ${u(s.pStride)} + p] - params0[e * ${u(s.pStride)} + p];
    sum += d * d;
  }
  let r = reduce2(t, sum, 0.0);
  if (t == 0u) { accum[e * ${u(ACCUM_WORDS)} + ${u(ACCUM.paramDistance)}] = sqrt(r.x); }
}
`,
  };
}

/**
 * Kernel distance S(0, t) = 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖) (docs/theory.md §1.2), evaluated as ½‖K₀/‖K₀‖ − K_t/‖K_t‖‖²
 * (the same number without the cancellation of 1 − cos near 0), into accum.
 */
export function kernelDistanceKernel(): MlpKernelSource {
  const uses = ['U', 'kern', 'kern0', 'accum'] as const;
  return {
    label: 'Mlp.kernelDistance', uses, code: /* wgsl */ `${declareBuffers(uses)}
${reduce(MLP_WG)}
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let e = wid.y;
  let pp = U.probe * U.probe;
  var a = 0.0;
  var b = 0.0;
  for (var p = t; p < pp; p += ${u(MLP_WG)}) { let k0 = kern0[e * pp + p]; let kt = kern[e * pp + p]; a += k0 * k0; b += kt * kt; }
  let norms = sqrt(reduce2(t, a, b));
  var d = 0.0;
  for (var p = t; p < pp; p += ${u(MLP_WG)}) { let x = kern0[e * pp + p] / norms.x - kern[e * pp + p] / norms.y; d += x * x; }
  let r = reduce2(t, d, 0.0);
  if (t == 0u) { accum[e * ${u(ACCUM_WORDS)} + ${u(ACCUM.kernelDistance)}] = 0.5 * r.x; }
}
`,
  };
}
