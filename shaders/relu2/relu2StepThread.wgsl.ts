/**
 * Full-batch GD kernel of the relu2 model (docs/theory.md §3) with one thread per network, for CPU adapters
 * (SwiftShader): L = (1/n)Σ(f(x_i) − y_i)², θ ← θ − η∇L, the same update as shaders/relu2/relu2Step.wgsl.ts.
 *
 * On SwiftShader every load or store with a run-time index (storage, workgroup or a dynamically indexed
 * private array) costs about as much as 13 FMAs (issue 12: ~0.24·10⁹ per CPU-second against ~3·10⁹ FMAs), while
 * values the compiler can keep in registers or spill itself are cheap. So the kernel keeps a chunk of KC
 * units (≤ 32, KC·d ≲ 1,024) in registers and streams the samples past it, one at a time:
 * - forward, per chunk: w_k (k in the chunk) in registers; per sample i: x_i (d/4 vec4 loads), z_ik = w_kᵀx_i,
 *   f_i continued as fma(a_k, σ(z_ik), f_i) in unit order (carried between chunks in `act`), the signs z_ik > 0 as
 *   one u32 of bits per (chunk, sample); the last chunk turns f_i into r_i = (2/n)(f_i − y_i) and sums the loss;
 * - the loss (and a non-finite parameter from the previous update) is checked: a diverged network is
 *   flagged and stops before the update;
 * - backward, per chunk: g̃_k (k in the chunk, d each) in registers; per block of SB samples: their x_i, r_i and
 *   bits, then g̃_kj ← fma(σ'(z_ik) r_i, x_ij, ·) over the block's samples in order, one register update per block
 *   (a register updated on every pass of a loop measured 3× slower per FMA than once per block here); g̃ goes to `grad`;
 * - update: w_k ← w_k − η a_k g̃_k, a_k ← a_k − η w_kᵀg̃_k (old w and a), Kahan-compensated (`comp`).
 * Every sum runs in the order of the previous thread kernel (f over units, g̃ and the loss over samples), so
 * results are bitwise those of that kernel. No barriers, no workgroup memory.
 * Scratch (f32, networks fastest: slot·N + q): `grad`, g̃_kj at slot k·d + j; `act` (binding 7), f_i, then r_i,
 * at slot i and the bits of chunk c, sample i (bitcast u32) at n + c·n + i (layout.ts threadActFloats).
 * Dispatch: ⌈N / WG⌉ workgroups, 2-D split (src/gpu/device.ts dispatchSize); thread q = group·WG + lid.
 */
import { relu2Common, RELU2_STEP_BINDINGS } from './relu2Common.wgsl.ts';

/** Compile-time sizes of the thread kernel. */
export interface Relu2ThreadKernelShape {
  m: number;
  d: number;
  /** d padded to a multiple of 4. */
  dp: number;
  /** Units per register chunk (layout.ts threadUnitChunk): 1..32. */
  kc: number;
  /** Samples per block of the backward pass (layout.ts threadBackwardSamples): 1..8. */
  sb: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const lane = (j: number) => 'xyzw'[j % 4];

/**
 * WGSL of the thread kernel (entry point `main`). Bindings as the workgroup kernel: 0 uniforms,
 * 1 params (rw), 2 data (r), 3 nets (r), 4 status (rw), 5 comp (rw), 6 grad (rw scratch,
 * m·d per network), 7 act (rw scratch, layout.ts threadActFloats per network). Override WG: threads per workgroup.
 * @throws Error when kc is not an integer in 1..32.
 */
export function relu2StepThreadShader(shape: Relu2ThreadKernelShape): string {
  const { m, d, dp, kc, sb } = shape;
  if (!(Number.isInteger(kc) && kc >= 1 && kc <= 32)) throw new Error(`relu2StepThreadShader: kc must be an integer in 1..32 (got ${kc})`);
  if (!(Number.isInteger(sb) && sb >= 1 && sb <= 8)) throw new Error(`relu2StepThreadShader: sb must be an integer in 1..8 (got ${sb})`);
  const J = range(d); // X and W padding columns are zero: skipped
  const U = range(kc);
  const S = range(sb);
  const chunks = Math.ceil(m / kc);
  const partial = chunks * kc > m; // the last chunk has units past m: guarded
  const ok = (u: number) => (partial ? `k${u} < M` : 'true');
  const x = (j: number) => `xv${j >> 2}.${lane(j)}`;
  const loadX = range(dp / 4).map((c) => `        let xv${c} = xRow(xBase, i, ${c}u);`).join('\n');
  return /* wgsl */ `${relu2Common({ m, dp })}
const D: u32 = ${d}u;
const KC: u32 = ${kc}u;
const NC: u32 = ${chunks}u;
const SB: u32 = ${sb}u;
override WG: u32 = 4u;

${RELU2_STEP_BINDINGS}
@group(0) @binding(7) var<storage, read_write> act: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = (wid.x + wid.y * groups.x) * WG + lid;
  if (q >= P.nets || (status[2u * q] & 1u) != 0u) { return; }
  let N = P.nets;
  let base = q * P.pStride;
  let xBase = nets[q].dataOffset / 4u;
  let y0 = nets[q].dataOffset + P.n * DP;
  let eta = nets[q].eta;
  let bSlot = P.n; // act: f_i, then r_i, at slot i; the activation bits of (chunk c, sample i) at slot n + c·n + i
  var taken = 0u;
  var bad = false;
  for (var it = 0u; it < P.steps; it++) {
    // Forward, chunk by chunk: w_k of the chunk in registers, the samples streamed past them.
    var lossSum = 0.0;
    for (var c = 0u; c < NC; c++) {
${U.map((u) => `      let k${u} = c * KC + ${u}u;`).join('\n')}
${U.map((u) => `      let a${u} = select(0.0, params[base + min(k${u}, M - 1u)], ${ok(u)});`).join('\n')}
${U.map((u) => J.map((j) => `      let w${u}_${j} = select(0.0, params[base + M + ${j * m}u + min(k${u}, M - 1u)], ${ok(u)});`).join('\n')).join('\n')}
      for (var i = 0u; i < P.n; i++) {
${loadX}
        var f = 0.0;
        if (c > 0u) { f = act[i * N + q]; }
        var bits = 0u;
${U.map((u) => [
    `        {`,
    `          var z = 0.0;`,
    ...J.map((j) => `          z = fma(w${u}_${j}, ${x(j)}, z);`),
    ...(partial ? [`          if (${ok(u)}) {`, `            f = fma(a${u}, sigma(z), f);`, `            bits = bits | select(0u, ${1 << u >>> 0}u, z > 0.0);`, `          }`]
      : [`          f = fma(a${u}, sigma(z), f);`, `          bits = bits | select(0u, ${(1 << u) >>> 0}u, z > 0.0);`]),
    `        }`,
  ].join('\n')).join('\n')}
        act[(bSlot + c * P.n + i) * N + q] = bitcast<f32>(bits);
        if (c + 1u < NC) {
          act[i * N + q] = f;
        } else {
          let err = f - scalarAt(y0 + i);
          act[i * N + q] = 2.0 / f32(P.n) * err;
          lossSum = fma(err, err, lossSum);
        }
      }
    }
    // The step's loss (before its update), and a non-finite parameter from the previous update.
    let loss = lossSum / f32(P.n);
    if (bad || !(isFinite(loss) && loss <= P.bound)) {
      status[2u * q] = status[2u * q] | 1u;
      break;
    }
    // Backward, chunk by chunk: g̃_k of the chunk in registers; SB samples per block, each g̃_kj updated once per
    // block by an fma chain over the block's samples in order (samples past n: r = 0, x = 0, adding exact zeros).
    for (var c = 0u; c < NC; c++) {
${U.map((u) => J.map((j) => `      var g${u}_${j} = 0.0;`).join('\n')).join('\n')}
      for (var i0 = 0u; i0 < P.n; i0 += SB) {
${S.map((s) => [
    `        let in${s} = i0 + ${s}u < P.n;`,
    `        let i${s} = min(i0 + ${s}u, P.n - 1u);`,
    ...range(dp / 4).map((cc) => `        let x${s}_${cc} = select(vec4f(0.0), xRow(xBase, i${s}, ${cc}u), in${s});`),
    `        let r${s} = select(0.0, act[i${s} * N + q], in${s});`,
    `        let bits${s} = bitcast<u32>(act[(bSlot + c * P.n + i${s}) * N + q]);`,
  ].join('\n')).join('\n')}
${U.map((u) => S.map((s) => `        let c${u}_${s} = select(P.slope, 1.0, (bits${s} & ${(1 << u) >>> 0}u) != 0u) * r${s};`).join('\n')).join('\n')}
${U.map((u) => J.map((j) => `        g${u}_${j} = ${S.reduce((acc, s) => `fma(c${u}_${s}, x${s}_${j >> 2}.${lane(j)}, ${acc})`, `g${u}_${j}`)};`).join('\n')).join('\n')}
      }
${U.map((u) => [
    `      {`,
    `        let k = c * KC + ${u}u;`,
    `        if (k < M) {`,
    ...J.map((j) => `          grad[(k * D + ${j}u) * N + q] = g${u}_${j};`),
    `        }`,
    `      }`,
  ].join('\n')).join('\n')}
    }
    for (var k = 0u; k < M; k++) {
      let wk = base + M + k;
      let gk = k * D;
      let a = params[base + k];
      var gaDot = 0.0;
${J.map((j) => [
    `      {`,
    `        var wv = params[wk + ${j * m}u];`,
    `        var wc = comp[wk + ${j * m}u];`,
    `        let g = grad[(gk + ${j}u) * N + q];`,
    `        gaDot = fma(wv, g, gaDot);`,
    `        kahan1(&wv, &wc, -eta * a * g);`,
    `        bad = bad | !isFinite(wv);`,
    `        params[wk + ${j * m}u] = wv;`,
    `        comp[wk + ${j * m}u] = wc;`,
    `      }`,
  ].join('\n')).join('\n')}
      var av = a;
      var ac = comp[base + k];
      kahan1(&av, &ac, -eta * gaDot);
      bad = bad | !isFinite(av);
      params[base + k] = av;
      comp[base + k] = ac;
    }
    taken++;
  }
  if (bad) { status[2u * q] = status[2u * q] | 1u; }
  status[2u * q + 1u] += taken;
}
`;
}
