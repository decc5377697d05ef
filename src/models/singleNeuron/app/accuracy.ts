/**
 * Issue 10, defect 6: say when the numbers on screen are inaccurate. Two measures are read back anyway
 * (hud.ts): the theory error |simulated − exact| against the closed form (docs/theory.md §1.3, XX = σ²I
 * only; its 99th percentile over the trajectories, the max where that is not known) and the max relative δ
 * drift |δ_t − δ₀| / (η_w a₀² + η_a‖w₀‖²) (docs/theory.md §1, "Conservation law"; README "Conventions").
 * Above a threshold the HUD and the regime map say so and suggest a smaller step.
 */
import type { SingleNeuronParams } from '../params.ts';
import type { AppStatus } from './appState.ts';

/**
 * Largest |simulated − exact| (parameter units, max over a and w; 99th percentile over trajectories) still called
 * accurate. The Fig. 2/3 presets have ‖β*‖ = 1 and ‖β₀‖ = 1, so parameters are O(1) and 0.05 is a point visibly
 * off its exact path; float32 RK4 at dt = 0.01 stays near 1e-6 there, so the threshold never fires on rounding alone.
 */
export const THEORY_ERROR_LIMIT = 0.05;
/**
 * Largest max relative δ drift still called accurate. δ labels a trajectory's regime (docs/theory.md §1); a
 * drift of 5 % of the terms δ is the difference of keeps every trajectory near the δ it started at (the
 * Fig. 2 δ values are 1 apart), whereas GD at η = 0.9 drifts by 1.29 and RK4 on the τ × α grid at
 * dt = 0.01 by 0.65. GD's drift is O(η²) per step, so GD at the Fig. 8 η = 0.01 stays far below it.
 */
export const DELTA_DRIFT_LIMIT = 0.05;

/** Global order of the method's error in the step: GD (explicit Euler) 1, RK4 (flow or β flow) 4. */
function order(method: SingleNeuronParams['method']): number {
  return method === 'gd' ? 1 : 4;
}

/**
 * A step at which an error `error` (∝ stepᵖ, p the method's order) would drop below `limit`, at most half the step,
 * rounded down to one significant digit: the number whose text is that digit (0.0003, not 3 × 1e-4 = 0.00030000000000000003).
 */
export function suggestedStep(step: number, method: SingleNeuronParams['method'], error: number, limit: number): number {
  const factor = Math.min(0.5, (limit / error) ** (1 / order(method)));
  const s = step * factor;
  const e = Math.floor(Math.log10(s));
  const digit = Math.min(9, Math.max(1, Math.floor(s / 10 ** e)));
  return Number(`${digit}e${e}`);
}

/**
 * The accuracy warning for the HUD and the map, or null when both measures are under their limits (or not
 * read yet). The exact method has no step error and gets none. Names the measure(s), their value and
 * limit, and a smaller step; `short` (for the map title) only says "⚠ inaccurate: try <step>".
 */
export function accuracyWarning(s: Pick<AppStatus, 'summary' | 'theoryError'>, p: Pick<SingleNeuronParams, 'method' | 'step'>, short = false): string | null {
  if (p.method === 'exact') return null;
  const reasons: string[] = [];
  let worst = 0;
  const fmt = (x: number) => Number(x.toPrecision(2)).toString();
  // The 99th percentile where known: a step error moves every trajectory, while the few that start next to the
  // saddle (a ≈ 0, w ⟂ β*) may leave on the other sign branch at any step (Fig. 8: max 1.5, median 9e-4 at η = 0.01).
  const p99 = s.theoryError?.p99;
  const byP99 = p99 !== undefined && Number.isFinite(p99);
  const error = byP99 ? p99 : s.theoryError?.max;
  if (error !== undefined && error > THEORY_ERROR_LIMIT) {
    reasons.push(`theory error ${byP99 ? '(99 % of trajectories) ' : ''}${fmt(error)} > ${THEORY_ERROR_LIMIT}`);
    worst = Math.max(worst, error / THEORY_ERROR_LIMIT);
  }
  const drift = s.summary?.maxRelativeDeltaDrift;
  if (drift !== undefined && drift > DELTA_DRIFT_LIMIT) {
    reasons.push(`δ drift ${fmt(drift)} > ${DELTA_DRIFT_LIMIT}`);
    worst = Math.max(worst, drift / DELTA_DRIFT_LIMIT);
  }
  if (!reasons.length) return null;
  const name = p.method === 'gd' ? 'η' : 'dt';
  const smaller = `${name} = ${suggestedStep(p.step, p.method, worst, 1)}`;
  return short ? `⚠ inaccurate: try ${smaller}` : `⚠ inaccurate (${reasons.join(', ')}): use a smaller step, e.g. ${smaller}`;
}
