/**
 * The built app in headless Chromium (WebGPU via SwiftShader here, the GPU on a laptop).
 * Pixel assertions read element screenshots (the region is the element, wherever the page is scrolled) and
 * compare against known colours from src/views/colormaps.ts, never against a pixel of the screenshot itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession, NO_WEBGPU } from '../helpers/browser.ts';
import { BACKGROUND_COLOR, parseColor, REGIME_COLORS } from '../../src/views/colormaps.ts';
import { colorBarLayout, heatmapLayout } from '../../src/views/heatmapMath.ts';

const session = e2eSession();

interface Status { stepCount: number; n: number; playing: boolean; adapter: string; summary: unknown }

const open = (hash = '') => session.open(hash, 'window.lazyrich?.app || window.lazyrich?.fallback', { width: 1100, height: 720 });

const status = (page: Page): Promise<Status> => page.evaluate(() => window.lazyrich!.app!.status as unknown as Status);

async function waitForSteps(page: Page, atLeast: number): Promise<void> {
  await page.waitForFunction((k) => (window.lazyrich?.app?.status.stepCount ?? 0) >= k, atLeast, { timeout: 120_000 });
}

/** Decoded screenshot of the portrait canvas. */
async function portraitPixels(page: Page): Promise<PNG> {
  return PNG.sync.read(await page.locator('#portrait').screenshot());
}

const rgb = (css: string) => parseColor(css).slice(0, 3).map((v) => Math.round(v * 255)) as [number, number, number];

/**
 * Fraction of pixels that differ from the background colour by more than 24 (sum of |Δ| over RGB).
 * The default background is the views' BACKGROUND_COLOR (portrait, 3-D view and CPU fallback clear to it).
 */
function coverage(png: PNG, background = rgb(BACKGROUND_COLOR)): number {
  const bg = background;
  let lit = 0;
  for (let k = 0; k < png.data.length; k += 4) {
    if (Math.abs(png.data[k] - bg[0]) + Math.abs(png.data[k + 1] - bg[1]) + Math.abs(png.data[k + 2] - bg[2]) > 24) lit++;
  }
  return lit / (png.width * png.height);
}

/** Fraction of pixels that changed between two screenshots of the same size. */
function changed(a: PNG, b: PNG): number {
  let diff = 0;
  for (let k = 0; k < a.data.length; k += 4) {
    if (Math.abs(a.data[k] - b.data[k]) + Math.abs(a.data[k + 1] - b.data[k + 1]) + Math.abs(a.data[k + 2] - b.data[k + 2]) > 24) diff++;
  }
  return diff / (a.width * a.height);
}

const alerts = (page: Page) => page.locator('#notices [role="alert"]').allTextContents();

describe('default page', () => {
  it('runs ≥ 262,144 trajectories and animates: pixels change between frames, the canvas is not blank', async () => {
    // The Fig. 2 preset at full size (a first load without a hash is smaller on this software adapter: teach.test.ts).
    const { page, errors } = await open('#v=1&p=fig2');
    const s0 = await status(page);
    expect(s0.n).toBeGreaterThanOrEqual(262_144);
    await waitForSteps(page, 4);
    const first = await portraitPixels(page);
    const steps = (await status(page)).stepCount;
    await waitForSteps(page, steps + 10);
    const second = await portraitPixels(page);
    // Blank = nothing but background. The point cloud and contours cover well over 1 % of the canvas.
    expect(coverage(second)).toBeGreaterThan(0.01);
    // Ten or more RK4 steps of dt = 0.01 move the cloud visibly: more than 0.1 % of the pixels change.
    expect(changed(first, second)).toBeGreaterThan(0.001);
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/default-page.png', await page.screenshot());
    expect(await page.locator('#hud').textContent()).toMatch(/step [\d,]+\s+t = /);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('URL state and controls', () => {
  it('reads the state from the URL and writes edits back to it', async () => {
    const { page } = await open('#v=1&p=custom&dn=16&dirs=16&m=gd&h=0.05');
    const s = await status(page);
    expect(s.n).toBe(256);
    expect(await page.evaluate(() => location.hash)).toMatch(/(^|&|#)m=gd(&|$)/);
    // Edit δ count in the panel: the ensemble is rebuilt and the URL follows.
    const input = page.locator('[data-field="deltaCount"] input');
    await input.fill('8');
    await input.press('Enter');
    await page.waitForFunction(() => window.lazyrich?.app?.status.n === 128, null, { timeout: 60_000 });
    expect(await page.evaluate(() => location.hash)).toMatch(/[#&]dn=8(&|$)/);
    // Selecting a preset applies all its settings.
    await page.locator('[data-field="preset"] select').selectOption({ label: 'Fig. 8 (theory vs GD)' });
    await page.waitForFunction(() => /[#&]xy=0\.5%2C0\.5(&|$)|[#&]xy=0\.5,0\.5(&|$)/.test(location.hash), null, { timeout: 60_000 });
    expect((await status(page)).n).toBe(512 * 512);
    await page.close();
  });

  it('an invalid URL value gives the message and the defaults run', async () => {
    const { page, errors } = await open('#v=1&d=0');
    expect((await alerts(page)).join(' ')).toContain('input dimension d (d) must be an integer in [1, 16]; got 0');
    await waitForSteps(page, 2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('an unknown preset in the URL gives the message', async () => {
    const { page } = await open('#v=1&p=fig99');
    expect((await alerts(page)).join(' ')).toContain('must be one of "fig2", "fig8", "fig4b", "custom"; got "fig99"');
    await page.close();
  });

  it('a bad edit while running keeps the running simulation', async () => {
    const { page } = await open('#v=1&p=custom&dn=16&dirs=16');
    await waitForSteps(page, 5);
    const before = await status(page);
    await page.evaluate(() => { location.hash = '#v=1&dn=0'; });
    await page.waitForFunction(() => document.querySelector('#notices [role="alert"]') !== null);
    expect((await alerts(page)).join(' ')).toContain('δ count (deltaCount) must be an integer');
    // The address bar goes back to what runs (dn=16), so a copied link reproduces it.
    await page.waitForFunction(() => /[#&]dn=16(&|$)/.test(location.hash));
    const input = page.locator('[data-field="d"] input');
    await input.fill('17');
    await input.press('Enter');
    expect((await alerts(page)).join(' ')).toContain('got 17');
    await waitForSteps(page, before.stepCount + 5);
    const after = await status(page);
    expect(after.n).toBe(before.n);
    expect(await input.inputValue()).toBe('2');
    await page.close();
  });
});

describe('without WebGPU', () => {
  it('explains what to do and runs a small ensemble on the f64 CPU reference', async () => {
    const { page } = await session.open('', 'window.lazyrich?.fallback === true', { width: 900, height: 600 }, { initScript: NO_WEBGPU, timeout: 60_000 });
    const notice = await page.locator('#notices [data-id="no-webgpu"]').textContent();
    expect(notice).toContain('This browser has no WebGPU');
    expect(notice).toMatch(/\d+ trajectories run on the f64 CPU reference/);
    await page.waitForFunction(() => /step [1-9]/.test(document.getElementById('hud')?.textContent ?? ''));
    expect(coverage(await portraitPixels(page))).toBeGreaterThan(0.001);
    await page.close();
  });
});

/** Number of pixels within 40 (sum of |Δ| over RGB) of an sRGB colour. */
function countNear(png: PNG, c: [number, number, number]): number {
  let hits = 0;
  for (let k = 0; k < png.data.length; k += 4) {
    if (Math.abs(png.data[k] - c[0]) + Math.abs(png.data[k + 1] - c[1]) + Math.abs(png.data[k + 2] - c[2]) < 40) hits++;
  }
  return hits;
}

/** Fraction of pixels within 40 of an sRGB colour. */
const fractionNear = (png: PNG, c: [number, number, number]) => countNear(png, c) / (png.width * png.height);

describe('analysis dock (regime map and time series)', () => {
  it('clicking a regime-map cell highlights its trajectory in the portrait and draws its time series', async () => {
    const { page, errors } = await open('#v=1&p=custom&dn=32&dirs=32&panels=1&map=regime');
    await waitForSteps(page, 4);
    const amber: [number, number, number] = [0xff, 0xb0, 0x00]; // HIGHLIGHT_COLOR
    const before = fractionNear(await portraitPixels(page), amber);
    const chartCanvas = (k: number) => page.locator('#time-series .lr-ts').nth(k).locator('canvas').first();
    await page.waitForFunction(() => document.querySelectorAll('#time-series .lr-ts canvas').length >= 4); // the empty charts
    const seriesBefore = await Promise.all([0, 1, 2, 3].map(async (k) => PNG.sync.read(await chartCanvas(k).screenshot())));
    const mapCanvas = page.locator('#regime-map canvas');
    const map = await mapCanvas.boundingBox();
    expect(map).not.toBeNull();
    // Cells fill the plot area inside the heatmap's margins; click inside it (locator.click scrolls it into view).
    await mapCanvas.click({ position: { x: map!.width * 0.45, y: map!.height * 0.55 } });
    await page.waitForFunction(() => (window.lazyrich?.app?.status.selection ?? 0) >= 1);
    const steps = (await status(page)).stepCount;
    await page.waitForFunction(() => (window.lazyrich?.app?.status.recordedSamples ?? 0) >= 3, null, { timeout: 120_000 });
    await waitForSteps(page, steps + 6);
    await page.waitForTimeout(1500); // the dock redraws once a second
    // The selected trajectory is drawn in the highlight colour (a few pixels, absent before).
    const after = fractionNear(await portraitPixels(page), amber);
    expect(after).toBeGreaterThan(before + 20 / (1100 * 720));
    // Each chart received the selected trajectory's samples, and its plot canvas shows them in the series colour.
    const selected = await page.evaluate(() => window.lazyrich!.app!.selectedIndices);
    expect(selected.length).toBeGreaterThanOrEqual(1);
    const charts = await page.evaluate(() => window.lazyrich!.app!.charts);
    expect(charts).toHaveLength(4);
    const dockBg = rgb(await page.locator('#dock').evaluate((el) => getComputedStyle(el).backgroundColor));
    for (const [k, chart] of charts.entries()) {
      const curve = chart.curves.find((c) => c.label.startsWith(`#${selected[0]} δ=`));
      expect(curve, `chart "${chart.title}" has a curve of trajectory #${selected[0]}`).toBeDefined();
      expect(curve!.points).toBeGreaterThanOrEqual(3);
      const shot = await chartCanvas(k).screenshot();
      writeFileSync(`test-results/analysis-dock-chart-${k + 1}.png`, shot);
      const plot = PNG.sync.read(shot);
      // The region is the chart's plot canvas: mostly the dock's background, and ≥ 30 px in the curve's colour
      // that were not there before the click.
      expect(1 - coverage(plot, dockBg)).toBeGreaterThan(0.5);
      const colour = rgb(curve!.color);
      expect(countNear(plot, colour), `pixels in ${curve!.color} on "${chart.title}"`).toBeGreaterThan(countNear(seriesBefore[k], colour) + 30);
    }
    writeFileSync('test-results/analysis-dock.png', await page.screenshot());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the 3-D view and the exact method run from the URL, and exact on non-whitened data is refused with a message', async () => {
    const { page, errors } = await open('#v=1&p=custom&dn=16&dirs=16&view=3d&m=exact&panels=0');
    await waitForSteps(page, 4);
    expect(await page.locator('#space3d').isVisible()).toBe(true);
    expect(coverage(PNG.sync.read(await page.locator('#space3d').screenshot()))).toBeGreaterThan(0.01);
    await page.evaluate(() => { location.hash = location.hash.replace(/data=[a-z]+/, 'data=lowrank'); });
    await page.waitForFunction(() => document.querySelector('#notices [role="alert"]') !== null);
    expect((await alerts(page)).join(' ')).toContain('no closed form for this data');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a converged ensemble (issue 10, defect 3)', () => {
  it('Fig. 2 with 9 trajectories runs past convergence: no page errors, the loss legend follows, the charts draw', async () => {
    // 200 steps per frame (50 before): the same run reaches t ≈ 50 (every excess loss < 1e-9) in a quarter of the frames.
    const { page, errors } = await open('#v=1&p=fig2&dn=9&dirs=1&spf=200&c=loss');
    // Every trajectory converged: the largest excess loss is below the colour scale's floor (1e-8).
    await page.waitForFunction(() => {
      const s = window.lazyrich?.app?.status.summary as { maxExcessLoss: number } | null | undefined;
      return s != null && s.maxExcessLoss < 1e-9;
    }, null, { timeout: 120_000 });
    const t0 = (await status(page) as unknown as { time: number }).time;
    // Select the top regime-map row (δ = 4) and let the dock redraw a few times while it keeps running.
    const mapCanvas = page.locator('#regime-map canvas');
    const map = await mapCanvas.boundingBox();
    await mapCanvas.click({ position: { x: map!.width * 0.5, y: map!.height * 0.2 } });
    await page.waitForFunction(() => (window.lazyrich?.app?.status.selection ?? 0) >= 1);
    await page.waitForFunction((t) => (window.lazyrich?.app?.status.time ?? 0) > t + 10, t0, { timeout: 120_000 });
    await page.waitForTimeout(2000);
    expect(errors).toEqual([]);
    // The loss legend shows the converged domain: powers of ten from 1e−8 up (two decades at least).
    const legendTitle = await page.locator('#legend .legend-title').textContent();
    expect(legendTitle).toContain('excess loss');
    const domain = await page.evaluate(() => (window.lazyrich!.app! as unknown as { portrait: { getColorSpec(): { domain: number[] } } }).portrait.getColorSpec().domain);
    expect(domain[0]).toBeCloseTo(1e-8, 12);
    expect(domain[1] / domain[0]).toBeGreaterThanOrEqual(100 - 1e-9);
    const charts = await page.evaluate(() => window.lazyrich!.app!.charts);
    for (const chart of charts) expect(chart.curves.some((c) => c.points >= 3), chart.title).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('accuracy warning (issue 10, defect 6)', () => {
  it('GD at η = 0.9 drifts in δ: the HUD and the regime map say inaccurate and suggest a smaller step', async () => {
    const { page, errors } = await open('#v=1&p=fig8&h=0.9&dn=16&dirs=16&panels=1&map=regime');
    await page.waitForFunction(() => /inaccurate/.test(document.getElementById('hud')?.textContent ?? ''), null, { timeout: 120_000 });
    expect(await page.locator('#hud').textContent()).toMatch(/δ drift [\d.]+ > 0\.05\): use a smaller step, e\.g\. η = 0\.0\d*/);
    await page.waitForFunction(() => /inaccurate: try η = 0\.0/.test(document.querySelector('#regime-map canvas')?.getAttribute('aria-label') ?? ''), null, { timeout: 60_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('regime map colour key (issue 10, defect 4)', () => {
  it('in regime mode the bar area shows one swatch per regime, not a grey value bar', async () => {
    const { page, errors } = await open('#v=1&p=custom&dn=32&dirs=32&panels=1&map=regime');
    await page.waitForFunction(() => /^regime, t = /.test(document.querySelector('#regime-map canvas')?.getAttribute('aria-label') ?? ''), null, { timeout: 120_000 });
    await page.waitForTimeout(500);
    const png = PNG.sync.read(await page.locator('#regime-map canvas').screenshot());
    const dpr = await page.evaluate(() => window.devicePixelRatio);
    const cssW = png.width / dpr, cssH = png.height / dpr;
    const p = heatmapLayout(cssW, cssH);
    const { barX } = colorBarLayout(cssW);
    const at = (x: number, y: number) => {
      const k = 4 * (Math.round(y * dpr) * png.width + Math.round(x * dpr));
      return [png.data[k], png.data[k + 1], png.data[k + 2]];
    };
    // Swatch k is a 12 px square centred at (barX + 6, p.y + 8 + 18k), in REGIME_COLORS[k].
    REGIME_COLORS.forEach((c, k) => {
      const got = at(barX + 6, p.y + 8 + 18 * k);
      const want = rgb(c);
      expect(Math.abs(got[0] - want[0]) + Math.abs(got[1] - want[1]) + Math.abs(got[2] - want[2]), `swatch ${k} ${c}: got ${got}`).toBeLessThan(30);
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('trails (issue 10, defect 2)', () => {
  it('freeze while paused, and persistence 1 keeps the paths as lines', async () => {
    const { page, errors } = await open('#v=1&p=custom&dn=64&dirs=64&panels=0&ps=3&spf=4');
    await waitForSteps(page, 40);
    await page.getByText('❚❚ pause').click();
    await page.waitForFunction(() => window.lazyrich?.app?.status.playing === false);
    await page.waitForTimeout(300);
    const pausedA = await portraitPixels(page);
    await page.waitForTimeout(1500); // ~90 frames at 60 fps: per-frame fading (0.92) would leave < 1 % of a trail
    const pausedB = await portraitPixels(page);
    // Trails fading per frame changed ~10 % of the pixels here; what may change now is the HUD text over
    // the portrait (the steps/s meter settling), a few hundred pixels.
    expect(changed(pausedA, pausedB)).toBeLessThan(0.005);
    await page.close();

    const persistent = await open('#v=1&p=custom&dn=64&dirs=64&panels=0&ps=3&spf=4&td=1');
    await waitForSteps(persistent.page, 8);
    const early = coverage(await portraitPixels(persistent.page));
    await waitForSteps(persistent.page, 200);
    const late = coverage(await portraitPixels(persistent.page));
    // The paths accumulate over the grid and contours: at least 3 % more of the canvas is lit.
    expect(late - early).toBeGreaterThan(0.03);
    expect(await alerts(persistent.page)).toEqual([]);
    expect([...errors, ...persistent.errors]).toEqual([]);
    await persistent.page.close();
  });
});
