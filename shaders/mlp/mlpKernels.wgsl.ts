/**
 * The kernels of one mlp ensemble (src/models/mlp/gpu/backend.ts; docs/theory.md §4; buffer layouts in
 * mlpCommon.wgsl.ts). A training step is L forward products, the loss, 2L − 1 backward products, the optimiser
 * update and a tick, all in one compute pass; metrics reuse the forward products on row chunks ("eval" rows) and
 * the probe set. Products: mlpMatmul.wgsl.ts.
 */
import { declareBuffers, STEP_IN_CHUNK, type MlpKernelSource } from './mlpCommon.wgsl.ts';
import { matmulKernel, tileFor, type MatmulKind, type MatmulSpec } from './mlpMatmul.wgsl.ts';

/** Compile-time shape of an ensemble (src/models/mlp/gpu/job.ts mlpShape). */
export interface MlpShape {
  /** Widths n_0 (inputs) … n_L (outputs). */
  layers: readonly number[];
  bias: boolean;
  loss: 'cross-entropy' | 'mse';
  optimizer: 'sgd' | 'adamw';
  /** SGD momentum μ (0: plain GD, no buffer). */
  momentum: number;
  /** AdamW β₁, β₂. */
  betas: readonly [number, number];
  /** Divergence bound: a new |θ_i| above it flags the network, as the f64 trainer's bound (Infinity: non-finite only). */
  bound: number;
  /** Words per network in params (≥ paramCount). */
  pStride: number;
  /** Parameters of one network. */
  paramCount: number;
  /** Offset of W_l (index l − 1) and of its bias b_l in a network's parameters. */
  wOff: readonly number[];
  bOff: readonly number[];
  /** Activation rows R (≥ batch, probe, eval chunk). */
  rows: number;
  /** Rows of a training step B (the forward and backward products' tiles are sized for it). */
  batch: number;
  /** Words per network in acts; offset of Z_l (index l − 1). */
  actStride: number;
  zOff: readonly number[];
  /** Widest of n_1 … n_L. */
  maxWidth: number;
  /** Probe inputs P. */
  probe: number;
  /** Hidden units per probe input (Σ_{l<L} n_l) in masks0. */
  hidden: number;
  /** Product kernel (mlpMatmul.wgsl.ts): 'tiled' for GPUs, 'direct' for CPU adapters. */
  matmul: MatmulKind;
}

/** Threads per workgroup of the elementwise and per-network kernels. */
export const MLP_WG = 64;

const u = (x: number) => `${x}u`;

/**
 * Shared WGSL helpers: the data row of activation row m (`dataRow`; the step within the submission read atomically,
 * or plainly when the kernel binds `statusRO`), and layer l's input Ã_{l−1}(m, k) with its bias column 1:
 * rowIn_l(e, m) (once per row) then actInR_l(row, k), or actIn_l(e, m, k).
 */
function helpers(s: MlpShape, atomicStatus = true): string {
  const L = s.layers.length - 1;
  const n0 = s.layers[0];
  const ins = s.layers.slice(0, L).map((nin, i) => {
    const l = i + 1;
    const row = l === 1 ? `dataRow(e, m) * ${u(n0)}` : `e * AS + ${u(s.zOff[l - 2])} + m * ${u(nin)}`;
    const at = l === 1 ? 'data[r + k]' : 'max(acts[r + k], 0.0)';
    const value = s.bias ? `select(1.0, ${at}, k < ${u(nin)})` : at;
    return [
      `fn rowIn${l}(e: u32, m: u32) -> u32 { return ${row}; }`,
      `fn actInR${l}(r: u32, k: u32) -> f32 { return ${value}; }`,
      `fn actIn${l}(e: u32, m: u32, k: u32) -> f32 { return actInR${l}(rowIn${l}(e, m), k); }`,
    ].join('\n');
  }).join('\n');
  return /* wgsl */ `const AS: u32 = ${u(s.actStride)};
const PS: u32 = ${u(s.pStride)};
const R: u32 = ${u(s.rows)};
const MW: u32 = ${u(s.maxWidth)};
const DZS: u32 = ${u(2 * s.rows * s.maxWidth)};
// Row of the combined train ++ test data behind activation row m (mlpCommon.wgsl.ts batchMode).
fn dataRow(e: u32, m: u32) -> u32 {
  if (U.batchMode == 3u) { return U.rowStart + m + select(0u, U.nTrain, U.testSet == 1u); }
  if (U.batchMode == 0u) { return m; }
  let s = ${atomicStatus ? STEP_IN_CHUNK : 'status[0]'};
  if (U.batchMode == 1u) { return plan[U.idxOffset + s * U.rows + m]; }
  return plan[U.idxOffset + (s * U.nets + e) * U.rows + m];
}
${ins}`;
}

/** Slot of layer l's ∂Z in the dz ping-pong. */
const slot = (s: MlpShape, l: number) => (s.layers.length - 1 - l) % 2;
const dzAt = (s: MlpShape, l: number, row: string, col: string) => `dz[e * DZS + ${u(slot(s, l) * s.rows * s.maxWidth)} + ${row} * MW + ${col}]`;
const nin = (s: MlpShape, l: number) => s.layers[l - 1] + (s.bias ? 1 : 0);

/** Forward product of layer l: Z_l = Ã_{l−1} · [W_l b_l]ᵀ over U.rows rows. */
export function forwardKernel(s: MlpShape, l: number): MlpKernelSource {
  const [ni, no] = [s.layers[l - 1], s.layers[l]];
  const spec: MatmulSpec = {
    label: `Mlp.forward${l}`, uses: ['U', 'paramsRO', 'data', 'plan', 'acts', 'statusRO'],
    M: 'U.rows', N: u(no), K: u(nin(s, l)), tm: tileFor(s.batch), tn: tileFor(no), prelude: helpers(s, false),
    rowA: `rowIn${l}(e, m)`, loadA: `actInR${l}(ra, k)`,
    loadB: s.bias
      ? `select(params[e * PS + ${u(s.bOff[l - 1])} + n], params[e * PS + ${u(s.wOff[l - 1])} + n * ${u(ni)} + k], k < ${u(ni)})`
      : `params[e * PS + ${u(s.wOff[l - 1])} + n * ${u(ni)} + k]`,
    store: `acts[e * AS + ${u(s.zOff[l - 1])} + m * ${u(no)} + n] = v;`,
  };
  return matmulKernel(spec, s.matmul);
}

/** Backward product of layer l ≥ 2: ∂Z_{l−1} = (∂Z_l · W_l) ⊙ σ′(Z_{l−1}), rows U.rows. */
export function backwardDataKernel(s: MlpShape, l: number): MlpKernelSource {
  const [ni, no] = [s.layers[l - 1], s.layers[l]];
  return matmulKernel({
    label: `Mlp.backward${l}`, uses: ['U', 'paramsRO', 'acts', 'dz'],
    M: 'U.rows', N: u(ni), K: u(no), tm: tileFor(s.batch), tn: tileFor(ni), prelude: helpers(s).replace(/fn dataRow[\s\S]*$/, ''),
    loadA: dzAt(s, l, 'm', 'k'),
    loadB: `params[e * PS + ${u(s.wOff[l - 1])} + k * ${u(ni)} + n]`,
    store: `${dzAt(s, l - 1, 'm', 'n')} = select(0.0, v, acts[e * AS + ${u(s.zOff[l - 2])} + m * ${u(ni)} + n] > 0.0);`,
  }, s.matmul);
}

/** Gradient of layer l: [∇W_l ∇b_l] = ∂Z_lᵀ · Ã_{l−1}, summed over U.rows rows; a non-finite entry flags the network. */
export function gradKernel(s: MlpShape, l: number): MlpKernelSource {
  const [ni, no] = [s.layers[l - 1], s.layers[l]];
  return matmulKernel({
    label: `Mlp.grad${l}`, uses: ['U', 'data', 'plan', 'acts', 'dz', 'grads', 'status'],
    M: u(no), N: u(nin(s, l)), K: 'U.rows', tm: tileFor(no), tn: tileFor(nin(s, l)), prelude: helpers(s),
    loadA: dzAt(s, l, 'k', 'm'),
    rowB: `rowIn${l}(e, k)`, loadB: `actInR${l}(rb, n)`,
    store: `grads[e * PS + select(${u(s.bOff[l - 1])} + m, ${u(s.wOff[l - 1])} + m * ${u(ni)} + n, n < ${u(ni)})] = v;
  if (!isFinite(v)) { atomicOr(&status[2u + 2u * e], 1u); }`,
  }, s.matmul);
}

/** Probe Gram of layer l's input: G = Ã_{l−1} Ã_{l−1}ᵀ (P × P; the bias column adds the bias gradients' 1). */
export function gramKernel(s: MlpShape, l: number): MlpKernelSource {
  return matmulKernel({
    label: `Mlp.gram${l}`, uses: ['U', 'data', 'plan', 'acts', 'status', 'gram'],
    M: 'U.probe', N: 'U.probe', K: u(nin(s, l)), tm: tileFor(s.probe), tn: tileFor(s.probe), prelude: helpers(s),
    loadA: `actIn${l}(e, m, k)`, loadB: `actIn${l}(e, n, k)`,
    store: `gram[e * U.probe * U.probe + m * U.probe + n] = v;`,
  }, s.matmul);
}

/** NTK accumulation of layer l for one output: K += (∂_{Z_l} f_o ∂_{Z_l} f_oᵀ) ⊙ G (docs/theory.md §1.2, trace over outputs). */
export function kernelAccumKernel(s: MlpShape, l: number): MlpKernelSource {
  return matmulKernel({
    label: `Mlp.ntk${l}`, uses: ['U', 'dz', 'gram', 'kern'],
    M: 'U.probe', N: 'U.probe', K: u(s.layers[l]), tm: tileFor(s.probe), tn: tileFor(s.probe),
    prelude: helpers(s).replace(/fn dataRow[\s\S]*$/, ''),
    loadA: dzAt(s, l, 'm', 'k'), loadB: dzAt(s, l, 'n', 'k'),
    store: `let at = e * U.probe * U.probe + m * U.probe + n; kern[at] += v * gram[at];`,
  }, s.matmul);
}

/** ∂f_o/∂Z_L for the probe rows: the unit vector of output U.output. One thread per (row, output), y = network. */
export function seedKernel(s: MlpShape): MlpKernelSource {
  const C = s.layers[s.layers.length - 1];
  return {
    label: 'Mlp.seed', uses: ['U', 'dz'], code: /* wgsl */ `${declareBuffers(['U', 'dz'])}
const MW: u32 = ${u(s.maxWidth)};
const DZS: u32 = ${u(2 * s.rows * s.maxWidth)};
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.y;
  if (gid.x >= U.probe * ${u(C)}) { return; }
  let m = gid.x / ${u(C)};
  let j = gid.x % ${u(C)};
  ${dzAt(s, s.layers.length - 1, 'm', 'j')} = select(0.0, 1.0, j == U.output);
}
`,
  };
}

/** The loss's ∂/∂Z_L of each batch row (1/b included); a non-finite loss flags the network. Thread per row, y = network. */
export function lossKernel(s: MlpShape): MlpKernelSource {
  const L = s.layers.length - 1;
  const C = s.layers[L];
  const uses = ['U', 'data', 'plan', 'acts', 'dz', 'nets', 'status'] as const;
  const body = s.loss === 'cross-entropy'
    ? `var mx = -3.4e38;
  for (var j = 0u; j < C; j++) { mx = max(mx, tau * acts[z + j]); }
  var sum = 0.0;
  for (var j = 0u; j < C; j++) { sum += exp(tau * acts[z + j] - mx); }
  let loss = log(sum) + mx - tau * acts[z + y];
  for (var j = 0u; j < C; j++) {
    let p = exp(tau * acts[z + j] - mx) / sum;
    ${dzAt(s, L, 'm', 'j')} = tau * (p - select(0.0, 1.0, j == y)) * inv;
  }`
    : `var loss = 0.0;
  for (var j = 0u; j < C; j++) {
    let r = tau * acts[z + j] - select(0.0, 1.0, j == y);
    loss += r * r;
    ${dzAt(s, L, 'm', 'j')} = 2.0 * tau * r * inv;
  }`;
  return {
    label: 'Mlp.loss', uses, code: /* wgsl */ `${declareBuffers(uses)}
${helpers(s)}
const C: u32 = ${u(C)};
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.y;
  let m = gid.x;
  if (m >= U.rows) { return; }
  let b = select(U.rows, min(nets[e].x, U.rows), U.batchMode == 0u);
  if (m >= b) {
    for (var j = 0u; j < C; j++) { ${dzAt(s, L, 'm', 'j')} = 0.0; }
    return;
  }
  let tau = bitcast<f32>(nets[e].y);
  let inv = 1.0 / f32(b);
  let y = u32(data[U.labels + dataRow(e, m)]);
  let z = e * AS + ${u(s.zOff[L - 1])} + m * C;
  ${body}
  if (!isFinite(loss)) { atomicOr(&status[2u + 2u * e], 1u); }
}
`,
  };
}

/**
 * Optimiser update of every parameter (PyTorch conventions, docs/theory.md §4): SGD p ← p − η_t·buf with
 * buf = μ·buf + g (buf = g at the first step); AdamW p ← p(1 − η_t·wd) − η_t·m̂/(√v̂ + 1e-8). η_t = schedule × the
 * network's lr scale. Two passes per step, so a network freezes whole at its last finite step as in the f64 trainer:
 * 'check' computes every new value and flags the network when one is non-finite or above the bound (writes nothing);
 * 'apply' then writes the new values of the networks not flagged. A flagged network is skipped (frozen).
 */
export function updateKernel(s: MlpShape, phase: 'check' | 'apply'): MlpKernelSource {
  const uses = ['U', 'params', 'grads', 'opt1', 'opt2', 'nets', 'plan', 'status'] as const;
  const [b1, b2] = s.betas;
  const body = s.optimizer === 'sgd'
    ? (s.momentum === 0 ? `let nw = w - lr * g;` : `var buf = g;
  if (plan[4u * st + 3u] == 0u) { buf = ${s.momentum} * opt1[i] + g; }
  let nw = w - lr * buf;`)
    : `let mo = ${b1} * opt1[i] + ${1 - b1} * g;
  let ve = ${b2} * opt2[i] + ${1 - b2} * g * g;
  let mh = mo / bitcast<f32>(plan[4u * st + 1u]);
  let vh = ve / bitcast<f32>(plan[4u * st + 2u]);
  let nw = w * (1.0 - lr * bitcast<f32>(U.wdBits)) - lr * mh / (sqrt(vh) + 1e-8);`;
  const save = s.optimizer === 'sgd' ? (s.momentum === 0 ? '' : 'opt1[i] = buf;') : 'opt1[i] = mo; opt2[i] = ve;';
  const bad = `!isFinite(nw)${Number.isFinite(s.bound) ? ` | (abs(nw) > ${s.bound.toExponential()}f)` : ''}`;
  const tail = phase === 'check'
    ? `if (${bad}) { atomicOr(&status[2u + 2u * e], 1u); }`
    : `params[i] = nw;
  ${save}
  if (p == 0u) { atomicAdd(&status[3u + 2u * e], 1u); }`;
  return {
    label: phase === 'check' ? 'Mlp.updateCheck' : 'Mlp.update', uses, code: /* wgsl */ `${declareBuffers(uses)}
@compute @workgroup_size(${MLP_WG})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.y;
  let p = gid.x;
  if (p >= ${u(s.paramCount)}) { return; }
  if ((atomicLoad(&status[2u + 2u * e]) & 1u) != 0u) { return; }
  let st = ${STEP_IN_CHUNK};
  let lr = bitcast<f32>(plan[4u * st]) * bitcast<f32>(nets[e].z);
  let i = e * ${u(s.pStride)} + p;
  let g = grads[i];
  let w = params[i];
  ${body}
  ${tail}
}
`,
  };
}

/** Advances the step within the submission (status[0]). One thread. */
export function tickKernel(): MlpKernelSource {
  return {
    label: 'Mlp.tick', uses: ['U', 'status'], code: /* wgsl */ `${declareBuffers(['U', 'status'])}
@compute @workgroup_size(1)
fn main() { atomicAdd(&status[0], 1u); }
`,
  };
}
