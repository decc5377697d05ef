/**
 * The single-neuron GD step kernel with {@link GD_LANES} trajectories per thread (issue 12): the same update
 * and the same divergence handling as singleNeuronStepShader's GD (shaders/singleNeuron/singleNeuron.wgsl.ts,
 * docs/theory.md §1), on vec4f lanes. Four independent dependency chains per thread let SwiftShader overlap
 * them (a GD step at d = 2 is a chain of ~6 dependent FMAs); on a GPU a thread issues 16-byte loads.
 * Thread t owns trajectories 4t … 4t + 3 (SoA state, layout.ts); lanes past n and frozen lanes are held at
 * s = 0 (a fixed point of GD: b = 0, so a' = a + ηη_a·0 and w' = w + ηη_w·0·r) and never stored.
 *
 * Divergence (per lane, as the one-lane kernel): a block of CHECK_BLOCK steps runs unchecked when every lane
 * starts with a² + ‖w‖² ≤ P.safeNorm2 (growthBound.ts), else tracked (m = max a² + ‖w‖², tested at the end);
 * a failed tracked block is restored and re-run with the per-step check, lane by lane: a lane whose next
 * state is invalid is flagged and keeps its last valid state while the others go on. So each lane's frozen
 * state and flag are those of the per-step check (bitwise: the same step on the same state).
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { STEP_PARAMS } from '../../src/models/singleNeuron/layout.ts';
import { CHECK_BLOCK, type DivergenceCheck } from './singleNeuron.wgsl.ts';

/** Trajectories per thread of the GD kernel (vec4f lanes). */
export const GD_LANES = 4;

/** Options of {@link singleNeuronGdLanesShader}. */
export interface GdLanesOptions {
  /** Input dimension, 1 ≤ d ≤ MAX_D. */
  d: number;
  /** XX = σ²I: residual σ²β − Xy (see SingleNeuronStepOptions.whitened). */
  whitened?: boolean;
  /** 'block' (default), 'step' (every step) or 'none' (never freezes; bench only). */
  check?: DivergenceCheck;
}

const range = (d: number): number[] => Array.from({ length: d }, (_, j) => j);
const uniformAt = (array: string, k: number): string => `P.${array}[${k >> 2}].${'xyzw'[k & 3]}`;
const fmaChain = (terms: [string, string][], init: string): string => terms.reduce((acc, [x, y]) => `fma(${x}, ${y}, ${acc})`, init);
/** Steps written out per loop iteration (as the one-lane kernel at d = 2). */
const UNROLL = 4;

/**
 * Kernel `main`: advances every non-frozen trajectory P.steps GD steps (η = P.h), four per thread.
 * Dispatch: ceil(ceil(n / GD_LANES) / WG) workgroups, possibly split 2-D (src/gpu/device.ts dispatchSize).
 */
export function singleNeuronGdLanesShader(options: GdLanesOptions): string {
  const { d } = options;
  const J = range(d);
  const check = options.check ?? 'block';
  const B = CHECK_BLOCK;
  const comps = ['a', ...J.map((j) => `w${j}`)];
  const lanes = range(GD_LANES);
  const residual = (i: number) => (options.whitened
    ? `fma(xx0_0, b${i}, -xy${i})`
    : fmaChain(J.map((j) => [`xx${i}_${j}`, `b${j}`]), `-xy${i}`));
  const step = `  {
    let next = gdStep(s);
    s = next;
  }`;
  const tracked = `  {
    let next = gdStep(s);
    s = next;
    m = max(m, norm2(s));
  }`;
  const loadLane = (c: number, k: number) => `state[${c}u * P.n + min(base + ${k}u, P.n - 1u)]`;
  return wgsl`
${STEP_PARAMS.wgsl}
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: StepParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;
struct State { ${comps.map((c) => `${c}: vec4f`).join(', ')} }
${J.flatMap((i) => J.map((j) => `var<private> xx${i}_${j}: vec4f;`)).join('\n')}
${J.map((i) => `var<private> xy${i}: vec4f;`).join('\n')}
var<private> gdA: vec4f;
var<private> gdW: vec4f;
fn loadData() {
${J.flatMap((i) => J.map((j) => `  xx${i}_${j} = vec4f(${uniformAt('xx', i * d + j)});`)).join('\n')}
${J.map((i) => `  xy${i} = vec4f(${uniformAt('xy', i)});`).join('\n')}
  gdA = vec4f(-P.h * P.etaA);
  gdW = vec4f(-P.h * P.etaW);
}

// One GD step per lane, η folded into the rates: a ← a − ηη_a wᵀr, w ← w − ηη_w a r (r = XXβ − Xy, old a, w).
fn gdStep(s: State) -> State {
${J.map((j) => `  let b${j} = s.a * s.w${j};`).join('\n')}
${J.map((i) => `  let r${i} = ${residual(i)};`).join('\n')}
  var o: State;
  o.a = fma(gdA, ${fmaChain(J.map((j) => [`s.w${j}`, `r${j}`]), 'vec4f(0.0)')}, s.a);
  let c = gdW * s.a;
${J.map((j) => `  o.w${j} = fma(c, r${j}, s.w${j});`).join('\n')}
  return o;
}
fn norm2(s: State) -> vec4f { return ${J.reduce((acc, j) => `fma(s.w${j}, s.w${j}, ${acc})`, 's.a * s.a')}; }
// Finite and inside the bound, per lane, on the bits (WGSL may assume no NaN/Inf in float comparisons).
fn isFinite(x: vec4f) -> vec4<bool> { return (bitcast<vec4u>(x) & vec4u(0x7f800000u)) != vec4u(0x7f800000u); }
fn inBound(x: vec4f) -> vec4<bool> { return isFinite(x) & (abs(x) <= vec4f(P.bound)); }
fn valid(s: State) -> vec4<bool> { return ${comps.map((c) => `inBound(s.${c})`).join(' & ')}; }
fn keep(s: State, next: State, take: vec4<bool>) -> State {
  var o: State;
${comps.map((c) => `  o.${c} = select(s.${c}, next.${c}, take);`).join('\n')}
  return o;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let t = gid.x + gid.y * groups.x * WG;
  let base = t * ${GD_LANES}u;
  if (base >= P.n) { return; }
  // Lanes that step: inside n and not frozen; the others are held at 0.
  let alive0 = vec4<bool>(${lanes.map((k) => `base + ${k}u < P.n && (flags[min(base + ${k}u, P.n - 1u)] & 1u) == 0u`).join(', ')});
  if (!any(alive0)) { return; }
  loadData();
  let bound2 = P.bound * P.bound * (1.0 - 1.0 / 1048576.0);
  var s: State;
${comps.map((c, ci) => `  s.${c} = select(vec4f(0.0), vec4f(${lanes.map((k) => loadLane(ci, k)).join(', ')}), alive0);`).join('\n')}
  var left = P.steps;
#if ${check === 'none'}
  for (; left >= ${UNROLL}u; left -= ${UNROLL}u) {
${Array(UNROLL).fill(step).join('\n')}
  }
  for (; left > 0u; left--) { s = gdStep(s); }
#endif
#if ${check === 'block'}
  while (left >= ${B}u) {
    // A loop, not an if: SwiftShader runs both sides of an if under a lane mask, but leaves a loop no lane is in.
    while (left >= ${B}u && all(norm2(s) <= vec4f(P.safeNorm2))) {
      for (var k = 0u; k < ${B / UNROLL}u; k++) {
${Array(UNROLL).fill(step).join('\n')}
      }
      left -= ${B}u;
    }
    if (left < ${B}u) { break; }
    let saved = s;
    var m = vec4f(0.0);
    for (var k = 0u; k < ${B / UNROLL}u; k++) {
${Array(UNROLL).fill(tracked).join('\n')}
    }
    if (!all(valid(s) & (m <= vec4f(bound2)) & isFinite(m))) { s = saved; break; }
    left -= ${B}u;
  }
#endif
  // The rest (and a failed block again) with the per-step check, lane by lane.
  var alive = alive0;
  for (var k = 0u; k < left; k++) {
    let next = gdStep(s);
    let ok = valid(next);
    let died = alive & !ok;
${lanes.map((k) => `    if (died[${k}]) { flags[base + ${k}u] = flags[base + ${k}u] | 1u; }`).join('\n')}
    alive = alive & ok;
    s = keep(s, next, alive);
    if (!any(alive)) { break; }
  }
${lanes.map((k) => `  if (alive0[${k}]) {\n${comps.map((c, ci) => `    state[${ci}u * P.n + base + ${k}u] = s.${c}[${k}];`).join('\n')}\n  }`).join('\n')}
}
`;
}
