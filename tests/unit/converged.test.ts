/**
 * Issue 10, defect 3: a converged ensemble (the normal end of every demo) must draw without errors.
 * The loss colour domain keeps a positive span however small the largest excess loss gets, and the
 * time-series axes get finite tick lists for the narrow or tiny ranges converged curves have.
 */
import { describe, expect, it } from 'vitest';
import {
  LOSS_FLOOR, lossDomainFor, MIN_LOSS_DECADES, PortraitColoring,
} from '../../src/models/singleNeuron/views/portraitColoring.ts';
import { legendTicks } from '../../src/views/legend.ts';
import { linearSplits, logSplits, MIN_X_TICK_SPACE_PX } from '../../src/views/timeSeries.ts';
import { formatTick } from '../../src/views/viewMath.ts';

describe('loss colour domain of a converging ensemble', () => {
  it('is a valid log domain for every largest excess loss down to 0⁺, at least MIN_LOSS_DECADES wide', () => {
    const coloring = new PortraitColoring(() => {});
    // The app's old rule [max(1e-8, m·1e-6), m] gave lo ≥ hi for m ≤ 1e-8 and setLossDomain threw.
    for (const m of [10, 1, 1e-3, 1e-7, 1e-8, 5e-9, 1e-12, 1e-30, Number.MIN_VALUE]) {
      const domain = lossDomainFor(m)!;
      expect(() => coloring.setLossDomain(domain), `max excess loss ${m}`).not.toThrow();
      expect(domain[0]).toBeGreaterThanOrEqual(LOSS_FLOOR);
      expect(domain[1]).toBeGreaterThanOrEqual(m);
      expect(Math.log10(domain[1] / domain[0])).toBeGreaterThanOrEqual(MIN_LOSS_DECADES - 1e-9);
      expect(legendTicks(domain, 'log').length).toBeGreaterThanOrEqual(2);
    }
    expect(lossDomainFor(1e-9)).toEqual([LOSS_FLOOR, LOSS_FLOOR * 10 ** MIN_LOSS_DECADES]);
    expect(lossDomainFor(1)).toEqual([1e-6, 1]);
  });

  it('is null (keep the previous domain) when there is nothing to scale', () => {
    for (const m of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(lossDomainFor(m)).toBeNull();
  });
});

describe('time-series ticks for converged curves', () => {
  it('the t axis of a narrow chart (320 px) labels side by side without overlap (10 px monospace ≈ 6.1 px per character, 4 px gap)', () => {
    for (const tMax of [0.05, 0.23, 3, 47, 1250]) {
      const ticks = linearSplits(0, tMax, 320, MIN_X_TICK_SPACE_PX);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      const step = ticks[1] - ticks[0];
      const widest = Math.max(...ticks.map((v) => formatTick(v, step).length)) * 6.1 + 4;
      expect(widest, `t ≤ ${tMax}: ticks ${ticks.join(' ')}`).toBeLessThanOrEqual((320 * step) / tMax);
    }
  });

  it('linear: a narrow range far from 0 (S of a converged lazy trajectory and its closed form) gets a few ticks', () => {
    const [lo, hi] = [0.003834351, 0.003834434];
    const ticks = linearSplits(lo, hi, 60);
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.length).toBeLessThanOrEqual(8);
    for (const t of ticks) expect(t >= lo && t <= hi).toBe(true);
    expect(linearSplits(0, 1, 300)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(linearSplits(1, 1, 100)).toEqual([]);
  });

  it('log: values far below 1e−16 (the closed-form excess loss at t = 20) get powers of ten, thinned to fit', () => {
    const ticks = logSplits(1.7e-33, 4.1e-12, 60);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(2 + 1);
    for (const t of ticks) expect(t >= 1.7e-33 && t <= 4.1e-12).toBe(true);
    expect(logSplits(2e-5, 3e-5, 100)).toEqual([2e-5, 3e-5]);
    expect(logSplits(0, 1, 100)).toEqual([]);
  });
});
