/**
 * The linear2 page (#model=linear2) in headless Chromium: WebGPU on SwiftShader here, the GPU on a laptop.
 * Each new preset opens, animates (the step count increases), and its singular-value chart, spectrum and
 * regime map are not blank (pixel variance of screenshots); on the aligned preset the GPU sim's read-back
 * singular values follow the mirror-flow prediction within 1e-3 (the bound) to the end time; bad
 * input names its field. Screenshots go to $LIN2_SHOTS (default test-results/linear2/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession, modelPage } from '../helpers/browser.ts';
import { colourCount } from '../helpers/pixels.ts';

const session = e2eSession();
const VIEWPORT = { width: 1280, height: 900 };
const { open, status, waitFor, alerts } = modelPage(session, 'linear2', VIEWPORT, { waitTimeout: 60_000, polling: 200, withNotices: true });
const SHOTS = process.env.LIN2_SHOTS ?? 'test-results/linear2';

/** Standard deviation of the luminance of an element's screenshot (0 for a blank panel). */
async function pixelSpread(page: Page, selector: string): Promise<number> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  let s = 0, s2 = 0;
  const n = png.width * png.height;
  for (let k = 0; k < png.data.length; k += 4) {
    const y = 0.299 * png.data[k] + 0.587 * png.data[k + 1] + 0.114 * png.data[k + 2];
    s += y; s2 += y * y;
  }
  return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(`${SHOTS}/lin2-${name}.png`, await page.screenshot());
}

describe('linear2 page', () => {
  it('aligned preset: animates on the GPU, and the read-back singular values follow the mirror-flow prediction within 1e-3 to t = 12', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=linear2&v=1&p=aligned&spf=60');
    const s0 = await status(page);
    expect(s0).toMatchObject({ networks: 3, endStep: 1200, backend: 'gpu' });
    await waitFor(page, 's.step > 0 && s.historyLength > 1');
    const s1 = await status(page);
    expect(s1.t).toBeGreaterThan(0);
    await waitFor(page, "s.state === 'done' && s.metricsStep === s.endStep", 90_000);
    const s = await status(page);
    console.log(`aligned on ${s.adapter}: ${s.historyLength} read-backs to t = ${s.t}; max |σ − λ| = ${s.predictionGap.toExponential(2)}, `
      + `GD-vs-flow gap ${s.flowGap.toExponential(2)}, Δ drift ${s.deltaDrift.toExponential(2)}`);
    expect(s.followed).toEqual([0, 1, 2]);
    expect(s.historyLength).toBeGreaterThan(5);
    // f32 RK4 against the f64 mirror flow: the bound (f32 round-off of σ ≈ 1.4 is ~1e-7 per step).
    expect(s.predictionGap).toBeLessThan(1e-3);
    expect(s.flowGap).toBeLessThan(1e-3);
    expect(s.deltaDrift).toBeLessThan(1e-4);
    expect(await page.locator('#l2-sv-panel .l2-caption').textContent()).toMatch(/max \|σ − λ\| so far: /);
    expect(await colourCount(page, '#l2-sv-chart')).toBeGreaterThan(20);
    expect(await pixelSpread(page, '#l2-sv-chart')).toBeGreaterThan(5);
    expect(await pixelSpread(page, '#l2-spectrum')).toBeGreaterThan(5);
    expect(await page.locator('#l2-hud').textContent()).toMatch(/mirror-flow gap max \|σₖ − λₖ\|/);
    await shot(page, 'aligned');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('not-aligned preset: the prediction visibly misses (gap > 0.05); sensing preset: spectrum and regime map are drawn', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=linear2&v=1&p=not-aligned&spf=60');
    await waitFor(page, "s.state === 'done' && s.metricsStep === s.endStep", 90_000);
    const s = await status(page);
    console.log(`not-aligned: max |σ − λ| = ${s.predictionGap.toExponential(2)}`);
    expect(s.predictionGap).toBeGreaterThan(0.05);
    await shot(page, 'not-aligned');
    // The model switch's preset menu path: a preset change through the params path, as the panel does it.
    await page.evaluate(() => window.lazyrich!.linear2!.change({ preset: 'sensing' }));
    expect(await page.evaluate(() => location.hash)).toMatch(/^#model=linear2&v=1&p=sensing&/);
    await waitFor(page, 's.networks === 9 && s.step > 0 && s.historyLength > 2');
    const a = await status(page);
    await waitFor(page, `s.step > ${a.step}`);
    expect(await pixelSpread(page, '#l2-spectrum')).toBeGreaterThan(5);
    expect(await pixelSpread(page, '#l2-heatmap canvas')).toBeGreaterThan(5);
    expect(await colourCount(page, '#l2-sv-chart')).toBeGreaterThan(20);
    await shot(page, 'sensing');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sensing-map preset (9 δ × 7 τ): the regime map fills with the chosen metric; a click follows a cell', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=linear2&v=1&p=sensing-map&mt=effectiveRank');
    await waitFor(page, 's.networks === 63 && s.metricsStep > 0');
    expect(await pixelSpread(page, '#l2-heatmap canvas')).toBeGreaterThan(5);
    await page.evaluate(() => window.lazyrich!.linear2!.change({ sel: 4 * 7 + 6 }));
    expect((await status(page)).followed).toEqual([4 * 7 + 6]);
    expect(await page.evaluate(() => location.hash)).toMatch(/&p=sensing-map&/); // a view field keeps the preset
    // Exports: CSV (one row per network), the map as PNG.
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('.lil-gui button', { hasText: 'networks now → CSV' }).click()]);
    expect(csv.suggestedFilename()).toBe('lazyrich-linear2.csv');
    const rows = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(64);
    expect(rows[0]).toMatch(/^network,delta,tau,seed,init,t,step,loss,deltaDrift,kernelDistance,.*,sigma6,diverged$/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#l2-map-panel .l2-png').click()]);
    expect(png.suggestedFilename()).toBe('lazyrich-linear2-map.png');
    expect(PNG.sync.read(readFileSync((await png.path())!)).width).toBeGreaterThan(200);
    await shot(page, 'sensing-map');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('width preset (Theorem 4.1): the width map over (h, δ) fills column by column', { timeout: 120_000 }, async () => {
    // A shorter run than the preset's (d = 3, 3 δ, t = 0.5: 6 widths): the preset name becomes "custom", so the button starts the map.
    const { page, errors } = await open('#model=linear2&v=1&p=width&dn=3&T=0.5&d=3');
    await page.locator('#l2-width-run').click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#l2-width-panel .l2-caption')?.dataset.done === '6', null, { timeout: 90_000, polling: 250 });
    expect(await pixelSpread(page, '#l2-width-map canvas')).toBeGreaterThan(5);
    expect(await page.locator('#l2-width-panel .l2-caption').textContent()).toMatch(/6\/6 widths computed\. narrowing \(d = 3 > c = 2\)/);
    await page.locator('#l2-width-panel').scrollIntoViewIfNeeded();
    await shot(page, 'width');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('device loss: the run continues on a new device from the last states read back, still within 1e-3 of the mirror flow', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=linear2&v=1&p=aligned&spf=40');
    await waitFor(page, 's.metricsStep >= 200');
    // Paused mid-run (so the loss happens before the end), then the device is destroyed in the same task.
    const atLoss = await page.evaluate(() => {
      const app = window.lazyrich!.linear2!;
      app.playPause();
      const s = app.status;
      window.lazyrich!.gpu!.device.destroy();
      return s;
    });
    expect(atLoss.state).toBe('paused');
    expect(atLoss.step).toBeLessThan(atLoss.endStep);
    await page.waitForFunction(() => { const l = (window.lazyrich?.gpuLosses ?? []) as { recoveredAt: number | null; resumed: string }[]; return l.length >= 1 && (l[0].recoveredAt !== null || l[0].resumed !== ''); }, null, { timeout: 60_000 });
    const loss = (await page.evaluate(() => window.lazyrich!.gpuLosses))![0] as { recoveredAt: number | null; resumed: string };
    expect(loss.recoveredAt).not.toBeNull();
    expect(loss.resumed).toMatch(/^at step [\d,]+ \(the last states read back\)$/);
    const resumedAt = Number(/at step ([\d,]+)/.exec(loss.resumed)![1].replace(/,/g, ''));
    expect(resumedAt).toBeGreaterThanOrEqual(200);
    expect(resumedAt).toBeLessThan(atLoss.endStep);
    await page.evaluate(() => window.lazyrich!.linear2!.playPause());
    await waitFor(page, "s.state === 'done' && s.metricsStep === s.endStep", 90_000);
    const s = await status(page);
    expect(s.predictionGap).toBeLessThan(1e-3);
    expect(s.backend).toBe('gpu');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('bad input names its field: h = 99 and a non-PSD XX in the URL, beta-flow with a generic Δ, XY of the wrong shape', { timeout: 120_000 }, async () => {
    const { page, errors } = await open('#model=linear2&v=1&p=custom&data=custom&d=2&c=1&XX=1,2,2,1&XY=1,0&h=99');
    expect(await page.locator('#model-switch').textContent()).toContain('two-layer linear');
    const first = (await alerts(page)).join('\n');
    expect(first).toMatch(/\bh\b.*hidden width h \(h\) must be an integer in \[1, 32\]/);
    expect(first).toMatch(/XX \(XX\): XX is not positive semi-definite/);
    // Still runs (the defaults of the refused keys).
    await waitFor(page, 's.step > 0');
    const before = await status(page);
    expect(await page.evaluate(() => window.lazyrich!.linear2!.change({ method: 'beta-flow', h: 8 }))).toBe(false);
    expect((await alerts(page)).join('\n')).toMatch(/method \(method\) = "beta-flow" is refused at δ = -4: beta-flow needs Δ = .*δI/);
    expect(await page.evaluate(() => window.lazyrich!.linear2!.change({ data: 'custom', d: 2, c: 2, XX: [1, 0, 0, 1], XY: [1, 0, 0] }))).toBe(false);
    expect((await alerts(page)).join('\n')).toMatch(/XY \(XY\) must have d·c = 4 entries/);
    const after = await status(page);
    expect(after.networks).toBe(before.networks); // the running experiment was kept
    await shot(page, 'bad-input');
    expect(errors).toEqual([]);
    await page.close();
  });
});
