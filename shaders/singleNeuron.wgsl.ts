/**
 * Compute kernels of the single-neuron model f(x) = a wᵀx (theory.md §1): gradient descent and RK4 on
 * the gradient flow ȧ = −η_a wᵀ(XXβ − Xy), ẇ = −η_w a (XXβ − Xy), β = a w. Each thread owns one
 * trajectory and advances it `P.steps` steps with the state in registers; memory layout in
 * src/models/singleNeuron/layout.ts.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { STEP_PARAMS } from '../src/models/singleNeuron/layout.ts';

export interface SingleNeuronShaderOptions {
  /** Input dimension, 1 ≤ d ≤ MAX_D; compiled in so loops unroll. */
  d: number;
}

/** Shared declarations: uniforms, bindings, data access, finite check. */
function common(d: number): string {
  return /* wgsl */ `
${STEP_PARAMS.wgsl}
const D: u32 = ${d}u;
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;

struct State { a: f32, w: array<f32, D> }

fn XX(i: u32, j: u32) -> f32 { let k = i * D + j; return P.xx[k / 4u][k % 4u]; }
fn XY(i: u32) -> f32 { return P.xy[i / 4u][i % 4u]; }

fn linearIndex(gid: vec3u, groups: vec3u) -> u32 { return gid.x + gid.y * groups.x * WG; }

fn load(i: u32) -> State {
  var s: State;
  s.a = state[i];
  for (var j = 0u; j < D; j++) { s.w[j] = state[(j + 1u) * P.n + i]; }
  return s;
}
fn store(i: u32, s: State) {
  state[i] = s.a;
  for (var j = 0u; j < D; j++) { state[(j + 1u) * P.n + i] = s.w[j]; }
}

// Finite and inside the bound. Tested on the bits: WGSL may assume no NaN/Inf in float comparisons.
fn inBound(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7f800000u) != 0x7f800000u && abs(x) <= P.bound;
}
fn valid(s: State) -> bool {
  var ok = inBound(s.a);
  for (var j = 0u; j < D; j++) { ok = ok && inBound(s.w[j]); }
  return ok;
}
`;
}

/** Velocity of the flow and the Euler/RK4 combinations. */
const dynamics = /* wgsl */ `
fn velocity(s: State) -> State {
  var beta: array<f32, D>;
  for (var j = 0u; j < D; j++) { beta[j] = s.a * s.w[j]; }
  var v: State;
  var wr = 0.0;
  for (var i = 0u; i < D; i++) {
    var r = -XY(i);
    for (var j = 0u; j < D; j++) { r = fma(XX(i, j), beta[j], r); }
    wr = fma(s.w[i], r, wr);
    v.w[i] = -P.etaW * s.a * r;
  }
  v.a = -P.etaA * wr;
  return v;
}
fn axpy(s: State, k: State, h: f32) -> State {
  var o: State;
  o.a = fma(h, k.a, s.a);
  for (var j = 0u; j < D; j++) { o.w[j] = fma(h, k.w[j], s.w[j]); }
  return o;
}
fn rk4(s: State, h: f32) -> State {
  let k1 = velocity(s);
  let k2 = velocity(axpy(s, k1, 0.5 * h));
  let k3 = velocity(axpy(s, k2, 0.5 * h));
  let k4 = velocity(axpy(s, k3, h));
  var o: State;
  let c = h / 6.0;
  o.a = s.a + c * (k1.a + 2.0 * (k2.a + k3.a) + k4.a);
  for (var j = 0u; j < D; j++) { o.w[j] = s.w[j] + c * (k1.w[j] + 2.0 * (k2.w[j] + k3.w[j]) + k4.w[j]); }
  return o;
}
`;

/**
 * Function-space flow (theory.md §1.1): β̇ = −M(β, δ)(XXβ − Xy) with, for rates η_a, η_w (k² = η_aη_w),
 * M = m₁ I + c₂ ββᵀ, m₁ = (√(δ² + 4k²‖β‖²) + δ)/2 = η_w a², c₂‖β‖² = (√(δ² + 4k²‖β‖²) − δ)/2 = η_a‖w‖²,
 * each written without cancellation. (a, w) are recovered from (β, δ) with the sign of a carried along:
 * a flips sign when β reverses through 0 (possible only for δ ≤ 0).
 */
const betaFlow = /* wgsl */ `
fn betaVelocity(beta: array<f32, D>, delta: f32) -> array<f32, D> {
  var b2 = 0.0;
  for (var j = 0u; j < D; j++) { b2 = fma(beta[j], beta[j], b2); }
  let k2 = P.etaA * P.etaW;
  let root = sqrt(fma(delta, delta, 4.0 * k2 * b2));
  let m1 = select(2.0 * k2 * b2 / (root - delta), 0.5 * (root + delta), delta >= 0.0);
  var c2 = 0.0;
  if (b2 > 0.0) { c2 = select(0.5 * (root - delta) / b2, 2.0 * k2 / (root + delta), delta > 0.0); }
  var g: array<f32, D>;
  var bg = 0.0;
  for (var i = 0u; i < D; i++) {
    var r = -XY(i);
    for (var j = 0u; j < D; j++) { r = fma(XX(i, j), beta[j], r); }
    g[i] = r;
    bg = fma(beta[i], r, bg);
  }
  var v: array<f32, D>;
  for (var j = 0u; j < D; j++) { v[j] = -(m1 * g[j] + c2 * bg * beta[j]); }
  return v;
}
fn betaAxpy(x: array<f32, D>, k: array<f32, D>, h: f32) -> array<f32, D> {
  var o: array<f32, D>;
  for (var j = 0u; j < D; j++) { o[j] = fma(h, k[j], x[j]); }
  return o;
}
fn betaRk4(x: array<f32, D>, delta: f32, h: f32) -> array<f32, D> {
  let k1 = betaVelocity(x, delta);
  let k2 = betaVelocity(betaAxpy(x, k1, 0.5 * h), delta);
  let k3 = betaVelocity(betaAxpy(x, k2, 0.5 * h), delta);
  let k4 = betaVelocity(betaAxpy(x, k3, h), delta);
  var o: array<f32, D>;
  let c = h / 6.0;
  for (var j = 0u; j < D; j++) { o[j] = x[j] + c * (k1[j] + 2.0 * (k2[j] + k3[j]) + k4[j]); }
  return o;
}
// (a, w) from β and δ = η_w a² − η_a‖w‖²: η_w a² = m₁, sign of a given.
fn fromBeta(beta: array<f32, D>, delta: f32, signA: f32) -> State {
  var b2 = 0.0;
  for (var j = 0u; j < D; j++) { b2 = fma(beta[j], beta[j], b2); }
  let k2 = P.etaA * P.etaW;
  let root = sqrt(fma(delta, delta, 4.0 * k2 * b2));
  let m1 = select(2.0 * k2 * b2 / (root - delta), 0.5 * (root + delta), delta >= 0.0);
  var s: State;
  s.a = signA * sqrt(m1 / P.etaW);
  let inv = select(0.0, 1.0 / s.a, s.a != 0.0);
  for (var j = 0u; j < D; j++) { s.w[j] = beta[j] * inv; }
  return s;
}
`;

/**
 * Kernel `main`: advances every non-frozen trajectory P.steps steps by GD (step η = P.h), RK4 (dt = P.h)
 * on the parameter flow, or RK4 on the function-space flow ('beta-flow', dt = P.h; reads δ₀ from `info`).
 * A step that leaves the bound (or is non-finite) is discarded, and the trajectory is flagged and frozen.
 * Dispatch: ceil(n / WG) workgroups, possibly split 2-D (see src/gpu/device.ts dispatchSize).
 */
export function singleNeuronStepShader(options: SingleNeuronShaderOptions & { method: 'gd' | 'rk4' | 'beta-flow' }): string {
  const isRk4 = options.method === 'rk4';
  const isBeta = options.method === 'beta-flow';
  return wgsl`${common(options.d)}${dynamics}
#if ${isBeta}
@group(0) @binding(3) var<storage, read> info: array<f32>;
${betaFlow}
#endif
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(gid, groups);
  if (i >= P.n || (flags[i] & 1u) != 0u) { return; }
  var s = load(i);
#if ${isBeta}
  let delta = info[i];
  var beta: array<f32, D>;
  for (var j = 0u; j < D; j++) { beta[j] = s.a * s.w[j]; }
  var signA = select(-1.0, 1.0, s.a >= 0.0);
  for (var step = 0u; step < P.steps; step++) {
    let nextBeta = betaRk4(beta, delta, P.h);
    var turn = 0.0;
    for (var j = 0u; j < D; j++) { turn = fma(nextBeta[j], beta[j], turn); }
    let next = fromBeta(nextBeta, delta, select(signA, -signA, turn < 0.0));
    if (!valid(next)) { flags[i] = flags[i] | 1u; break; }
    if (turn < 0.0) { signA = -signA; }
    beta = nextBeta;
    s = next;
  }
#else
  for (var step = 0u; step < P.steps; step++) {
#if ${isRk4}
    let next = rk4(s, P.h);
#else
    let next = axpy(s, velocity(s), P.h);
#endif
    if (!valid(next)) { flags[i] = flags[i] | 1u; break; }
    s = next;
  }
#endif
  store(i, s);
}
`;
}

/**
 * Kernel `main`: per-trajectory observables reduced into `summary` with atomics (positive f32 bit
 * patterns order like u32): [0] max relative δ drift |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²), [1] diverged
 * count, [2] max excess loss ½(β−β_ols)ᵀXX(β−β_ols) over non-diverged trajectories. `info` layout in layout.ts.
 */
export function singleNeuronMetricsShader(options: SingleNeuronShaderOptions): string {
  return wgsl`${common(options.d)}
@group(0) @binding(3) var<storage, read> info: array<f32>;
@group(0) @binding(4) var<storage, read_write> summary: array<atomic<u32>, 4>;

fn excessLoss(s: State) -> f32 {
  var e: array<f32, D>;
  for (var j = 0u; j < D; j++) { e[j] = s.a * s.w[j] - P.betaOls[j / 4u][j % 4u]; }
  var q = 0.0;
  for (var i = 0u; i < D; i++) {
    var r = 0.0;
    for (var j = 0u; j < D; j++) { r = fma(XX(i, j), e[j], r); }
    q = fma(e[i], r, q);
  }
  return 0.5 * max(q, 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(gid, groups);
  if (i >= P.n) { return; }
  if ((flags[i] & 1u) != 0u) { atomicAdd(&summary[1], 1u); return; }
  let s = load(i);
  var ww = 0.0;
  for (var j = 0u; j < D; j++) { ww = fma(s.w[j], s.w[j], ww); }
  let delta = P.etaW * s.a * s.a - P.etaA * ww;
  let drift = abs(delta - info[i]) / max(info[P.n + i], 1e-30);
  atomicMax(&summary[0], bitcast<u32>(drift));
  atomicMax(&summary[2], bitcast<u32>(excessLoss(s)));
}
`;
}
