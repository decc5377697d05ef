/**
 * The teaching aids in headless Chromium (issue 10): the guided tour walked with the keyboard (a
 * screenshot per step in test-results/tour/), projector mode (pixels and computed font sizes), the
 * keyboard shortcuts and the help overlay, and replay of recorded time. With UPDATE_SCREENSHOTS=1 the
 * README's three screenshots (docs/screenshots/) are written from this run.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';
import { stepNeedsApply, tourEntries } from '../../src/app/tour.ts';
import { DARK_THEME, PROJECTOR_THEME } from '../../src/views/theme.ts';
import { parseColor } from '../../src/views/colormaps.ts';

const session = e2eSession();
const VIEWPORT = { width: 1280, height: 800 };
const OUT = 'test-results/tour';
const DOCS = 'docs/screenshots';
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
mkdirSync(OUT, { recursive: true });

const SINGLE_READY = 'window.lazyrich?.app && window.lazyrich?.keys';

interface Status { stepCount: number; time: number; playing: boolean }
const status = (page: Page): Promise<Status> => page.evaluate(() => window.lazyrich!.app!.status as unknown as Status);

/** Waits for a page condition across page reloads (the tour reloads the page when it changes model). */
async function waitAcrossReloads(page: Page, fn: string, timeout = 180_000): Promise<void> {
  const until = Date.now() + timeout;
  for (;;) {
    try {
      await page.waitForFunction(fn, null, { timeout: Math.max(1000, until - Date.now()) });
      return;
    } catch (e) {
      if (Date.now() > until || !/context was destroyed|navigation/i.test(String(e))) throw e;
    }
  }
}

async function saveShot(page: Page, name: string, docsName?: string): Promise<void> {
  const path = `${OUT}/${name}.png`;
  writeFileSync(path, await page.screenshot({ timeout: 120_000 }));
  if (UPDATE && docsName) {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(path, `${DOCS}/${docsName}.png`);
  }
}

/** Mean luminance (0…255, Rec. 709 weights) of an element's screenshot. */
async function meanLuminance(page: Page, selector: string): Promise<number> {
  const png = PNG.sync.read(await page.locator(selector).first().screenshot({ timeout: 120_000 }));
  let sum = 0;
  for (let k = 0; k < png.data.length; k += 4) sum += 0.2126 * png.data[k] + 0.7152 * png.data[k + 1] + 0.0722 * png.data[k + 2];
  return sum / (png.width * png.height);
}

/** Fraction of pixels that differ by more than 24 (sum of |Δ| over RGB) between two screenshots of one size. */
function changed(a: PNG, b: PNG): number {
  let diff = 0;
  for (let k = 0; k < a.data.length; k += 4) {
    if (Math.abs(a.data[k] - b.data[k]) + Math.abs(a.data[k + 1] - b.data[k + 1]) + Math.abs(a.data[k + 2] - b.data[k + 2]) > 24) diff++;
  }
  return diff / (a.width * a.height);
}

const fontPx = (page: Page, selector: string) => page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(s)!).fontSize), selector);

describe('guided tour', () => {
  it('walks every step with the keyboard: params applied, panel highlighted, caption cites the figure, no page errors', async () => {
    const entries = tourEntries();
    const { page, errors } = await session.open('', SINGLE_READY, VIEWPORT);
    await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 20, null, { timeout: 120_000 });
    await saveShot(page, 'first-load', 'first-load');
    // Every single-neuron panel says how to read it in one line.
    for (const id of ['#portrait-caption', '#regime-caption', '#series-caption']) {
      expect((await page.locator(id).textContent())?.length ?? 0, id).toBeGreaterThan(40);
      expect(await page.locator(id).isVisible(), id).toBe(true);
    }
    await page.keyboard.press('t');
    for (let i = 0; i < entries.length; i++) {
      const { plugin, step } = entries[i];
      const ready = plugin.id === 'relu2' ? 'window.lazyrich?.relu2' : plugin.id === 'linear2' ? 'window.lazyrich?.linear2' : plugin.id === 'mlp' ? 'window.lazyrich?.mlp' : 'window.lazyrich?.app';
      await waitAcrossReloads(page, `(() => document.querySelector('#tour-card')?.dataset.step === '${i + 1}' && !!(${ready}))()`);
      // The step's params run: the page's hash (written by the session after it accepted them) already holds them.
      await waitAcrossReloads(page, `new URLSearchParams(location.search).get('tour') === '${i + 1}'`);
      const [hash, software] = await page.evaluate(() => [location.hash, !window.lazyrich?.gpu || window.lazyrich.gpu.isSoftware] as const);
      expect(stepNeedsApply(entries[i], plugin, hash, software), `step ${i + 1}: ${hash}`).toBe(false);
      // A few frames of the new settings (rendered frames, not a fixed time; the README's screenshots keep 2.5–4 s).
      if (UPDATE) await page.waitForTimeout(plugin.id === 'relu2' ? 4000 : 2500);
      else await page.evaluate(() => new Promise<void>((done) => { let k = 0; const f = () => (++k >= 3 ? done() : requestAnimationFrame(f)); requestAnimationFrame(f); }));
      expect(await page.locator('#tour-card h2').textContent()).toContain(step.figure);
      // The spotlight surrounds the step's panel.
      // (It follows the panel every frame; a panel that just grew, e.g. the HUD gaining a line, is caught up within frames.)
      const surrounds = async () => {
        const [spot, target] = await Promise.all([page.locator('#tour-spotlight').boundingBox(), page.locator(step.target).boundingBox()]);
        if (!spot || !target) return `step ${i + 1}: spotlight ${JSON.stringify(spot)}, ${step.target} ${JSON.stringify(target)}`;
        const inside = spot.x <= target.x + 1 && spot.y <= target.y + 1 && spot.x + spot.width >= target.x + target.width - 1
          && spot.y + spot.height >= target.y + target.height - 1;
        return inside ? 'surrounds' : `step ${i + 1}: spotlight ${JSON.stringify(spot)} does not surround ${step.target} ${JSON.stringify(target)}`;
      };
      await expect.poll(surrounds, { timeout: 10_000 }).toBe('surrounds');
      // The caption card covers at most a third of the panel it points at, and never the controls panel.
      const card = (await page.locator('#tour-card').boundingBox())!;
      const target = (await page.locator(step.target).boundingBox())!;
      const gui = (await page.locator('.lil-gui').first().boundingBox())!;
      const overlap = (a: typeof card, b: typeof card) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
        * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
      expect(overlap(card, target) / (target.width * target.height), `step ${i + 1}: card over ${step.target}`).toBeLessThan(1 / 3);
      expect(overlap(card, gui), `step ${i + 1}: card over the controls`).toBe(0);
      if (plugin.id === 'relu2') {
        // Every visible ReLU panel has its caption line.
        for (const panel of await page.locator('.r2-panel:visible').all()) expect(await panel.locator('.r2-caption').count()).toBeGreaterThan(0);
      }
      const docsName = i === 2 ? 'tour-step' : plugin.id === 'relu2' && step.figure === 'Fig. 1a' ? 'relu2' : undefined;
      await saveShot(page, `step-${i + 1}`, docsName);
      if (i < entries.length - 1) await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => document.querySelector<HTMLElement>('#tour-card')?.dataset.step === n, String(entries.length - 1));
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#tour-card')?.hidden === true);
    expect(await page.evaluate(() => location.search)).not.toContain('tour=');
    expect(errors).toEqual([]);
    await page.close(); // the Fig. 1b grid it started would keep the software adapter busy
  });

  it('entering a step starts its run from t = 0: the 3-D step after Fig. 2 keeps the ensemble, not its converged state', async () => {
    const { page, errors } = await session.open('?tour=1', SINGLE_READY, VIEWPORT);
    await page.waitForFunction(() => (window.lazyrich?.app?.status.time ?? 0) > 10, null, { timeout: 120_000 });
    const before = (await status(page)).time;
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#tour-card')?.dataset.step === '2');
    await expect.poll(async () => (await status(page)).time, { timeout: 10_000, interval: 20 }).toBeLessThan(before - 5);
    expect(await page.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('view'))).toBe('3d');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a link to a step (?tour=4) opens that step on load', async () => {
    const { page, errors } = await session.open('?tour=4', SINGLE_READY, VIEWPORT);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#tour-card')?.dataset.step === '4');
    await page.waitForFunction(() => /p=fig4b/.test(location.hash), null, { timeout: 60_000 });
    expect(await page.locator('#tour-card h2').textContent()).toContain('Fig. 4b');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('projector mode', () => {
  it('?theme=projector: a light portrait and regime map, larger fonts (computed style)', async () => {
    // One page at a time, a small ensemble (64 × 64): the software adapter is shared with the other tests' machines.
    const measure = async (query: string) => {
      const { page, errors } = await session.open(`${query}#v=1&p=fig2&dn=64&dirs=64&spf=4`, SINGLE_READY, VIEWPORT);
      await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 20, null, { timeout: 120_000 });
      await page.waitForTimeout(2000);
      if (query) await saveShot(page, 'projector');
      const m = {
        portrait: await meanLuminance(page, '#portrait'), map: await meanLuminance(page, '#regime-map canvas'),
        fonts: [await fontPx(page, 'body'), await fontPx(page, '#hud'), await fontPx(page, '#tour-button')],
        theme: await page.evaluate(() => document.documentElement.dataset.theme), errors,
        // The header keeps its tour and help buttons whole, and shows its subtitle legibly or not at all (not "s.").
        header: await page.evaluate(() => {
          const title = document.getElementById('title')!.getBoundingClientRect();
          const whole = ['tour-button', 'help-button'].every((id) => {
            const b = document.getElementById(id)!.getBoundingClientRect();
            return b.width > 0 && b.left >= title.left && b.right <= title.right + 0.5 && b.right <= window.innerWidth;
          });
          const span = document.querySelector('#title span') as HTMLElement;
          return { whole, subtitle: span.offsetParent === null || span.clientWidth >= 0.4 * span.scrollWidth };
        }),
      };
      await page.close();
      return m;
    };
    const dark = await measure('');
    const proj = await measure('?theme=projector');
    const lum = (c: string) => { const [r, g, b] = parseColor(c); return 255 * (0.2126 * r + 0.7152 * g + 0.0722 * b); };
    // Mostly background: each mean is near its theme's background luminance (dark ≈ 17, projector ≈ 251).
    expect(dark.portrait).toBeLessThan(lum(DARK_THEME.background) + 60);
    expect(proj.portrait).toBeGreaterThan(lum(PROJECTOR_THEME.background) - 60);
    expect(proj.map - dark.map).toBeGreaterThan(100);
    proj.fonts.forEach((px, k) => expect(px, ['body', '#hud', '#tour-button'][k]).toBeGreaterThanOrEqual(1.15 * dark.fonts[k]));
    expect([dark.theme, proj.theme]).toEqual(['dark', 'projector']);
    expect([dark.header, proj.header]).toEqual([{ whole: true, subtitle: true }, { whole: true, subtitle: true }]);
    expect([...dark.errors, ...proj.errors]).toEqual([]);
  });
});

describe('keyboard shortcuts', () => {
  it('space pauses (the step counter stops) and runs, → steps once, ? shows the help, typing in a field does nothing', async () => {
    const { page, errors } = await session.open('', SINGLE_READY, VIEWPORT);
    await page.waitForFunction(() => (window.lazyrich?.app?.status.stepCount ?? 0) > 10, null, { timeout: 120_000 });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.lazyrich?.app?.status.playing === false);
    await page.waitForTimeout(500); // an advance in flight may still land
    const paused = (await status(page)).stepCount;
    await page.waitForTimeout(1500);
    expect((await status(page)).stepCount).toBe(paused);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((k) => window.lazyrich?.app?.status.stepCount === k + 1, paused, { timeout: 30_000 });
    await page.keyboard.press(' ');
    await page.waitForFunction((k) => (window.lazyrich?.app?.status.stepCount ?? 0) > k + 1, paused, { timeout: 60_000 });
    // Typing a space in a number field of the controls neither pauses nor runs.
    const input = page.locator('.lil-gui input[type="text"]:visible, .lil-gui input[type="number"]:visible').first();
    await input.focus();
    await page.keyboard.press(' ');
    await page.keyboard.press('r');
    expect((await status(page)).playing).toBe(true);
    await input.evaluate((el) => (el as HTMLInputElement).blur());
    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#help-overlay').isVisible()).toBe(true);
    const help = await page.locator('#help-overlay').textContent();
    for (const k of ['space', '→', '←', 'r', 't', 'p', '?', 'Esc']) expect(help).toContain(k);
    await saveShot(page, 'help');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#help-overlay').isVisible()).toBe(false);
    // r resets to t = 0.
    const before = (await status(page)).stepCount;
    await page.keyboard.press('r');
    await page.waitForFunction((k) => (window.lazyrich?.app?.status.stepCount ?? 1e9) < k, before, { timeout: 30_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('time control', () => {
  it('replay shows an earlier recorded state (portrait pixels differ, HUD shows the earlier t); live restores the state', async () => {
    // 64 × 64 trajectories, 10 steps per frame: t = 1.5 within seconds even on a loaded software adapter.
    const { page, errors } = await session.open('#v=1&p=fig2&dn=64&dirs=64&spf=10', SINGLE_READY, VIEWPORT);
    await page.waitForFunction(() => (window.lazyrich?.app?.status.time ?? 0) > 1.5, null, { timeout: 180_000 });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => window.lazyrich?.app?.status.playing === false);
    await page.waitForTimeout(800);
    const live = await status(page);
    type Readable = { sim: { readState(): Promise<{ state: Float32Array }> } };
    const readState = () => page.evaluate(async () => Array.from((await (window.lazyrich!.app as unknown as Readable).sim.readState()).state.slice(0, 4096)));
    const liveState = await readState();
    const before = PNG.sync.read(await page.locator('#portrait').screenshot());
    const slider = page.locator('#scrub input[type="range"]');
    expect(Number(await slider.getAttribute('max'))).toBeGreaterThanOrEqual(4);
    await slider.fill('0');
    await expect.poll(() => page.locator('#hud').textContent(), { timeout: 30_000 }).toMatch(/replay: t = 0\.00/);
    // The simulation's state buffer (which the portrait draws) holds the initial state θ₀ again (f32 of the f64 ensemble).
    const initial = await page.evaluate(() => Array.from((window.lazyrich!.app as unknown as { sim: { ensemble: { state0: Float64Array } } }).sim.ensemble.state0.slice(0, 4096)));
    const replayed = await readState();
    replayed.forEach((v, k) => expect(Math.abs(v - initial[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(initial[k]))));
    await page.waitForTimeout(1500); // > 2 summary intervals (app.ts SUMMARY_INTERVAL_MS)
    // The HUD's theory error and warnings stay the live ones: no accuracy warning from comparing θ₀ with the exact θ(t).
    expect(await page.locator('#hud').textContent()).not.toMatch(/inaccurate/);
    const earlier = PNG.sync.read(await page.locator('#portrait').screenshot());
    expect(changed(before, earlier)).toBeGreaterThan(0.01);
    await saveShot(page, 'replay');
    // A middle snapshot: its t lies strictly between 0 and the live t.
    await slider.fill(String(Math.floor(Number(await slider.getAttribute('max')) / 2)));
    const replayT = async () => Number(/replay: t = ([\d.]+)/.exec((await page.locator('#hud').textContent()) ?? '')?.[1]);
    await expect.poll(replayT, { timeout: 30_000 }).toBeGreaterThan(0); // the HUD is rewritten every frame
    const mid = await replayT();
    expect(mid).toBeLessThan(live.time);
    await page.locator('#scrub button').click();
    await expect.poll(() => page.locator('#hud').textContent(), { timeout: 30_000 }).not.toMatch(/replay/);
    expect(await readState()).toEqual(liveState);
    expect((await status(page)).time).toBe(live.time);
    expect(errors).toEqual([]);
    await page.close();
  });
});
