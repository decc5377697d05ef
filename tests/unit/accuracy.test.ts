/** Issue 10, defect 6: the HUD and the regime map warn when the theory error or the δ drift is too large. */
import { describe, expect, it } from 'vitest';
import { accuracyWarning, DELTA_DRIFT_LIMIT, suggestedStep, THEORY_ERROR_LIMIT } from '../../src/models/singleNeuron/app/accuracy.ts';
import { formatHud } from '../../src/models/singleNeuron/app/hud.ts';
import { paramsFromHash } from '../../src/models/singleNeuron/params.ts';
import type { AppStatus } from '../../src/models/singleNeuron/app/appState.ts';

const status = (drift: number, theoryMax: number | null): AppStatus => ({
  stepCount: 100, time: 1, n: 1024, playing: true, adapter: 'test', selection: 0, recordedSamples: 0, limitDistance: null,
  summary: { maxRelativeDeltaDrift: drift, diverged: 0, maxExcessLoss: 0.1 },
  theoryError: theoryMax === null ? null : { max: theoryMax, median: theoryMax / 10 },
});

describe('accuracy warning', () => {
  it('is silent for accurate runs (float32 RK4 at dt = 0.01; GD at the Fig. 8 η)', () => {
    const p = paramsFromHash('#v=1&p=fig2');
    expect(accuracyWarning(status(1e-6, 1e-6), p)).toBeNull();
    expect(accuracyWarning(status(DELTA_DRIFT_LIMIT, THEORY_ERROR_LIMIT), p)).toBeNull();
    expect(formatHud(status(1e-6, 1e-6), p, 100, false)).not.toContain('inaccurate');
  });

  it('names the measure, its value and limit, and a smaller step (issue repros: τ × α at RK4 dt = 0.01, GD η = 0.9)', () => {
    const rk4 = paramsFromHash('#v=1&p=fig2&g=tauAlpha');
    const w = accuracyWarning(status(0.65, 8.2), rk4)!;
    expect(w).toContain('inaccurate');
    expect(w).toContain(`theory error 8.2 > ${THEORY_ERROR_LIMIT}`);
    expect(w).toContain(`δ drift 0.65 > ${DELTA_DRIFT_LIMIT}`);
    const dt = Number(/dt = ([\d.e-]+)/.exec(w)![1]);
    expect(dt).toBeGreaterThan(0);
    expect(dt).toBeLessThanOrEqual(0.005);
    expect(formatHud(status(0.65, 8.2), rk4, 100, false)).toContain(w);

    const gd = paramsFromHash('#v=1&p=fig8&h=0.9');
    const g = accuracyWarning(status(1.29, null), gd)!;
    expect(g).toContain('δ drift 1.3 > 0.05');
    const eta = Number(/η = ([\d.e-]+)/.exec(g)![1]);
    expect(eta).toBeLessThanOrEqual(0.9 * DELTA_DRIFT_LIMIT / 1.29 + 1e-12);
  });

  it('the theory error warns on its 99th percentile: a few saddle trajectories off their branch (Fig. 8 at η = 0.01) do not', () => {
    const fig8 = paramsFromHash('#v=1&p=fig8');
    // measured on the Fig. 8 step: max 1.47, median 8.9e-4 over 2,178 trajectories
    const outliers: AppStatus = { ...status(1e-4, 1.47), theoryError: { max: 1.47, median: 8.9e-4, p99: 2e-3 } };
    expect(accuracyWarning(outliers, fig8)).toBeNull();
    expect(formatHud(outliers, fig8, 100, false)).toContain('max 1.47'); // the HUD still states the max
    const broad: AppStatus = { ...status(1e-4, 1.47), theoryError: { max: 1.47, median: 0.2, p99: 0.9 } };
    expect(accuracyWarning(broad, fig8)).toContain('theory error (99 % of trajectories) 0.9 > 0.05');
    // a histogram with nothing recorded (p99 NaN) falls back to the max, and says so by not naming the percentile
    const empty: AppStatus = { ...status(1e-4, 0.9), theoryError: { max: 0.9, median: Number.NaN, p99: Number.NaN } };
    expect(accuracyWarning(empty, fig8)).toContain('theory error 0.9 > 0.05');
  });

  it('writes the suggested step as one significant digit (0.0003, not 0.00030000000000000003)', () => {
    for (const [step, error, text] of [[0.01, 30, '0.0003'], [0.01, 16, '0.0006'], [0.9, 25.8, '0.03'], [0.07, 100, '0.0007'], [3, 7, '0.4']] as const) {
      expect(String(suggestedStep(step, 'gd', error, 1))).toBe(text);
    }
  });

  it('does not warn for the exact method, and suggests at most half the step', () => {
    expect(accuracyWarning(status(1, 1), paramsFromHash('#v=1&p=fig2&m=exact'))).toBeNull();
    expect(suggestedStep(0.01, 'rk4', 1.01, 1)).toBeLessThanOrEqual(0.005);
    expect(suggestedStep(0.9, 'gd', 25.8, 1)).toBeCloseTo(0.03, 10);
  });
});

describe('HUD throughput', () => {
  it('states trajectory-steps per second in compact units, not "0.0 M" for a small ensemble', () => {
    const hud = formatHud;
    const p = paramsFromHash('#v=1&p=fig2');
    const s: AppStatus = { stepCount: 10, time: 0.1, completedSteps: 10, queuedSteps: 10, n: 2178, playing: true, adapter: 'x', summary: null, selection: 0, theoryError: null, limitDistance: null, recordedSamples: 0 };
    expect(hud(s, p, 17, true)).toContain('37K traj-steps/s');
    expect(hud({ ...s, n: 1e6 }, p, 1234, false)).toContain('1.2B traj-steps/s');
    expect(hud({ ...s, playing: false }, p, 0, false)).toMatch(/❚❚ 0 steps\/s/);
  });
});
