/**
 * Metrics kernel of the two-layer linear model (docs/theory.md §2), one thread per network, f32, reading the step
 * kernel's state (layout: src/models/linear2/layout.ts) and writing one record of {@link metricsRecordLength} floats:
 *
 *   [β (dc, row-major), σ (min(d, c), descending), loss, Δ drift, kernel distance S, ‖β‖_*, effective rank,
 *    ‖β − β_F‖_F, ‖β − β_*‖_F]   (the last two only when the data is under-determined; else 0 and unused)
 *
 * - σ: one-sided (Hestenes) Jacobi SVD of β (or βᵀ when d < c), as the beta-flow step kernel: a pair (p, q) is rotated
 *   when |⟨x_p, x_q⟩| > 1e-6‖x_p‖‖x_q‖; it stops after a sweep without rotation or after JACOBI_SWEEPS sweeps (shaders/linear2/jacobi.wgsl.ts).
 * - loss L = ½‖Fβ − z‖² − b⊥ᵀβ + Lmin with the eigen-factor F of H (src/theory/linear2Metrics.ts linear2MetricsFactor).
 * - Δ drift ‖Δ − Δ₀‖_F / (η_W‖A₀‖² + η_A‖W₀‖²) (gd / rk4; 0 for beta-flow), with Δ − Δ₀ formed from the differences
 *   dA = A − A₀, dW = W − W₀: a_k·a_l − a⁰_k·a⁰_l = dA_k·a_l + a⁰_k·dA_l, so a drift of 1e-6 keeps its digits in f32.
 * - S = 1 − ⟨K₀, K⟩/(‖K₀‖‖K‖) with K = F M Fᵀ, M β = Pβ + βQ (P = η_A WᵀW, Q = η_W AᵀA; beta-flow: P, Q of Theorem 4.2
 *   from β and δ). With D = K − K₀ (formed from dP, dQ as above), a = ‖K₀‖², u = ⟨K₀, D⟩/a, v = ‖D‖²/a:
 *   S = (v − u²) / (√(1 + 2u + v)(√(1 + 2u + v) + 1 + u)), free of the 1 − cos cancellation at small S.
 * - effective rank exp(−Σ p_i log p_i), p_i = σ_i/Σσ (0 for β = 0).
 * Bindings: 0 uniform {n, steps(unused), η_W, η_A, Lmin}, 1 state, 2 initial state (same layout), 3 δ per network,
 * 4 data [F (r×dc), z (r), b⊥ (dc), β_F (dc), β_* (dc)], 5 out (n × record floats, network-major).
 */
import { jacobiWgsl } from './jacobi.wgsl.ts';


/** Compile-time shape of one metrics kernel. */
export interface Linear2MetricsShaderOptions {
  d: number;
  c: number;
  h: number;
  method: 'gd' | 'rk4' | 'beta-flow';
  /** Rows r of the data factor F (rank of H, 0 ≤ r ≤ dc). */
  r: number;
}

/** Floats per network record: dc + min(d, c) + 7. */
export function metricsRecordLength(d: number, c: number): number {
  return d * c + Math.min(d, c) + 7;
}

/** The metrics kernel (entry point `main`) for one shape; see the file comment for bindings and the record. */
export function linear2MetricsShader(o: Linear2MetricsShaderOptions): string {
  const { d, c, h } = o;
  const beta = o.method === 'beta-flow';
  const S = beta ? d * c : h * (d + c);
  const tallIsW = d >= c;
  const MM = tallIsW ? d : c, RR = tallIsW ? c : d;
  const xAt = (src: string) => (tallIsW ? `${src}[m * C + r]` : `${src}[r * C + m]`);
  return /* wgsl */ `
const D: u32 = ${d}u;
const C: u32 = ${c}u;
const HN: u32 = ${h}u;
const DC: u32 = ${d * c}u;
const S: u32 = ${S}u;
const MM: u32 = ${MM}u;
const RR: u32 = ${RR}u;
const RF: u32 = ${o.r}u;
const REC: u32 = ${metricsRecordLength(d, c)}u;
override WG: u32 = 64u;
struct MParams { n: u32, pad0: u32, etaW: f32, etaA: f32, lmin: f32, pad1: f32, pad2: f32, pad3: f32 }
@group(0) @binding(0) var<uniform> P: MParams;
@group(0) @binding(1) var<storage, read> state: array<f32>;
@group(0) @binding(2) var<storage, read> initial: array<f32>;
@group(0) @binding(3) var<storage, read> deltas: array<f32>;
@group(0) @binding(4) var<storage, read> mdata: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

${jacobiWgsl(MM, RR)}${beta ? /* wgsl */ `
// Theorem 4.2's P = √(k²ββᵀ + δ²/4) − δ/2 (d×d) and Q = √(k²βᵀβ + δ²/4) + δ/2 (c×c), as src/theory/linear2.ts betaFlowBlocks.
fn blocks(y: ptr<function, array<f32, DC>>, delta: f32, PP: ptr<function, array<f32, ${d * d}>>, QQ: ptr<function, array<f32, ${c * c}>>) {
  var X: array<f32, ${MM * RR}>;
  var V: array<f32, ${RR * RR}>;
  for (var m = 0u; m < MM; m++) { for (var r = 0u; r < RR; r++) { X[m * RR + r] = ${xAt('(*y)')}; } }
  jacobi(&X, &V);
  let k2 = P.etaW * P.etaA;
  var T: array<f32, ${MM * MM}>;
  var R: array<f32, ${RR * RR}>;
  for (var m = 0u; m < MM; m++) { T[m * MM + m] = max(${tallIsW ? '-delta' : 'delta'}, 0.0); }
  for (var m = 0u; m < RR; m++) { R[m * RR + m] = max(${tallIsW ? 'delta' : '-delta'}, 0.0); }
  for (var p = 0u; p < RR; p++) {
    var s2 = 0.0;
    for (var m = 0u; m < MM; m++) { s2 = fma(X[m * RR + p], X[m * RR + p], s2); }
    let den = sqrt(fma(k2, s2, 0.25 * delta * delta)) + 0.5 * abs(delta);
    let rho = select(0.0, k2 / den, den > 0.0);
    for (var m = 0u; m < MM; m++) { for (var l = 0u; l < MM; l++) { T[m * MM + l] = fma(rho * X[m * RR + p], X[l * RR + p], T[m * MM + l]); } }
    for (var m = 0u; m < RR; m++) { for (var l = 0u; l < RR; l++) { R[m * RR + l] = fma(rho * s2 * V[m * RR + p], V[l * RR + p], R[m * RR + l]); } }
  }
  for (var p = 0u; p < ${d * d}u; p++) { (*PP)[p] = ${tallIsW ? 'T' : 'R'}[p]; }
  for (var p = 0u; p < ${c * c}u; p++) { (*QQ)[p] = ${tallIsW ? 'R' : 'T'}[p]; }
}` : ''}
// (M B)_ij = Σ_l P_il B_lj + Σ_m B_im Q_mj for the data factor's row b.
fn applyM(b: u32, PP: ptr<function, array<f32, ${d * d}>>, QQ: ptr<function, array<f32, ${c * c}>>) -> array<f32, DC> {
  var u: array<f32, DC>;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < C; j++) {
      var s = 0.0;
      for (var l = 0u; l < D; l++) { s = fma((*PP)[i * D + l], mdata[b * DC + l * C + j], s); }
      for (var m = 0u; m < C; m++) { s = fma(mdata[b * DC + i * C + m], (*QQ)[m * C + j], s); }
      u[i * C + j] = s;
    }
  }
  return u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= P.n) { return; }
  var y: array<f32, S>;
  var y0: array<f32, S>;
  for (var p = 0u; p < S; p++) { y[p] = state[p * P.n + i]; y0[p] = initial[p * P.n + i]; }
  var beta: array<f32, DC>;
  var P0: array<f32, ${d * d}>; var Q0: array<f32, ${c * c}>;
  var dP: array<f32, ${d * d}>; var dQ: array<f32, ${c * c}>;
  var drift = 0.0;
${beta ? /* wgsl */ `
  for (var p = 0u; p < DC; p++) { beta[p] = y[p]; }
  var b0: array<f32, DC>;
  for (var p = 0u; p < DC; p++) { b0[p] = y0[p]; }
  let delta = deltas[i];
  var Pt: array<f32, ${d * d}>; var Qt: array<f32, ${c * c}>;
  blocks(&b0, delta, &P0, &Q0);
  blocks(&beta, delta, &Pt, &Qt);
  for (var p = 0u; p < ${d * d}u; p++) { dP[p] = Pt[p] - P0[p]; }
  for (var p = 0u; p < ${c * c}u; p++) { dQ[p] = Qt[p] - Q0[p]; }` : /* wgsl */ `
  var dy: array<f32, S>;
  for (var p = 0u; p < S; p++) { dy[p] = y[p] - y0[p]; }
  for (var k = 0u; k < HN; k++) {
    for (var a = 0u; a < D; a++) {
      for (var j = 0u; j < C; j++) { beta[a * C + j] = fma(y[k * D + a], y[HN * D + k * C + j], beta[a * C + j]); }
      for (var l = 0u; l < D; l++) {
        P0[a * D + l] = fma(P.etaA * y0[k * D + a], y0[k * D + l], P0[a * D + l]);
        dP[a * D + l] = fma(P.etaA, fma(dy[k * D + a], y[k * D + l], y0[k * D + a] * dy[k * D + l]), dP[a * D + l]);
      }
    }
    for (var a = 0u; a < C; a++) {
      for (var l = 0u; l < C; l++) {
        let o = HN * D + k * C;
        Q0[a * C + l] = fma(P.etaW * y0[o + a], y0[o + l], Q0[a * C + l]);
        dQ[a * C + l] = fma(P.etaW, fma(dy[o + a], y[o + l], y0[o + a] * dy[o + l]), dQ[a * C + l]);
      }
    }
  }
  // relative Δ drift, Δ − Δ₀ from the differences (file comment)
  var num = 0.0; var den = 0.0;
  for (var k = 0u; k < HN; k++) {
    for (var a = 0u; a < D; a++) { den = fma(P.etaA * y0[k * D + a], y0[k * D + a], den); }
    for (var j = 0u; j < C; j++) { den = fma(P.etaW * y0[HN * D + k * C + j], y0[HN * D + k * C + j], den); }
    for (var l = 0u; l < HN; l++) {
      var aa = 0.0; var ww = 0.0;
      for (var j = 0u; j < C; j++) {
        let ok = HN * D + k * C + j; let ol = HN * D + l * C + j;
        aa = fma(dy[ok], y[ol], fma(y0[ok], dy[ol], aa));
      }
      for (var a = 0u; a < D; a++) { ww = fma(dy[k * D + a], y[l * D + a], fma(y0[k * D + a], dy[l * D + a], ww)); }
      let e = P.etaW * aa - P.etaA * ww;
      num = fma(e, e, num);
    }
  }
  // den = 0 only for W₀ = A₀ = 0, a fixed point of GD and the flow (num stays 0)
  drift = select(0.0, sqrt(num) / den, den > 0.0);`}
  // singular values, descending
  var X: array<f32, ${MM * RR}>;
  var V: array<f32, ${RR * RR}>;
  for (var m = 0u; m < MM; m++) { for (var r = 0u; r < RR; r++) { X[m * RR + r] = ${xAt('beta')}; } }
  jacobi(&X, &V);
  var sig: array<f32, RR>;
  for (var p = 0u; p < RR; p++) {
    var s2 = 0.0;
    for (var m = 0u; m < MM; m++) { s2 = fma(X[m * RR + p], X[m * RR + p], s2); }
    sig[p] = sqrt(s2);
  }
  for (var p = 0u; p < RR; p++) {
    for (var q = p + 1u; q < RR; q++) {
      if (sig[q] > sig[p]) { let t = sig[p]; sig[p] = sig[q]; sig[q] = t; }
    }
  }
  var nuc = 0.0;
  for (var p = 0u; p < RR; p++) { nuc += sig[p]; }
  var ent = 0.0;
  for (var p = 0u; p < RR; p++) { if (sig[p] > 0.0) { let q = sig[p] / nuc; ent -= q * log(q); } }
  let erank = select(0.0, exp(ent), nuc > 0.0);
  // loss
  var res = 0.0;
  for (var a = 0u; a < RF; a++) {
    var f = -mdata[RF * DC + a];
    for (var p = 0u; p < DC; p++) { f = fma(mdata[a * DC + p], beta[p], f); }
    res = fma(f, f, res);
  }
  var lin = 0.0;
  let o = RF * DC + RF;
  for (var p = 0u; p < DC; p++) { lin = fma(mdata[o + p], beta[p], lin); }
  let loss = 0.5 * res - lin + P.lmin;
  // kernel distance on K = F M Fᵀ, D = K − K₀ (file comment)
  var kaa = 0.0; var kad = 0.0; var kdd = 0.0;
  for (var b = 0u; b < RF; b++) {
    let u0 = applyM(b, &P0, &Q0);
    let ud = applyM(b, &dP, &dQ);
    for (var a = 0u; a <= b; a++) {
      var k0 = 0.0; var kd = 0.0;
      for (var p = 0u; p < DC; p++) { let f = mdata[a * DC + p]; k0 = fma(f, u0[p], k0); kd = fma(f, ud[p], kd); }
      let w = select(2.0, 1.0, a == b);
      kaa = fma(w * k0, k0, kaa); kad = fma(w * k0, kd, kad); kdd = fma(w * kd, kd, kdd);
    }
  }
  var kdist = 0.0;
  if (kaa > 0.0) {
    let u = kad / kaa; let v = kdd / kaa;
    let q = 1.0 + 2.0 * u + v;
    if (q > 0.0) { let sq = sqrt(q); kdist = max(v - u * u, 0.0) / (sq * (sq + 1.0 + u)); }
  }
  // interpolant distances
  var dF = 0.0; var dN = 0.0;
  for (var p = 0u; p < DC; p++) {
    let eF = beta[p] - mdata[o + DC + p]; let eN = beta[p] - mdata[o + 2u * DC + p];
    dF = fma(eF, eF, dF); dN = fma(eN, eN, dN);
  }
  let w0 = i * REC;
  for (var p = 0u; p < DC; p++) { out[w0 + p] = beta[p]; }
  for (var p = 0u; p < RR; p++) { out[w0 + DC + p] = sig[p]; }
  let s0 = w0 + DC + RR;
  out[s0] = loss; out[s0 + 1u] = drift; out[s0 + 2u] = kdist; out[s0 + 3u] = nuc; out[s0 + 4u] = erank;
  out[s0 + 5u] = sqrt(dF); out[s0 + 6u] = sqrt(dN);
}
`;
}
