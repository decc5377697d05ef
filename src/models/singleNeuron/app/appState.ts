/**
 * The single-neuron app's status record and its parameter rules (which fields rebuild the ensemble, how a
 * change of d resizes the d-vectors); app.ts uses them.
 */
import type { SingleNeuronParams } from '../params.ts';
import type { EnsembleSummary } from '../sim.ts';

/** Fields whose change needs a new ensemble (data, grid, rates); the rest apply to the running one. */
export const REBUILD_FIELDS: (keyof SingleNeuronParams)[] = [
  'd', 'dataset', 'target', 'sample', 'label', 'samples', 'noise', 'dataSeed', 'grid', 'deltaMin', 'deltaMax',
  'deltaCount', 'beta0Norm', 'tauMin', 'tauMax', 'tauCount', 'alphaMin', 'alphaMax', 'alphaCount', 'directions',
  'seed', 'etaA', 'etaW',
];

/** Live state other code (and the e2e tests, via window.lazyrich) may read. */
export interface AppStatus {
  /** Completed steps (their GPU work finished; what the HUD shows) and the time t they reached. */
  stepCount: number; time: number;
  /** = stepCount (the name the issue-11 tests read). */
  completedSteps?: number;
  /** Steps queued so far (≥ stepCount; the difference is in flight, at most one frame's budget). */
  queuedSteps?: number;
  n: number; playing: boolean; adapter: string; summary: EnsembleSummary | null;
  selection: number;
  /** Max and median |simulated − exact| (XX = σ²I, method ≠ exact), max/median ‖β − β∞‖ (singular XX). */
  theoryError: { max: number; median: number; p99?: number } | null;
  limitDistance: { max: number; median: number } | null;
  /** Recorded samples per selected trajectory (time series). */
  recordedSamples: number;
}

/** The d-vectors (target, sample) padded with 0 or truncated to length d. */
export function resizeVectors(p: SingleNeuronParams, d: number): Partial<SingleNeuronParams> {
  const fit = (v: number[]) => Array.from({ length: d }, (_, j) => v[j] ?? 0);
  return { target: fit(p.target), sample: fit(p.sample) };
}

/** How often (ms) the small summaries are read back, and how often the panels redraw. */
export const SUMMARY_INTERVAL_MS = 500;
export const PANEL_INTERVAL_MS = 1500;

/**
 * The page's periodic readbacks, panel redraws and state snapshots stop this long (ms) after the last change of
 * what they show (sim, step count, params, selection), so a paused page goes idle (app.ts frame); a read still in
 * flight at the change has several more intervals to land and be shown.
 */
export const READBACK_SETTLE_MS = 4000;

/** What the periodic reads show: compared by identity (a new sim, params object or selection array is a change). */
export interface Watched { sim: object; step: number; params: object; selection: object }

/** Which periodic reads an animation frame starts ({@link ReadbackSchedule.due}). */
export interface DueReads { snapshot: boolean; summary: boolean; panels: boolean }

/**
 * When the single-neuron page reads results back (app.ts frame): the summaries every SUMMARY_INTERVAL_MS, the
 * panels every PANEL_INTERVAL_MS, state snapshots at their own pace, all only while what they show changed within
 * READBACK_SETTLE_MS; none while a replay is shown (its state is a recorded one: the reads keep the live values).
 */
export class ReadbackSchedule {
  private watched: Watched | null = null;
  private changedAt = 0;
  private summaryAt = -Infinity;
  private panelsAt = -Infinity;

  /**
   * The reads due at `now` (ms). Each one returned true counts as started.
   * @param summaryFree no summary read is in flight. @param wantTable the panels or the regime colouring are on.
   */
  due(now: number, watched: Watched, o: { replaying: boolean; summaryFree: boolean; wantTable: boolean }): DueReads {
    const w = this.watched;
    if (!w || w.sim !== watched.sim || w.step !== watched.step || w.params !== watched.params || w.selection !== watched.selection) {
      this.watched = { ...watched };
      this.changedAt = now;
    }
    const changing = now - this.changedAt < READBACK_SETTLE_MS;
    const live = changing && !o.replaying;
    const summary = live && o.summaryFree && now - this.summaryAt > SUMMARY_INTERVAL_MS;
    const panels = live && o.wantTable && now - this.panelsAt > PANEL_INTERVAL_MS;
    if (summary) this.summaryAt = now;
    if (panels) this.panelsAt = now;
    return { snapshot: changing, summary, panels };
  }
}
