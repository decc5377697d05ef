/** The single-neuron page's periodic reads (src/models/singleNeuron/app/appState.ts ReadbackSchedule): they go idle when nothing changes. */
import { describe, expect, it } from 'vitest';
import { PANEL_INTERVAL_MS, READBACK_SETTLE_MS, ReadbackSchedule, SUMMARY_INTERVAL_MS } from '../../src/models/singleNeuron/app/appState.ts';

const opts = { replaying: false, summaryFree: true, wantTable: true };

/** Counts the reads started over [from, to) ms at 16-ms frames, with `watched(t)` the state shown at t. */
function run(s: ReadbackSchedule, from: number, to: number, watched: (t: number) => { sim: object; step: number; params: object; selection: object }, o = opts) {
  const n = { snapshot: 0, summary: 0, panels: 0 };
  for (let t = from; t < to; t += 16) {
    const d = s.due(t, watched(t), o);
    n.snapshot += +d.snapshot; n.summary += +d.summary; n.panels += +d.panels;
  }
  return n;
}

describe('ReadbackSchedule', () => {
  const sim = {}, params = {}, selection = {};

  it('reads every interval while the step count moves, and stops READBACK_SETTLE_MS after it stops', () => {
    const s = new ReadbackSchedule();
    const moving = run(s, 0, 10_000, (t) => ({ sim, step: Math.floor(t / 100), params, selection }));
    expect(moving.summary).toBeGreaterThanOrEqual(Math.floor(10_000 / (SUMMARY_INTERVAL_MS + 16)));
    expect(moving.panels).toBeGreaterThanOrEqual(Math.floor(10_000 / (PANEL_INTERVAL_MS + 16)));
    // Paused at step 100 from t = 10 s: reads go on for the settle time, then none at all.
    const settling = run(s, 10_000, 10_000 + READBACK_SETTLE_MS, () => ({ sim, step: 100, params, selection }));
    expect(settling.summary).toBeGreaterThanOrEqual(Math.floor(READBACK_SETTLE_MS / (SUMMARY_INTERVAL_MS + 16)) - 1);
    const idle = run(s, 10_000 + READBACK_SETTLE_MS, 30_000, () => ({ sim, step: 100, params, selection }));
    expect(idle).toEqual({ snapshot: 0, summary: 0, panels: 0 });
  });

  it('a new params object, selection or sim while paused wakes the reads up again', () => {
    for (const change of ['params', 'selection', 'sim'] as const) {
      const s = new ReadbackSchedule();
      run(s, 0, READBACK_SETTLE_MS + 1000, () => ({ sim, step: 5, params, selection }));
      const next = { sim, step: 5, params, selection, [change]: {} };
      const woken = run(s, READBACK_SETTLE_MS + 1000, READBACK_SETTLE_MS + 3000, () => next);
      expect(woken.summary, change).toBeGreaterThanOrEqual(3);
      expect(woken.panels, change).toBeGreaterThanOrEqual(1);
    }
  });

  it('no summary while one is in flight, no panel read without panels, nothing while a replay is shown', () => {
    const s = new ReadbackSchedule();
    const moving = (t: number) => ({ sim, step: t, params, selection });
    expect(run(s, 0, 3000, moving, { ...opts, summaryFree: false }).summary).toBe(0);
    expect(run(s, 3000, 6000, moving, { ...opts, wantTable: false }).panels).toBe(0);
    expect(run(s, 6000, 9000, moving, { ...opts, replaying: true })).toMatchObject({ summary: 0, panels: 0 });
  });
});
