/**
 * Issue 12 item 2: the relu2 app's `kernel=` URL key in the browser. `auto` runs the adapter's default (thread on
 * this software adapter); `kernel=tiled` builds the run on the tiled kernel (window.lazyrich.relu2.status.kernel)
 * and trains it; an unknown kernel is refused by its key in a notice while the rest of the link applies.
 */
import { describe, expect, it } from 'vitest';
import { e2eSession, modelPage } from '../helpers/browser.ts';

const session = e2eSession();
const { open, status, waitFor } = modelPage(session, 'relu2', { width: 1280, height: 860 }, { polling: 50 });

describe('relu2 kernel= URL key', () => {
  it('auto is the thread kernel here; kernel=tiled runs the tiled kernel; kernel=warp is refused by name', async () => {
    // Fig. 1a, 20 steps, 1 checkpoint: a small run on any kernel.
    const small = '#model=relu2&v=1&p=fig1a&T=20&cn=1';
    const auto = await open(small);
    await waitFor(auto.page, "s.state === 'done'", 180_000);
    expect(await status(auto.page)).toMatchObject({ backend: 'gpu', kernel: 'thread', step: 20 });
    expect(await auto.page.evaluate(() => location.hash)).toMatch(/&kernel=auto(&|$)/);
    await auto.page.close();

    const tiled = await open(`${small}&kernel=tiled`);
    await waitFor(tiled.page, "s.state === 'done'", 180_000);
    expect(await status(tiled.page)).toMatchObject({ backend: 'gpu', kernel: 'tiled', step: 20 });
    expect(await tiled.page.evaluate(() => location.hash)).toMatch(/&kernel=tiled(&|$)/);
    expect(tiled.errors).toEqual([]);
    await tiled.page.close();

    const bad = await open(`${small}&kernel=warp`);
    await bad.page.waitForFunction(() => /URL key kernel:/.test(document.getElementById('notices')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await status(bad.page)).toMatchObject({ kernel: 'thread', lastStep: 20 });
    await bad.page.close();
  });
});
