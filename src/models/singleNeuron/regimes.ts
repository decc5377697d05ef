/**
 * Lazy / rich / delayed-rich classification of single-neuron trajectories from their kernel distance
 * S(t) (docs/theory.md §1.2), and its aggregation into regime-map cells. The rule (also in the README):
 * - rich: S reached S_th (default 0.1) by the early time t_early (default 2/‖β*‖, two time constants of
 *   the linear flow) — the kernel moved while the function was being fitted;
 * - delayed-rich: S reached S_th only after t_early — a lazy phase first, then a late jump;
 * - lazy: S stayed below S_th until the trajectory converged (excess loss < ε, docs/theory.md §1.2: the
 *   function is fitted, so the kernel has no reason left to move) — the NTK barely moved;
 * - lazy so far: S below S_th and not converged yet. Provisional: before t_early it may still turn rich,
 *   later delayed-rich (δ = −4 in Fig. 2 is "lazy so far" at t = 4 and delayed-rich at t = 10).
 * Diverged trajectories are their own class. Rich and delayed-rich are final once reached (t_S is the
 * first time S ≥ S_th and never changes afterwards).
 */
import { DIVERGED_FLAG } from './layout.ts';

/** The classes, in the order of their indices (and of REGIME_COLORS); 'lazy so far' is provisional. */
export const REGIMES = ['lazy', 'rich', 'delayed-rich', 'diverged', 'lazy so far'] as const;
export type Regime = (typeof REGIMES)[number];

/** Thresholds of the rule. */
export interface RegimeRule {
  /** S threshold S_th: the kernel "moved" once S ≥ S_th (the observables' kernelThreshold). */
  kernelThreshold: number;
  /** Time t_early (time units) separating rich from delayed-rich. */
  earlyTime: number;
}

/** The default rule for a target β* of norm s: S_th = 0.1, t_early = 2/s (2 if s = 0). */
export function defaultRegimeRule(targetNorm: number): RegimeRule {
  return { kernelThreshold: 0.1, earlyTime: targetNorm > 0 ? 2 / targetNorm : 2 };
}

/**
 * Classifies one trajectory (see the module comment).
 * @param timeToKernelMove t_S, first time S ≥ S_th (−1: not yet). @param diverged its flag.
 * @param timeToEpsilon t_ε, first time the excess loss fell below ε (−1: not yet); without it a trajectory
 *   whose S stayed below S_th is 'lazy so far'.
 */
export function classify(timeToKernelMove: number, diverged: boolean, rule: RegimeRule, timeToEpsilon = -1): Regime {
  if (diverged) return 'diverged';
  if (timeToKernelMove >= 0) return timeToKernelMove <= rule.earlyTime ? 'rich' : 'delayed-rich';
  return timeToEpsilon >= 0 ? 'lazy' : 'lazy so far';
}

/** Whether a class may still change as the trajectories run on ('lazy so far'). */
export function isProvisional(regime: Regime): boolean {
  return regime === 'lazy so far';
}

/**
 * Classifies every trajectory: returns an index into {@link REGIMES} per trajectory.
 * @param timeToKernelMove n values of t_S. @param flags n flags. @param timeToEpsilon n values of t_ε
 *   (omitted: nothing has converged, so S < S_th reads 'lazy so far'). @throws Error on a length mismatch.
 */
export function classifyAll(timeToKernelMove: Float32Array, flags: Uint32Array, rule: RegimeRule, timeToEpsilon?: Float32Array): Uint8Array {
  if (timeToKernelMove.length !== flags.length) throw new Error(`classifyAll: ${timeToKernelMove.length} times vs ${flags.length} flags`);
  if (timeToEpsilon && timeToEpsilon.length !== flags.length) throw new Error(`classifyAll: ${timeToEpsilon.length} t_ε vs ${flags.length} flags`);
  return Uint8Array.from(timeToKernelMove, (t, i) => REGIMES.indexOf(classify(t, (flags[i] & DIVERGED_FLAG) !== 0, rule, timeToEpsilon?.[i] ?? -1)));
}

/**
 * Aggregates per-trajectory values into rows × cols cells, each the mean over `group` consecutive
 * trajectories (the init directions of one grid point), skipping NaN (e.g. diverged).
 * Trajectory i belongs to cell floor(i / group); cells are row-major.
 * @throws Error when values.length ≠ rows · cols · group.
 */
export function cellMeans(values: ArrayLike<number>, rows: number, cols: number, group: number): Float32Array {
  if (values.length !== rows * cols * group) throw new Error(`cellMeans: ${values.length} values for ${rows}×${cols} cells × ${group}`);
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < rows * cols; c++) {
    let sum = 0;
    let count = 0;
    for (let k = c * group; k < (c + 1) * group; k++) {
      if (!Number.isNaN(values[k])) { sum += values[k]; count++; }
    }
    out[c] = count ? sum / count : Number.NaN;
  }
  return out;
}

/** The most frequent regime per cell (ties go to the earlier entry of REGIMES). Layout as {@link cellMeans}. */
export function cellRegimes(regimes: Uint8Array, rows: number, cols: number, group: number): Uint8Array {
  if (regimes.length !== rows * cols * group) throw new Error(`cellRegimes: ${regimes.length} values for ${rows}×${cols} cells × ${group}`);
  const out = new Uint8Array(rows * cols);
  const counts = new Uint32Array(REGIMES.length);
  for (let c = 0; c < rows * cols; c++) {
    counts.fill(0);
    for (let k = c * group; k < (c + 1) * group; k++) counts[regimes[k]]++;
    out[c] = counts.indexOf(Math.max(...counts));
  }
  return out;
}
