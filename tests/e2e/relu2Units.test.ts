/**
 * The Fig. 5a XOR preset (#model=relu2&p=xor, docs/theory.md §3.1) in headless Chromium on SwiftShader:
 * it opens with the middle τ column's upstream cell selected, animates (the parity pictures change
 * between checkpoints as the networks train), and neither the parity pictures nor the unit scatter is
 * blank (luminance variance of their screenshots). Short: the first checkpoints only, well under 60 s.
 * With LAZYRICH_SHOTS=<dir> it also saves the panels as units-*.png there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { e2eSession, modelPage } from '../helpers/browser.ts';

const session = e2eSession();
const { open, status, waitFor } = modelPage(session, 'relu2', { width: 1280, height: 1400 }, { waitTimeout: 40_000, polling: 100 });

/** Variance of the luminance (0…255) of a PNG screenshot. */
function lumaVariance(buf: Buffer): number {
  const png = PNG.sync.read(buf);
  let s = 0, s2 = 0;
  const n = png.width * png.height;
  for (let k = 0; k < png.data.length; k += 4) {
    const l = 0.299 * png.data[k] + 0.587 * png.data[k + 1] + 0.114 * png.data[k + 2];
    s += l; s2 += l * l;
  }
  return s2 / n - (s / n) ** 2;
}

/** Fraction of pixels that differ between two same-size screenshots. */
function changed(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a), y = PNG.sync.read(b);
  if (x.width !== y.width || x.height !== y.height) return 1;
  let n = 0;
  for (let k = 0; k < x.data.length; k += 4) if (Math.abs(x.data[k] - y.data[k]) + Math.abs(x.data[k + 1] - y.data[k + 1]) + Math.abs(x.data[k + 2] - y.data[k + 2]) > 30) n++;
  return n / (x.width * x.height);
}

const SHOTS = process.env.LAZYRICH_SHOTS;
const save = (name: string, buf: Buffer) => { if (SHOTS) { mkdirSync(SHOTS, { recursive: true }); writeFileSync(`${SHOTS}/${name}`, buf); } };

describe('relu2 Fig. 5a XOR preset: parity pictures and unit scatter', () => {
  it('opens, animates, and draws non-blank parity and unit panels', { timeout: 90_000 }, async () => {
    const { page, errors } = await open('#model=relu2&v=1&p=xor');
    const s0 = await status(page);
    expect(s0).toMatchObject({ kind: 'grid', networks: 9, cells: 9, selectedCell: 5 });
    expect(await page.locator('#r2-parity-panel').isVisible()).toBe(true);
    expect(await page.locator('#r2-parity-row canvas').count()).toBe(3);
    // Early checkpoint (log-spaced: steps 1, 2, 3, …), then a later one: the pictures change.
    await waitFor(page, 's.checkpointsDone >= 4');
    await page.waitForTimeout(300);
    const early = await page.locator('#r2-parity-row').screenshot();
    const earlyStatus = await status(page);
    await waitFor(page, `s.checkpointsDone >= ${Math.min(earlyStatus.checkpointsDone + 12, s0.checkpointsTotal)}`);
    await page.waitForTimeout(300);
    const later = await page.locator('#r2-parity-row').screenshot();
    expect((await status(page)).step).toBeGreaterThan(earlyStatus.step);
    expect(changed(early, later)).toBeGreaterThan(0.01);
    // Not blank: the parity pictures and the scatter have structure (a flat panel has variance 0; the
    // background with text only is far below these bounds).
    const scatter = await page.locator('#r2-units-scatter canvas').screenshot();
    for (let k = 1; k <= 3; k++) expect(lumaVariance(await page.locator(`#r2-parity-row .r2-parity-slot:nth-child(${k}) canvas`).screenshot())).toBeGreaterThan(200);
    expect(lumaVariance(scatter)).toBeGreaterThan(50);
    expect(await page.locator('#r2-units-panel .r2-caption').textContent()).toContain('Upstream');
    save('units-parity-early.png', early);
    save('units-parity.png', later);
    save('units-scatter.png', scatter);
    if (SHOTS) save('units-page.png', await page.screenshot({ fullPage: true }));
    expect(errors).toEqual([]);
    await page.close();
  });
});
