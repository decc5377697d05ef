/**
 * Issue 11 defects 2 and 4 in the built app (headless Chromium, WebGPU via SwiftShader here):
 * - a change rejected while building the new ensemble (`ea=1e-320`: a δ range the views refuse) leaves the
 *   old simulation running (step count not reset, the portrait drawing the running sim) and frees every
 *   buffer of the rejected one: the live GPU buffer count, counted by patching GPUDevice.createBuffer and
 *   GPUBuffer.destroy before the page loads, does not grow over several rejected changes;
 * - `spf=100000`: the HUD counts completed steps (never more than the steps whose GPU work finished) and
 *   the page keeps answering while such frames run.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';

const session = e2eSession();

/**
 * Counts live GPU buffers (created − destroyed, each destroyed once) as window.__liveBuffers(), leaving
 * out the short-lived `*.readback` staging buffers of src/gpu/buffers.ts readBuffer (the periodic
 * readbacks have a few in flight at any moment; each is destroyed once mapped) and the replay history's
 * `Scrub.snapshot` buffers, whose number follows the running time (src/models/singleNeuron/app/scrub.ts:
 * the ring restarts with each new sim); those are counted apart as window.__liveSnapshots(), to be compared
 * with what the Scrubber holds.
 */
function countBuffers(): void {
  if (typeof GPUDevice === 'undefined') return;
  let live = 0, snapshotsLive = 0;
  const snapshots = new WeakSet<GPUBuffer>();
  const gone = new WeakSet<GPUBuffer>();
  const counted = new WeakSet<GPUBuffer>();
  const create = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
    const buffer = create.call(this, d);
    if (d.label === 'Scrub.snapshot') { snapshots.add(buffer); snapshotsLive++; } else if (!String(d.label ?? '').endsWith('.readback')) { counted.add(buffer); live++; }
    return buffer;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    if (counted.has(this) && !gone.has(this)) { gone.add(this); live--; }
    if (snapshots.has(this) && !gone.has(this)) { gone.add(this); snapshotsLive--; }
    return destroy.call(this);
  };
  (window as unknown as { __liveBuffers: () => number }).__liveBuffers = () => live;
  (window as unknown as { __liveSnapshots: () => number }).__liveSnapshots = () => snapshotsLive;
}

interface Probe { queued: number; stepCount: number; completed: number; hud: number; portraitOnSim: boolean; buffers: number; snapshots: number; snapshotsHeld: number }

/** Status, the HUD's step and whether the portrait reads the running sim's state buffer; fails when the page does not answer in 10 s. */
const probe = (page: Page): Promise<Probe> => Promise.race([readProbe(page), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not answer within 10 s')), 10_000))]);

const readProbe = (page: Page): Promise<Probe> => page.evaluate(() => {
  const app = window.lazyrich!.app! as unknown as {
    status: { stepCount: number; completedSteps?: number };
    sim: { stepCount: number; state: GPUBuffer };
    portrait: { source: { state: GPUBuffer } | null };
    scrub: { snapshots: GPUBuffer[]; pool: GPUBuffer[] };
  };
  const hud = Number(/step ([\d,]+)/.exec(document.getElementById('hud')!.textContent ?? '')?.[1].replaceAll(',', '') ?? NaN);
  const status = app.status;
  return {
    queued: app.sim.stepCount, stepCount: status.stepCount, completed: status.completedSteps ?? NaN, hud,
    portraitOnSim: app.portrait.source?.state === app.sim.state,
    buffers: (window as unknown as { __liveBuffers?: () => number }).__liveBuffers?.() ?? NaN,
    snapshots: (window as unknown as { __liveSnapshots?: () => number }).__liveSnapshots?.() ?? NaN,
    snapshotsHeld: app.scrub.snapshots.length + app.scrub.pool.length,
  };
});

/** Waits for the GPU to finish what was submitted, then for a few frames (deferred frees run). */
const settle = (page: Page) => page.evaluate(async () => {
  const lr = window.lazyrich as unknown as { gpu?: { device: GPUDevice }; app: { ctx: { device: GPUDevice } } };
  await (lr.gpu?.device ?? lr.app.ctx.device).queue.onSubmittedWorkDone();
  for (let k = 0; k < 5; k++) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => setTimeout(r, 200));
});

const alerts = (page: Page) => page.locator('#notices [role="alert"]').allTextContents();

describe('rejected rebuilds (issue 11 defect 2)', () => {
  it('a rebuild the views refuse keeps the old sim running and leaks no GPU buffer', async () => {
    // Since the float32 checks of the schema, no URL value reaches the views with a bad δ range (the
    // issue's `ea=1e-320` is refused by name before any allocation): the refusal is injected instead,
    // as PortraitView.setSource throwing once for the next source, the call that failed in the issue.
    const base = '#v=1&dn=64&dirs=64';
    const { page, errors } = await session.open(base, '(window.lazyrich?.app?.status.stepCount ?? 0) >= 20', { width: 1000, height: 700 }, { initScript: countBuffers });
    await settle(page);
    const before = await probe(page);
    expect(before.portraitOnSim).toBe(true);
    for (const ea of ['0.5', '0.25', '2']) {
      const s0 = (await probe(page)).stepCount;
      await page.evaluate(() => {
        const portrait = (window.lazyrich!.app! as unknown as { portrait: { setSource: (...a: unknown[]) => void } }).portrait;
        const setSource = portrait.setSource;
        portrait.setSource = function (...a: unknown[]) {
          portrait.setSource = setSource;
          throw new RangeError('PortraitView.setSource: bad deltaRange [-Infinity, 4] (injected)');
        };
      });
      await page.evaluate((h) => { location.hash = h; }, `${base}&ea=${ea}`);
      await page.waitForFunction(() => document.querySelector('#notices [data-id="param-error"]') !== null, null, { timeout: 30_000 });
      expect((await alerts(page)).join(' ')).toMatch(/injected.*keeps running with the previous settings/);
      await settle(page);
      const after = await probe(page);
      expect(after.stepCount, `ea=${ea}: the step count must not be reset`).toBeGreaterThanOrEqual(s0);
      expect(after.portraitOnSim, `ea=${ea}: the portrait must draw the running sim`).toBe(true);
      await page.evaluate(() => document.querySelector('#notices [data-id="param-error"]')?.remove());
    }
    expect(await page.evaluate(() => location.hash)).toMatch(/&ea=1(&|$)/);
    await settle(page);
    const end = await probe(page);
    // Exact: the same ensemble runs, so every rejected build must have freed all it created.
    expect(end.buffers, `live GPU buffers ${before.buffers} → ${end.buffers}`).toBeLessThanOrEqual(before.buffers);
    // The replay history: every live snapshot buffer is one the Scrubber holds (none left behind by a rejected build).
    expect(end.snapshots, 'live Scrub.snapshot buffers = the Scrubber\'s snapshots + pool').toBe(end.snapshotsHeld);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

describe('steps per frame = 100,000 (issue 11 defect 4)', () => {
  it('the HUD never shows more than the completed steps, and the page keeps answering', async () => {
    const { page, errors } = await session.open('#v=1&spf=100000', 'window.lazyrich?.app', { width: 1000, height: 700 });
    const roundTrips: number[] = [];
    let last: Probe | null = null;
    for (let k = 0; k < 16; k++) {
      const t0 = Date.now();
      const p = await probe(page);
      roundTrips.push(Date.now() - t0);
      expect(p.hud, `sample ${k}: HUD ${p.hud} vs completed ${p.completed}`).toBeLessThanOrEqual(p.completed);
      expect(p.stepCount).toBe(p.completed);
      expect(p.completed).toBeLessThanOrEqual(p.queued);
      last = p;
      await page.waitForTimeout(250);
    }
    // Responsive: a page round trip (one task on the main thread) answers within 1 s (the median: on this
    // shared 2-core machine a single round trip of the default page can take 0.5 s under load; before the
    // fix the page did not answer at all). Animation frames are not counted: under load the default
    // page's 262,144 trajectories draw at ~1 frame/s here with spf = 2 as well.
    roundTrips.sort((x, y) => x - y);
    expect(roundTrips[roundTrips.length >> 1], `round trips (ms): ${roundTrips.join(', ')}`).toBeLessThan(1000);
    await page.waitForFunction(() => (window.lazyrich!.app!.status.stepCount) > 0, null, { timeout: 60_000 });
    expect(last).not.toBeNull();
    expect(errors).toEqual([]);
  }, 180_000);
});
