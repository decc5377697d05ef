/**
 * A priori growth bound of the single-neuron GD and RK4 steps (docs/theory.md §1), for the step kernel's
 * unchecked blocks (shaders/singleNeuron/singleNeuron.wgsl.ts, issue 12): if a block starts at a state
 * s = (a, w) with ‖s‖² ≤ {@link safeStartNorm2}, none of its K float32 steps can leave the bound (nor
 * overflow), so the per-step check would never fire and the block may run without one, bitwise the same.
 *
 * Bound of one step, R = ‖s‖₂, k = max(η_a, η_w), L ≥ ‖XX‖₂ (σ² for XX = σ²I, else the Frobenius norm),
 * y = ‖Xy‖: ‖β‖ = |a|‖w‖ ≤ R²/2, ‖r‖ = ‖XXβ − Xy‖ ≤ V₀(R) = L R²/2 + y, and the velocity
 * v = (−η_a wᵀr, −η_w a r) has ‖v‖ ≤ k ‖r‖ R =: V(R).
 * GD (step η): ‖s'‖ ≤ R + η V(R). RK4 (step h): stages R₂ = R + h/2 V(R), R₃ = R + h/2 V(R₂), R₄ = R + h V(R₃),
 * ‖s'‖ ≤ R + h/6 (V(R) + 2V(R₂) + 2V(R₃) + V(R₄)). Every bound is of absolute values, so float32 rounding
 * (≤ 2⁻²⁴ relative per operation, a few tens of operations per step) is covered by a factor 1 + 10⁻⁵ per
 * stage; the f32-rounded uniforms by computing from them and the same margin.
 */
import type { SingleNeuronData } from '../../theory/index.ts';

/** Relative slack per bounded stage: covers the float32 rounding of one step (≲ 40 operations × 2⁻²⁴). */
const SLACK = 1 + 1e-5;
/** Largest magnitude any intermediate may reach (float32 max ≈ 3.4e38, with room for one more product). */
const FINITE = 1e30;

/** Inputs of {@link safeStartNorm2}: what the kernel's uniforms hold (rounded to f32 here). */
export interface GrowthBoundInput {
  method: 'gd' | 'rk4';
  data: SingleNeuronData;
  rates: { a: number; w: number };
  /** η (GD) or dt (RK4). */
  step: number;
  /** The divergence bound on |a|, |w_j|. */
  bound: number;
  /** Steps of one unchecked block. */
  steps: number;
}

const f32 = Math.fround;
/** Rounds a positive bound up past its f32 rounding (the kernel reads f32 uniforms). */
const up = (x: number) => x * (1 + 1e-6);

/**
 * The norm bound R_K after K steps from ‖s‖ ≤ R (Infinity when an intermediate could overflow).
 * @param R start norm ≥ 0.
 */
export function growthAfter(input: GrowthBoundInput, R: number): number {
  const { method, data, rates, step, steps } = input;
  const whitened = data.XX.every((row, i) => row.every((v, j) => (i === j ? f32(v) === f32(data.XX[0][0]) : v === 0)));
  const L = up(whitened ? Math.abs(f32(data.XX[0][0])) : Math.sqrt(data.XX.flat().reduce((s, v) => s + f32(v) ** 2, 0)));
  const y = up(Math.sqrt(data.Xy.reduce((s, v) => s + f32(v) ** 2, 0)));
  const k = up(Math.max(Math.abs(f32(rates.a)), Math.abs(f32(rates.w))));
  const h = up(Math.abs(f32(step)));
  const V = (r: number) => k * r * (L * r * r / 2 + y);
  let r = R;
  for (let i = 0; i < steps; i++) {
    if (L * r * r > FINITE || V(r) * h > FINITE || r > FINITE) return Infinity;
    if (method === 'gd') {
      r = (r + h * V(r)) * SLACK;
    } else {
      const r2 = (r + (h / 2) * V(r)) * SLACK;
      const r3 = (r + (h / 2) * V(r2)) * SLACK;
      const r4 = (r + h * V(r3)) * SLACK;
      if (L * r4 * r4 > FINITE || V(r4) * h > FINITE) return Infinity;
      r = (r + (h / 6) * (V(r) + 2 * V(r2) + 2 * V(r3) + V(r4))) * SLACK * SLACK;
    }
  }
  return r;
}

/**
 * The largest start norm² (as a float32 value, rounded down with a margin for the kernel's own float32
 * a² + ‖w‖²) from which K steps provably stay within `bound` (each |a|, |w_j| ≤ ‖s‖ ≤ bound) with every
 * intermediate finite; 0 when only s = 0 (a fixed point) qualifies. Bisection on R (R_K is increasing in R).
 * @throws Error when steps is not a positive integer or bound is not positive.
 */
export function safeStartNorm2(input: GrowthBoundInput): number {
  if (!(Number.isInteger(input.steps) && input.steps >= 1)) throw new Error(`safeStartNorm2: steps must be an integer ≥ 1, got ${input.steps}`);
  if (!(input.bound > 0)) throw new Error(`safeStartNorm2: bound must be > 0, got ${input.bound}`);
  const bound = Math.min(f32(input.bound), FINITE);
  const ok = (R: number) => growthAfter(input, R) <= bound;
  let lo = 0, hi = bound;
  if (ok(hi)) lo = hi;
  else {
    for (let i = 0; i < 200 && hi - lo > 1e-7 * hi; i++) {
      const mid = (lo + hi) / 2;
      if (ok(mid)) lo = mid; else hi = mid;
    }
  }
  // Margin for the kernel's float32 a² + ‖w‖² (≤ (d + 1) roundings): 10⁻⁵ relative, then round down to f32.
  const r2 = lo * lo * (1 - 1e-5);
  const g = f32(r2);
  return g > r2 ? f32(r2 * (1 - 2 ** -23)) : g;
}
