/**
 * Step kernels of the two-layer linear model f(x) = AᵀWx (docs/theory.md §2): GD and RK4 on the (W, A)
 * flow Ẇ = −η_W A Gᵀ, Ȧ = −η_A W G, and RK4 on the exact β flow of Theorem 4.2. One thread per network,
 * its state in private arrays, `P.steps` steps per dispatch. Memory layout: src/models/linear2/layout.ts.
 *
 * G = H vec(β) − b with H (dc×dc) and b read from a storage buffer (regression and sensing alike; for H = XX ⊗ I_c the
 * kernel reads only XX's entries, see Linear2ShaderOptions.kron).
 * Divergence: a step whose result is non-finite or has an entry above `P.bound` in magnitude is not taken;
 * the network is frozen at its last state and flag bit 1 is set.
 *
 * beta-flow: P = √(k²ββᵀ + δ²/4) − δ/2 and Q = √(k²βᵀβ + δ²/4) + δ/2 come from a one-sided (Hestenes)
 * Jacobi SVD of β (or βᵀ when d < c) in f32, as in src/theory/linear2.ts betaFlowBlocks:
 * tall side g·I + Σρ_p x_p x_pᵀ, small side g·I + Σρ_p σ_p² v_p v_pᵀ, ρ_p = k²/(√(k²σ_p² + δ²/4) + |δ|/2).
 * Convergence test: a sweep rotates pair (p, q) only when |⟨x_p, x_q⟩| > 1e-6·‖x_p‖‖x_q‖; the SVD stops after
 * a sweep with no rotation, or after 16 sweeps. At δ = 0, singular values below 1e-6·σ_max count as zero
 * (the rank-deficient set is invariant under the exact flow but unstable to f32 rounding).
 * The (W, A) velocity is unrolled (constant indices) when 3hdc + the gradient's FMAs ≤ UNROLL_LIMIT: the same operations in
 * the same order, 2.5–3.5× the loop form's rate on SwiftShader at d = c = 4, h = 8 (bench/linear2.ts).
 * GD and RK4 add each step's increment with Kahan compensation (per dispatch), which keeps the f32 Δ drift
 * at t = 10 (10⁴ steps) below 1e-4.
 */
import { jacobiWgsl } from './jacobi.wgsl.ts';

/** Compile-time shape and method of one step kernel. */
export interface Linear2ShaderOptions {
  d: number;
  c: number;
  h: number;
  method: 'gd' | 'rk4' | 'beta-flow';
  /**
   * H = XX ⊗ I_c (regression data, src/models/linear2/layout.ts isKronecker): the gradient reads XX from H's j = 0
   * block and costs d²c FMAs instead of (dc)², with bit-identical results.
   */
  kron?: boolean;
  /** false: keep the loops of the (W, A) velocity even when {@link unrolls} would unroll it (default: unroll when small). */
  unroll?: boolean;
}

const header = (o: Linear2ShaderOptions, S: number): string => /* wgsl */ `
const D: u32 = ${o.d}u;
const C: u32 = ${o.c}u;
const HN: u32 = ${o.h}u;
const DC: u32 = ${o.d * o.c}u;
const S: u32 = ${S}u;
override WG: u32 = 64u;
struct Params { n: u32, steps: u32, h: f32, etaW: f32, etaA: f32, bound: f32, pad0: f32, pad1: f32 }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;
@group(0) @binding(3) var<storage, read> data: array<f32>;
@group(0) @binding(4) var<storage, read> deltas: array<f32>;

// Finite and inside the bound, tested on the bits (WGSL may assume no NaN/Inf in comparisons).
fn inBound(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7f800000u) != 0x7f800000u && abs(x) <= P.bound;
}
fn valid(y: ptr<function, array<f32, S>>) -> bool {
  var ok = true;
  for (var p = 0u; p < S; p++) { ok = ok && inBound((*y)[p]); }
  return ok;
}
${o.kron ? /* wgsl */ `// G = H vec(β) − b with H = XX ⊗ I_c (regression): G = XXβ − XY, XX_ik read from H's j = 0 block
// (H[(iC)DC + kC]); the same products in the same order as the general form, whose other terms are fma(0, x, s) = s.
fn gradient(beta: ptr<function, array<f32, DC>>) -> array<f32, DC> {
  var g: array<f32, DC>;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < C; j++) {
      var s = -data[DC * DC + i * C + j];
      for (var k = 0u; k < D; k++) { s = fma(data[i * C * DC + k * C], (*beta)[k * C + j], s); }
      g[i * C + j] = s;
    }
  }
  return g;
}` : /* wgsl */ `// G = H vec(β) − b; data = [H (DC×DC, row-major), b (DC)].
fn gradient(beta: ptr<function, array<f32, DC>>) -> array<f32, DC> {
  var g: array<f32, DC>;
  for (var p = 0u; p < DC; p++) {
    var s = -data[DC * DC + p];
    for (var r = 0u; r < DC; r++) { s = fma(data[p * DC + r], (*beta)[r], s); }
    g[p] = s;
  }
  return g;
}`}
fn axpy(y: ptr<function, array<f32, S>>, k: ptr<function, array<f32, S>>, h: f32) -> array<f32, S> {
  var o: array<f32, S>;
  for (var p = 0u; p < S; p++) { o[p] = fma(h, (*k)[p], (*y)[p]); }
  return o;
}
// Compensated (Kahan) update y ← y + inc: the rounding error of each add is carried in comp (private to the
// thread, kept across the steps of one dispatch), so 10⁴ small increments do not drift the conserved Δ.
var<private> comp: array<f32, S>;
fn kahanAdd(y: ptr<function, array<f32, S>>, inc: ptr<function, array<f32, S>>) -> array<f32, S> {
  var o: array<f32, S>;
  for (var p = 0u; p < S; p++) {
    let x = (*inc)[p] - comp[p];
    let t = (*y)[p] + x;
    comp[p] = (t - (*y)[p]) - x;
    o[p] = t;
  }
  return o;
}
fn rk4(y: ptr<function, array<f32, S>>, delta: f32) -> array<f32, S> {
  let h = P.h;
  var k1 = velocity(y, delta);
  var y2 = axpy(y, &k1, 0.5 * h);
  var k2 = velocity(&y2, delta);
  var y3 = axpy(y, &k2, 0.5 * h);
  var k3 = velocity(&y3, delta);
  var y4 = axpy(y, &k3, h);
  var k4 = velocity(&y4, delta);
  var inc: array<f32, S>;
  let c = h / 6.0;
  for (var p = 0u; p < S; p++) { inc[p] = c * (k1[p] + 2.0 * (k2[p] + k3[p]) + k4[p]); }
  return kahanAdd(y, &inc);
}
fn gd(y: ptr<function, array<f32, S>>, delta: f32) -> array<f32, S> {
  var k = velocity(y, delta);
  var inc: array<f32, S>;
  for (var p = 0u; p < S; p++) { inc[p] = P.h * k[p]; }
  return kahanAdd(y, &inc);
}
`;

/** Velocity of the (W, A) flow; state y = [W (h×d) row-major, A (h×c) row-major]. */
const paramVelocity = /* wgsl */ `
fn velocity(y: ptr<function, array<f32, S>>, delta: f32) -> array<f32, S> {
  var beta: array<f32, DC>;
  for (var k = 0u; k < HN; k++) {
    for (var i = 0u; i < D; i++) {
      let w = (*y)[k * D + i];
      for (var j = 0u; j < C; j++) { beta[i * C + j] = fma(w, (*y)[HN * D + k * C + j], beta[i * C + j]); }
    }
  }
  let g = gradient(&beta);
  var v: array<f32, S>;
  for (var k = 0u; k < HN; k++) {
    for (var i = 0u; i < D; i++) {
      var s = 0.0;
      for (var j = 0u; j < C; j++) { s = fma((*y)[HN * D + k * C + j], g[i * C + j], s); }
      v[k * D + i] = -P.etaW * s;
    }
    for (var j = 0u; j < C; j++) {
      var s = 0.0;
      for (var i = 0u; i < D; i++) { s = fma((*y)[k * D + i], g[i * C + j], s); }
      v[HN * D + k * C + j] = -P.etaA * s;
    }
  }
  return v;
}
`;

/** Statements of the unrolled (W, A) velocity above which the loop form is kept (compile time and code size). */
export const UNROLL_LIMIT = 1024;

/** Whether {@link linear2StepShader} unrolls the (W, A) velocity: 3hdc + gradient FMAs ≤ {@link UNROLL_LIMIT}. */
export function unrolls(o: Linear2ShaderOptions): boolean {
  if (o.method === 'beta-flow' || o.unroll === false) return false;
  const grad = o.kron ? o.d * o.d * o.c : (o.d * o.c) ** 2;
  return 3 * o.h * o.d * o.c + grad <= UNROLL_LIMIT;
}

/**
 * {@link paramVelocity} with every loop unrolled (constant indices, so the compiler can keep the private arrays in
 * registers): the same fma operations in the same order, hence bit-identical results.
 */
function unrolledVelocity(o: Linear2ShaderOptions): string {
  const { d: D, c: C, h: HN } = o;
  const DC = D * C, A0 = HN * D;
  const L: string[] = [];
  for (let k = 0; k < HN; k++) for (let i = 0; i < D; i++) for (let j = 0; j < C; j++) {
    L.push(`beta[${i * C + j}] = fma((*y)[${k * D + i}], (*y)[${A0 + k * C + j}], beta[${i * C + j}]);`);
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < C; j++) {
    const p = i * C + j;
    L.push(`s = -data[${DC * DC + p}];`);
    if (o.kron) for (let k = 0; k < D; k++) L.push(`s = fma(data[${i * C * DC + k * C}], beta[${k * C + j}], s);`);
    else for (let r = 0; r < DC; r++) L.push(`s = fma(data[${p * DC + r}], beta[${r}], s);`);
    L.push(`g[${p}] = s;`);
  }
  for (let k = 0; k < HN; k++) {
    for (let i = 0; i < D; i++) {
      L.push('s = 0.0;');
      for (let j = 0; j < C; j++) L.push(`s = fma((*y)[${A0 + k * C + j}], g[${i * C + j}], s);`);
      L.push(`v[${k * D + i}] = -P.etaW * s;`);
    }
    for (let j = 0; j < C; j++) {
      L.push('s = 0.0;');
      for (let i = 0; i < D; i++) L.push(`s = fma((*y)[${k * D + i}], g[${i * C + j}], s);`);
      L.push(`v[${A0 + k * C + j}] = -P.etaA * s;`);
    }
  }
  return /* wgsl */ `
fn velocity(y: ptr<function, array<f32, S>>, delta: f32) -> array<f32, S> {
  var beta: array<f32, DC>;
  var g: array<f32, DC>;
  var v: array<f32, S>;
  var s = 0.0;
  ${L.join('\n  ')}
  return v;
}
`;
}

/** Velocity of the β flow (Theorem 4.2) with the Hestenes SVD; X = β (d ≥ c) or βᵀ (d < c), MM×RR. */
function betaVelocity(o: Linear2ShaderOptions): string {
  const tallIsW = o.d >= o.c;
  const MM = tallIsW ? o.d : o.c, RR = tallIsW ? o.c : o.d;
  const xAt = tallIsW ? '(*y)[m * C + r]' : '(*y)[r * C + m]';
  return /* wgsl */ `
const MM: u32 = ${MM}u;
const RR: u32 = ${RR}u;
${jacobiWgsl(MM, RR)}
fn velocity(y: ptr<function, array<f32, S>>, delta: f32) -> array<f32, S> {
  var X: array<f32, ${MM * RR}>;
  var V: array<f32, ${RR * RR}>;
  for (var m = 0u; m < MM; m++) { for (var r = 0u; r < RR; r++) { X[m * RR + r] = ${xAt}; } }
  jacobi(&X, &V);
  let k2 = P.etaW * P.etaA;
  let gTall = max(${tallIsW ? '-delta' : 'delta'}, 0.0);
  let gSmall = max(${tallIsW ? 'delta' : '-delta'}, 0.0);
  var T: array<f32, ${MM * MM}>;
  var R: array<f32, ${RR * RR}>;
  for (var m = 0u; m < MM; m++) { T[m * MM + m] = gTall; }
  for (var m = 0u; m < RR; m++) { R[m * RR + m] = gSmall; }
  var s2max = 0.0;
  for (var p = 0u; p < RR; p++) {
    var s2 = 0.0;
    for (var m = 0u; m < MM; m++) { s2 = fma(X[m * RR + p], X[m * RR + p], s2); }
    s2max = max(s2max, s2);
  }
  for (var p = 0u; p < RR; p++) {
    var s2 = 0.0;
    for (var m = 0u; m < MM; m++) { s2 = fma(X[m * RR + p], X[m * RR + p], s2); }
    let den = sqrt(fma(k2, s2, 0.25 * delta * delta)) + 0.5 * abs(delta);
    // δ = 0: a rank-deficient β is invariant, but f32 rounding (σ ~ 1e-7‖β‖) would grow like e^{2|∂L/∂σ|t};
    // singular values below 1e-6·σ_max count as exactly zero (ρ = 0: no velocity in their block).
    let isNull = delta == 0.0 && s2 < 1e-12 * s2max;
    let rho = select(0.0, k2 / den, den > 0.0 && !isNull);
    for (var m = 0u; m < MM; m++) {
      for (var l = 0u; l < MM; l++) { T[m * MM + l] = fma(rho * X[m * RR + p], X[l * RR + p], T[m * MM + l]); }
    }
    for (var m = 0u; m < RR; m++) {
      for (var l = 0u; l < RR; l++) { R[m * RR + l] = fma(rho * s2 * V[m * RR + p], V[l * RR + p], R[m * RR + l]); }
    }
  }
  var beta: array<f32, DC>;
  for (var p = 0u; p < DC; p++) { beta[p] = (*y)[p]; }
  let g = gradient(&beta);
  // β̇ = −(P G + G Q): P = ${tallIsW ? 'T' : 'R'} (d×d), Q = ${tallIsW ? 'R' : 'T'} (c×c).
  var v: array<f32, S>;
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < C; j++) {
      var s = 0.0;
      for (var l = 0u; l < D; l++) { s = fma(${tallIsW ? 'T[i * MM + l]' : 'R[i * RR + l]'}, g[l * C + j], s); }
      for (var m = 0u; m < C; m++) { s = fma(g[i * C + m], ${tallIsW ? 'R[m * RR + j]' : 'T[m * MM + j]'}, s); }
      v[i * C + j] = -s;
    }
  }
  return v;
}
`;
}

/**
 * The step kernel for one (d, c, h, method). Entry point `main`; bindings: 0 Params (uniform), 1 state
 * (f32 SoA: component p of network i at p·n + i), 2 flags (u32), 3 data [H, b] (f32), 4 δ per network (f32,
 * read by beta-flow only). State components: h(d + c) for gd/rk4 ([W, A] row-major), dc for beta-flow (β).
 */
export function linear2StepShader(o: Linear2ShaderOptions): string {
  const S = o.method === 'beta-flow' ? o.d * o.c : o.h * (o.d + o.c);
  const step = o.method === 'gd' ? 'gd' : 'rk4';
  return /* wgsl */ `${header(o, S)}
${o.method === 'beta-flow' ? betaVelocity(o) : unrolls(o) ? unrolledVelocity(o) : paramVelocity}
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= P.n) { return; }
  if ((flags[i] & 1u) != 0u) { return; }
  var y: array<f32, S>;
  for (var p = 0u; p < S; p++) { y[p] = state[p * P.n + i]; }
  let delta = deltas[i];
  for (var t = 0u; t < P.steps; t++) {
    var next = ${step}(&y, delta);
    if (!valid(&next)) { flags[i] = flags[i] | 1u; break; }
    y = next;
  }
  for (var p = 0u; p < S; p++) { state[p * P.n + i] = y[p]; }
}
`;
}
