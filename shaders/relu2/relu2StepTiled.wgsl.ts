/**
 * Full-batch GD kernel of the relu2 model (docs/theory.md §3) shaped for GPUs: the same update as
 * shaders/relu2/relu2Step.wgsl.ts (L = (1/n)Σ(f(x_i) − y_i)², θ ← θ − η∇L, Kahan-compensated), with the
 * forward Z = X·Wᵀ and the backward G̃ = Cᵀ·X as register-tiled matrix products, every thread busy.
 *
 * One workgroup of WG threads per network (all networks in one dispatch). Per GD step, tile by tile of
 * TS samples: X's tile goes to workgroup memory (`xs`; once per dispatch when n ≤ TS); thread (ti, tk) computes an RI×RK register block
 * of Z (samples ti + TI·a, units tk + TK·b; W read from `params`) and its partial outputs Σ_b a_k σ(z_ik)
 * (`fpart`); threads i < TS sum them: r_i = (2/n)(f_i − y_i) (`rs`); the Z block becomes
 * C_ik = σ'(z_ik) r_i (`cs`); then each thread adds Cᵀ·X to the 4×4 blocks of G̃ it owns for the whole
 * step (registers). After the last tile the loss (and a non-finite parameter from the previous update)
 * is checked exactly as in the other kernels: a diverged network is flagged and stops before the update.
 * Update: G̃ goes to `grad` (q·m·dp + k·dp + j); thread k forms ∂L/∂a_k = w_kᵀg̃_k from the old w;
 * then w_k ← w_k − η a_k g̃_k and a_k ← a_k − η w_kᵀg̃_k (old w and a), Kahan-compensated (`comp`).
 * Dispatch: one workgroup per network, 2-D split (src/gpu/device.ts dispatchSize); WG = shape.wg.
 */
import { relu2Common, RELU2_STEP_BINDINGS } from './relu2Common.wgsl.ts';

/** Compile-time shape of the tiled kernel for one (m, d, n) (see {@link tiledKernelShape}). */
export interface Relu2TiledShape {
  m: number;
  d: number;
  /** d padded to a multiple of 4. */
  dp: number;
  /** m padded to a multiple of 4 (C and G̃ go in 4-unit blocks). */
  mp: number;
  /** Threads per workgroup (32..256): enough that each owns at most 8 blocks of G̃. */
  wg: number;
  /** Sample rows of the thread grid (TI = 8); TK = wg / 8 unit columns. */
  ti: number;
  /** Samples per tile: a multiple of 8, ≤ 32, as large as workgroup memory allows. */
  ts: number;
  /** Units per thread in the forward block: ⌈m / TK⌉. */
  rk: number;
  /** 4×4 blocks of G̃ per thread: ⌈(mp/4)·(dp/4) / wg⌉. */
  nbt: number;
  /** n ≤ ts: X is loaded into workgroup memory once per dispatch (2 barriers per step fewer). */
  resident: boolean;
}

/** Workgroup words the tiled kernel declares (xs, cs, fpart, rs, lp, gad, aOld, two flags). */
export function tiledWorkgroupWords(s: Pick<Relu2TiledShape, 'dp' | 'mp' | 'wg' | 'ti' | 'ts'>): number {
  return s.ts * s.dp + s.ts * s.mp + (s.wg / s.ti) * s.ts + 2 * s.ts + 2 * s.mp + 2;
}

/**
 * The tiled kernel's shape for m units, d inputs, n samples, within `maxWords` of workgroup memory
 * (default 4032 f32 words, WebGPU's guaranteed 16 KiB minus 256 B). WG = the power of two in [32, 256]
 * giving each thread ≤ 8 G̃ blocks; TS = the largest multiple of 8 ≤ min(32, ⌈n/8⌉·8) that fits, else 8
 * (the caller checks {@link tiledWorkgroupWords} against the device; within layout.ts RELU2_LIMITS, TS = 8
 * fits 4032 words).
 */
export function tiledKernelShape(m: number, d: number, n: number, maxWords = 4032): Relu2TiledShape {
  const dp = Math.ceil(d / 4) * 4;
  const mp = Math.ceil(m / 4) * 4;
  const blocks = (mp / 4) * (dp / 4);
  const wg = Math.min(256, Math.max(32, 2 ** Math.ceil(Math.log2(Math.ceil(blocks / 8)))));
  const ti = 8;
  let ts = Math.min(32, Math.ceil(n / 8) * 8);
  while (ts > 8 && tiledWorkgroupWords({ dp, mp, wg, ti, ts }) > maxWords) ts -= 8;
  return { m, d, dp, mp, wg, ti, ts, rk: Math.ceil(m / (wg / ti)), nbt: Math.ceil(blocks / wg), resident: n <= ts };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** G̃ block j of thread t (b = j·WG + t < NB: units 4kb…4kb+3, columns 4jb…4jb+3) around `body`, at `indent`. */
const gBlock = (j: number, indent: string, body: string[]): string => [
  `${indent}{`, `${indent}  let b = ${j}u * WG + t;`, `${indent}  if (b < NB) {`, `${indent}    let kb = b / DP4;`, `${indent}    let jb = b % DP4;`,
  ...body, `${indent}  }`, `${indent}}`,
].join('\n');

/**
 * WGSL of the tiled step kernel (entry point `main`; workgroup size fixed by the shape, the pipeline's
 * override WG must equal shape.wg). Bindings as the other step kernels (relu2Common.wgsl.ts
 * RELU2_STEP_BINDINGS): 0 uniforms, 1 params, 2 data, 3 nets, 4 status, 5 comp, 6 grad (m·dp per network).
 * `subgroups` (the device must have the `subgroups` feature): threads are laid out unit column fastest
 * (tK = t mod TK), and each sample's partial outputs are first summed across the unit columns of a subgroup
 * by an xor butterfly (subgroupShuffleXor, over min(subgroup size, TK) lanes), so `fpart` holds TK/that partials
 * per sample instead of TK. This assumes a subgroup holds consecutive local invocation indices from a multiple of its
 * size, as every implementation does for 1-D workgroups. Sums are reassociated: not bitwise the plain path.
 */
export function relu2StepTiledShader(s: Relu2TiledShape, options: { subgroups?: boolean } = {}): string {
  const { m, dp, mp, wg, ti, ts, rk, nbt } = s;
  const sg = options.subgroups === true;
  const ri = ts / ti;
  const tk = wg / ti;
  const A = range(ri), B = range(rk), NB = range(nbt);
  const dp4 = dp / 4, mp4 = mp / 4;
  const unitOk = (b: number) => ((b + 1) * tk <= m ? 'true' : `k${b} < M`);
  // Subgroup path: butterfly over the unit columns (xor offsets < TK; offsets ≥ the subgroup size are ignored).
  const offsets = range(Math.log2(tk)).map((b) => 2 ** b);
  const partials = sg ? 'TK / min(sgSize, TK)' : 'TK';
  return /* wgsl */ `${sg ? 'enable subgroups;\n' : ''}${relu2Common({ m, dp })}
override WG: u32 = ${wg}u;
const TS: u32 = ${ts}u;
const TI: u32 = ${ti}u;
const TK: u32 = ${tk}u;
const MP: u32 = ${mp}u;
const MP4: u32 = ${mp4}u;
const NB: u32 = ${(mp4) * dp4}u;

${RELU2_STEP_BINDINGS}

var<workgroup> xs: array<vec4f, ${ts * dp4}>;   // X tile, row-major: (i, c4) at i·DP4 + c4
var<workgroup> cs: array<vec4f, ${ts * mp4}>;   // C tile: (i, k) at [i·MP4 + k/4][k%4]
var<workgroup> fpart: array<f32, ${tk * ts}>;   // partial outputs: (tk, i) at tk·TS + i
var<workgroup> rs: array<f32, TS>;
var<workgroup> lp: array<f32, TS>;
var<workgroup> gad: array<f32, MP>;            // w_kᵀg̃_k (old w)
var<workgroup> aOld: array<f32, MP>;
var<workgroup> badAny: atomic<u32>;
var<workgroup> stop: u32;

fn kahan4(x: ptr<function, vec4f>, c: ptr<function, vec4f>, delta: vec4f) {
  let y = delta - *c;
  let t = *x + y;
  *c = (t - *x) - y;
  *x = t;
}
// Samples i0 .. i0+TS−1 of X (zero beyond n) into xs.
fn loadTile(t: u32, x4: u32, i0: u32) {
  for (var p = t; p < TS * DP4; p += WG) {
    let i = p / DP4;
    xs[p] = select(vec4f(0.0), xRow(x4, i0 + i, p % DP4), i0 + i < P.n);
  }
}
fn finite4(v: vec4f) -> bool { return isFinite(v.x) && isFinite(v.y) && isFinite(v.z) && isFinite(v.w); }
// W row of unit k, columns 4c..4c+3 (params is column-major per network: W_kj at base + M + j·M + k).
fn wRow(base: u32, k: u32, c: u32) -> vec4f {
  let o = base + M + 4u * c * M + k;
  return vec4f(params[o], params[o + M], params[o + 2u * M], params[o + 3u * M]);
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u${sg ? ', @builtin(subgroup_size) sgSize: u32' : ''}) {
  let q = wid.x + wid.y * groups.x;
  if (q >= P.nets) { return; }
  if (t == 0u) { stop = status[2u * q] & 1u; atomicStore(&badAny, 0u); }
  for (var p = t; p < TS * MP4; p += WG) { cs[p] = vec4f(0.0); } // padding units stay 0
  if (workgroupUniformLoad(&stop) != 0u) { return; }
  let base = q * P.pStride;
  let x4 = nets[q].dataOffset / 4u;
  let y0 = nets[q].dataOffset + P.n * DP;
  let eta = nets[q].eta;
${sg ? '  let tK = t % TK;\n  let tI = t / TK;' : '  let tI = t % TI;\n  let tK = t / TI;'}
${B.map((b) => `  let k${b} = tK + ${b * tk}u;`).join('\n')}
  let gBase = q * M * DP;
  let tiles = (P.n + TS - 1u) / TS;
${s.resident ? `  loadTile(t, x4, 0u);\n  workgroupBarrier();` : ''}
  var taken = 0u;
  var frozen = false;
  for (var it = 0u; it < P.steps; it++) {
${B.map((b) => `    var a${b} = 0.0;\n    if (${unitOk(b)}) { a${b} = params[base + k${b}]; }`).join('\n')}
${NB.map((j) => range(4).map((r) => `    var g${j}_${r} = vec4f(0.0);`).join('\n')).join('\n')}
    var lossPart = 0.0;
    for (var tile = 0u; tile < tiles; tile++) {
      let i0 = tile * TS;
${s.resident ? '' : '      loadTile(t, x4, i0);\n      workgroupBarrier();'}
      // Forward: the RI×RK block z_{ti+TI·a, k_b}.
${A.map((a) => B.map((b) => `      var z${a}_${b} = 0.0;`).join('\n')).join('\n')}
      for (var c = 0u; c < DP4; c++) {
${A.map((a) => `        let x${a} = xs[(tI + ${a * ti}u) * DP4 + c];`).join('\n')}
${B.map((b) => `        let w${b} = select(vec4f(0.0), wRow(base, min(k${b}, M - 1u), c), ${unitOk(b)});`).join('\n')}
${A.map((a) => B.map((b) => `        z${a}_${b} += dot(x${a}, w${b});`).join('\n')).join('\n')}
      }
${sg ? [
    ...A.map((a) => `      var v${a} = ${B.map((b) => `a${b} * sigma(z${a}_${b})`).join(' + ')};`),
    ...offsets.flatMap((o) => A.map((a) => `      v${a} += select(0.0, subgroupShuffleXor(v${a}, ${o}u), ${o}u < sgSize);`)),
    `      if (tK % min(sgSize, TK) == 0u) {`,
    ...A.map((a) => `        fpart[(tK / min(sgSize, TK)) * TS + tI + ${a * ti}u] = v${a};`),
    `      }`,
  ].join('\n') : A.map((a) => `      fpart[tK * TS + tI + ${a * ti}u] = ${B.map((b) => `a${b} * sigma(z${a}_${b})`).join(' + ')};`).join('\n')}
      workgroupBarrier();
      if (t < TS) {
        var f = 0.0;
        for (var u = 0u; u < ${partials}; u++) { f += fpart[u * TS + t]; }
        var r = 0.0;
        if (i0 + t < P.n) {
          let err = f - scalarAt(y0 + i0 + t);
          r = 2.0 / f32(P.n) * err;
          lossPart = fma(err, err, lossPart);
        }
        rs[t] = r;
      }
      workgroupBarrier();
${A.map((a) => B.map((b) => `      if (${unitOk(b)}) { let i = tI + ${a * ti}u; cs[i * MP4 + k${b} / 4u][k${b} % 4u] = dsigma(z${a}_${b}) * rs[i]; }`).join('\n')).join('\n')}
      workgroupBarrier();
      // Backward: G̃ blocks (units 4kb..4kb+3, columns 4jb..4jb+3) += Σ_i C_i,kb ⊗ x_i,jb.
${NB.map((j) => gBlock(j, '      ', [
    `          for (var i = 0u; i < TS; i++) {`,
    `            let xv = xs[i * DP4 + jb];`,
    `            let cv = cs[i * MP4 + kb];`,
    ...range(4).map((r) => `            g${j}_${r} = fma(vec4f(cv[${r}]), xv, g${j}_${r});`),
    `          }`,
  ])).join('\n')}
${s.resident ? '' : '      workgroupBarrier();\n'}    }
    // The step's loss (before its update), and a non-finite parameter from the previous update.
    if (t < TS) { lp[t] = lossPart; }
    workgroupBarrier();
    if (t == 0u) {
      var sum = 0.0;
      for (var i = 0u; i < TS; i++) { sum += lp[i]; }
      let loss = sum / f32(P.n);
      if (atomicLoad(&badAny) != 0u || !(isFinite(loss) && loss <= P.bound)) {
        stop = 1u;
        status[2u * q] = status[2u * q] | 1u;
      }
    }
    if (workgroupUniformLoad(&stop) != 0u) { frozen = true; break; }
    // Update: g̃ to grad, w_kᵀg̃_k and a_k (old), then the compensated w and a updates.
${NB.map((j) => gBlock(j, '    ', range(4).map((r) => `        if (4u * kb + ${r}u < M) { let o = gBase + (4u * kb + ${r}u) * DP + 4u * jb; grad[o] = g${j}_${r}.x; grad[o + 1u] = g${j}_${r}.y; grad[o + 2u] = g${j}_${r}.z; grad[o + 3u] = g${j}_${r}.w; }`))).join('\n')}
    storageBarrier();
    for (var k = t; k < M; k += WG) {
      var dotv = 0.0;
      for (var c = 0u; c < DP4; c++) {
        let o = gBase + k * DP + 4u * c;
        dotv += dot(wRow(base, k, c), vec4f(grad[o], grad[o + 1u], grad[o + 2u], grad[o + 3u]));
      }
      gad[k] = dotv;
      aOld[k] = params[base + k];
    }
    workgroupBarrier();
    var bad = false;
${NB.map((j) => gBlock(j, '    ', range(4).map((r) => [
      `        if (4u * kb + ${r}u < M) {`,
      `          let k = 4u * kb + ${r}u;`,
      `          let o = base + M + 4u * jb * M + k;`,
      `          var wv = vec4f(params[o], params[o + M], params[o + 2u * M], params[o + 3u * M]);`,
      `          var cv = vec4f(comp[o], comp[o + M], comp[o + 2u * M], comp[o + 3u * M]);`,
      `          kahan4(&wv, &cv, -eta * aOld[k] * g${j}_${r});`,
      `          bad = bad | !finite4(wv);`,
      `          params[o] = wv.x; params[o + M] = wv.y; params[o + 2u * M] = wv.z; params[o + 3u * M] = wv.w;`,
      `          comp[o] = cv.x; comp[o + M] = cv.y; comp[o + 2u * M] = cv.z; comp[o + 3u * M] = cv.w;`,
      `        }`,
    ].join('\n')))).join('\n')}
    for (var k = t; k < M; k += WG) {
      var av = aOld[k];
      var ac = comp[base + k];
      kahan1(&av, &ac, -eta * gad[k]);
      bad = bad || !isFinite(av);
      params[base + k] = av;
      comp[base + k] = ac;
    }
    if (bad) { atomicOr(&badAny, 1u); }
    taken++;
    storageBarrier();
  }
  workgroupBarrier();
  if (t == 0u) {
    if (!frozen && atomicLoad(&badAny) != 0u) { status[2u * q] = status[2u * q] | 1u; }
    status[2u * q + 1u] += taken;
  }
}
`;
}
