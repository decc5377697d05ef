/**
 * WGSL shared by the relu2 kernels (docs/theory.md §3): uniforms, the NetInfo struct, the data accessors and
 * the finite test. Buffer layouts: src/models/relu2/layout.ts.
 */
import { METRIC_INDEX as I, METRIC_WORDS, RELU2_UNIFORMS } from '../../src/models/relu2/layout.ts';

/** Compile-time sizes shared by both kernels. */
export interface Relu2CommonOptions {
  /** Units m (1..256). */
  m: number;
  /** Padded input dimension dp (multiple of 4, ≤ 128). */
  dp: number;
}

/**
 * Declarations: `P` (uniform, binding 0), `M`, `DP`, `DP4`, NetInfo, and helpers over the `data`
 * binding, which each kernel declares as `array<vec4f>`:
 * - `xRow(base4, i, c)`: vec4 c of row i of a dp-column matrix starting at float offset 4·base4;
 * - `scalarAt(idx)`: float `idx` of data; `sigma`, `dsigma`: σ and σ' with slope P.slope;
 * - `isFinite(x)`: tested on the bits (WGSL may assume floats are finite in comparisons).
 */
export function relu2Common(o: Relu2CommonOptions): string {
  return /* wgsl */ `
${RELU2_UNIFORMS.wgsl}
const M: u32 = ${o.m}u;
const DP: u32 = ${o.dp}u;
const DP4: u32 = ${o.dp / 4}u;
struct NetInfo { dataOffset: u32, eta: f32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<uniform> P: Relu2Uniforms;

fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn sigma(z: f32) -> f32 { return select(P.slope * z, z, z > 0.0); }
fn dsigma(z: f32) -> f32 { return select(P.slope, 1.0, z > 0.0); }
fn sigma4(z: vec4f) -> vec4f { return select(P.slope * z, z, z > vec4f(0.0)); }
fn xRow(base4: u32, i: u32, c: u32) -> vec4f { return data[base4 + i * DP4 + c]; }
fn scalarAt(idx: u32) -> f32 { return data[idx / 4u][idx % 4u]; }
`;
}

/**
 * Bindings 1–6 of both step kernels (layouts: src/models/relu2/layout.ts): params (rw), data (r, vec4),
 * nets (r), status (rw), comp (rw), grad (rw scratch); and `kahan1`, the Kahan-compensated
 * x += delta with compensation c (true value ≈ x − c) both kernels update θ with.
 */
export const RELU2_STEP_BINDINGS = /* wgsl */ `
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> data: array<vec4f>;
@group(0) @binding(3) var<storage, read> nets: array<NetInfo>;
@group(0) @binding(4) var<storage, read_write> status: array<u32>;
@group(0) @binding(5) var<storage, read_write> comp: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

fn kahan1(x: ptr<function, f32>, c: ptr<function, f32>, delta: f32) {
  let y = delta - *c;
  let t = *x + y;
  *c = (t - *x) - y;
  *x = t;
}
`;

/**
 * `unitMove(base, k)` for the metrics kernels (which bind `params` and `params0`): unit k's squared
 * parameter distance ‖(a_k, w_k) − (a_k, w_k)₀‖² and its δ_k drift |δ_k − δ_k(0)|, δ_k = a_k² − ‖w_k‖²
 * (docs/theory.md §3), as vec2f(d², drift).
 */
export const relu2UnitMove = /* wgsl */ `
fn unitMove(base: u32, k: u32) -> vec2f {
  let a = params[base + k];
  let a0 = params0[base + k];
  var d2 = (a - a0) * (a - a0);
  var ww = 0.0;
  var ww0 = 0.0;
  for (var j = 0u; j < DP; j++) {
    let w = params[base + M + j * M + k];
    let w0 = params0[base + M + j * M + k];
    d2 = fma(w - w0, w - w0, d2);
    ww = fma(w, w, ww);
    ww0 = fma(w0, w0, ww0);
  }
  return vec2f(d2, abs((a * a - ww) - (a0 * a0 - ww0)));
}
`;

/**
 * `writeMetrics(q, sums, kd, drift)` for the metrics kernels (which bind `metrics`): network q's record
 * from sums = (train SSE, activation flips, test SSE, ‖θ − θ₀‖²), the kernel sums kd = (‖K_t − K₀‖²,
 * ⟨K₀ − K_t, K₀ + K_t⟩, ‖K₀‖², ‖K_t‖²) and the max δ_k drift. S = 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖) is formed
 * as (‖ΔK‖² − (⟨K₀ − K_t, K₀ + K_t⟩/(‖K₀‖ + ‖K_t‖))²)/(2‖K₀‖‖K_t‖), which stays accurate when K_t ≈ K₀
 * (docs/theory.md §3). The host reports the test loss as NaN when nTest = 0.
 */
export const relu2WriteMetrics = /* wgsl */ `
fn writeMetrics(q: u32, sums: vec4f, kd: vec4f, drift: f32) {
  let o = q * ${METRIC_WORDS}u;
  let n0 = sqrt(kd.z);
  let nt = sqrt(kd.w);
  var S = 0.0;
  if (n0 > 0.0 && nt > 0.0) {
    let dn = kd.y / (n0 + nt);
    S = max(0.0, (kd.x - dn * dn) / (2.0 * n0 * nt));
  }
  metrics[o + ${I.trainLoss}u] = sums.x / f32(P.n);
  metrics[o + ${I.testLoss}u] = sums.z / f32(max(P.nTest, 1u));
  metrics[o + ${I.hamming}u] = sums.y / f32(P.n);
  metrics[o + ${I.paramDistance}u] = sqrt(sums.w);
  metrics[o + ${I.kernelDistance}u] = S;
  metrics[o + ${I.deltaDrift}u] = drift;
  metrics[o + ${I.kernelNorm0}u] = n0;
  metrics[o + ${I.kernelNormT}u] = nt;
}
`;

/**
 * `netData(q)` for the metrics kernels (which bind `nets`): where network q's data set lies in `data`
 * (src/models/relu2/layout.ts): X as a vec4 index, y, X_test as a vec4 index, y_test.
 */
export const relu2NetData = /* wgsl */ `
struct NetData { x4: u32, y0: u32, xt4: u32, yt0: u32 }
fn netData(q: u32) -> NetData {
  let off = nets[q].dataOffset;
  return NetData(off / 4u, off + P.n * DP, (off + P.testOffset) / 4u, off + P.testOffset + P.nTest * DP);
}
`;
