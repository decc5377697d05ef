/**
 * The mlp page (#model=mlp) in headless Chromium: WebGPU on SwiftShader here (the 'direct' product kernel, as the CLI
 * picks on a software adapter), the GPU on a laptop. The reduced Fig. 6(c) preset runs to completion with its sizes
 * shrunk by URL keys (the preset itself is not changed), its curves and sample-complexity plot are drawn (non-blank
 * pixels); the grokking preset, shrunk, shows its heatmaps and weight images; bad URL and control values are refused
 * naming the field; a CSV upload trains and a malformed one is refused naming row and column; the exports have the
 * CLI's columns. Screenshots go to $MLP_SHOTS (default test-results/mlp/).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession, modelPage, NO_WEBGPU } from '../helpers/browser.ts';
import { colourCount } from '../helpers/pixels.ts';
import { parseMlpConfig } from '../../src/models/mlp/config.ts';
import { MLP_SERIES, simulateMlp } from '../../src/models/mlp/run.ts';

const session = e2eSession();
const VIEWPORT = { width: 1400, height: 1000 };
const { open, status, waitFor, alerts } = modelPage(session, 'mlp', VIEWPORT, { waitTimeout: 90_000, polling: 250, withNotices: true });
const SHOTS = process.env.MLP_SHOTS ?? 'test-results/mlp';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(`${SHOTS}/mlp-${name}.png`, await page.screenshot({ fullPage: true }));
}

/**
 * The reduced Fig. 6(c) preset, shrunk: 3 α × 2 sizes × 2 seeds = 12 networks, 120 steps, 256 test samples; on the GPU
 * trainer (backend=gpu: auto would pick the f64 CPU backend on this software adapter).
 */
// The keys this test relies on are given even where they equal the preset's (another branch may tune the presets).
const RHM_SMALL = '#model=mlp&v=1&p=rhm-reduced&T=120&ck=4&n=128,256&nt=256&sn=2&P=16&a=0.1,1,10&t=1&bs=128&lr=0.03&w=64&hl=3&backend=gpu';

describe('mlp page', () => {
  it('reduced Fig. 6(c) preset (shrunk by URL keys) runs to completion on the software adapter; curves and sample complexity drawn', { timeout: 120_000 }, async () => {
    const t0 = Date.now();
    const { page, errors } = await open(RHM_SMALL);
    const s0 = await status(page);
    expect(s0).toMatchObject({ networks: 12, totalSteps: 120, task: 'rhm', backend: 'gpu' });
    // Space cancels the run at the next chunk (the state is kept) and resumes it.
    await waitFor(page, "s.state === 'running' && s.recorded >= 1");
    // Responsive while it trains: page round trips (one task on the main thread each) answer within 1 s (median of 5).
    const trips: number[] = [];
    for (let k = 0; k < 5; k++) { const t = Date.now(); await page.evaluate(() => 0); trips.push(Date.now() - t); }
    expect(trips.sort((x, y) => x - y)[2]).toBeLessThan(1000);
    // A JSON export mid-run holds the checkpoints read so far.
    const partial = await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as { complete: boolean; checkpoints: number[] };
    expect(partial.complete).toBe(false);
    expect(partial.checkpoints.length).toBeLessThan(4);
    await page.keyboard.press(' ');
    await waitFor(page, "s.state === 'cancelled'", 30_000);
    const paused = await status(page);
    await page.waitForTimeout(500);
    expect((await status(page)).step).toBe(paused.step);
    await page.keyboard.press(' ');
    await waitFor(page, "s.state === 'running' || s.state === 'done'", 10_000);
    await waitFor(page, "s.state === 'done'");
    const s = await status(page);
    console.log(`rhm-reduced shrunk on ${s.backend} (${s.adapter}): ${s.networks} networks × ${s.totalSteps} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s `
      + `(run ${s.elapsedSeconds.toFixed(1)} s, ${Math.round(s.networkStepsPerSecond)} network-steps/s), ${s.diverged} diverged`);
    expect(s.recorded).toBe(4);
    // Curves: 3 α × (mean + 2 band edges) over 4 checkpoints; sample complexity: 3 × 3 over 2 sizes.
    await page.waitForTimeout(300);
    expect(s.drawn.curves).toBe(3 * 3 * 4);
    expect(s.drawn.sample).toBe(3 * 3 * 2);
    expect(await colourCount(page, '#mlp-curves-panel')).toBeGreaterThan(20);
    expect(await colourCount(page, '#mlp-sample-panel')).toBeGreaterThan(20);
    expect(await colourCount(page, '#mlp-grid-panel')).toBeGreaterThan(20);
    await shot(page, 'rhm');
    // The app's GPU (f32) metrics against `lazyrich simulate` of its exported config on the f64 CPU backend, entry by
    // entry (same plan order). Tolerances of the Done means: losses and ‖θ − θ₀‖ 1e-3 relative, S(0, t) 1e-3,
    // Hamming 0.02; accuracies within 3 samples of the set (f32 vs f64 may flip a sample near a tie).
    const doc = await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as { backend: string; config: Record<string, unknown>; networks: Record<string, (number | null)[] | number | boolean>[] };
    expect([doc.backend, doc.config.backend], 'the export names the GPU trainer that ran').toEqual(['gpu', 'gpu']);
    const cli = await simulateMlp(parseMlpConfig({ ...doc.config, backend: 'cpu' }), { backend: 'cpu' });
    const tol: Record<string, { abs: number; rel: number }> = {
      trainLoss: { abs: 1e-6, rel: 1e-3 }, testLoss: { abs: 1e-6, rel: 1e-3 }, paramDistance: { abs: 1e-6, rel: 1e-3 },
      kernelDistance: { abs: 1e-3, rel: 0 }, hamming: { abs: 0.02, rel: 0 }, testAccuracy: { abs: 3 / 256 + 1e-9, rel: 0 },
    };
    expect((cli.entries as unknown[]).length).toBe(12);
    let worst = '';
    (cli.entries as Record<string, unknown>[]).forEach((ref, i) => {
      const app = doc.networks[i];
      for (const key of ['alpha', 'tau', 'seed', 'trainSize']) expect(app[key], `network ${i} ${key}`).toBe(ref[key]);
      for (const key of MLP_SERIES) {
        const t = key === 'trainAccuracy' ? { abs: 3 / (ref.trainSize as number) + 1e-9, rel: 0 } : tol[key];
        (ref[key] as number[]).forEach((r, c) => {
          const a = (app[key] as number[])[c];
          const gap = Math.abs(a - r), bound = t.abs + t.rel * Math.abs(r);
          if (gap > bound) worst += `network ${i} ${key}[${c}]: app ${a}, cli ${r}; `;
        });
      }
    });
    expect(worst).toBe('');
    expect(errors).toEqual([]);
  });

  it('grokking preset (shrunk): heatmaps and W₁ images; a bad URL key and a bad control value are refused by name; CSV upload (malformed refused by row and column, good one trains); exports', { timeout: 120_000 }, async () => {
    // p = 7 (49 pairs, 39 train), width 32, τ × α = 2 × 2, 1 seed, 90 steps, on the GPU trainer (its θ read-back for the
    // weight images); ds=-1 is a bad URL value (data seed ≥ 0).
    const { page, errors } = await open('#model=mlp&v=1&p=grokking&mp=7&tf=0.8&w=32&hl=1&bs=0&T=90&ck=4&a=0.3,3&t=0.5,1&sn=1&P=8&backend=gpu&ds=-1', { acceptDownloads: true });
    expect((await alerts(page)).join(' ')).toMatch(/URL key ds: .*\(dataSeed\)/);
    const s0 = await status(page);
    expect(s0).toMatchObject({ networks: 4, task: 'modular', totalSteps: 90 });
    await waitFor(page, "s.state === 'done' && s.drawn.weights");
    await page.waitForTimeout(300);
    expect(await colourCount(page, '#mlp-map-metric')).toBeGreaterThan(10);
    expect(await colourCount(page, '#mlp-map-steps')).toBeGreaterThan(5);
    expect(await colourCount(page, '#mlp-weights')).toBeGreaterThan(20);
    expect(await colourCount(page, '#mlp-dft')).toBeGreaterThan(20);
    expect(await page.locator('#mlp-grid-panel .mlp-caption').textContent()).toContain('here with an MLP');
    await shot(page, 'grokking');

    // A bad control value: η = −1 in the panel is refused naming the field; the run is kept.
    const lr = page.locator('.lil-gui [data-field="lr"] input');
    await lr.fill('-1');
    await lr.press('Enter');
    await expect.poll(async () => (await alerts(page)).join(' ')).toMatch(/\(lr\)/);
    expect(await status(page)).toMatchObject({ state: 'done', networks: 4, task: 'modular' });

    // A malformed CSV: the message names the row and column; nothing running is lost.
    const bad = 'x1,x2,label\n0.5,1,0\n0.25,abc,1\n';
    await page.setInputFiles('#mlp-file-train', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await expect.poll(async () => (await alerts(page)).join(' ')).toMatch(/bad\.csv, row 3, column "x2": "abc" is not a finite number/);
    const ragged = '1,2,0\n3,4,1\n5,6\n';
    await page.setInputFiles('#mlp-file-train', { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from(ragged) });
    await expect.poll(async () => (await alerts(page)).join(' ')).toMatch(/ragged\.csv, row 3: 2 fields, but the first row has 3/);
    expect(await status(page)).toMatchObject({ state: 'done', task: 'modular', networks: 4 });

    // A good CSV (two Gaussian-free clusters, 40 train + 10 test rows by a split column) trains the α × τ × seed grid.
    const rows = ['x1,x2,x3,label,split'];
    for (let i = 0; i < 50; i++) {
      const y = i % 2, u = ((i * 37) % 50) / 50 - 0.5;
      rows.push(`${(y ? 1 : -1) + 0.3 * u},${0.5 * u},${(y ? -0.5 : 0.5) + 0.2 * u},${y},${i < 40 ? 'train' : 'test'}`);
    }
    await page.setInputFiles('#mlp-file-train', { name: 'two.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await waitFor(page, "s.task === 'csv' && s.state === 'done'");
    const sc = await status(page);
    expect(sc).toMatchObject({ networks: 4, upload: 'two.csv', recorded: 4 });
    const acc = await page.evaluate(() => window.lazyrich!.mlp!.resultJson());
    expect(acc.layers).toEqual([3, 32, 2]);
    expect(acc.data).toMatchObject({ kind: 'explicit', train: 40, test: 10, classes: 2 });
    // A second file joins the test set (checked against the train file's inputs).
    await page.setInputFiles('#mlp-file-test', { name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('0.9,0.1,-0.4,1\n-1.1,0,0.6,0\n') });
    await waitFor(page, "s.upload === 'two.csv + more.csv' && s.state === 'done'");
    expect((await page.evaluate(() => window.lazyrich!.mlp!.resultJson())).data).toMatchObject({ train: 40, test: 12 });

    // Exports: the CSV's columns, and the JSON in the CLI's shape with its config.
    const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator('.lil-gui button', { hasText: 'metrics per network × checkpoint → CSV' }).click()]);
    const csv = readFileSync((await csvDl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('network,alpha,tau,trainSize,seed,step,diverged,trainLoss,trainAccuracy,testLoss,testAccuracy,kernelDistance,hamming,paramDistance');
    expect(csv.length).toBe(1 + 4 * 4);
    expect(csv[1].split(',').slice(0, 6)).toEqual(['0', '0.3', '0.5', '40', '0', '0']);
    const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.locator('.lil-gui button', { hasText: 'results → JSON' }).click()]);
    const doc = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as { model: string; config: Record<string, unknown>; networks: Record<string, unknown>[]; checkpoints: number[] };
    expect(doc.model).toBe('mlp');
    expect(doc.checkpoints).toEqual([0, 30, 60, 90]);
    expect(doc.config).toMatchObject({ model: 'mlp', layers: [3, 32, 2], steps: 90 });
    expect(Object.keys(doc.networks[0]).sort()).toEqual(['alpha', 'diverged', 'hamming', 'kernelDistance', 'paramDistance', 'seed', 'tau', 'testAccuracy', 'testLoss', 'trainAccuracy', 'trainLoss', 'trainSize']);
    const [pngDl] = await Promise.all([page.waitForEvent('download'), page.locator('.lil-gui button', { hasText: 'all panels → PNG' }).click()]);
    const png = PNG.sync.read(readFileSync((await pngDl.path())!));
    expect(png.width).toBeGreaterThan(600);
    expect(errors).toEqual([]);
  });

  it('a diverging network is flagged in the HUD, the curve legend and the JSON export, never dropped', { timeout: 90_000 }, async () => {
    // On the GPU trainer. Squared error, plain GD with η = 2: α = 30 diverges (|θ_i| > 1e6, the f64 CLI run of this config flags it too), α = 1 does not.
    const { page, errors } = await open('#model=mlp&v=1&task=modular&mp=5&w=16&hl=1&loss=mse&opt=sgd&mu=0&cos=0&lr=2&bs=0&T=40&ck=2&a=1,30&t=1&sn=1&P=4&backend=gpu');
    await waitFor(page, "s.state === 'done'");
    const s = await status(page);
    expect(s).toMatchObject({ networks: 2, diverged: 1 });
    expect(await page.locator('#mlp-hud').textContent()).toContain('1 diverged');
    expect(await page.locator('#mlp-curves-panel').textContent()).toContain('α = 30 (1 diverged)');
    const doc = await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as { networks: { diverged: boolean }[] };
    expect(doc.networks.map((n) => n.diverged)).toEqual([false, true]);
    expect(errors).toEqual([]);
  });

  it('without WebGPU the grid trains on the f64 CPU backend in the tab', { timeout: 60_000 }, async () => {
    const { page, errors } = await open('#model=mlp&v=1&p=grokking&mp=5&w=8&T=30&ck=3&a=0.5,2&t=1&sn=2&P=4', { initScript: NO_WEBGPU });
    await waitFor(page, "s.state === 'done'", 40_000);
    expect(await status(page)).toMatchObject({ backend: 'cpu', networks: 4, recorded: 3, diverged: 0 });
    expect((await alerts(page)).join(' ')).toContain('f64 CPU backend');
    expect(await colourCount(page, '#mlp-weights')).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  });

  // The backend setting (src/models/mlp/app/backend.ts). A small grokking grid: 2 α × 2 seeds, p = 5, 30 steps.
  const SMALL = '#model=mlp&v=1&p=grokking&mp=5&w=8&T=30&ck=3&a=0.5,2&t=1&sn=2&P=4';

  it('backend auto (the default) on this software adapter trains on the f64 CPU backend, says so; switching to gpu restarts on the GPU trainer', { timeout: 120_000 }, async () => {
    const { page, errors } = await open(SMALL);
    const gpu = await page.evaluate(() => ({ software: window.lazyrich!.gpu?.isSoftware, name: window.lazyrich!.gpu?.adapterName }));
    expect(gpu.software, 'this test expects the software adapter (SwiftShader)').toBe(true);
    await waitFor(page, "s.state === 'done'", 60_000);
    const s = await status(page);
    expect(s).toMatchObject({ backend: 'cpu', networks: 4, recorded: 3, diverged: 0 });
    expect(s.adapter).toBe(`f64 CPU reference (auto: ${gpu.name} is a software adapter)`);
    expect(await page.locator('#mlp-hud').textContent()).toContain(`4 networks · f64 CPU reference (auto: ${gpu.name}`);
    const notice = await page.locator('#notices [data-id="mlp-backend"]').textContent();
    expect(notice).toMatch(/Training on the f64 CPU backend: WebGPU runs on a software adapter .*backend=gpu/);
    // One notice, not two: the shell's software-adapter note says the same and goes.
    expect(await page.locator('#notices [data-id="software-adapter"]').count()).toBe(0);
    // The export names the backend that ran; its config reruns the same networks in the CLI on it.
    const doc = await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as { backend: string; config: Record<string, unknown> };
    expect([doc.backend, doc.config.backend]).toEqual(['cpu', 'cpu']);
    expect(parseMlpConfig(doc.config).backend).toBe('cpu');
    expect(await page.locator('.lil-gui [data-field="backend"]').count(), 'a control for the setting').toBe(1);
    // Switching the setting restarts the run, on the GPU trainer; the notice goes; the URL says so.
    expect(await page.evaluate(() => window.lazyrich!.mlp!.change({ backend: 'gpu' }))).toBe(true);
    await waitFor(page, "s.backend === 'gpu' && s.state === 'done'", 60_000);
    expect(await status(page)).toMatchObject({ backend: 'gpu', adapter: gpu.name, recorded: 3 });
    expect(await page.locator('#notices [data-id="mlp-backend"]').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toContain('&backend=gpu');
    expect((await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as { backend: string }).backend).toBe('gpu');
    expect(errors).toEqual([]);
  });

  it('a bad backend key is refused by name (the run goes on as auto); backend=gpu without WebGPU is refused by name and runs on the f64 CPU backend', { timeout: 120_000 }, async () => {
    const bad = await open(`${SMALL}&backend=fast`);
    expect((await alerts(bad.page)).join(' ')).toMatch(/URL key backend: .*\(backend\)/);
    await waitFor(bad.page, "s.state === 'done'", 60_000);
    expect(await status(bad.page)).toMatchObject({ backend: 'cpu', networks: 4, recorded: 3 });
    expect(await bad.page.evaluate(() => location.hash)).toContain('&backend=auto');
    expect(bad.errors).toEqual([]);
    const none = await open(`${SMALL}&backend=gpu`, { initScript: NO_WEBGPU });
    expect((await alerts(none.page)).join(' ')).toContain('URL key backend: backend = gpu (backend): this browser has no WebGPU; training on the f64 CPU backend instead (backend = auto).');
    await waitFor(none.page, "s.state === 'done'", 60_000);
    expect(await status(none.page)).toMatchObject({ backend: 'cpu', adapter: 'f64 CPU reference (no WebGPU)', networks: 4, recorded: 3 });
    expect(await none.page.evaluate(() => location.hash)).toContain('&backend=auto');
    expect(none.errors).toEqual([]);
  });

  // Measurement, not a check (MLP_MEASURE=1): seconds per checkpoint interval of the presets as they are, on the
  // software adapter and on the f64 CPU fallback, extrapolated to the whole run (the README and softwareAdapterNote quote it).
  it.runIf(!!process.env.MLP_MEASURE)('measure: rhm-reduced and grokking presets, first checkpoint interval, SwiftShader and f64 CPU', { timeout: 600_000 }, async () => {
    for (const [hash, gpu] of [['#model=mlp&v=1&p=rhm-reduced', true], ['#model=mlp&v=1&p=rhm-reduced', false], ['#model=mlp&v=1&p=grokking', true], ['#model=mlp&v=1&p=grokking', false]] as const) {
      const { page } = await open(gpu ? `${hash}&backend=gpu` : hash, gpu ? {} : { initScript: NO_WEBGPU });
      await waitFor(page, 's.recorded >= 1', 120_000);
      const t0 = Date.now();
      await waitFor(page, 's.recorded >= 2', 400_000);
      const dt = (Date.now() - t0) / 1000;
      const s = await status(page);
      const C = s.checkpointsTotal;
      console.log(`${hash} on ${s.backend} (${s.adapter}): ${s.networks} networks, one interval of ${s.totalSteps / (C - 1)} steps + a metric pass in ${dt.toFixed(1)} s `
        + `→ about ${((dt * (C - 1)) / 60).toFixed(1)} min for ${s.totalSteps} steps (${Math.round(s.networkStepsPerSecond)} network-steps/s while stepping)`);
      await page.close();
    }
  });
});
