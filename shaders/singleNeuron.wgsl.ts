/**
 * Compute kernels of the single-neuron model f(x) = a wᵀx (theory.md §1): gradient descent and RK4 on
 * the gradient flow ȧ = −η_a wᵀ(XXβ − Xy), ẇ = −η_w a (XXβ − Xy), β = a w, and RK4 on the function-space
 * flow (§1.1). Each thread owns one trajectory and advances it `P.steps` steps with the state in registers;
 * memory layout in src/models/singleNeuron/layout.ts.
 *
 * The code is generated per d and fully unrolled: the state is a struct of scalars and XX, Xy live in
 * private scalars loaded once per thread. Loops over arrays indexed at run time compile to memory traffic
 * on some backends (SwiftShader ran 20× slower with them).
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { STEP_PARAMS } from '../src/models/singleNeuron/layout.ts';

export interface SingleNeuronShaderOptions {
  /** Input dimension, 1 ≤ d ≤ MAX_D. */
  d: number;
}

const range = (d: number): number[] => Array.from({ length: d }, (_, j) => j);
/** `P.xx[k / 4][k % 4]` with k constant, as a swizzle. */
const uniformAt = (array: string, k: number): string => `P.${array}[${k >> 2}].${'xyzw'[k & 3]}`;
/** Σ_k terms[k] as an fma chain seeded with `init`; terms are [factor, factor] pairs. */
const fmaChain = (terms: [string, string][], init: string): string =>
  terms.reduce((acc, [x, y]) => `fma(${x}, ${y}, ${acc})`, init);

/** Shared declarations: uniforms, bindings, generated state struct, load/store/valid, data in private scalars. */
function common(d: number): string {
  const J = range(d);
  const xxDecl = J.flatMap((i) => J.map((j) => `var<private> xx${i}_${j}: f32;`)).join('\n');
  const xyDecl = J.map((i) => `var<private> xy${i}: f32;`).join('\n');
  const loadData = [
    ...J.flatMap((i) => J.map((j) => `  xx${i}_${j} = ${uniformAt('xx', i * d + j)};`)),
    ...J.map((i) => `  xy${i} = ${uniformAt('xy', i)};`),
  ].join('\n');
  return /* wgsl */ `
${STEP_PARAMS.wgsl}
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;

struct State { a: f32, ${J.map((j) => `w${j}: f32`).join(', ')} }
${xxDecl}
${xyDecl}
fn loadData() {
${loadData}
}

fn linearIndex(gid: vec3u, groups: vec3u) -> u32 { return gid.x + gid.y * groups.x * WG; }

fn load(i: u32) -> State {
  var s: State;
  s.a = state[i];
${J.map((j) => `  s.w${j} = state[${j + 1}u * P.n + i];`).join('\n')}
  return s;
}
fn store(i: u32, s: State) {
  state[i] = s.a;
${J.map((j) => `  state[${j + 1}u * P.n + i] = s.w${j};`).join('\n')}
}

// Finite and inside the bound. Tested on the bits: WGSL may assume no NaN/Inf in float comparisons.
fn inBound(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7f800000u) != 0x7f800000u && abs(x) <= P.bound;
}
fn valid(s: State) -> bool {
  return inBound(s.a)${J.map((j) => ` && inBound(s.w${j})`).join('')};
}
`;
}

/** Velocity of the parameter flow and the Euler/RK4 combinations, unrolled for d. */
function dynamics(d: number): string {
  const J = range(d);
  return /* wgsl */ `
fn velocity(s: State) -> State {
${J.map((j) => `  let b${j} = s.a * s.w${j};`).join('\n')}
${J.map((i) => `  let r${i} = ${fmaChain(J.map((j) => [`xx${i}_${j}`, `b${j}`]), `-xy${i}`)};`).join('\n')}
  var v: State;
  v.a = -P.etaA * (${fmaChain(J.map((j) => [`s.w${j}`, `r${j}`]), '0.0')});
  let c = -P.etaW * s.a;
${J.map((j) => `  v.w${j} = c * r${j};`).join('\n')}
  return v;
}
fn axpy(s: State, k: State, h: f32) -> State {
  var o: State;
  o.a = fma(h, k.a, s.a);
${J.map((j) => `  o.w${j} = fma(h, k.w${j}, s.w${j});`).join('\n')}
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
${J.map((j) => `  o.w${j} = s.w${j} + c * (k1.w${j} + 2.0 * (k2.w${j} + k3.w${j}) + k4.w${j});`).join('\n')}
  return o;
}
`;
}

/**
 * Function-space flow (theory.md §1.1): β̇ = −M(β, δ)(XXβ − Xy) with, for rates η_a, η_w (k² = η_aη_w),
 * M = m₁ I + c₂ ββᵀ, m₁ = (√(δ² + 4k²‖β‖²) + δ)/2 = η_w a², c₂‖β‖² = (√(δ² + 4k²‖β‖²) − δ)/2 = η_a‖w‖²,
 * each written without cancellation. (a, w) are recovered from (β, δ) with the sign of a carried along:
 * a flips sign when β reverses through 0 (possible only for δ ≤ 0).
 */
function betaFlow(d: number): string {
  const J = range(d);
  const norm2 = (v: string) => fmaChain(J.map((j) => [`${v}.b${j}`, `${v}.b${j}`]), '0.0');
  return /* wgsl */ `
struct Beta { ${J.map((j) => `b${j}: f32`).join(', ')} }
// m₁ = η_w a² as a function of ‖β‖² and δ.
fn firstCoefficient(b2: f32, delta: f32) -> f32 {
  let k2 = P.etaA * P.etaW;
  let root = sqrt(fma(delta, delta, 4.0 * k2 * b2));
  return select(2.0 * k2 * b2 / (root - delta), 0.5 * (root + delta), delta >= 0.0);
}
fn betaVelocity(x: Beta, delta: f32) -> Beta {
  let b2 = ${norm2('x')};
  let k2 = P.etaA * P.etaW;
  let root = sqrt(fma(delta, delta, 4.0 * k2 * b2));
  let m1 = firstCoefficient(b2, delta);
  var c2 = 0.0;
  if (b2 > 0.0) { c2 = select(0.5 * (root - delta) / b2, 2.0 * k2 / (root + delta), delta > 0.0); }
${J.map((i) => `  let g${i} = ${fmaChain(J.map((j) => [`xx${i}_${j}`, `x.b${j}`]), `-xy${i}`)};`).join('\n')}
  let cbg = c2 * (${fmaChain(J.map((j) => [`x.b${j}`, `g${j}`]), '0.0')});
  var v: Beta;
${J.map((j) => `  v.b${j} = -fma(m1, g${j}, cbg * x.b${j});`).join('\n')}
  return v;
}
fn betaAxpy(x: Beta, k: Beta, h: f32) -> Beta {
  var o: Beta;
${J.map((j) => `  o.b${j} = fma(h, k.b${j}, x.b${j});`).join('\n')}
  return o;
}
fn betaRk4(x: Beta, delta: f32, h: f32) -> Beta {
  let k1 = betaVelocity(x, delta);
  let k2 = betaVelocity(betaAxpy(x, k1, 0.5 * h), delta);
  let k3 = betaVelocity(betaAxpy(x, k2, 0.5 * h), delta);
  let k4 = betaVelocity(betaAxpy(x, k3, h), delta);
  var o: Beta;
  let c = h / 6.0;
${J.map((j) => `  o.b${j} = x.b${j} + c * (k1.b${j} + 2.0 * (k2.b${j} + k3.b${j}) + k4.b${j});`).join('\n')}
  return o;
}
fn toBeta(s: State) -> Beta {
  var x: Beta;
${J.map((j) => `  x.b${j} = s.a * s.w${j};`).join('\n')}
  return x;
}
fn betaDot(x: Beta, y: Beta) -> f32 { return ${fmaChain(J.map((j) => [`x.b${j}`, `y.b${j}`]), '0.0')}; }
// (a, w) from β and δ = η_w a² − η_a‖w‖²: η_w a² = m₁, with the given sign of a.
fn fromBeta(x: Beta, delta: f32, signA: f32) -> State {
  var s: State;
  s.a = signA * sqrt(firstCoefficient(betaDot(x, x), delta) / P.etaW);
  let inv = select(0.0, 1.0 / s.a, s.a != 0.0);
${J.map((j) => `  s.w${j} = x.b${j} * inv;`).join('\n')}
  return s;
}
`;
}

/**
 * Kernel `main`: advances every non-frozen trajectory P.steps steps by GD (step η = P.h), RK4 (dt = P.h)
 * on the parameter flow, or RK4 on the function-space flow ('beta-flow', dt = P.h; reads δ₀ from `info`).
 * A step that leaves the bound (or is non-finite) is discarded, and the trajectory is flagged and frozen.
 * Dispatch: ceil(n / WG) workgroups, possibly split 2-D (see src/gpu/device.ts dispatchSize).
 */
export function singleNeuronStepShader(options: SingleNeuronShaderOptions & { method: 'gd' | 'rk4' | 'beta-flow' }): string {
  const { d } = options;
  const isRk4 = options.method === 'rk4';
  const isBeta = options.method === 'beta-flow';
  return wgsl`${common(d)}${dynamics(d)}
#if ${isBeta}
@group(0) @binding(3) var<storage, read> info: array<f32>;
${betaFlow(d)}
#endif
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(gid, groups);
  if (i >= P.n || (flags[i] & 1u) != 0u) { return; }
  loadData();
  let h = P.h;
  var s = load(i);
#if ${isBeta}
  let delta = info[i];
  var beta = toBeta(s);
  var signA = select(-1.0, 1.0, s.a >= 0.0);
  for (var step = 0u; step < P.steps; step++) {
    let nextBeta = betaRk4(beta, delta, h);
    let turn = betaDot(nextBeta, beta) < 0.0;
    let next = fromBeta(nextBeta, delta, select(signA, -signA, turn));
    if (!valid(next)) { flags[i] = flags[i] | 1u; break; }
    if (turn) { signA = -signA; }
    beta = nextBeta;
    s = next;
  }
#else
  for (var step = 0u; step < P.steps; step++) {
#if ${isRk4}
    let next = rk4(s, h);
#else
    let next = axpy(s, velocity(s), h);
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
  const { d } = options;
  const J = range(d);
  return /* wgsl */ `${common(d)}
@group(0) @binding(3) var<storage, read> info: array<f32>;
@group(0) @binding(4) var<storage, read_write> summary: array<atomic<u32>, 4>;

fn excessLoss(s: State) -> f32 {
${J.map((j) => `  let e${j} = s.a * s.w${j} - ${uniformAt('betaOls', j)};`).join('\n')}
${J.map((i) => `  let r${i} = ${fmaChain(J.map((j) => [`xx${i}_${j}`, `e${j}`]), '0.0')};`).join('\n')}
  return 0.5 * max(${fmaChain(J.map((j) => [`e${j}`, `r${j}`]), '0.0')}, 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(gid, groups);
  if (i >= P.n) { return; }
  if ((flags[i] & 1u) != 0u) { atomicAdd(&summary[1], 1u); return; }
  loadData();
  let s = load(i);
  let ww = ${fmaChain(J.map((j) => [`s.w${j}`, `s.w${j}`]), '0.0')};
  let delta = P.etaW * s.a * s.a - P.etaA * ww;
  let drift = abs(delta - info[i]) / max(info[P.n + i], 1e-30);
  atomicMax(&summary[0], bitcast<u32>(drift));
  atomicMax(&summary[2], bitcast<u32>(excessLoss(s)));
}
`;
}
