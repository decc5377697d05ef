/**
 * Issue 10, "first load tells Fig. 2" and defect 8 (time series): the default page in headless Chromium on
 * the software adapter. Pixel checks compare against the colours the app says it drew (the δ colour map,
 * src/views/colormaps.ts), sampled on the paths' own projected points, never against another screenshot.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';
import { parseColor } from '../../src/views/colormaps.ts';
import { FIG2_DELTAS } from '../../src/models/singleNeuron/params.ts';

const session = e2eSession();
const open = (hash = '', viewport = { width: 1280, height: 800 }) => session.open(hash, 'window.lazyrich?.app', viewport);
const rgb = (css: string) => parseColor(css).slice(0, 3).map((v) => Math.round(v * 255)) as [number, number, number];
/** Sum of |Δ| over RGB below which a pixel counts as a colour (antialiasing of a 3 px line). */
const NEAR = 60;

interface DrawnPath { label: string; color: string; points: [number, number][] }

/** The featured paths as drawn: page CSS px of each sample (from the overlay's box and the portrait's view). */
function drawnPaths(page: Page): Promise<DrawnPath[]> {
  return page.evaluate(() => {
    const app = window.lazyrich!.app! as unknown as {
      featured: { paths: { drawn: { label: string; color: string; states: number[][] }[]; canvas: HTMLCanvasElement } };
      portrait: { getView(): { xMin: number; xMax: number; yMin: number; yMax: number } };
    };
    const box = app.featured.paths.canvas.getBoundingClientRect();
    const r = app.portrait.getView();
    return app.featured.paths.drawn.map((p) => ({
      label: p.label, color: p.color,
      points: p.states.map(([a, w1, w2]) => [
        box.left + ((a * w1 - r.xMin) / (r.xMax - r.xMin)) * box.width,
        box.top + (1 - (a * w2 - r.yMin) / (r.yMax - r.yMin)) * box.height,
      ] as [number, number]),
    }));
  });
}

/** How many of `points` (page CSS px) have a pixel within NEAR of `color` in a 5 × 5 block of the page shot. */
function hitsAlong(shot: PNG, dpr: number, points: [number, number][], color: [number, number, number]): number {
  let hits = 0;
  for (const [x, y] of points) {
    let hit = false;
    for (let dy = -2; dy <= 2 && !hit; dy++) {
      for (let dx = -2; dx <= 2 && !hit; dx++) {
        const px = Math.round(x * dpr) + dx, py = Math.round(y * dpr) + dy;
        if (px < 0 || py < 0 || px >= shot.width || py >= shot.height) continue;
        const k = 4 * (py * shot.width + px);
        hit = Math.abs(shot.data[k] - color[0]) + Math.abs(shot.data[k + 1] - color[1]) + Math.abs(shot.data[k + 2] - color[2]) < NEAR;
      }
    }
    if (hit) hits++;
  }
  return hits;
}

/** `count` samples between 5 % and 95 % along a path (by index; the seven share both ends), outside the HUD, legend and notices. */
async function pathSamples(page: Page, p: DrawnPath, count = 40): Promise<[number, number][]> {
  const covers = await page.evaluate(() => ['hud', 'legend', 'notices'].map((id) => document.getElementById(id)!.getBoundingClientRect().toJSON()));
  const inside = ([x, y]: [number, number]) => covers.some((b: DOMRect) => x >= b.left - 4 && x <= b.right + 4 && y >= b.top - 4 && y <= b.bottom + 4);
  const n = p.points.length;
  const out: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const q = p.points[Math.floor(n * (0.05 + (0.9 * k) / (count - 1)))];
    if (q && !inside(q)) out.push(q);
  }
  return out;
}

/** Asserts that the seven paths are drawn with their labels and each shows its colour along its own path. */
async function expectSevenPathsVisible(page: Page, tag: string): Promise<void> {
  const paths = await drawnPaths(page);
  expect(paths.map((p) => p.label)).toEqual(FIG2_DELTAS.map((d) => `δ = ${String(d).replace('-', '−')}`));
  const shot = PNG.sync.read(await page.screenshot());
  writeFileSync(`test-results/teach-${tag}.png`, PNG.sync.write(shot));
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  for (const p of paths) {
    expect(p.points.length, `${p.label}: samples`).toBeGreaterThanOrEqual(3);
    const samples = await pathSamples(page, p);
    // The lazy δ = 1, 2, 4 nearly coincide (lines 3–6 px wide, a few px apart, wider under narrower) and
    // paths cross, so most of a path may lie under another; each must show its own colour at ≥ 2 of its points.
    expect(hitsAlong(shot, dpr, samples, rgb(p.color)), `${p.label} (${p.color}) visible along its path`).toBeGreaterThanOrEqual(2);
  }
}

/**
 * The rest of the first load's 3-min run (after every trajectory converged): it runs on in the background
 * while the file's other tests use the browser, and the last test awaits it. Undefined until the first
 * test got that far.
 */
let firstLoadSoak: Promise<void> | undefined;

describe('first load tells Fig. 2 (issue 10)', () => {
  it('within 60 s: the seven Fig. 2 paths and all four charts with data; within 3 min every trajectory converges', async () => {
    mkdirSync('test-results', { recursive: true });
    const t0 = Date.now();
    const { page, errors } = await open();
    session.keep(page);
    onTestFailed(() => page.close());
    // The first load is Fig. 2, sized for the software adapter, with the seven selected from t = 0.
    const start = await page.evaluate(() => ({ n: window.lazyrich!.app!.status.n, selected: window.lazyrich!.app!.selectedIndices, hash: location.hash }));
    // The software-adapter note is shown at first (this adapter is SwiftShader) and removed by the end of the soak.
    const softwareNote = page.locator('#notices [data-id="software-adapter"]');
    expect(await softwareNote.count()).toBe(1);
    expect(start.hash).toMatch(/[#&]p=fig2(&|$)/);
    expect(start.n).toBe(33 * 66);
    expect(start.selected).toHaveLength(7);
    // All four charts draw the seven simulated curves (and their closed forms) with ≥ 3 points each, no "no data yet".
    await page.waitForFunction(() => {
      const charts = window.lazyrich?.app?.charts ?? [];
      return charts.length === 4 && charts.every((c) => c.curves.filter((k) => k.points >= 3).length >= 14);
    }, null, { timeout: 60_000 - (Date.now() - t0) });
    const chartsAt = Date.now() - t0;
    const empties = await page.locator('#time-series .u-empty').evaluateAll((els) => els.map((e) => getComputedStyle(e).display));
    expect(empties).toEqual(['none', 'none', 'none', 'none']);
    // Each chart's plot canvas shows the curves' colours: curves that coincide (S ≈ 0 of the lazy ones) hide
    // each other, so at least 4 of the 7 simulated curves' colours must each cover > 20 px.
    const charts = await page.evaluate(() => window.lazyrich!.app!.charts);
    for (const [k, chart] of charts.entries()) {
      const plot = PNG.sync.read(await page.locator('#time-series .lr-ts').nth(k).locator('canvas').first().screenshot());
      const visible = chart.curves.filter((curve) => !curve.label.endsWith('exact')).filter((curve) => {
        const c = rgb(curve.color);
        let near = 0;
        for (let q = 0; q < plot.data.length; q += 4) {
          if (Math.abs(plot.data[q] - c[0]) + Math.abs(plot.data[q + 1] - c[1]) + Math.abs(plot.data[q + 2] - c[2]) < 40) near++;
        }
        return near > 20;
      });
      expect(visible.length, `"${chart.title}": curves whose colour shows`).toBeGreaterThanOrEqual(4);
    }
    await expectSevenPathsVisible(page, 'first-load');
    expect(chartsAt).toBeLessThan(60_000);
    // Keep running: every trajectory converges (max excess loss < ε = 1e−3; t ≈ 32) within 3 min of loading.
    // On failure the message gives the time reached and the rate, to tell a slow machine from a wrong result.
    const converged = () => page.evaluate(() => {
      const s = window.lazyrich!.app!.status;
      return { t: s.time, steps: s.stepCount, loss: s.summary?.maxExcessLoss ?? null, diverged: s.summary?.diverged ?? null };
    });
    let last = await converged();
    while (Date.now() - t0 < 180_000 && !(last.loss !== null && last.loss < 1e-3 && last.diverged === 0)) {
      await page.waitForTimeout(2000);
      last = await converged();
    }
    expect(last.loss, `every trajectory converged 3 min after loading: ${JSON.stringify(last)}, ${((last.steps * 1000) / (Date.now() - t0)).toFixed(1)} steps/s`).toBeLessThan(1e-3);
    expect(last.diverged).toBe(0);
    expect(errors).toEqual([]);
    // The page keeps running to 3 min after loading; the last test of this file checks the end.
    firstLoadSoak = (async () => {
      try {
        await page.waitForTimeout(Math.max(0, 180_000 - (Date.now() - t0)));
        await expectSevenPathsVisible(page, 'converged');
        // It went after SOFTWARE_NOTE_MS (src/app/shell.ts), uncovering the top of the portrait (β*); the HUD keeps the fact.
        expect(await softwareNote.count(), 'the software-adapter note still covers the portrait').toBe(0);
        expect(await page.locator('#hud').textContent()).toMatch(/adapter: .*\(software — CPU speed\)/);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    })();
    firstLoadSoak.catch(() => undefined); // awaited (and reported) by the last test
  }, 300_000);
});

describe('time series (issue 10, defect 8)', () => {
  it('reset keeps the selection and records again from t = 0; 40 selected plot 12 spread over δ with one key', async () => {
    const { page, errors } = await open('#v=1&p=fig2&dn=41&dirs=1&spf=10');
    onTestFinished(() => page.close());
    await page.waitForFunction(() => (window.lazyrich?.app?.status.time ?? 0) > 1, null, { timeout: 120_000 });
    // dirs = 1: trajectory i has δ = −4 + 0.2 i. Select all but the last: 40, δ from −4 to 3.8.
    await page.evaluate(() => window.lazyrich!.app!.select(Uint32Array.from({ length: 40 }, (_, i) => i)));
    await page.locator('button', { hasText: 'reset to t = 0' }).click();
    expect(await page.evaluate(() => window.lazyrich!.app!.selectedIndices.length)).toBe(40);
    await page.waitForFunction(() => (window.lazyrich?.app?.status.recordedSamples ?? 0) >= 3, null, { timeout: 120_000 });
    const first = await page.evaluate(() => (window.lazyrich!.app! as unknown as { analysis: { results: { series: { time: Float64Array }[] } } }).analysis.results.series[0].time[0]);
    expect(first).toBe(0);
    await page.waitForFunction(() => (window.lazyrich?.app?.charts[0]?.curves.length ?? 0) === 24, null, { timeout: 60_000 });
    const charts = await page.evaluate(() => window.lazyrich!.app!.charts);
    const deltas = charts[0].curves.filter((c) => !c.label.endsWith('exact')).map((c) => Number(c.label.split('δ=')[1]));
    expect(deltas).toHaveLength(12);
    expect(deltas[0]).toBeCloseTo(-4, 9);
    expect(deltas[11]).toBeCloseTo(3.8, 9);
    expect(await page.locator('#time-series .ts-key').textContent()).toContain('12 of 40 selected shown, spread over δ');
    // One key instead of a legend per chart: no chart legend taller than its plot.
    expect(await page.locator('#time-series .lr-ts .u-legend').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

type Box = { left: number; top: number; right: number; bottom: number };
const overlap = (a: Box, b: Box) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
const box = (page: Page, selector: string): Promise<Box> => page.locator(selector).first().evaluate((el) => el.getBoundingClientRect().toJSON());

describe('layout (issue 10, defect 7)', () => {
  for (const [width, height] of [[1024, 700], [1280, 800], [1440, 900], [1920, 1080]] as const) {
    it(`${width} × ${height}: HUD, legend, header, dock and panel do not cover each other; view folder and last chart reachable; labels whole`, async () => {
      const { page, errors } = await open('#v=1&p=fig2&dn=9&dirs=6&spf=5', { width, height });
      onTestFinished(() => page.close());
      await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 10, null, { timeout: 120_000 });
      const [portrait, hud, legend, dock, header, gui] = await Promise.all(['#portrait', '#hud', '#legend', '#dock', '#title', '.lil-gui.lil-root'].map((s) => box(page, s)));
      // The HUD and the legend cover neither the portrait (its axes and ticks) nor the dock; the header sits above the portrait.
      for (const [name, b] of [['HUD', hud], ['legend', legend]] as const) {
        expect(overlap(b, portrait), `${name} ${JSON.stringify(b)} over the portrait ${JSON.stringify(portrait)}`).toBe(false);
        expect(overlap(b, dock), `${name} over the dock`).toBe(false);
        expect(b.bottom).toBeLessThanOrEqual(height + 0.5);
      }
      expect(overlap(hud, legend)).toBe(false);
      expect(header.bottom).toBeLessThanOrEqual(portrait.top + 0.5);
      expect(overlap(dock, gui)).toBe(false);
      expect(overlap(portrait, dock)).toBe(false);
      // The view folder's title is on screen without scrolling the panel.
      const viewTitle = await page.locator('.lil-gui .lil-title', { hasText: /^view$/ }).first().evaluate((el) => el.getBoundingClientRect().toJSON());
      expect(viewTitle.bottom).toBeLessThanOrEqual(height);
      // The last chart is whole once the dock is scrolled to its end.
      const last = await page.evaluate(() => {
        const dockEl = document.getElementById('dock')!;
        dockEl.scrollTop = dockEl.scrollHeight;
        const charts = dockEl.querySelectorAll('.lr-ts');
        return { chart: charts[charts.length - 1].getBoundingClientRect().toJSON(), dock: dockEl.getBoundingClientRect().toJSON() };
      });
      expect(last.chart.bottom).toBeLessThanOrEqual(last.dock.bottom + 0.5);
      // Dropdowns show their whole label.
      const cut = await page.$$eval('.lil-gui .lil-controller.lil-option .lil-display', (els) => els
        .filter((e) => (e as HTMLElement).offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(cut).toEqual([]);
      expect(errors).toEqual([]);
    });
  }

  it('every model page at 1280 × 800 and 1024 × 700 shows its four model links whole in the header (the subtitle gives way)', async () => {
    const pages = [['#v=1&p=fig2&dn=9&dirs=6', 'window.lazyrich?.app'], ['#model=relu2', 'window.lazyrich?.relu2'],
      ['#model=linear2', 'window.lazyrich?.linear2'], ['#model=mlp', 'window.lazyrich?.mlp']] as const;
    for (const [hash, ready] of pages) {
      for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
        const { page, errors } = await session.open(hash, ready, viewport);
        const links = await page.evaluate(() => {
          const nav = document.getElementById('model-switch')!.getBoundingClientRect();
          return [...document.querySelectorAll('#model-switch a')].map((a) => {
            const r = a.getBoundingClientRect();
            return { text: a.textContent, whole: r.width > 0 && r.left >= nav.left - 0.5 && r.right <= nav.right + 0.5 && r.right <= window.innerWidth };
          });
        });
        expect(links.map((l) => l.text), hash).toEqual(['single neuron', 'two-layer ReLU', 'two-layer linear', 'deep MLP']);
        expect(links.filter((l) => !l.whole).map((l) => l.text), `${hash} at ${viewport.width} px: links cut off`).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      }
    }
  });

  it('view and colour edits keep the preset; ‖β₀‖ of fig4b reads 0.403; the loss legend says β*; the 3-D inspect notice clears in 2-D', async () => {
    const { page, errors } = await open('#v=1&p=fig4b&dn=9&dirs=6&spf=5');
    onTestFinished(() => page.close());
    await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 5, null, { timeout: 120_000 });
    expect(await page.locator('[data-field="beta0Norm"] input').inputValue()).toBe('0.403');
    const preset = () => page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('p'));
    await page.locator('[data-field="view"] select').selectOption({ label: 'parameters (w₁, a)' });
    await page.waitForFunction(() => /[#&]view=wa(&|$)/.test(location.hash));
    expect(await preset()).toBe('fig4b');
    await page.locator('[data-field="colorBy"] select').selectOption({ label: 'excess loss (log)' });
    await page.waitForFunction(() => /[#&]c=loss(&|$)/.test(location.hash));
    expect(await preset()).toBe('fig4b');
    expect(await page.locator('[data-field="preset"] select').inputValue()).toBe('Fig. 4b (low rank)'); // lil-gui's option values are the labels
    const title = await page.locator('#legend .legend-title').textContent();
    expect(title).toContain('β*');
    expect(title).not.toContain('β_ols');
    // Inspect in the 3-D view explains itself; back in 2-D the notice goes.
    await page.locator('[data-field="view"] select').selectOption({ label: '3-D (w₁, w₂, a), d = 2' });
    await page.locator('button', { hasText: 'inspect (when paused)' }).click();
    await page.waitForFunction(() => document.querySelector('#notices [data-id="inspect"]') !== null);
    await page.locator('[data-field="view"] select').selectOption({ label: 'function space (β₁, β₂)' });
    await page.waitForFunction(() => document.querySelector('#notices [data-id="inspect"]') === null, null, { timeout: 10_000 });
    expect(errors).toEqual([]);
  });
});

describe('first load tells Fig. 2 (issue 10): the 3-min run', () => {
  it('no page errors over the 3 min after loading; the seven paths still visible at the end', async () => {
    expect(firstLoadSoak, 'the first-load test reached convergence and left its page running').toBeDefined();
    await firstLoadSoak;
  }, 300_000);
});
