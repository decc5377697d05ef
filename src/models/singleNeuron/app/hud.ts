/** The single-neuron heads-up display: step counter, time, throughput and ensemble summary, as monospace text. */
import type { SingleNeuronParams } from '../params.ts';
import type { AppStatus } from './appState.ts';
import { accuracyWarning } from './accuracy.ts';


/** 37,000 → "37K", 1,234,567 → "1.2M" (Intl's compact notation). */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

const fmt = (x: number, digits = 3): string => (x === 0 ? '0' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(digits));

/** The HUD text. Time is t = Σ steps × step (the flow's time; for GD, η per step). */
export function formatHud(s: AppStatus, p: SingleNeuronParams, stepsPerSecond: number, software: boolean): string {
  const method = p.method === 'gd' ? `GD η=${p.step}` : `RK4 dt=${p.step}`;
  const lines = [
    `step ${s.stepCount.toLocaleString('en')}   t = ${fmt(s.time, 2)}   ${s.playing ? '▶' : '❚❚'} ${fmt(stepsPerSecond, 0)} steps/s`,
    `${s.n.toLocaleString('en')} trajectories · d = ${p.d} · ${method} · ${compact.format(stepsPerSecond * s.n)} traj-steps/s`,
  ];
  if (s.summary) {
    const drift = `max rel. δ drift ${fmt(s.summary.maxRelativeDeltaDrift)}${p.method === 'gd' ? ' (GD: O(η²) per step)' : ''}`;
    lines.push(`${drift} · max excess loss ${fmt(s.summary.maxExcessLoss)}`);
    lines.push(s.summary.diverged > 0 ? `⚠ ${s.summary.diverged.toLocaleString('en')} diverged (magenta, frozen)` : '0 diverged');
  }
  if (s.theoryError) {
    lines.push(`theory error |sim − exact| at t: max ${fmt(s.theoryError.max)} · median ${fmt(s.theoryError.median)}`);
  }
  if (s.limitDistance) {
    lines.push(`low rank: ‖β − β∞(predicted)‖ max ${fmt(s.limitDistance.max)} · median ${fmt(s.limitDistance.median)}`);
  }
  const warning = accuracyWarning(s, p);
  if (warning) lines.push(warning);
  if (s.selection > 0) lines.push(`${s.selection.toLocaleString('en')} selected · ${s.recordedSamples} samples recorded`);
  lines.push(`adapter: ${s.adapter}${software ? ' (software — CPU speed)' : ''}`);
  return lines.join('\n');
}
