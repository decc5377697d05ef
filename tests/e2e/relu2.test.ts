/**
 * The relu2 app (#model=relu2) in headless Chromium: WebGPU on SwiftShader here (2 CPU cores), the GPU on
 * a laptop. Issue 4's browser check runs as specified: the reduced Fig. 1b grid (9 × 9 τ × δ, 4 seeds,
 * m = 50, n = 200, d = 20) to 10⁴ GD steps with the preset's checkpoints, cancelled and resumed on the
 * way. On SwiftShader the app picks the thread-per-network kernel (src/models/relu2/layout.ts
 * Relu2Kernel, a few thousand network-steps/s here), so the run takes roughly 15–25 minutes on two
 * cores; on a GPU it takes seconds. Pixel assertions read screenshots of the canvases.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession, modelPage, NO_WEBGPU } from '../helpers/browser.ts';
import { BACKGROUND_COLOR, parseColor } from '../../src/views/colormaps.ts';
import { EMPTY_COLOR, HATCH_COLOR, heatmapLayout } from '../../src/views/heatmap.ts';
import { NEGATIVE_UNIT_COLOR, POSITIVE_UNIT_COLOR, TEACHER_COLOR } from '../../src/views/neuronPortrait.ts';
import { CELL_COLORS } from '../../src/models/relu2/app/cellsView.ts';

const session = e2eSession();
const { open, status, waitFor, alerts } = modelPage(session, 'relu2', { width: 1280, height: 860 }, { waitTimeout: 180_000, polling: 200 });

const rgb = (css: string) => parseColor(css).slice(0, 3).map((v) => Math.round(v * 255));
const near = (png: PNG, k: number, c: number[], tol = 24) =>
  Math.abs(png.data[k] - c[0]) + Math.abs(png.data[k + 1] - c[1]) + Math.abs(png.data[k + 2] - c[2]) <= tol;

/** Fraction of the heatmap's plot area painted in a colour (not the "not computed" hatch, not the cell gaps). */
async function heatmapFill(page: Page): Promise<number> {
  const canvas = page.locator('#r2-heatmap canvas');
  const png = PNG.sync.read(await canvas.screenshot());
  const p = heatmapLayout(png.width, png.height);
  // The hatch is drawn with antialiased lines: its pixels lie on the segment between its two colours.
  const [a, b, bg] = [EMPTY_COLOR, HATCH_COLOR, BACKGROUND_COLOR].map(rgb);
  const hatchLike = (k: number) => {
    const v = [png.data[k] - a[0], png.data[k + 1] - a[1], png.data[k + 2] - a[2]];
    const dir = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const t = Math.min(1, Math.max(0, (v[0] * dir[0] + v[1] * dir[1] + v[2] * dir[2]) / (dir[0] ** 2 + dir[1] ** 2 + dir[2] ** 2)));
    return Math.hypot(v[0] - t * dir[0], v[1] - t * dir[1], v[2] - t * dir[2]) < 8;
  };
  let painted = 0, total = 0;
  for (let y = Math.ceil(p.y) + 1; y < p.y + p.h - 1; y++) {
    for (let x = Math.ceil(p.x) + 1; x < p.x + p.w - 1; x++) {
      const k = 4 * (y * png.width + x);
      total++;
      if (!hatchLike(k) && !near(png, k, bg)) painted++;
    }
  }
  return painted / total;
}

/** Number of pixels of `el` close to any of the colours. */
async function countColor(page: Page, selector: string, colors: string[], tol = 40): Promise<number> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  const cs = colors.map(rgb);
  let n = 0;
  for (let k = 0; k < png.data.length; k += 4) if (cs.some((c) => near(png, k, c, tol))) n++;
  return n;
}

describe('relu2 regime map: the reduced Fig. 1b grid (9 × 9 τ × δ, 4 seeds, m = 50, n = 200, d = 20), 10⁴ GD steps', () => {
  const RUN_MS = 45 * 60_000;
  it('runs with progress, fills cells in, cancels and resumes to completion; a click shows the cell’s curves; exports', { timeout: RUN_MS + 300_000 }, async () => {
    const t0 = Date.now();
    const { page, errors } = await open('#model=relu2&v=1&p=fig1b-reduced');
    const s0 = await status(page);
    expect(s0).toMatchObject({ kind: 'grid', networks: 324, cells: 81, batches: 9, lastStep: 10_000, backend: 'gpu' });
    const checkpointsPerBatch = s0.checkpointsTotal / 9;
    expect(checkpointsPerBatch).toBe(10); // 0 and 9 log-spaced checkpoints up to 10⁴
    expect(await page.locator('#r2-summary').textContent()).toMatch(/324 networks = 9 τ × 9 δ × 4 seeds · m = 50 ReLU · teacher m₀ = 3, d = 20, n = 200/);
    expect(await page.evaluate(() => location.hash)).toMatch(/^#model=relu2&v=1&p=fig1b-reduced&/);
    // Nothing is computed before the first τ column finishes: the map is hatched.
    expect(s0.cellsDone).toBe(0);
    expect(await heatmapFill(page)).toBeLessThan(0.02);

    // Progress advances; cells fill in column by column as batches finish.
    await waitFor(page, 's.step > 0 && s.fraction > 0');
    expect(await page.locator('#r2-status').textContent()).toMatch(/running · batch 1\/9 · step [\d,]+\/10,000 · .*network-steps\/s.*ETA .*projected total/);
    await waitFor(page, 's.cellsDone >= 9', RUN_MS / 4);
    const partial = await heatmapFill(page);
    expect(partial).toBeGreaterThan(0.06);

    // Cancel in the middle: progress stops (GPU state kept), then resume finishes every batch.
    await waitFor(page, 's.batch >= 2', RUN_MS / 4); // one whole batch (≈ 1 min quiet, several under load)
    await page.locator('#r2-cancel-btn').click();
    await waitFor(page, "s.state === 'cancelled'", 60_000);
    const stopped = await status(page);
    expect(stopped.batch).toBeLessThan(9);
    await page.waitForTimeout(4000);
    const still = await status(page);
    expect([still.state, still.batch, still.step, still.checkpointsDone]).toEqual(['cancelled', stopped.batch, stopped.step, stopped.checkpointsDone]);
    expect(await page.locator('#r2-status').textContent()).toMatch(/^cancelled/);
    expect(await page.locator('#r2-resume-btn').isEnabled()).toBe(true);
    await page.locator('#r2-resume-btn').click();
    await waitFor(page, "s.state === 'done'", RUN_MS);
    const done = await status(page);
    expect(done).toMatchObject({ cellsDone: 81, fraction: 1, checkpointsDone: 90, step: 10_000 });
    expect(await heatmapFill(page)).toBeGreaterThan(0.85);
    const runSeconds = (Date.now() - t0) / 1000;

    // Click the top-left cell (τ = 0.1, δ = 1: upstream, small scale) → its curves.
    const box = (await page.locator('#r2-heatmap canvas').boundingBox())!;
    const p = heatmapLayout(box.width, box.height);
    await page.mouse.click(box.x + p.x + 0.5 / 9 * p.w, box.y + p.y + 0.5 / 9 * p.h);
    await waitFor(page, 's.selectedCell === 8', 10_000);
    expect(await page.locator('#r2-cells-panel h2').textContent()).toContain('τ = 0.1, δ = 1');
    expect(await page.locator('#r2-charts .uplot').count()).toBe(4);
    await page.waitForTimeout(300);
    for (let k = 1; k <= 4; k++) {
      expect(await countColor(page, `#r2-charts .r2-chart:nth-child(${k}) canvas`, [CELL_COLORS[0]])).toBeGreaterThan(30);
    }
    expect(await page.locator('#r2-cells-panel .r2-caption').textContent()).toContain('Neuron portraits need d = 2 (here d = 20)');

    // Exports: JSON (every network, every checkpoint) and CSV (one row per network and checkpoint).
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByText('grid results → JSON').click()]);
    const body = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(body.networks).toHaveLength(324);
    expect(body.checkpoints).toHaveLength(10);
    expect(body.checkpoints[0]).toBe(0);
    expect(body.checkpoints[9]).toBe(10_000);
    type NetworkOut = { trainLoss: (number | null)[]; diverged: (boolean | null)[] };
    expect(body.networks.every((n: NetworkOut) => n.trainLoss.every((v) => typeof v === 'number'))).toBe(true);
    expect(body.networks.filter((n: NetworkOut) => n.diverged.some((v) => v !== false))).toEqual([]); // the preset's η is stable
    expect(body.map.kernelDistance[9].every((v: number | null) => typeof v === 'number')).toBe(true);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByText('grid results → CSV').click()]);
    expect(readFileSync((await csv.path())!, 'utf8').trim().split(/\r?\n/)).toHaveLength(1 + 324 * 10);
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#r2-map-panel .r2-png').click()]);
    expect(png.suggestedFilename()).toBe('lazyrich-relu2-map.png');

    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/relu2-grid.png', await page.screenshot());
    expect(errors).toEqual([]);
    expect(await alerts(page)).toEqual([]);
    console.log(`relu2 e2e: reduced grid, 10⁴ steps, run with cancel/resume in ${runSeconds.toFixed(0)} s (${done.networkStepsPerSecond.toFixed(0)} network-steps/s at the end)`);
    await page.close();
  });
});

describe('relu2 Fig. 1a and uploaded data', () => {
  it('draws the four settings’ units, teacher directions and curves; a bad CSV is refused, a good one runs', async () => {
    const { page, errors } = await open('#model=relu2&v=1&p=fig1a&T=400&cn=8');
    expect((await status(page))).toMatchObject({ kind: 'fig1a', networks: 4, cells: 4, batches: 1 });
    await waitFor(page, "s.state === 'done'", 120_000);
    expect(await page.locator('#r2-portraits canvas').count()).toBe(4);
    for (let k = 1; k <= 4; k++) {
      const sel = `#r2-portraits .r2-portrait:nth-child(${k}) canvas`;
      expect(await countColor(page, sel, [POSITIVE_UNIT_COLOR, NEGATIVE_UNIT_COLOR], 30)).toBeGreaterThan(100);
      expect(await countColor(page, sel, [TEACHER_COLOR], 90)).toBeGreaterThan(20); // dashed teacher rays
    }
    for (let k = 1; k <= 4; k++) {
      expect(await countColor(page, `#r2-charts .r2-chart:nth-child(${k}) canvas`, CELL_COLORS.slice(0, 4))).toBeGreaterThan(50);
    }
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/relu2-fig1a.png', await page.screenshot());

    // The upload button opens a file chooser; a malformed file gives a message naming row and column.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByText('upload train CSV').click()]);
    await chooser.setFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x1,x2,y\n0.6,0.8,1\n0.1,oops,2\n') });
    await page.waitForFunction(() => document.querySelector('#notices [data-id="upload-error"]') !== null);
    expect((await alerts(page)).join(' ')).toContain('bad.csv, row 3, column x2: "oops" is not a finite number');
    expect((await status(page)).networks).toBe(4);
    // A good file (d = 2, n = 24) switches the data and reruns the four settings on it.
    const rows = Array.from({ length: 24 }, (_, i) => { const t = (2 * Math.PI * i) / 24; return `${Math.cos(t)},${Math.sin(t)},${Math.max(0, Math.cos(t - 1))}`; });
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), page.getByText('upload train CSV').click()]);
    await chooser2.setFiles({ name: 'ring.csv', mimeType: 'text/csv', buffer: Buffer.from(`x1,x2,y\n${rows.join('\n')}\n`) });
    await page.waitForFunction(() => /uploaded ring\.csv \(d = 2, n = 24\)/.test(document.getElementById('r2-summary')?.textContent ?? ''));
    expect(await page.evaluate(() => location.hash)).toMatch(/&data=upload&/);
    await waitFor(page, "s.state === 'done'", 120_000);
    expect(await countColor(page, '#r2-portraits .r2-portrait:nth-child(1) canvas', [POSITIVE_UNIT_COLOR, NEGATIVE_UNIT_COLOR], 30)).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('relu2 without WebGPU', () => {
  it('explains it and trains the Fig. 1a settings on the f64 CPU reference', async () => {
    const { page } = await open('#model=relu2&v=1&p=fig1a&T=300&cn=6', { initScript: NO_WEBGPU, timeout: 60_000, checkError: false });
    expect(await page.locator('#notices [data-id="no-webgpu"]').textContent()).toContain('f64 CPU reference');
    await waitFor(page, "s.state === 'done'", 60_000);
    expect(await status(page)).toMatchObject({ backend: 'cpu', networks: 4, cellsDone: 4 });
    expect(await countColor(page, '#r2-portraits .r2-portrait:nth-child(3) canvas', [POSITIVE_UNIT_COLOR, NEGATIVE_UNIT_COLOR], 30)).toBeGreaterThan(100);
    await page.close();
  });
});

describe('relu2 grid size', () => {
  it('refuses a grid beyond the device limits with the limit named, and runs the default instead', async () => {
    const { page } = await open('#model=relu2&v=1&p=fig1b-full&b=all&tn=33&dn=33&sn=64');
    await page.waitForFunction(() => document.querySelector('#notices [role="alert"]') !== null);
    const text = (await alerts(page)).join(' ');
    // refused from the estimate before anything is built (src/app/estimateDialog.ts), naming the URL keys
    expect(text).toMatch(/69,696 networks \(tn, dn, sn, m, d, n, nt\) need a GPU buffer of [\d.]+ GB; this device allows [\d.]+ (MB|GB) per buffer \(maxStorageBufferBindingSize \/ maxBufferSize\)\. Reduce tn, dn, sn, m, d, n, nt\./);
    expect(text).toContain('Starting with the default preset instead.');
    expect(await status(page)).toMatchObject({ networks: 324, state: 'running' });
    await page.close();
  });

  it('accepts the full Fig. 1b grid (17 × 17 × 16, m = 50, n = 1000, d = 100, 10⁵ steps), runs it in chunks and shows its projected time', async () => {
    // One cell (16 networks) per batch keeps a SwiftShader chunk to seconds; the default (one τ column) works the same.
    const { page } = await open('#model=relu2&v=1&p=fig1b-full&b=cell');
    expect(await status(page)).toMatchObject({ networks: 4624, cells: 289, batches: 289, lastStep: 100_000, state: 'running' });
    expect(await alerts(page)).toEqual([]);
    await waitFor(page, 's.etaSeconds !== null', 120_000);
    const text = (await page.locator('#r2-status').textContent())!;
    expect(text).toMatch(/ETA .* · projected total \d+ (d|h|min)/);
    console.log(`relu2 e2e: full grid on this adapter: ${text}`);
    await page.close();
  });
});
