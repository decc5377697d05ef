/**
 * Checkpoint metrics of the relu2 model (docs/theory.md §3), one workgroup of 64 threads per network:
 * - train loss (1/n)Σ(f − y)² and Hamming H = Σ_k (1/n)#{i: [w_kᵀx_i > 0] ≠ [w_k(0)ᵀx_i > 0]}: thread per sample;
 * - test loss on Xtest (0 when nTest = 0; the host reports NaN);
 * - ‖θ − θ₀‖ and max_k |δ_k − δ_k(0)|, δ_k = a_k² − ‖w_k‖²: thread per unit;
 * - kernel distance of the NTK Gram K_ij = Σ_k σ(z_ki)σ(z_kj) + (x_iᵀx_j)Σ_k a_k²σ'(z_ki)σ'(z_kj), for K₀
 *   (from θ₀) and K_t, reduced tile by tile: for each 16×16 tile (I, J ≥ I) the features σ(z), a σ'(z) of
 *   16 units at a time go through workgroup memory and each thread accumulates 4 entries of both tiles;
 *   no n×n matrix is ever stored. The sums D = ‖K_t − K₀‖², E = ‖K₀‖² − ‖K_t‖² (as Σ(K₀−K_t)(K₀+K_t)),
 *   ‖K₀‖², ‖K_t‖² give S = 1 − ⟨K₀,K_t⟩/(‖K₀‖‖K_t‖) = (D − (E/(‖K₀‖+‖K_t‖))²)/(2‖K₀‖‖K_t‖) without the
 *   cancellation of 1 − cos in float32.
 * Chunked pass: a dispatch covers the tile rows of Gram rows [P.rowStart, P.rowEnd) (multiples of KERNEL_TILE); each
 * network's reduced sums (one vec4f) carry over in `partial` from one dispatch to the next; the dispatch with
 * P.rowEnd ≥ n also computes the losses and writes the record. One dispatch over all rows is the one-shot pass
 * (same sums, bit for bit); a split one adds the per-dispatch reductions (a different f32 summation order).
 * Output layout: METRIC_INDEX in src/models/relu2/layout.ts.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { relu2Common, relu2NetData, relu2UnitMove, relu2WriteMetrics, type Relu2CommonOptions } from './relu2Common.wgsl.ts';
import { KERNEL_TILE, KERNEL_UNIT_CHUNK, METRICS_WORKGROUP_SIZE } from '../../src/models/relu2/layout.ts';

/** WGSL `fn <name>(base, k, x4, i) -> f32`: unit k's pre-activation w_kᵀx_i from the weights in `array`. */
const preactivation = (name: string, array: string) => /* wgsl */ `
fn ${name}(base: u32, k: u32, x4: u32, i: u32) -> f32 {
  var z = 0.0;
  for (var c = 0u; c < DP4; c++) {
    let j = base + M + 4u * c * M + k;
    z += dot(vec4f(${array}[j], ${array}[j + M], ${array}[j + 2u * M], ${array}[j + 3u * M]), xRow(x4, i, c));
  }
  return z;
}`;

/**
 * WGSL of the metrics kernel (entry point `main`). Bindings: 0 uniforms, 1 params (r), 2 params0 (r),
 * 3 data (r), 4 nets (r), 5 metrics (rw), 6 partial (rw, one vec4f per network). The pipeline must set WG = METRICS_WORKGROUP_SIZE (64: the
 * 16×16 tile is 4 entries per thread). Dispatch: one workgroup per network, 2-D split.
 */
export function relu2MetricsShader(o: Relu2CommonOptions): string {
  if (KERNEL_TILE * KERNEL_TILE !== 4 * METRICS_WORKGROUP_SIZE) throw new Error('relu2MetricsShader: tile must be 4 entries per thread');
  return wgsl`${relu2Common(o)}
const KT: u32 = ${KERNEL_TILE}u;
const KT4: u32 = ${KERNEL_TILE / 4}u;
const KU: u32 = ${KERNEL_UNIT_CHUNK}u;
override WG: u32 = ${METRICS_WORKGROUP_SIZE}u;

@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> params0: array<f32>;
@group(0) @binding(3) var<storage, read> data: array<vec4f>;
@group(0) @binding(4) var<storage, read> nets: array<NetInfo>;
@group(0) @binding(5) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(6) var<storage, read_write> partial: array<vec4f>;

// Features, index ((set * 4 + kind) * KU + u) * KT4 + i / 4, component i % 4; set 0: rows (tile I),
// set 1: columns (tile J); kind 0: σ(z_t), 1: a_t σ'(z_t), 2: σ(z_0), 3: a_0 σ'(z_0).
var<workgroup> feat: array<vec4f, 8u * KU * KT4>;
var<workgroup> red: array<vec4f, WG>;

fn fidx(side: u32, kind: u32, u: u32, i4: u32) -> u32 { return ((side * 4u + kind) * KU + u) * KT4 + i4; }

${preactivation('zt', 'params')}
${preactivation('z0', 'params0')}
${relu2UnitMove}
${relu2NetData}
${relu2WriteMetrics}
fn outputAt(base: u32, x4: u32, i: u32) -> f32 {
  var f = 0.0;
  for (var k = 0u; k < M; k++) { f = fma(params[base + k], sigma(zt(base, k, x4, i)), f); }
  return f;
}

// Tree sum over the workgroup; call from uniform control flow.
fn reduceSum(v: vec4f, lid: u32) -> vec4f {
  red[lid] = v;
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) { red[lid] += red[lid + s]; }
  }
  workgroupBarrier();
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceMax(v: f32, lid: u32) -> f32 {
  red[lid] = vec4f(v);
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
  }
  workgroupBarrier();
  let r = red[0].x;
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let q = wid.x + wid.y * groups.x;
  if (q >= P.nets) { return; }
  let base = q * P.pStride;
  let nd = netData(q);

  // Losses, Hamming, parameter distance, δ drift (in the last dispatch of the pass only).
  let last = P.rowEnd >= P.n;
  var sums = vec4f(0.0); // (train SSE, activation flips, test SSE, ‖θ − θ₀‖²)
  for (var i = lid; last && i < P.n; i += WG) {
    var f = 0.0;
    var flips = 0u;
    for (var k = 0u; k < M; k++) {
      let z = zt(base, k, nd.x4, i);
      f = fma(params[base + k], sigma(z), f);
      flips += select(0u, 1u, (z > 0.0) != (z0(base, k, nd.x4, i) > 0.0));
    }
    let e = f - scalarAt(nd.y0 + i);
    sums.x = fma(e, e, sums.x);
    sums.y += f32(flips);
  }
  for (var i = lid; last && i < P.nTest; i += WG) {
    let e = outputAt(base, nd.xt4, i) - scalarAt(nd.yt0 + i);
    sums.z = fma(e, e, sums.z);
  }
  var drift = 0.0;
  for (var k = lid; last && k < M; k += WG) {
    let unit = unitMove(base, k);
    sums.w += unit.x;
    drift = max(drift, unit.y);
  }
  let total = reduceSum(sums, lid);
  let maxDrift = reduceMax(drift, lid);

  // Kernel distance, tile by tile, over the tile rows of this dispatch.
  let tiles = (P.n + KT - 1u) / KT;
  let tEnd = min((P.rowEnd + KT - 1u) / KT, tiles);
  let row = lid / 4u;
  let col4 = lid % 4u;
  var acc = vec4f(0.0); // (‖K_t − K₀‖², ‖K₀‖² − ‖K_t‖², ‖K₀‖², ‖K_t‖²)
  for (var tI = P.rowStart / KT; tI < tEnd; tI++) {
    for (var tJ = tI; tJ < tiles; tJ++) {
      let ii = tI * KT + row;
      var G = vec4f(0.0);
      for (var e = 0u; e < 4u; e++) {
        let jj = tJ * KT + 4u * col4 + e;
        if (ii < P.n && jj < P.n) {
          var s = 0.0;
          for (var c = 0u; c < DP4; c++) { s += dot(xRow(nd.x4, ii, c), xRow(nd.x4, jj, c)); }
          G[e] = s;
        }
      }
      var Pt = vec4f(0.0);
      var Qt = vec4f(0.0);
      var P0 = vec4f(0.0);
      var Q0 = vec4f(0.0);
      for (var u0 = 0u; u0 < M; u0 += KU) {
        for (var p = lid; p < 2u * KU * KT; p += WG) {
          let side = p / (KU * KT);
          let u = (p / KT) % KU;
          let i = p % KT;
          let k = u0 + u;
          let si = select(tI, tJ, side == 1u) * KT + i;
          var zT = 0.0;
          var zZ = 0.0;
          var live = 0.0;
          if (k < M && si < P.n) { zT = zt(base, k, nd.x4, si); zZ = z0(base, k, nd.x4, si); live = 1.0; }
          let kk = min(k, M - 1u);
          feat[fidx(side, 0u, u, i / 4u)][i % 4u] = live * sigma(zT);
          feat[fidx(side, 1u, u, i / 4u)][i % 4u] = live * params[base + kk] * dsigma(zT);
          feat[fidx(side, 2u, u, i / 4u)][i % 4u] = live * sigma(zZ);
          feat[fidx(side, 3u, u, i / 4u)][i % 4u] = live * params0[base + kk] * dsigma(zZ);
        }
        workgroupBarrier();
        for (var u = 0u; u < KU; u++) {
          let r4 = row / 4u;
          let rc = row % 4u;
          Pt = fma(vec4f(feat[fidx(0u, 0u, u, r4)][rc]), feat[fidx(1u, 0u, u, col4)], Pt);
          Qt = fma(vec4f(feat[fidx(0u, 1u, u, r4)][rc]), feat[fidx(1u, 1u, u, col4)], Qt);
          P0 = fma(vec4f(feat[fidx(0u, 2u, u, r4)][rc]), feat[fidx(1u, 2u, u, col4)], P0);
          Q0 = fma(vec4f(feat[fidx(0u, 3u, u, r4)][rc]), feat[fidx(1u, 3u, u, col4)], Q0);
        }
        workgroupBarrier();
      }
      let Kt = fma(G, Qt, Pt);
      let K0 = fma(G, Q0, P0);
      let dK = Kt - K0;
      let wgt = select(2.0, 1.0, tI == tJ);
      acc += wgt * vec4f(dot(dK, dK), dot(K0 - Kt, K0 + Kt), dot(K0, K0), dot(Kt, Kt));
    }
  }
  var kd = reduceSum(acc, lid);

  if (lid == 0u) {
    if (P.rowStart > 0u) { kd = partial[q] + kd; }
    if (last) { writeMetrics(q, total, kd, maxDrift); } else { partial[q] = kd; }
  }
}
`;
}
