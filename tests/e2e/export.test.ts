/**
 * PNG exports look like the screen (issue 10, defect 1): every single-neuron panel (2-D portrait, 3-D view,
 * inspect layer, regime map, each time-series chart) is downloaded, decoded and compared with the element's
 * screenshot at device pixel ratio 1 and 2. Tolerances: the image must be exactly the element's box × DPR;
 * the mean |Δ| per RGB channel over the whole panel < 8 and over the legend's box < 16 (text is drawn by
 * the canvas word by word, so antialiasing differs at glyph edges; a stretched or missing legend gives
 * tens). The simulation is paused and trails are off, so the screen does not change between the two.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession, type OpenedPage } from '../helpers/browser.ts';
import { BACKGROUND_COLOR, HIGHLIGHT_COLOR, parseColor } from '../../src/views/colormaps.ts';
import { HEATMAP_ROWS } from '../../src/views/heatmapMath.ts';

const session = e2eSession();

/**
 * Opens the repro (9 δ × 4 directions; trails off so a paused frame is stable; 50 steps per frame,
 * since SwiftShader draws a frame at DPR 2 in seconds) at `dpr`.
 */
function openAt(dpr: number): Promise<OpenedPage> {
  return session.open('#v=1&p=fig2&dn=9&dirs=4&tr=0&spf=50', 'window.lazyrich?.app', { width: 1100, height: 720 }, { deviceScaleFactor: dpr, acceptDownloads: true });
}

/** Clicks `trigger`, waits for the download and decodes the PNG. */
async function downloadPng(page: Page, trigger: () => Promise<void>): Promise<PNG> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), trigger()]);
  const path = await dl.path();
  return PNG.sync.read(readFileSync(path));
}

/**
 * Mean |Δ| per RGB channel between the PNG and the screenshot over a region of the PNG (CSS px from the
 * panel's origin, scaled by dpr; default all of it). `shift` (device px) is where the PNG's origin lies in
 * the screenshot: the screenshot starts at the panel's top-left rounded down to a CSS pixel, the export at
 * the top-left rounded down to a device pixel.
 */
function meanAbsDiff(a: PNG, b: PNG, region?: { x: number; y: number; width: number; height: number }, dpr = 1, shift = { x: 0, y: 0 }): number {
  const x0 = region ? Math.round(region.x * dpr) : 0, y0 = region ? Math.round(region.y * dpr) : 0;
  const x1 = Math.min(a.width, b.width - shift.x, region ? Math.round((region.x + region.width) * dpr) : Infinity);
  const y1 = Math.min(a.height, b.height - shift.y, region ? Math.round((region.y + region.height) * dpr) : Infinity);
  let sum = 0, count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const ka = 4 * (y * a.width + x), kb = 4 * ((y + shift.y) * b.width + x + shift.x);
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[ka + c] - b.data[kb + c]);
      count += 3;
    }
  }
  return sum / count;
}

/** Fraction of pixels within 10 of white in every channel. */
function whiteFraction(png: PNG): number {
  let white = 0;
  for (let k = 0; k < png.data.length; k += 4) if (png.data[k] > 245 && png.data[k + 1] > 245 && png.data[k + 2] > 245) white++;
  return white / (png.width * png.height);
}

/** Number of distinct RGB colours (quantised to 4 bits per channel): 1 for a uniform image. */
function distinctColours(png: PNG): number {
  const seen = new Set<number>();
  for (let k = 0; k < png.data.length; k += 4) seen.add(((png.data[k] >> 4) << 8) | ((png.data[k + 1] >> 4) << 4) | (png.data[k + 2] >> 4));
  return seen.size;
}

/** Downloads a panel's PNG and checks it against the element's screenshot; returns both. */
async function checkPanel(page: Page, panel: Locator, dpr: number, trigger: () => Promise<void>, label: string): Promise<{ png: PNG; shot: PNG; shift: { x: number; y: number } }> {
  const box = await panel.boundingBox();
  expect(box, label).not.toBeNull();
  const png = await downloadPng(page, trigger);
  await page.mouse.move(0, 0);
  const shot = PNG.sync.read(await panel.screenshot({ animations: 'disabled' }));
  const dir = process.env.EXPORT_DEBUG_DIR; // set it to keep both images of every panel for a look
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const name = `${label.replace(/\W+/g, '-')}-dpr${dpr}`;
    writeFileSync(`${dir}/${name}-png.png`, PNG.sync.write(png));
    writeFileSync(`${dir}/${name}-screen.png`, PNG.sync.write(shot));
  }
  expect([png.width, png.height], `${label}: size = box × DPR`).toEqual([Math.round(box!.width * dpr), Math.round(box!.height * dpr)]);
  expect(distinctColours(png), `${label}: not uniform`).toBeGreaterThan(8);
  // Opaque everywhere: a transparent export (main's 3-D case: every pixel (0, 0, 0, 0)) shows as white.
  let transparent = 0;
  for (let k = 3; k < png.data.length; k += 4) if (png.data[k] !== 255) transparent++;
  expect(transparent, `${label}: opaque`).toBe(0);
  const shift = { x: Math.floor(box!.x * dpr) - Math.floor(box!.x) * dpr, y: Math.floor(box!.y * dpr) - Math.floor(box!.y) * dpr };
  if (process.env.EXPORT_DEBUG_DIR) console.log(label, dpr, meanAbsDiff(png, shot, undefined, 1, shift));
  expect(meanAbsDiff(png, shot, undefined, 1, shift), `${label}: mean |Δ| over the panel`).toBeLessThan(8);
  return { png, shot, shift };
}

/** The legend's box relative to the portrait panel, in CSS px. */
async function legendRegion(page: Page) {
  return page.evaluate(() => {
    const wrap = document.getElementById('portrait-col')!.getBoundingClientRect();
    const r = document.querySelector('#legend .legend')!.getBoundingClientRect();
    return { x: r.left - wrap.left, y: r.top - wrap.top, width: r.width, height: r.height };
  });
}

const savePortrait = (page: Page) => () => page.locator('.lil-gui button', { hasText: 'save PNG' }).click();

/**
 * The buttons "export JSON" and "export CSV" on the paused repro (36 trajectories, all selected): t and the
 * step count are the app's (t = steps × dt within 1e-12 relative), δ₀ is the grid's linspace(−4, 4, 9) value
 * exactly, and the history holds every selected trajectory's recorded samples.
 */
async function checkDataExports(page: Page): Promise<void> {
  const status = await page.evaluate(() => window.lazyrich!.app!.status);
  const deltas = Array.from({ length: 9 }, (_, k) => -4 + k); // linspace(−4, 4, 9) is exact in f64
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.locator('.lil-gui button', { hasText: 'export JSON' }).click()]);
  const body = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as {
    t: number; step: number; stepSize: number; trajectories: { index: number; delta0: number; regime: string }[];
    history: { index: number; t: number[]; S: number[] }[];
  };
  expect(body.t).toBe(status.time);
  expect(body.step).toBe(status.stepCount);
  expect(Math.abs(body.t - body.step * body.stepSize)).toBeLessThan(1e-12 * body.t);
  expect(body.trajectories.map((r) => r.delta0)).toEqual(Array.from({ length: 36 }, (_, i) => deltas[Math.floor(i / 4)]));
  expect(body.history.map((h) => h.index)).toEqual(Array.from({ length: 36 }, (_, i) => i));
  for (const h of body.history) expect(h.t).toHaveLength(status.recordedSamples);
  const files: string[] = [];
  page.on('download', (d) => void d.path().then((p) => files.push(readFileSync(p!, 'utf8'))));
  await page.locator('.lil-gui button', { hasText: 'export CSV' }).click();
  await expect.poll(() => files.length, { timeout: 60_000 }).toBe(2);
  const [state, history] = files.sort((a, b) => (a.startsWith('t,') ? -1 : b.startsWith('t,') ? 1 : 0));
  expect(state.trim().split(/\r?\n/)).toHaveLength(1 + 36);
  expect(history.trim().split(/\r?\n/)).toHaveLength(1 + 36 * status.recordedSamples);
}

describe.each([1, 2])('PNG exports at device pixel ratio %i', (dpr) => {
  it('portrait (2-D, 3-D, inspect), regime map and every chart export as the screen shows them', async () => {
    const { page, errors } = await openAt(dpr);
    // Follow every trajectory so the charts have data, run a while, then pause.
    await page.evaluate(() => window.lazyrich!.app!.select(Uint32Array.from({ length: 36 }, (_, i) => i)));
    await page.waitForFunction(() => (window.lazyrich?.app?.status.recordedSamples ?? 0) >= 4, null, { timeout: 120_000 });
    await page.locator('.lil-gui button', { hasText: '❚❚ pause' }).click();
    await page.waitForTimeout(2500); // two panel redraws (1.5 s) after the pause
    // Not part of a figure: the HUD (left out on purpose), the PNG buttons, and the header and notices,
    // which overlap the portrait's top on screen.
    await page.addStyleTag({ content: '#hud, #scrub, .lr-png, #notices, #title { visibility: hidden !important; }' });
    const wrap = page.locator('#portrait-col');

    const flat = await checkPanel(page, wrap, dpr, savePortrait(page), '2-D portrait');
    const legend = await legendRegion(page);
    expect(legend.width).toBeGreaterThan(100);
    if (process.env.EXPORT_DEBUG_DIR) console.log('legend', dpr, meanAbsDiff(flat.png, flat.shot, legend, dpr, flat.shift));
    expect(meanAbsDiff(flat.png, flat.shot, legend, dpr, flat.shift), 'legend region').toBeLessThan(16);

    await page.evaluate(() => window.lazyrich!.app!.change({ view: '3d' }));
    await page.waitForTimeout(1000);
    const space = await checkPanel(page, wrap, dpr, savePortrait(page), '3-D view');
    expect(whiteFraction(space.png), '3-D: not white').toBeLessThan(0.05);
    expect(meanAbsDiff(space.png, space.shot, await legendRegion(page), dpr, space.shift), '3-D legend region').toBeLessThan(16);

    await page.evaluate(() => window.lazyrich!.app!.change({ view: 'beta' }));
    await page.locator('.lil-gui button', { hasText: 'inspect' }).click();
    await page.waitForFunction(() => !document.getElementById('inspect-layer')!.hidden && !!document.querySelector('#inspect-layer canvas'), null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    await checkPanel(page, wrap, dpr, savePortrait(page), 'inspect');

    const map = page.locator('#regime-map');
    await checkPanel(page, map, dpr, () => map.locator('.lr-png').dispatchEvent('click'), 'regime map');

    const charts = page.locator('#time-series .lr-ts');
    expect(await charts.count()).toBe(4);
    for (let k = 0; k < 4; k++) {
      const chart = charts.nth(k);
      await checkPanel(page, chart, dpr, () => chart.locator('.lr-png').dispatchEvent('click'), `chart ${k}`);
    }
    if (dpr === 1) await checkDataExports(page);
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000); // SwiftShader draws a DPR 2 frame in seconds on a loaded machine
});

const rgb = (css: string) => parseColor(css).slice(0, 3).map((v) => Math.round(v * 255)) as [number, number, number];

/** Pixels within `tol` (sum of |Δ| over RGB) of `color` in the rectangle [x0, x1) × [y0, y1) (device px). */
function countNear(png: PNG, color: [number, number, number], tol: number, x0 = 0, y0 = 0, x1 = png.width, y1 = png.height): number {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const k = 4 * (y * png.width + x);
      if (Math.abs(png.data[k] - color[0]) + Math.abs(png.data[k + 1] - color[1]) + Math.abs(png.data[k + 2] - color[2]) <= tol) count++;
    }
  }
  return count;
}

/** Pixels in a rectangle that differ from the background by more than 24 (sum over RGB). */
const notBackground = (png: PNG, x0: number, y0: number, x1: number, y1: number) =>
  (x1 - x0) * (y1 - y0) - countNear(png, rgb(BACKGROUND_COLOR), 24, x0, y0, x1, y1);

describe('relu2 PNG exports (issue 10, defect 11)', () => {
  const openRelu2 = async (hash: string) => {
    const { page } = await session.open(hash, "window.lazyrich?.relu2?.status?.state === 'done'", { width: 1280, height: 860 }, { acceptDownloads: true, timeout: 240_000 });
    return page;
  };

  it('the map PNG leaves out the selection outline and, once every cell is computed, the "not computed yet" key', async () => {
    const page = await openRelu2('#model=relu2&v=1&p=fig1b-reduced&T=40&cn=2');
    const canvas = page.locator('#r2-heatmap canvas');
    await canvas.click({ position: { x: 150, y: 150 } }); // selects a cell: outlined on screen
    await page.waitForTimeout(300);
    const screen = PNG.sync.read(await canvas.screenshot());
    const png = await downloadPng(page, () => page.locator('#r2-map-panel .r2-png').click());
    expect([png.width, png.height]).toEqual(await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]));
    const keyRow = [0, 0, Math.round(png.width / 3), HEATMAP_ROWS.key + 7] as const;
    // On screen: the outline and the key are there (so the checks below can fail).
    expect(countNear(screen, rgb(HIGHLIGHT_COLOR), 40)).toBeGreaterThan(50);
    expect(notBackground(screen, keyRow[0], HEATMAP_ROWS.key - 7, keyRow[2], keyRow[3])).toBeGreaterThan(20);
    expect(countNear(png, rgb(HIGHLIGHT_COLOR), 40)).toBe(0);
    expect(notBackground(png, keyRow[0], HEATMAP_ROWS.key - 7, keyRow[2], keyRow[3])).toBe(0);
    // Nothing drawn in the last 2 px: the rotated colour-bar title is not cut at the edge.
    expect(notBackground(png, png.width - 2, 0, png.width, png.height)).toBe(0);
    await page.close();
  }, 600_000);

  it('the portraits’ scale labels stay inside their plots in the Fig. 1a PNG', async () => {
    const page = await openRelu2('#model=relu2&v=1&p=fig1a&T=400&cn=8');
    const png = await downloadPng(page, () => page.locator('.r2-cells .r2-png').click());
    const sizes = await page.evaluate(() => [...document.querySelectorAll<HTMLCanvasElement>('#r2-portraits canvas')].map((c) => [c.width, c.height]));
    expect(sizes).toHaveLength(4);
    const gap = 8; // composePng's gap (src/app/download.ts)
    const dpr = 1, pad = 6, top = 34;
    let x = gap;
    for (const [w, h] of sizes) {
      // Right of the plot box (pad + size), over the bottom label row: only background.
      const size = w / dpr - 2 * pad;
      expect(notBackground(png, x + Math.ceil((pad + size + 1) * dpr), gap + (top + size - 14) * dpr, x + w, gap + Math.min(h, (top + size) * dpr))).toBe(0);
      x += w + gap;
    }
    await page.close();
  }, 600_000);
});
