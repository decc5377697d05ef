/**
 * The portrait's colour fields read straight from the analysis passes' GPU buffers (observables layout:
 * docs/theory.md §1; regimes: §1.5).
 */
import { lossInterpolator, REGIME_COLORS } from '../../../views/colormaps.ts';
import { REGIMES } from '../regimes.ts';
import type { SingleNeuronParams } from '../params.ts';
import type { SingleNeuronSim } from '../sim.ts';
import type { PortraitField } from '../views/portraitSource.ts';
import type { Analysis } from './analysis.ts';

/**
 * The field for `params.colorBy`, or null for δ, the loss (drawn by the portrait itself), or a field this
 * run does not have (the theory error without a closed form, or with the exact method).
 * @param analysis the sim's analysis passes; `sim.n` trajectories, observables as n-long blocks.
 */
export function colorFieldFor(params: SingleNeuronParams, analysis: Analysis, sim: SingleNeuronSim): PortraitField | null {
  const { colorBy, epsilon } = params;
  const n = sim.n;
  const obs = analysis.observables.buffer;
  switch (colorBy) {
    case 'theoryError':
      return analysis.theoryError && sim.config.method !== 'exact'
        ? { buffer: analysis.theoryError.errors, title: '|simulated − exact| (max over a, w)', domain: [1e-8, 1], scale: 'log', interpolator: lossInterpolator }
        : null;
    case 'kernelDistance':
      return { buffer: obs, offset: 3 * n, title: 'kernel distance S(t)', domain: [0, 1], scale: 'linear', interpolator: lossInterpolator };
    case 'timeToEpsilon':
      return {
        buffer: obs, offset: 5 * n, title: `time to excess loss < ε = ${epsilon} (grey: not yet)`,
        domain: [0, Math.max(sim.time, 1e-6)], scale: 'linear', interpolator: lossInterpolator,
      };
    case 'regime':
      return { buffer: analysis.regimes, title: 'regime', scale: 'category', categories: REGIMES.map((label, k) => ({ label, color: REGIME_COLORS[k] })) };
    default:
      return null;
  }
}
