/**
 * The single-neuron page draws its WebGPU views when something changed (src/views/redrawGate.ts), not on
 * every animation frame: a paused page used to redraw the portrait 60 times a second and keep 1.7 of this
 * machine's 2 cores busy on the software adapter. Frames are counted in the page by the command encoders
 * labelled `Portrait.frame` (src/views/trailCanvas.ts encodeFrame), so the count does not rely on the app.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';
import { REDRAW_PACING } from '../../src/views/redrawGate.ts';
import { READBACK_SETTLE_MS } from '../../src/models/singleNeuron/app/appState.ts';

const session = e2eSession();

/** Init script: counts the command encoders created and the buffers mapped, per label (window.__encoders; maps as `map:label`). */
function countEncoders(): void {
  const counts: Record<string, number> = {};
  (window as unknown as { __encoders: Record<string, number> }).__encoders = counts;
  const create = GPUDevice.prototype.createCommandEncoder;
  GPUDevice.prototype.createCommandEncoder = function (this: GPUDevice, descriptor?: GPUCommandEncoderDescriptor) {
    const label = descriptor?.label ?? '';
    counts[label] = (counts[label] ?? 0) + 1;
    return create.call(this, descriptor);
  };
  const map = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, mode: GPUMapModeFlags, offset?: number, size?: number) {
    const label = `map:${this.label}`;
    counts[label] = (counts[label] ?? 0) + 1;
    return map.call(this, mode, offset, size);
  };
}

const counts = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { __encoders: Record<string, number> }).__encoders }));

const portraitFrames = (page: Page) => page.evaluate(() => (window as unknown as { __encoders: Record<string, number> }).__encoders['Portrait.frame'] ?? 0);

describe('redraw on change (software adapter)', () => {
  it('paused: at most the idle frames and no other GPU work once settled; a change while paused draws at once; running: paced to the software interval', async () => {
    const { page, errors } = await session.open('#v=1&p=fig2&dn=9&dirs=6&spf=5', 'window.lazyrich?.app', { width: 1280, height: 800 }, { initScript: countEncoders });
    await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 20, null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.lazyrich!.app!.status.adapter)).toMatch(/swiftshader/i);

    // Running: frames that only show new steps are at least minIntervalMs apart.
    let f0 = await portraitFrames(page);
    let t0 = Date.now();
    await page.waitForTimeout(3000);
    let frames = await portraitFrames(page) - f0;
    const running = frames / ((Date.now() - t0) / 1000);
    expect(frames, 'running: the portrait is drawn').toBeGreaterThan(3);
    expect(running, 'running: frames per second').toBeLessThanOrEqual(1000 / REDRAW_PACING.software.minIntervalMs + 1);

    // Paused and untouched: one safety frame per idleIntervalMs at most (a 60 fps loop drew ~180 in 3 s).
    await page.keyboard.press('Space');
    await page.waitForFunction(() => window.lazyrich!.app!.status.playing === false);
    await page.waitForTimeout(500);
    f0 = await portraitFrames(page);
    t0 = Date.now();
    await page.waitForTimeout(3000);
    frames = await portraitFrames(page) - f0;
    expect(frames, 'paused: frames in 3 s').toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / REDRAW_PACING.software.idleIntervalMs) + 1);

    // Settled (READBACK_SETTLE_MS after the pause): no readback, snapshot, analysis pass or chart work at all, only
    // the safety frames (a paused page read the summary, state, flags, theory error and series 70 times in 5 s).
    await page.waitForTimeout(READBACK_SETTLE_MS + 1500 - 3500);
    const before = await counts(page);
    await page.waitForTimeout(3000);
    const after = await counts(page);
    const work = Object.fromEntries(Object.keys(after).filter((k) => after[k] !== (before[k] ?? 0)).map((k) => [k, after[k] - (before[k] ?? 0)]));
    expect(Object.keys(work).filter((k) => k !== 'Portrait.frame'), `paused and settled, GPU work in 3 s: ${JSON.stringify(work)}`).toEqual([]);

    // A view change while paused is drawn within a few animation frames, not at the next safety frame.
    f0 = await portraitFrames(page);
    await page.evaluate(() => window.lazyrich!.app!.change({ view: 'wa' }));
    await page.waitForFunction((before) => ((window as unknown as { __encoders: Record<string, number> }).__encoders['Portrait.frame'] ?? 0) > before, f0, { timeout: 400, polling: 'raf' });
    expect(await page.evaluate(() => window.lazyrich!.app!.status.playing)).toBe(false);
    expect(errors).toEqual([]);
  });
});
