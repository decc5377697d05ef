/**
 * Compute kernels of the single-neuron model f(x) = a wᵀx (docs/theory.md §1): gradient descent and RK4 on
 * the gradient flow ȧ = −η_a wᵀ(XXβ − Xy), ẇ = −η_w a (XXβ − Xy), β = a w, and RK4 on the function-space
 * flow (§1.1). Each thread owns one trajectory and advances it `P.steps` steps with the state in registers;
 * memory layout in src/models/singleNeuron/layout.ts.
 *
 * The code is generated per d and fully unrolled: the state is a struct of scalars and XX, Xy live in
 * private scalars loaded once per thread. Loops over arrays indexed at run time compile to memory traffic
 * on some backends (SwiftShader ran 20× slower with them).
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { STEP_PARAMS } from '../../src/models/singleNeuron/layout.ts';

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
    '  gdA = -P.h * P.etaA;',
    '  gdW = -P.h * P.etaW;',
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
// GD's step products −η·η_a and −η·η_w (η = P.h), folded into the update (see gdStep).
var<private> gdA: f32;
var<private> gdW: f32;
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
fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn inBound(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7f800000u) != 0x7f800000u && abs(x) <= P.bound;
}
fn valid(s: State) -> bool {
  return inBound(s.a)${J.map((j) => ` & inBound(s.w${j})`).join('')};
}
`;
}

/** Component i of the residual XXβ − Xy for β in `${b}0..${b}{d-1}`: a d-term FMA chain, or one FMA when XX = σ²I. */
function residual(d: number, i: number, b: string, whitened: boolean): string {
  return whitened ? `fma(xx0_0, ${b}${i}, -xy${i})` : fmaChain(range(d).map((j) => [`xx${i}_${j}`, `${b}${j}`]), `-xy${i}`);
}

/** Velocity of the parameter flow and the Euler/RK4 combinations, unrolled for d. */
function dynamics(d: number, whitened: boolean): string {
  const J = range(d);
  return /* wgsl */ `
fn velocity(s: State) -> State {
${J.map((j) => `  let b${j} = s.a * s.w${j};`).join('\n')}
${J.map((i) => `  let r${i} = ${residual(d, i, 'b', whitened)};`).join('\n')}
  var v: State;
  v.a = -P.etaA * (${fmaChain(J.map((j) => [`s.w${j}`, `r${j}`]), '0.0')});
  let c = -P.etaW * s.a;
${J.map((j) => `  v.w${j} = c * r${j};`).join('\n')}
  return v;
}
// One GD step with η folded into the rates: a ← a − ηη_a wᵀr, w ← w − ηη_w a r (r = XXβ − Xy, old a, w).
fn gdStep(s: State) -> State {
${J.map((j) => `  let b${j} = s.a * s.w${j};`).join('\n')}
${J.map((i) => `  let r${i} = ${residual(d, i, 'b', whitened)};`).join('\n')}
  var o: State;
  o.a = fma(gdA, ${fmaChain(J.map((j) => [`s.w${j}`, `r${j}`]), '0.0')}, s.a);
  let c = gdW * s.a;
${J.map((j) => `  o.w${j} = fma(c, r${j}, s.w${j});`).join('\n')}
  return o;
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
 * Function-space flow (docs/theory.md §1.1): β̇ = −M(β, δ)(XXβ − Xy) with, for rates η_a, η_w (k² = η_aη_w),
 * M = m₁ I + c₂ ββᵀ, m₁ = (√(δ² + 4k²‖β‖²) + δ)/2 = η_w a², c₂‖β‖² = (√(δ² + 4k²‖β‖²) − δ)/2 = η_a‖w‖²,
 * each written without cancellation. (a, w) are recovered from (β, δ) with the sign of a carried along:
 * a flips sign when β reverses through 0 (possible only for δ ≤ 0).
 */
function betaFlow(d: number, whitened: boolean): string {
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
${J.map((i) => `  let g${i} = ${residual(d, i, 'x.b', whitened)};`).join('\n')}
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

/** Steps per divergence-check block of the step kernel (see {@link singleNeuronStepShader}). */
export const CHECK_BLOCK = 16;

/** Options of the step kernel. */
export interface SingleNeuronStepOptions extends SingleNeuronShaderOptions {
  method: 'gd' | 'rk4' | 'beta-flow';
  /**
   * Whitened data XX = σ²I (a uniform-scaled identity; σ² read from P.xx[0]): the residual XXβ − Xy is
   * generated as σ²β − Xy, d FMAs instead of d² (as numpy's vectorised loop does). The caller must only
   * set it when XX is exactly σ²I (src/models/singleNeuron/sim.ts `isWhitened`). Default false.
   */
  whitened?: boolean;
  /**
   * Divergence check: 'block' (default; see {@link singleNeuronStepShader}), 'step' (every step, the
   * reference behaviour), or 'none' (no check and no freezing: only for measuring the check's cost).
   */
  check?: DivergenceCheck;
}

/** How the step kernel checks divergence (see {@link SingleNeuronStepOptions.check}). */
export type DivergenceCheck = 'block' | 'step' | 'none';

/** Most steps written out per loop iteration (the block is written twice, unchecked and tracked). */
const MAX_UNROLL = 4;

/**
 * Steps written out per iteration of the block loops: the largest power of two ≤ {@link MAX_UNROLL} whose
 * unrolled code stays under ~2,000 FLOPs (SwiftShader compiles every line; a loop costs a lane-mask update
 * and a blend per variable per iteration, which at d = 2 cost as much as the GD step itself at 1 step per
 * iteration; with both block paths written out 16 times, GD at d = 2 ran ~25 % slower than at 4).
 */
function unrollFactor(d: number, method: SingleNeuronStepOptions['method']): number {
  const velocity = 2 * d * d + 6 * d + 4;
  const perStep = method === 'gd' ? velocity - 2 * d : 4 * velocity + 12 * (d + 1);
  let u = MAX_UNROLL;
  while (u > 1 && u * perStep > 2000) u /= 2;
  return u;
}

/** a² + ‖w‖² as an FMA chain (the block check's tracked quantity, see {@link singleNeuronStepShader}). */
function norm2(d: number): string {
  return `fn norm2(s: State) -> f32 { return ${range(d).reduce((acc, j) => `fma(s.w${j}, s.w${j}, ${acc})`, 's.a * s.a')}; }`;
}

/**
 * Kernel `main`: advances every non-frozen trajectory P.steps steps by GD (step η = P.h), RK4 (dt = P.h)
 * on the parameter flow, or RK4 on the function-space flow ('beta-flow', dt = P.h; reads δ₀ from `info`).
 * A step that leaves the bound (or is non-finite) is discarded, and the trajectory is flagged and frozen.
 *
 * Divergence is checked per block of {@link CHECK_BLOCK} steps, not per step. GD and RK4 first: a block
 * that starts with a² + ‖w‖² ≤ P.safeNorm2 runs with no check at all: by the a priori growth bound of
 * src/models/singleNeuron/growthBound.ts no state of it can leave the bound or overflow, so a per-step check would
 * not fire (bitwise the same). Otherwise (and always for the β flow) the block is tracked: the kernel
 * only tracks m = max over the block's states of a² + ‖w‖² (d + 1 FMAs and one max per step, no branch);
 * at the block's end it tests the final state bitwise for finiteness and the bound, and m against
 * bound²·(1 − 2⁻²⁰) (the margin covers the rounding of the squares, so m under it implies every |x| ≤ bound;
 * m must also be finite, so an overflowing bound² cannot hide an excursion). A failed block is restored
 * from the state saved at its start and re-run (with the rest of the dispatch) with the per-step check, so the frozen state and the flag
 * are exactly those of a per-step check (bitwise: the same step function runs on the same saved state; a
 * block failed only by the margin or the sum of squares re-runs to the same result). Nothing is missed:
 * a NaN never turns finite again in these updates (no division in GD/RK4; β flow: NaN propagates through
 * β), and an infinity or any |x| beyond the bound raises m above the threshold. Steps that do not fill a
 * block (P.steps mod CHECK_BLOCK) run with the per-step check. Where an abs/max per component was tracked
 * instead, SwiftShader ran GD at half the rate (bench: "GD, block check" against "GD, none check").
 * SingleNeuronSim runs GD with four trajectories per thread (singleNeuronGdLanes.wgsl.ts, bitwise this GD).
 * Dispatch: ceil(n / WG) workgroups, possibly split 2-D (see src/gpu/device.ts dispatchSize).
 */
export function singleNeuronStepShader(options: SingleNeuronStepOptions): string {
  const { d } = options;
  const isBeta = options.method === 'beta-flow';
  const whitened = options.whitened === true;
  const B = CHECK_BLOCK;
  const check = options.check ?? 'block';
  const U = unrollFactor(d, options.method);
  // One step of the chosen method on (s) or (beta, signA, s); `next` is the candidate state.
  const stepCode = isBeta
    ? `    let nextBeta = betaRk4(beta, delta, h);
    let turn = betaDot(nextBeta, beta) < 0.0;
    let nextSign = select(signA, -signA, turn);
    let next = fromBeta(nextBeta, delta, nextSign);`
    : `    let next = ${options.method === 'rk4' ? 'rk4(s, h)' : 'gdStep(s)'};`;
  const commit = isBeta ? '    beta = nextBeta;\n    signA = nextSign;\n    s = next;' : '    s = next;';
  const save = isBeta ? 'let savedBeta = beta; let savedSign = signA; let saved = s;' : 'let saved = s;';
  const restore = isBeta ? 'beta = savedBeta; signA = savedSign; s = saved;' : 's = saved;';
  const freeStep = `  {
${stepCode}
${commit}
  }`;
  const blockStep = `  {
${stepCode}
${commit}
    m = max(m, norm2(s));
  }`;
  return wgsl`${common(d)}${dynamics(d, whitened)}
${norm2(d)}
#if ${isBeta}
@group(0) @binding(3) var<storage, read> info: array<f32>;
${betaFlow(d, whitened)}
#endif
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = linearIndex(gid, groups);
  if (i >= P.n || (flags[i] & 1u) != 0u) { return; }
  loadData();
  let h = P.h;
  // bound² less 2⁻²⁰ relative: covers the rounding of the squares and sums, so m ≤ bound2 implies every |x| ≤ bound.
  let bound2 = P.bound * P.bound * (1.0 - 1.0 / 1048576.0);
  var s = load(i);
#if ${isBeta}
  let delta = info[i];
  var beta = toBeta(s);
  var signA = select(-1.0, 1.0, s.a >= 0.0);
#endif
  var left = P.steps;
#if ${check === 'none'}
  for (var k = 0u; k < left; k++) {
${stepCode}
${commit}
  }
  left = 0u;
#endif
  // Blocks of ${B} steps: unchecked from a start inside the growth bound, else checked at the end.
  while (${check === 'block' ? `left >= ${B}u` : 'false'}) {
#if ${!isBeta}
    // A loop, not an if: SwiftShader runs both sides of an if under a lane mask, but leaves a loop when no lane is in it.
    while (left >= ${B}u && norm2(s) <= P.safeNorm2) {
      for (var k = 0u; k < ${B / U}u; k++) {
${Array(U).fill(freeStep).join('\n')}
      }
      left -= ${B}u;
    }
    if (left < ${B}u) { break; }
#endif
    ${save}
    var m = 0.0;
    for (var k = 0u; k < ${B / U}u; k++) {
${Array(U).fill(blockStep).join('\n')}
    }
    if (!(valid(s) & (m <= bound2) & isFinite(m))) { ${restore} break; }
    left -= ${B}u;
  }
  // The rest (and a failed block again) with the per-step check.
  for (var k = 0u; k < left; k++) {
${stepCode}
    if (!valid(next)) { flags[i] = flags[i] | 1u; break; }
${commit}
  }
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
