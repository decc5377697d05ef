/**
 * Full-batch GD kernel of the relu2 model (docs/theory.md §3): L = (1/n)Σ(f(x_i) − y_i)², θ ← θ − η∇L.
 *
 * One workgroup per network; thread k owns hidden unit k (a_k in a register, w_k in registers or in its
 * column of `params`), so a GD step needs no cross-workgroup synchronisation and one dispatch runs
 * P.steps steps. Per step:
 * 1. Forward, tile by tile (ts samples): the tile of X sits transposed in workgroup memory; thread k
 *    computes z_ki = w_kᵀx_i for the tile (vec4 FMAs), keeps its activation bits in a register and
 *    writes a_k σ(z_ki) to `red`; threads i < ts sum `red` over the units: r_i = (2/n)(f_i − y_i) into `rs`;
 *    then, on the same tile, thread k accumulates g̃_k += Σ_i r_i σ'(z_ki) x_i (registers when dp ≤ 32,
 *    else its column of `grad`). 4 barriers per tile; X is read once per step.
 * 2. If the loss is non-finite or > P.bound, or an earlier update made a parameter non-finite, the
 *    network is flagged and frozen (before this step's update; the rest of the dispatch only idles).
 * 3. Update: w_k ← w_k − η a_k g̃_k and, since σ(z) = σ'(z) z, ∂L/∂a_k = w_kᵀg̃_k: a_k ← a_k − η w_kᵀg̃_k (old w
 *    and a). Every update is Kahan-compensated (the `comp` buffer; see src/models/relu2/layout.ts).
 * Resident variant (shape.resident: n ≤ ts, dp ≤ 32): X is loaded once per dispatch in both layouts,
 * w_k and its compensation stay in registers, r stays in workgroup memory: 2 barriers per step.
 * Dispatch: one workgroup per network, 2-D split (src/gpu/device.ts dispatchSize); WG = shape.wg.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { relu2Common, RELU2_STEP_BINDINGS } from './relu2Common.wgsl.ts';
import type { Relu2KernelShape } from '../../src/models/relu2/layout.ts';

/**
 * WGSL of the step kernel (entry point `main`) for one kernel shape (src/models/relu2/layout.ts
 * kernelShape). Bindings: 0 uniforms, 1 params (rw), 2 data (r), 3 nets (r), 4 status (rw), 5 comp (rw),
 * 6 grad (rw). The pipeline must set the override WG = shape.wg.
 */
export function relu2StepShader(shape: Relu2KernelShape): string {
  const { ts, dc, resident } = shape;
  const greg = shape.dp <= dc; // g̃ fits in registers
  return wgsl`${relu2Common({ m: shape.m, dp: shape.dp })}
const TS: u32 = ${ts}u;
const TS4: u32 = ${ts / 4}u;
const DC4: u32 = ${dc / 4}u; // g̃ registers (vec4) of the tiled kernel when dp ≤ 32
override WG: u32 = 64u;

${RELU2_STEP_BINDINGS}

// Forward layout, X transposed: element (j, i) at [j * TS4 + i / 4][i % 4].
var<workgroup> tile: array<vec4f, TS4 * DP>;
#if ${resident}
// Backward layout, X row-major: (i, c4) at [i * DP4 + c4].
var<workgroup> tileB: array<vec4f, TS * DP4>;
#endif
var<workgroup> red: array<vec4f, TS4 * WG>;
var<workgroup> rs: array<vec4f, TS4>;
var<workgroup> lp: array<f32, TS>;
var<workgroup> badAny: atomic<u32>;
var<workgroup> flagCopy: u32;

// Transposed load of samples i0 .. i0+TS−1 (zero beyond n) into tile.
fn loadForward(lid: u32, x4: u32, i0: u32) {
  for (var p = lid; p < TS * DP4; p += WG) {
    let i = p / DP4;
    let c = p % DP4;
    var v = vec4f(0.0);
    if (i0 + i < P.n) { v = xRow(x4, i0 + i, c); }
    for (var e = 0u; e < 4u; e++) { tile[(4u * c + e) * TS4 + i / 4u][i % 4u] = v[e]; }
  }
}

// Activation bits of a tile's z and the per-unit output terms a σ(z) into red.
fn emit(k: u32, a: f32, acc: array<vec4f, TS4>) -> u32 {
  var bits = 0u;
  for (var v = 0u; v < TS4; v++) {
    let on = select(vec4u(0u), vec4u(1u), acc[v] > vec4f(0.0));
    bits = bits | ((on.x | (on.y << 1u) | (on.z << 2u) | (on.w << 3u)) << (4u * v));
    red[k * TS4 + v] = a * sigma4(acc[v]);
  }
  return bits;
}

// Output f_i of sample i0 + lid summed over units; returns (r_i, e_i²), zero beyond n.
fn residual(lid: u32, i0: u32, y0: u32) -> vec2f {
  var f = 0.0;
  for (var u = 0u; u < M; u++) { f += red[u * TS4 + lid / 4u][lid % 4u]; }
  if (i0 + lid >= P.n) { return vec2f(0.0); }
  let err = f - scalarAt(y0 + i0 + lid);
  return vec2f(2.0 / f32(P.n) * err, err * err);
}

// kahan1 (relu2Common.wgsl.ts) on vec4s.
fn kahan4(x: ptr<function, vec4f>, c: ptr<function, vec4f>, delta: vec4f) {
  let y = delta - *c;
  let t = *x + y;
  *c = (t - *x) - y;
  *x = t;
}
fn finite4(v: vec4f) -> bool { return isFinite(v.x) && isFinite(v.y) && isFinite(v.z) && isFinite(v.w); }

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = wid.x + wid.y * groups.x;
  if (q >= P.nets) { return; }
  if (lid == 0u) { flagCopy = status[2u * q] & 1u; atomicStore(&badAny, 0u); }
  if (workgroupUniformLoad(&flagCopy) != 0u) { return; }
  let k = lid;
  let owns = k < M;
  let base = q * P.pStride;
  let x4 = nets[q].dataOffset / 4u;
  let y0 = nets[q].dataOffset + P.n * DP;
  let eta = nets[q].eta;
  var a = 0.0;
  var ac = 0.0;
  if (owns) { a = params[base + k]; ac = comp[base + k]; }
#if ${resident}
  var w: array<vec4f, DP4>;
  var wc: array<vec4f, DP4>;
  for (var c = 0u; c < DP4; c++) {
    w[c] = vec4f(0.0);
    wc[c] = vec4f(0.0);
    if (owns) {
      for (var e = 0u; e < 4u; e++) {
        w[c][e] = params[base + M + (4u * c + e) * M + k];
        wc[c][e] = comp[base + M + (4u * c + e) * M + k];
      }
    }
  }
  loadForward(lid, x4, 0u);
  for (var p = lid; p < TS * DP4; p += WG) {
    var v = vec4f(0.0);
    if (p / DP4 < P.n) { v = xRow(x4, p / DP4, p % DP4); }
    tileB[p] = v;
  }
  workgroupBarrier();
#else
  let gBase = q * M * DP;
#endif
  var taken = 0u;
  var frozen = false;
  for (var it = 0u; it < P.steps; it++) {
    // ---- 1. forward ----
    var lossPart = 0.0;
#if ${resident}
    var bits = 0u;
    if (owns && !frozen) {
      var acc: array<vec4f, TS4>;
      // Zeroed explicitly: SwiftShader does not re-zero a function-scope array declared in a loop.
      for (var v = 0u; v < TS4; v++) { acc[v] = vec4f(0.0); }
      for (var j = 0u; j < DP; j++) {
        let wj = vec4f(w[j / 4u][j % 4u]);
        for (var v = 0u; v < TS4; v++) { acc[v] = fma(wj, tile[j * TS4 + v], acc[v]); }
      }
      bits = emit(k, a, acc);
    }
    workgroupBarrier();
    if (lid < TS) {
      let re = residual(lid, 0u, y0);
      rs[lid / 4u][lid % 4u] = re.x;
      lossPart = re.y;
    }
#else
    // Forward and backward fused per tile: the transposed tile serves both (g̃_kj = Σ_i c_ki r_i x_ij as
    // vec4 dots over samples); g̃ accumulates in registers (dp ≤ DC) or in this network's grad column.
    var g: array<vec4f, DC4>;
    for (var c = 0u; c < DC4; c++) { g[c] = vec4f(0.0); }
    for (var t = 0u; t < P.tiles; t++) {
      let i0 = t * TS;
      loadForward(lid, x4, i0);
      workgroupBarrier();
      var bits = 0u;
      if (owns && !frozen) {
        var acc: array<vec4f, TS4>;
        for (var v = 0u; v < TS4; v++) { acc[v] = vec4f(0.0); }
        for (var j = 0u; j < DP; j++) {
          let wj = vec4f(params[base + M + j * M + k]);
          for (var v = 0u; v < TS4; v++) { acc[v] = fma(wj, tile[j * TS4 + v], acc[v]); }
        }
        bits = emit(k, a, acc);
      }
      workgroupBarrier();
      if (lid < TS) {
        let re = residual(lid, i0, y0);
        rs[lid / 4u][lid % 4u] = re.x;
        lossPart += re.y;
      }
      workgroupBarrier();
      if (owns && !frozen) {
        var coef: array<vec4f, TS4>;
        for (var v = 0u; v < TS4; v++) {
          let on = (vec4u(bits >> (4u * v)) >> vec4u(0u, 1u, 2u, 3u)) & vec4u(1u);
          coef[v] = select(vec4f(P.slope), vec4f(1.0), on != vec4u(0u)) * rs[v];
        }
        for (var c = 0u; c < DP4; c++) {
          var gc = vec4f(0.0);
          for (var e = 0u; e < 4u; e++) {
            var s = 0.0;
            for (var v = 0u; v < TS4; v++) { s += dot(coef[v], tile[(4u * c + e) * TS4 + v]); }
            gc[e] = s;
          }
#if ${greg}
          g[c] += gc;
#else
          for (var e = 0u; e < 4u; e++) {
            let gi = gBase + (4u * c + e) * M + k;
            if (t == 0u) { grad[gi] = gc[e]; } else { grad[gi] += gc[e]; }
          }
#endif
        }
      }
      workgroupBarrier();
    }
#endif
    // ---- 2. loss and divergence (this loss, or a non-finite parameter from an earlier update) ----
    // Every thread sums lp in the same order, so all agree; a frozen network keeps stepping through the
    // barriers of this dispatch without computing (no uniform branch needed, 2 barriers per step).
    if (lid < TS) { lp[lid] = lossPart; }
    storageBarrier();
    workgroupBarrier();
    var s = 0.0;
    for (var i = 0u; i < TS; i++) { s += lp[i]; }
    s = s / f32(P.n);
    if (!frozen && (atomicLoad(&badAny) != 0u || !(isFinite(s) && s <= P.bound))) {
      frozen = true;
      if (lid == 0u) { status[2u * q] = status[2u * q] | 1u; }
    }
    // ---- 3. backward and compensated update ----
    var bad = false;
#if ${resident}
    if (owns && !frozen) {
      var g: array<vec4f, DP4>;
      for (var c = 0u; c < DP4; c++) { g[c] = vec4f(0.0); }
      for (var i = 0u; i < TS; i++) {
        let coef = vec4f(select(P.slope, 1.0, ((bits >> i) & 1u) != 0u) * rs[i / 4u][i % 4u]);
        for (var c = 0u; c < DP4; c++) { g[c] = fma(coef, tileB[i * DP4 + c], g[c]); }
      }
      var gaDot = 0.0;
      for (var c = 0u; c < DP4; c++) { gaDot += dot(w[c], g[c]); }
      for (var c = 0u; c < DP4; c++) {
        var wv = w[c];
        var cv = wc[c];
        kahan4(&wv, &cv, -eta * a * g[c]);
        w[c] = wv;
        wc[c] = cv;
        bad = bad || !finite4(wv);
      }
      kahan1(&a, &ac, -eta * gaDot);
      bad = bad || !isFinite(a);
    }
#else
    var gaDot = 0.0;
    if (owns && !frozen) {
      for (var c = 0u; c < DP4; c++) {
        var wv = vec4f(0.0);
        var cv = vec4f(0.0);
        var gv = vec4f(0.0);
        for (var e = 0u; e < 4u; e++) {
          let idx = base + M + (4u * c + e) * M + k;
          wv[e] = params[idx];
          cv[e] = comp[idx];
#if ${!greg}
          gv[e] = grad[gBase + (4u * c + e) * M + k];
#endif
        }
#if ${greg}
        gv = g[c];
#endif
        gaDot += dot(wv, gv);
        kahan4(&wv, &cv, -eta * a * gv);
        bad = bad || !finite4(wv);
        for (var e = 0u; e < 4u; e++) {
          let idx = base + M + (4u * c + e) * M + k;
          params[idx] = wv[e];
          comp[idx] = cv[e];
        }
      }
    }
    if (owns && !frozen) {
      kahan1(&a, &ac, -eta * gaDot);
      bad = bad || !isFinite(a);
    }
#endif
    if (bad) { atomicOr(&badAny, 1u); }
    if (!frozen) { taken++; }
  }
  if (owns) {
    params[base + k] = a;
    comp[base + k] = ac;
#if ${resident}
    for (var c = 0u; c < DP4; c++) {
      for (var e = 0u; e < 4u; e++) {
        params[base + M + (4u * c + e) * M + k] = w[c][e];
        comp[base + M + (4u * c + e) * M + k] = wc[c][e];
      }
    }
#endif
  }
  workgroupBarrier();
  if (lid == 0u) {
    if (!frozen && atomicLoad(&badAny) != 0u) { status[2u * q] = status[2u * q] | 1u; }
    status[2u * q + 1u] += taken;
  }
}
`;
}
