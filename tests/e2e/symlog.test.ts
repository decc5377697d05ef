/**
 * The symmetric-log δ colour scale on a τ × α grid (issue 10, "Exports a researcher can use"): δ = τ²(α² − α⁻²)
 * spans 0.003 … 400 there, so the linear δ map paints nearly every dot the middle colour. Each portrait pixel
 * whose colour is within 12 (sum of |Δ| over RGB, 0–255) of a δ LUT entry (colormaps.deltaInterpolator,
 * independent of the shader) is put in one of 16 colour bins (LUT index >> 4); we count the bins holding ≥ 2 %
 * of those pixels. Symlog (the τ × α default) must fill ≥ 10 bins with its two fullest < 40 %; the linear scale
 * of the same grid puts > 80 % in two bins (measured: 89 % in the middle two; symlog 11 bins, fullest two 33 %),
 * and the legend's bar names its ticks 0 and ±c·10^k (aria-label).
 */
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';
import { BACKGROUND_COLOR, deltaInterpolator, LUT_SIZE, parseColor } from '../../src/views/colormaps.ts';
import { deltaColor, makeDeltaScale } from '../../src/views/deltaScale.ts';
import { FIG2_DELTAS } from '../../src/models/singleNeuron/params.ts';

const session = e2eSession();

/** 8 τ × 8 α × 8 directions, trails off, big dots, no panels: a small, quickly drawn τ × α portrait. */
const GRID = '#v=1&g=tauAlpha&tn=8&an=8&dirs=8&tr=0&ps=5&panels=0&spf=1';

const srgb = (css: string) => parseColor(css).slice(0, 3).map((v) => Math.round(v * 255));
const LUT = Array.from({ length: LUT_SIZE }, (_, k) => srgb(deltaInterpolator((k + 0.5) / LUT_SIZE)));
const BG = srgb(BACKGROUND_COLOR);

/** Share of δ-coloured pixels in each of 16 colour bins (LUT index >> 4), and how many pixels were δ-coloured. */
function deltaBins(png: PNG): { share: number[]; pixels: number } {
  const counts = new Array<number>(16).fill(0);
  let pixels = 0;
  for (let p = 0; p < png.data.length; p += 4) {
    const r = png.data[p], g = png.data[p + 1], b = png.data[p + 2];
    if (Math.abs(r - BG[0]) + Math.abs(g - BG[1]) + Math.abs(b - BG[2]) <= 24) continue;
    let best = Infinity, k = -1;
    for (let j = 0; j < LUT_SIZE; j++) {
      const c = LUT[j];
      const dist = Math.abs(r - c[0]) + Math.abs(g - c[1]) + Math.abs(b - c[2]);
      if (dist < best) { best = dist; k = j; }
    }
    if (best > 12) continue;
    counts[k >> 4]++;
    pixels++;
  }
  return { share: counts.map((c) => c / Math.max(1, pixels)), pixels };
}

async function portraitBins(hash: string): Promise<{ page: Page; errors: string[]; share: number[]; pixels: number }> {
  const { page, errors } = await session.open(hash, 'window.lazyrich?.app', { width: 1100, height: 720 });
  await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) >= 2, null, { timeout: 120_000 });
  const png = PNG.sync.read(await page.locator('#portrait').screenshot());
  return { page, errors, ...deltaBins(png) };
}

/**
 * Opens the 3-D view and returns the share of the lit pixels (> 24 from the background) in its central 40 % × 40 %
 * box (the point cloud) that are saturated, |R − B| > 60: depth fading mixes the point colours with the
 * background, so LUT matching does not apply.
 */
async function space3dSaturation(hash: string): Promise<number> {
  const { page, errors } = await session.open(hash, 'window.lazyrich?.app', { width: 1100, height: 720 });
  await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) >= 2, null, { timeout: 120_000 });
  expect(await page.locator('#space3d').isVisible()).toBe(true);
  expect(await page.locator('#legend .legend-title').textContent()).toContain(hash.includes('dscale=linear') ? 'upstream)' : 'symlog');
  const png = PNG.sync.read(await page.locator('#space3d').screenshot());
  let lit = 0, saturated = 0;
  for (let p = 0; p < png.data.length; p += 4) {
    const x = (p / 4) % png.width, y = Math.floor(p / 4 / png.width);
    if (Math.abs(x / png.width - 0.5) > 0.2 || Math.abs(y / png.height - 0.5) > 0.2) continue; // the point cloud, not the notices
    const r = png.data[p], g = png.data[p + 1], b = png.data[p + 2];
    if (Math.abs(r - BG[0]) + Math.abs(g - BG[1]) + Math.abs(b - BG[2]) <= 24) continue;
    lit++;
    if (Math.abs(r - b) > 60) saturated++;
  }
  expect(lit).toBeGreaterThan(500);
  expect(errors).toEqual([]);
  await page.close();
  return saturated / lit;
}

const used = (share: number[]) => share.filter((s) => s >= 0.02).length;
/** Share of the two fullest bins (near 1: nearly one colour). */
const topTwo = (share: number[]) => [...share].sort((a, b) => b - a).slice(0, 2).reduce((a, b) => a + b, 0);

describe('symlog δ colour scale on a τ × α grid', () => {
  it('spreads the dots over the δ colours (≥ 10 of 16 bins) where linear is nearly one colour, with a labelled legend', async () => {
    const sym = await portraitBins(GRID);
    expect(sym.pixels).toBeGreaterThan(500);
    console.log(`symlog bins ${sym.share.map((s) => s.toFixed(3)).join(' ')}`);
    expect(used(sym.share)).toBeGreaterThanOrEqual(10);
    expect(topTwo(sym.share)).toBeLessThan(0.4);
    const bar = sym.page.locator('#legend .legend-bar');
    expect(await sym.page.locator('#legend .legend-title').textContent()).toContain('symlog');
    const label = (await bar.getAttribute('aria-label')) ?? '';
    for (const tick of ['−100', '−1', '0', '0.01', '1', '100']) expect(label.split(/[:,] /)).toContain(tick);
    // The GUI switch is live (a view field: no rebuild) and back.
    await sym.page.locator('[data-field="deltaScale"] select').selectOption({ label: 'linear' });
    await sym.page.waitForFunction(() => !document.querySelector('#legend .legend-title')?.textContent?.includes('symlog'), null, { timeout: 30_000 });
    await sym.page.locator('[data-field="deltaScale"] select').selectOption({ label: 'symmetric log' });
    await sym.page.waitForFunction(() => !!document.querySelector('#legend .legend-title')?.textContent?.includes('symlog'), null, { timeout: 30_000 });
    const lin = await portraitBins(`${GRID}&dscale=linear`);
    expect(lin.pixels).toBeGreaterThan(500);
    expect(await lin.page.locator('#legend .legend-title').textContent()).not.toContain('symlog');
    console.log(`linear bins ${lin.share.map((s) => s.toFixed(3)).join(' ')}`);
    expect(topTwo(lin.share)).toBeGreaterThan(0.8);
    expect(sym.errors).toEqual([]);
    expect(lin.errors).toEqual([]);
    await sym.page.close();
    await lin.page.close();
  }, 300_000);

  it('the 3-D view colours the τ × α grid on the symlog scale too (saturated red/blue where linear is pale)', async () => {
    const sym = await space3dSaturation(`${GRID}&view=3d`);
    const lin = await space3dSaturation(`${GRID}&view=3d&dscale=linear`);
    console.log(`3-D saturated share: symlog ${sym.toFixed(3)}, linear ${lin.toFixed(3)}`);
    expect(sym).toBeGreaterThan(0.03); // measured 0.056 (symlog) and 0.005 (linear)
    expect(lin).toBeLessThan(0.25 * sym);
  }, 300_000);

  it('the Fig. 2 paths take their colours from the same δ scale as the dots, and follow a switch of it', async () => {
    const { page, errors } = await session.open('#v=1&p=fig2&dn=9&dirs=6&spf=5&dscale=symlog', 'window.lazyrich?.app', { width: 1100, height: 720 });
    const colours = () => page.evaluate(() => (window.lazyrich!.app as unknown as { featured: { paths: { drawn: { delta: number; color: string }[] } } })
      .featured.paths.drawn.map((p) => ({ delta: p.delta, color: p.color })));
    const drawn = await colours();
    drawn.forEach((p, k) => expect(p.delta).toBeCloseTo(FIG2_DELTAS[k], 12));
    const expected = (kind: 'linear' | 'symlog') => drawn.map(({ delta }) => ({ delta, color: deltaColor(delta, makeDeltaScale(kind, [-4, 4])) }));
    expect(drawn).toEqual(expected('symlog'));
    expect(expected('symlog')).not.toEqual(expected('linear')); // the two scales colour these δ differently
    await page.locator('[data-field="deltaScale"] select').selectOption({ label: 'linear' });
    await page.waitForFunction(() => !document.querySelector('#legend .legend-title')?.textContent?.includes('symlog'), null, { timeout: 30_000 });
    expect(await colours()).toEqual(expected('linear'));
    expect(errors).toEqual([]);
  });
});
