/** Issue 10, defect 2: trails fade per simulated time, not per rendered frame; freeze when paused; 1 keeps them. */
import { describe, expect, it } from 'vitest';
import { TRAIL_TIME_UNIT, TrailClock, trailFade } from '../../src/views/trailCanvas.ts';
import { REDRAW_PACING, RedrawGate } from '../../src/views/redrawGate.ts';
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

describe('RedrawGate (src/views/redrawGate.ts): a view draws when something changed, paced on a software adapter', () => {
  const clock = () => { const c = { t: 0, now: () => c.t }; return c; };

  it('draws the first frame, then nothing more while paused and untouched until the idle interval passes', () => {
    const c = clock();
    const gate = new RedrawGate(REDRAW_PACING.hardware, c.now);
    expect(gate.due(5)).toBe(true);
    gate.drawn(5);
    let drawn = 0;
    for (c.t = 16; c.t < 3000; c.t += 16) if (gate.due(5)) { gate.drawn(5); drawn++; }
    // 3 s paused at 60 fps: one safety frame per idleIntervalMs (the first 16-ms frame past it), not 187.
    const idle = REDRAW_PACING.hardware.idleIntervalMs;
    expect(drawn).toBe(Math.floor(3000 / (Math.ceil(idle / 16) * 16)));
    expect(drawn).toBeLessThanOrEqual(3);
    expect(gate.frames).toBe(drawn + 1);
  });

  it('an invalidation or a pending view change draws the next frame at once; new steps draw every frame on a GPU', () => {
    const c = clock();
    const gate = new RedrawGate(REDRAW_PACING.hardware, c.now);
    gate.drawn(1);
    c.t = 1;
    expect(gate.due(1)).toBe(false);
    expect(gate.due(1, true)).toBe(true);
    gate.invalidate();
    expect(gate.due(1)).toBe(true);
    gate.drawn(1);
    expect(gate.due(1.02)).toBe(true);
  });

  it('on a software adapter new steps draw at most every minIntervalMs; invalidations are not paced', () => {
    const c = clock();
    const gate = new RedrawGate(REDRAW_PACING.software, c.now);
    let drawn = 0;
    let time = 0;
    for (c.t = 0; c.t < 1000; c.t += 16) {
      time += 0.5; // new steps every frame
      if (gate.due(time)) { gate.drawn(time); drawn++; }
    }
    expect(drawn).toBeLessThanOrEqual(Math.ceil(1000 / REDRAW_PACING.software.minIntervalMs) + 1);
    expect(drawn).toBeGreaterThanOrEqual(Math.floor(1000 / (REDRAW_PACING.software.minIntervalMs + 16)));
    gate.invalidate();
    expect(gate.due(time)).toBe(true);
  });

  it('refuses a negative or non-finite interval, naming it', () => {
    expect(() => new RedrawGate({ minIntervalMs: -1, idleIntervalMs: 500 })).toThrow(/minIntervalMs/);
    expect(() => new RedrawGate({ minIntervalMs: 0, idleIntervalMs: Number.NaN })).toThrow(/idleIntervalMs/);
  });
});
