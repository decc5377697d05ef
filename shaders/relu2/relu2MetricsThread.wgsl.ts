/**
 * Checkpoint metrics of the relu2 model (docs/theory.md §3) with one thread per network, for CPU adapters
 * (SwiftShader), where the workgroup-per-network kernel (shaders/relu2/relu2Metrics.wgsl.ts) spends its time in
 * lane-by-lane workgroup-memory gathers and barriers. Same outputs, same formulas:
 * - pass 1, per training sample i: z_ki = w_kᵀx_i for θ_t and θ₀, f(x_i), the squared error and the
 *   activation flips (Hamming); the NTK features (σ(z_t), a σ'(z_t), σ(z_0), a₀ σ'(z_0)) of every unit go
 *   to the scratch buffer `feat`; then the test loss, ‖θ − θ₀‖² and max_k |δ_k − δ_k(0)|;
 * - pass 2, the kernel distance (four rows per sweep over the columns): for every pair i ≤ j, K_ij = Σ_k σ(z_ki)σ(z_kj) + (x_iᵀx_j) Σ_k a_k²σ'σ'
 *   for θ_t and θ₀ from the features, accumulated (weight 2 off the diagonal) into D = ‖K_t − K₀‖²,
 *   E = ‖K₀‖² − ‖K_t‖², ‖K₀‖², ‖K_t‖², and S = (D − (E/(‖K₀‖ + ‖K_t‖))²)/(2‖K₀‖‖K_t‖) as the workgroup kernel.
 * Work per network: 2·n·m·dp (pass 1) + n(n+1)/2 · (4m + dp) multiply-adds (pass 2); no n×n matrix is stored.
 *
 * `feat` layout (vec4f, scratch): the 4 features of unit k at sample i of chunk-local network ql at vec4
 * (i·m + k)·P.chunk + ql (networks fastest). On SwiftShader each run-time-indexed load costs about 13 FMAs
 * (shaders/relu2/relu2StepThread.wgsl.ts), so one vec4 load per feature, and for m ≤ {@link RESIDENT_UNITS}
 * the four rows' features in registers (pass 2 loads each column's features once per 4 rows).
 * Networks go in chunks of P.chunk starting at P.netOffset (Relu2Sizes.metricsChunk). Chunked pass: a dispatch
 * does pass 1 when P.rowStart = 0 and the pass-2 rows [P.rowStart, P.rowEnd) (multiples of 4); the running sums
 * (pass-2 acc, pass-1 sums, drift) carry over in `partial` (3 vec4f per chunk-local network) and the dispatch
 * with P.rowEnd ≥ n writes the record. The accumulation order is the one-shot pass's, so results are bit for bit
 * the same however the rows are split.
 */
import { relu2Common, relu2NetData, relu2UnitMove, relu2WriteMetrics, type Relu2CommonOptions } from './relu2Common.wgsl.ts';

/**
 * Largest m whose 4 rows of NTK features (4·m vec4) the kernel-distance pass keeps in registers: small, because
 * compile time grows fast with them (m = 50: 25 CPU-s against 1.5 s for the loop, for a pass 1.5× faster).
 */
export const RESIDENT_UNITS = 16;

/**
 * WGSL of the thread metrics kernel (entry point `main`). Bindings: 0 uniforms, 1 params (r), 2 params0 (r),
 * 3 data (r), 4 nets (r), 5 metrics (rw), 6 feat (rw scratch, 4·n·m·P.chunk floats), 7 partial (rw, 3·P.chunk vec4f). Override WG: threads
 * per workgroup (THREAD_KERNEL_WORKGROUP_SIZE). Dispatch: ⌈chunk / WG⌉ workgroups, 2-D split; thread
 * ql = group·WG + lid trains-metrics network q = P.netOffset + ql.
 */
export function relu2MetricsThreadShader(o: Relu2CommonOptions): string {
  const C = Array.from({ length: o.dp / 4 }, (_, c) => c);
  const zOf = (p: string, xi: string) => C.map((c) => `dot(vec4f(${p}[wk + ${4 * c}u * M], ${p}[wk + ${4 * c + 1}u * M], ${p}[wk + ${4 * c + 2}u * M], ${p}[wk + ${4 * c + 3}u * M]), ${xi}${c})`).join(' + ');
  const R = [0, 1, 2, 3];
  const resident = o.m <= RESIDENT_UNITS;
  const K = Array.from({ length: o.m }, (_, k) => k);
  const loadX = (name: string, base: string, idx: string) => C.map((c) => `    let ${name}${c} = xRow(${base}, ${idx}, ${c}u);`).join('\n');
  return /* wgsl */ `${relu2Common(o)}
override WG: u32 = 4u;

@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> params0: array<f32>;
@group(0) @binding(3) var<storage, read> data: array<vec4f>;
@group(0) @binding(4) var<storage, read> nets: array<NetInfo>;
@group(0) @binding(5) var<storage, read_write> metrics: array<f32>;
@group(0) @binding(6) var<storage, read_write> feat: array<vec4f>;
@group(0) @binding(7) var<storage, read_write> partial: array<vec4f>;
${relu2UnitMove}
${relu2NetData}
${relu2WriteMetrics}

fn fidx(i: u32, k: u32, ql: u32) -> u32 { return (i * M + k) * P.chunk + ql; }
fn featAt(i: u32, k: u32, ql: u32) -> vec4f { return feat[fidx(i, k, ql)]; }

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let ql = (wid.x + wid.y * groups.x) * WG + lid;
  let q = P.netOffset + ql;
  if (ql >= P.chunk || q >= P.nets) { return; }
  let base = q * P.pStride;
  let nd = netData(q);

  // Pass 1 (first dispatch of the pass): train loss, Hamming flips and the features of every (sample, unit).
  let first = P.rowStart == 0u;
  var sse = 0.0;
  var flips = 0u;
  for (var i = 0u; first && i < P.n; i++) {
${loadX('xi', 'nd.x4', 'i')}
    var f = 0.0;
    for (var k = 0u; k < M; k++) {
      let wk = base + M + k;
      let zT = ${zOf('params', 'xi')};
      let zZ = ${zOf('params0', 'xi')};
      let a = params[base + k];
      let sT = sigma(zT);
      f = fma(a, sT, f);
      flips += select(0u, 1u, (zT > 0.0) != (zZ > 0.0));
      feat[fidx(i, k, ql)] = vec4f(sT, a * dsigma(zT), sigma(zZ), params0[base + k] * dsigma(zZ));
    }
    let e = f - scalarAt(nd.y0 + i);
    sse = fma(e, e, sse);
  }
  var testSse = 0.0;
  for (var i = 0u; first && i < P.nTest; i++) {
${loadX('xi', 'nd.xt4', 'i')}
    var f = 0.0;
    for (var k = 0u; k < M; k++) {
      let wk = base + M + k;
      f = fma(params[base + k], sigma(${zOf('params', 'xi')}), f);
    }
    let e = f - scalarAt(nd.yt0 + i);
    testSse = fma(e, e, testSse);
  }
  var dist2 = 0.0;
  var drift = 0.0;
  for (var k = 0u; first && k < M; k++) {
    let unit = unitMove(base, k);
    dist2 += unit.x;
    drift = max(drift, unit.y);
  }
  var sums = vec4f(sse, f32(flips), testSse, dist2);
  var acc = vec4f(0.0);
  if (!first) {
    acc = partial[3u * ql];
    sums = partial[3u * ql + 1u];
    drift = partial[3u * ql + 2u].x;
  }

  // Pass 2: kernel sums over the pairs i ≤ j, four rows i0..i0+3 at a time (each loaded column feature
  // feeds 4 rows; rows past n are clamped to n − 1 and weighted 0).
  // acc = (‖K_t − K₀‖², ‖K₀‖² − ‖K_t‖², ‖K₀‖², ‖K_t‖²).
  for (var i0 = P.rowStart; i0 < min(P.rowEnd, P.n); i0 += 4u) {
${R.map((r) => `    let i${r} = min(i0 + ${r}u, P.n - 1u);
${loadX(`x${r}_`, 'nd.x4', `i${r}`)}`).join('\n')}
${resident ? K.map((k) => R.map((r) => `    let fi${r}_${k} = featAt(i${r}, ${k}u, ql);`).join('\n')).join('\n') : ''}
    for (var j = i0; j < P.n; j++) {
${loadX('xj', 'nd.x4', 'j')}
${resident
    // m ≤ RESIDENT_UNITS: the 4 rows' features stay in registers; each column feature is loaded once, and the
    // sums are fma chains over k in order (the same order as the loop below).
    ? `${K.map((k) => `      let fj${k} = featAt(j, ${k}u, ql);`).join('\n')}
${R.map((r) => `      let s${r} = ${K.reduce((acc, k) => `fma(fi${r}_${k}, fj${k}, ${acc})`, 'vec4f(0.0)')};`).join('\n')}`
    : `${R.map((r) => `      var s${r} = vec4f(0.0); // (P_t, Q_t, P_0, Q_0) of pair (i0 + ${r}, j): Σ_k of the feature products`).join('\n')}
      for (var k = 0u; k < M; k++) {
        let fj = featAt(j, k, ql);
${R.map((r) => `        s${r} = fma(featAt(i${r}, k, ql), fj, s${r});`).join('\n')}
      }`}
${R.map((r) => `      {
        let G = ${C.map((c) => `dot(x${r}_${c}, xj${c})`).join(' + ')};
        let Kt = fma(G, s${r}.y, s${r}.x);
        let K0 = fma(G, s${r}.w, s${r}.z);
        let dK = Kt - K0;
        let wgt = select(0.0, select(2.0, 1.0, j == i0 + ${r}u), j >= i0 + ${r}u);
        acc += wgt * vec4f(dK * dK, (K0 - Kt) * (K0 + Kt), K0 * K0, Kt * Kt);
      }`).join('\n')}
    }
  }

  if (P.rowEnd >= P.n) { writeMetrics(q, sums, acc, drift); } else {
    partial[3u * ql] = acc;
    partial[3u * ql + 1u] = sums;
    partial[3u * ql + 2u] = vec4f(drift, 0.0, 0.0, 0.0);
  }
}
`;
}
