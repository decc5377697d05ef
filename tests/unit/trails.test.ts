/** Issue 10, defect 2: trails fade per simulated time, not per rendered frame; freeze when paused; 1 keeps them. */
import { describe, expect, it } from 'vitest';
import { TRAIL_TIME_UNIT, TrailClock, trailFade } from '../../src/views/trailCanvas.ts';
import { paramsFromHash } from '../../src/models/singleNeuron/params.ts';

describe('trail fade', () => {
  it('depends on the simulated time elapsed, not on the number of frames', () => {
    expect(trailFade(0.92, TRAIL_TIME_UNIT)).toBeCloseTo(0.92, 12);
    // 60 fps vs 15 fps over the same simulated time: the same total fade.
    const fast = trailFade(0.92, 0.005) ** 4;
    expect(fast).toBeCloseTo(trailFade(0.92, 0.02), 12);
    expect(trailFade(0.5, 2 * TRAIL_TIME_UNIT)).toBeCloseTo(0.25, 12);
  });

  it('freezes when nothing advanced (paused, an export) and keeps lines at persistence 1', () => {
    expect(trailFade(0.92, 0)).toBe(1);
    expect(trailFade(0.92, -1)).toBe(1);
    expect(trailFade(1, 10)).toBe(1);
    const clock = new TrailClock();
    expect(clock.fade(0.92, 3)).toBe(1); // first frame
    expect(clock.fade(0.92, 3)).toBe(1); // paused: same time
    expect(clock.fade(0.92, 3 + TRAIL_TIME_UNIT)).toBeCloseTo(0.92, 12);
    expect(clock.fade(0.92, undefined)).toBe(1); // export redraw
    clock.reset();
    expect(clock.fade(0.92, 0)).toBe(1);
  });

  it('the URL accepts persistence 1 (persistent lines)', () => {
    expect(paramsFromHash('#v=1&p=fig2&td=1').trailDecay).toBe(1);
  });
});
