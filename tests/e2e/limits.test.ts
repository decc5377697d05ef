/**
 * Large runs in the app (issue 10 defect 9, issue 11 defect 3): a grid whose estimate is large asks first
 * (src/app/estimateDialog.ts), "keep" keeps the current run and its URL, "run" runs it (the longest
 * main-thread timer gap is logged as a measurement); a run over the device's buffer limits is refused
 * naming the URL key. A large relu2 CSV upload warns with the kernel-distance estimate first (defect 5).
 */
import { firstLoadParams, SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';

const session = e2eSession();
const open = (hash = '') => session.open(hash, 'window.lazyrich?.app || window.lazyrich?.fallback', { width: 1100, height: 720 });
const status = (page: Page) => page.evaluate(() => window.lazyrich!.app!.status as unknown as { n: number; stepCount: number; adapter: string });
/** Trajectories of a first load on this page's adapter (Fig. 2, 33 × 66 on a software adapter: params.ts SOFTWARE_DEFAULTS). */
const firstLoadN = (adapter: string) => { const p = firstLoadParams(/swiftshader|llvmpipe|software/i.test(adapter)); return p.deltaCount * p.directions; };
const dialog = (page: Page) => page.locator('#estimate-dialog');
/** Clicks a dialog button in the page (no actionability waits: the page may be busy animating on a software adapter). */
const answer = (page: Page, which: 'run' | 'keep') => page.evaluate((w) => {
  (document.querySelector(`#estimate-dialog [data-answer="${w}"]`) as HTMLButtonElement).click();
  return !document.querySelector('#estimate-dialog');
}, which);

/** Starts a heartbeat in the page: the longest gap (ms) between 50 ms timer ticks is window.__maxGap. */
async function startHeartbeat(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __maxGap: number };
    w.__maxGap = 0;
    let last = performance.now();
    setInterval(() => { const now = performance.now(); w.__maxGap = Math.max(w.__maxGap, now - last); last = now; }, 50);
  });
}

/** The schema's default grid (the fig2 preset: 513 δ × 514 directions), which a URL with a version runs. */
const DEFAULT_DN = SINGLE_NEURON_SCHEMA.deltaCount.default;
const DEFAULT_DIRS = SINGLE_NEURON_SCHEMA.directions.default;

describe('a large single-neuron grid asks first', () => {
  it('4,194,304 trajectories: the dialog states memory and time; "keep" keeps the run and the URL', async () => {
    const { page, errors } = await open();
    const before = await status(page);
    const hashBefore = await page.evaluate(() => location.hash);
    await page.evaluate(() => { location.hash = '#v=1&dn=2048&dirs=2048'; });
    await dialog(page).waitFor({ timeout: 30_000 });
    expect(await dialog(page).getAttribute('role')).toBe('dialog');
    expect(await dialog(page).textContent()).toMatch(/^This grid has 4,194,304 trajectories: ~[\d.]+ [MG]B on the GPU, ~[\d.]+ [MG]B on the host, ~[\d.]+ s to set up\./);
    expect(await answer(page, 'keep')).toBe(true); // gone at once
    expect((await status(page)).n).toBe(before.n);
    expect(await page.evaluate(() => location.hash)).toBe(hashBefore);
    const steps = (await status(page)).stepCount;
    await page.waitForFunction((k) => window.lazyrich!.app!.status.stepCount > k, steps, { timeout: 60_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('"run" runs it (the longest main-thread timer gap is logged, not asserted)', async () => {
    const { page, errors } = await open();
    await page.evaluate(() => { location.hash = '#v=1&dn=2048&dirs=2048'; });
    await dialog(page).waitFor({ timeout: 30_000 });
    await startHeartbeat(page);
    expect(await answer(page, 'run')).toBe(true);
    await page.waitForFunction(() => window.lazyrich!.app!.status.n === 4_194_304, null, { timeout: 120_000 });
    const maxGap = await page.evaluate(() => (window as unknown as { __maxGap: number }).__maxGap);
    console.log(`4,194,304 trajectories: longest main-thread gap ${maxGap.toFixed(0)} ms`);
    expect(await page.evaluate(() => location.hash)).toMatch(/[&#]dn=2048(&|$)/);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('2²⁴ trajectories in the URL at start: asked (or refused naming dn over the device limits) before anything is built', async () => {
    const { page, errors } = await session.open('#v=1&dn=4096&dirs=4096', "document.querySelector('#estimate-dialog') || window.lazyrich?.app",
      { width: 1100, height: 720 }, { checkError: false });
    if (await dialog(page).count()) {
      expect(await dialog(page).textContent()).toMatch(/This grid has 16,777,216 trajectories/);
      expect(await answer(page, 'keep')).toBe(true);
      await page.waitForFunction(() => !!window.lazyrich?.app, null, { timeout: 120_000 });
    } else {
      expect((await page.locator('#notices [role="alert"]').allTextContents()).join(' ')).toMatch(/16,777,216 trajectories \(dn, dirs\) need a GPU buffer of .*Reduce dn, dirs/);
    }
    // Declined or refused: the page starts as a first load does, Fig. 2 sized by the adapter.
    const s = await status(page);
    expect(s.n).toBe(firstLoadN(s.adapter));
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('a hash whose every key is refused starts as a first load (Fig. 2 sized by the adapter), not the full default grid', async () => {
    const { page, errors } = await session.open('#v=1&p=fig9&h=abc', 'window.lazyrich?.app', { width: 1100, height: 720 });
    expect((await page.locator('#notices [role="alert"]').allTextContents()).join(' ')).toContain('Starting with the default preset instead.');
    const s = await status(page);
    expect(s.n).toBe(firstLoadN(s.adapter));
    if (/swiftshader/i.test(s.adapter)) expect(s.n).toBeLessThan(DEFAULT_DN * DEFAULT_DIRS);
    // A valid hash is not resized: the URL's grid runs as given.
    const kept = await session.open('#v=1&p=fig2&dn=9&dirs=6', 'window.lazyrich?.app', { width: 1100, height: 720 });
    expect((await status(kept.page)).n).toBe(54);
    expect(errors).toEqual([]);
    await page.close();
    await kept.page.close();
  }, 120_000);
});

/** A CSV of n samples in d inputs (x on a seeded pseudo-random grid, y = ReLU(x1)): ~10 MB at d = 20, n = 39,683. */
function largeCsv(n: number, d: number): Buffer {
  const header = [...Array.from({ length: d }, (_, j) => `x${j + 1}`), 'y'].join(',');
  const lines = [header];
  let s = 12345;
  const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s / 2 ** 32 - 0.5).toFixed(9); };
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: d }, next);
    lines.push(`${x.join(',')},${Math.max(0, Number(x[0])).toFixed(9)}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const relu2Status = (page: Page) => page.evaluate(() => window.lazyrich!.relu2!.status as unknown as { networks: number; state: string });

describe('a large relu2 CSV upload (issue 11 defect 5)', () => {
  it('10 MB (d = 20, n = 39,683): warns with the kernel-distance estimate first; "keep" answers at once and the run goes on', async () => {
    const { page, errors } = await session.open('#model=relu2&v=1', 'window.lazyrich?.relu2', { width: 1280, height: 860 });
    const before = await relu2Status(page);
    const csv = largeCsv(39_683, 20);
    expect(csv.length).toBeGreaterThan(9e6);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByText('upload train CSV').click()]);
    await chooser.setFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: csv });
    await dialog(page).waitFor({ timeout: 60_000 });
    expect(await dialog(page).textContent()).toMatch(/^big\.csv has n = 39,683 samples \(d = 20\)\. The kernel distance S compares the NTK Grams over all 7\.9e8 sample pairs: ~[\d.]+ (s|min|h) per checkpoint for the [\d,]+ networks on this adapter/);
    const t0 = Date.now();
    expect(await answer(page, 'keep')).toBe(true);
    // the page answers: the click and a second round trip to the page's main thread within 1 s
    expect(await page.evaluate(() => document.querySelector('#estimate-dialog') === null)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await page.evaluate(() => location.hash)).not.toMatch(/data=upload/);
    expect((await relu2Status(page)).networks).toBe(before.networks);
    expect(await page.locator('#notices [data-id="upload"]').textContent()).toContain('big.csv was not loaded; the current run continues.');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);
});
