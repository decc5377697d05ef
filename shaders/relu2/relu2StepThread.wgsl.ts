/**
 * Full-batch GD kernel of the relu2 model (docs/theory.md §3) with one thread per network, for CPU adapters
 * (SwiftShader): L = (1/n)Σ(f(x_i) − y_i)², θ ← θ − η∇L, the same update as shaders/relu2/relu2Step.wgsl.ts.
 *
 * A CPU adapter runs 4 invocations per SIMD instruction and gathers every workgroup-memory or
 * dynamically indexed load lane by lane, so the workgroup kernel spends its time in loads and barriers.
 * Here each thread trains a whole network, samples go through in blocks of `sb`, and the code is
 * unrolled over the block and the inputs: a loaded w_kj feeds sb FMAs and a loaded x_ij feeds m.
 * Per block of samples: forward over units k (z_ks = w_kᵀx_s, f_s += a_k σ(z_ks), z into `zs`),
 * residuals r_s = (2/n)(f_s − y_s), then backward over units (g̃_k += Σ_s r_s σ'(z_ks) x_s, in `grad`).
 * After a step's last block the loss (and a non-finite parameter from the previous update) is checked: a
 * diverged network is flagged and stops; otherwise w_k ← w_k − η a_k g̃_k, a_k ← a_k − η w_kᵀg̃_k (old w
 * and a), Kahan-compensated (`comp`). No barriers, no workgroup memory.
 * Dispatch: ⌈N / WG⌉ workgroups, 2-D split (src/gpu/device.ts dispatchSize); thread q = group·WG + lid.
 */
import { relu2Common, RELU2_STEP_BINDINGS } from './relu2Common.wgsl.ts';

/** Compile-time sizes of the thread kernel. */
export interface Relu2ThreadKernelShape {
  m: number;
  d: number;
  /** d padded to a multiple of 4. */
  dp: number;
  /** Samples per unrolled block (src/models/relu2/layout.ts threadBlockSamples). */
  sb: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const lane = (j: number) => 'xyzw'[j % 4];

/**
 * WGSL of the thread kernel (entry point `main`). Bindings as the workgroup kernel: 0 uniforms,
 * 1 params (rw), 2 data (r), 3 nets (r), 4 status (rw), 5 comp (rw), 6 grad (rw scratch, m·d per
 * network, layout.ts). Override WG: threads per workgroup.
 */
export function relu2StepThreadShader(shape: Relu2ThreadKernelShape): string {
  const { m, d, dp, sb } = shape;
  const J = range(d); // X and W padding columns are zero: skipped
  const S = range(sb);
  const x = (s: number, j: number) => `x${s}_${j >> 2}.${lane(j)}`;
  const w = (j: number) => `params[wk + ${j * m}u]`;
  return /* wgsl */ `${relu2Common({ m, dp })}
const SB: u32 = ${sb}u;
const D: u32 = ${d}u;
override WG: u32 = 4u;

${RELU2_STEP_BINDINGS}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = (wid.x + wid.y * groups.x) * WG + lid;
  if (q >= P.nets || (status[2u * q] & 1u) != 0u) { return; }
  let base = q * P.pStride;
  let x4 = nets[q].dataOffset / 4u;
  let y0 = nets[q].dataOffset + P.n * DP;
  let eta = nets[q].eta;
  var zs: array<f32, ${m * sb}>;
  var taken = 0u;
  var bad = false;
  for (var it = 0u; it < P.steps; it++) {
    for (var p = 0u; p < M * D; p++) { grad[p * P.nets + q] = 0.0; }
    var lossSum = 0.0;
    for (var i0 = 0u; i0 < P.n; i0 += SB) {
${S.map((s) => range(dp / 4).map((c) => `      let x${s}_${c} = select(vec4f(0.0), xRow(x4, i0 + ${s}u, ${c}u), i0 + ${s}u < P.n);`).join('\n')).join('\n')}
${S.map((s) => `      var f${s} = 0.0;`).join('\n')}
      for (var k = 0u; k < M; k++) {
        let wk = base + M + k;
${J.map((j) => `        let w${j} = ${w(j)};`).join('\n')}
        let a = params[base + k];
${S.map((s) => `        var z${s} = 0.0;`).join('\n')}
${J.map((j) => S.map((s) => `        z${s} = fma(w${j}, ${x(s, j)}, z${s});`).join('\n')).join('\n')}
${S.map((s) => `        zs[k * SB + ${s}u] = z${s};\n        f${s} = fma(a, sigma(z${s}), f${s});`).join('\n')}
      }
${S.map((s) => [
    `      var r${s} = 0.0;`,
    `      if (i0 + ${s}u < P.n) {`,
    `        let err = f${s} - scalarAt(y0 + i0 + ${s}u);`,
    `        r${s} = 2.0 / f32(P.n) * err;`,
    `        lossSum = fma(err, err, lossSum);`,
    `      }`,
  ].join('\n')).join('\n')}
      for (var k = 0u; k < M; k++) {
        let gk = k * D;
${S.map((s) => `        let c${s} = dsigma(zs[k * SB + ${s}u]) * r${s};`).join('\n')}
${J.map((j) => `        grad[(gk + ${j}u) * P.nets + q] = ${S.reduce((acc, s) => `fma(c${s}, ${x(s, j)}, ${acc})`, `grad[(gk + ${j}u) * P.nets + q]`)};`).join('\n')}
      }
    }
    // The step's loss (before its update), and a non-finite parameter from the previous update.
    let loss = lossSum / f32(P.n);
    if (bad || !(isFinite(loss) && loss <= P.bound)) {
      status[2u * q] = status[2u * q] | 1u;
      break;
    }
    for (var k = 0u; k < M; k++) {
      let wk = base + M + k;
      let gk = k * D;
      let a = params[base + k];
      var gaDot = 0.0;
${J.map((j) => [
    `      {`,
    `        var wv = ${w(j)};`,
    `        var wc = comp[wk + ${j * m}u];`,
    `        let g = grad[(gk + ${j}u) * P.nets + q];`,
    `        gaDot = fma(wv, g, gaDot);`,
    `        kahan1(&wv, &wc, -eta * a * g);`,
    `        bad = bad | !isFinite(wv);`,
    `        ${w(j)} = wv;`,
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
