/**
 * Device loss in the built app (issue 11 defect 1), in headless Chromium (WebGPU on SwiftShader here):
 * the GPUDevice destroyed by someone else than the app (window.lazyrich.gpu.device.destroy()) while the
 * default page animates and while a small relu2 grid runs, and the GPU process crashed through the
 * DevTools protocol (Browser.crashGpuProcess). Each time the page must see the loss, get a new device
 * within 2 s of seeing it, continue from the kept step count (single neuron) or with every finished
 * network kept and the run going on (relu2), say so in the 'gpu-lost' notice, and raise no page error.
 * Without a new device (adapters refused after the loss) relu2 finishes on its f64 CPU backend and the
 * single neuron stays stopped at its step, each saying so. The mlp page (backend=gpu) keeps the checkpoints read before
 * the loss and completes on the new device or, without one, on its f64 CPU backend; a run on its f64 CPU backend (auto
 * on this software adapter) is left alone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';

const session = e2eSession();


interface Loss { reason: string; seenAt: number; deviceAt: number | null; recoveredAt: number | null; resumed: string }

const losses = (page: Page): Promise<Loss[]> => page.evaluate(() => (window.lazyrich?.gpuLosses ?? []) as Loss[]);

/** Waits until `count` losses were seen and the last one handled (recovered or not). */
async function waitRecovered(page: Page, count: number): Promise<Loss> {
  await page.waitForFunction((k) => {
    const l = window.lazyrich?.gpuLosses ?? [];
    return l.length >= k && (l[k - 1].recoveredAt !== null || l[k - 1].resumed !== '');
  }, count, { timeout: 30_000 });
  return (await losses(page))[count - 1];
}

const noticeText = (page: Page) => page.locator('#notices [data-id="gpu-lost"]').textContent();

/**
 * Single-neuron status: completed steps, queued steps, the step of the last read-back state (the restart
 * point, src/models/singleNeuron/app/snapshot.ts), and the params running; with `destroy`, the device is
 * destroyed in the same task, so nothing changes in between.
 */
const snStatus = (page: Page, destroy = false) => page.evaluate((d) => {
  const app = window.lazyrich!.app! as unknown as {
    status: { stepCount: number }; params: unknown; sim: { stepCount: number }; snapshots: { last: { step: number } | null };
  };
  const s = { step: app.status.stepCount, queued: app.sim.stepCount, kept: app.snapshots.last?.step ?? -1, params: JSON.stringify(app.params) };
  if (d) window.lazyrich!.gpu!.device.destroy();
  return s;
}, destroy);

/** Checks the single-neuron recovery after the `count`-th loss, seen when `before` was the status. */
async function expectSingleNeuronRecovered(page: Page, count: number, before: { kept: number; queued: number; params: string }, reason: RegExp): Promise<void> {
  const loss = await waitRecovered(page, count);
  expect(loss.reason).toMatch(reason);
  expect(loss.recoveredAt, 'a new device was had').not.toBeNull();
  expect(loss.deviceAt! - loss.seenAt, 'new device within 2 s of the loss').toBeLessThan(2000);
  const resumedAt = Number(/at step ([\d,]+)/.exec(loss.resumed)?.[1].replaceAll(',', ''));
  // The run continues from the last read-back state: the one seen at the loss (or one whose readback
  // completed just before the loss was handled), never from θ₀ and never beyond what was queued.
  expect(before.kept, 'a state was read back before the loss').toBeGreaterThan(0);
  expect(resumedAt, loss.resumed).toBeGreaterThanOrEqual(before.kept);
  expect(resumedAt, loss.resumed).toBeLessThanOrEqual(before.queued);
  expect(await noticeText(page)).toMatch(new RegExp(`GPU device lost \\((${reason.source})\\); recovered on a new device at step ${loss.resumed.replace(/^at step /, '')}`));
  const after = await snStatus(page);
  expect(after.params, 'the parameters are kept').toBe(before.params);
  expect(after.step).toBeGreaterThanOrEqual(resumedAt);
  // Steps continue on the new device, from the kept count.
  await page.waitForFunction((k) => window.lazyrich!.app!.status.stepCount >= k, resumedAt + 5, { timeout: 60_000 });
  const onSim = await page.evaluate(() => {
    const app = window.lazyrich!.app! as unknown as { sim: { state: GPUBuffer }; portrait: { source: { state: GPUBuffer } | null } };
    return app.portrait.source?.state === app.sim.state;
  });
  expect(onSim, 'the portrait draws the new sim').toBe(true);
}

/** Once window.__noGpu is set, no adapter is given and no device is opened (the spare adapter included). */
function refuseGpuOnFlag(): void {
  const w = window as unknown as { __noGpu?: boolean };
  const requestAdapter = GPU.prototype.requestAdapter;
  GPU.prototype.requestAdapter = function (this: GPU, o?: GPURequestAdapterOptions) { return w.__noGpu ? Promise.resolve(null) : requestAdapter.call(this, o); };
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
    return w.__noGpu ? Promise.reject(new DOMException('refused (test)', 'OperationError')) : requestDevice.call(this, d);
  };
}

describe('device loss (issue 11 defect 1)', () => {
  it('the default page: device.destroy() by another party → a new device, steps continue from the kept count', async () => {
    const { page, errors } = await session.open('', 'window.lazyrich?.app', { width: 1000, height: 700 });
    await page.waitForFunction(() => window.lazyrich!.app!.status.stepCount >= 10, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window.lazyrich!.app as unknown as { snapshots: { last: unknown } }).snapshots.last !== null, null, { timeout: 60_000 });
    const before = await snStatus(page, true);
    await expectSingleNeuronRecovered(page, 1, before, /destroyed/);
    // The lost device's calls stopped: no more steps counted on it, no page error at all.
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
  }, 180_000);

  it('a small relu2 grid: device.destroy() mid-run → finished networks kept, the run resumes and completes', async () => {
    const hash = '#model=relu2&v=1&p=fig1b-reduced&b=tau&tn=4&dn=2&sn=1&m=10&d=5&n=40&nt=40&T=1500&cn=3';
    const { page, errors } = await session.open(hash, 'window.lazyrich?.relu2', { width: 1100, height: 800 });
    // Every stored metric value (null: not computed yet), network-major (src/models/relu2/results.ts).
    const results = async () => JSON.parse(await page.evaluate(() => JSON.stringify(Array.from(window.lazyrich!.relu2!.currentResults.values)))) as (number | null)[];
    await page.waitForFunction(() => {
      const s = window.lazyrich!.relu2!.status;
      return s.state === 'running' && s.batch >= 1 && s.batch < s.batches;
    }, null, { timeout: 120_000 });
    // Read the state and destroy the device in one task, so no batch finishes in between.
    const { batch, values } = await page.evaluate(() => {
      const { batch } = window.lazyrich!.relu2!.status;
      const values = JSON.stringify(Array.from(window.lazyrich!.relu2!.currentResults.values));
      window.lazyrich!.gpu!.device.destroy();
      return { batch, values };
    });
    const st = { batch };
    const keptBefore = JSON.parse(values) as (number | null)[];
    const finished = st.batch * 2; // b=tau: one batch per τ, dn × sn = 2 networks each
    const loss = await waitRecovered(page, 1);
    expect(loss.reason).toBe('destroyed');
    expect(loss.recoveredAt).not.toBeNull();
    expect(loss.deviceAt! - loss.seenAt).toBeLessThan(2000);
    expect(loss.resumed).toMatch(new RegExp(`batch ${st.batch + 1}/4 from step 0 \\(${finished} finished networks kept\\)`));
    expect(await noticeText(page)).toMatch(/GPU device lost \(destroyed\); recovered on a new device at batch/);
    await page.waitForFunction(() => window.lazyrich!.relu2!.status.state === 'done', null, { timeout: 120_000 });
    const after = await results();
    // Every value stored before the loss (the finished batches and the interrupted batch's early
    // checkpoints) is there after it, unchanged; and the run completed every value.
    const stored = keptBefore.flatMap((v, k) => (v === null ? [] : [k]));
    const C = 4, M = after.length / (8 * C); // cn = 3 checkpoints after 0; 8 networks
    expect(stored.length).toBeGreaterThanOrEqual(finished * C * M);
    expect(stored.map((k) => after[k])).toEqual(stored.map((k) => keptBefore[k]));
    expect(after.every((v) => v !== null)).toBe(true);
    expect(errors).toEqual([]);
  }, 240_000);

  it('relu2 without a new device (adapters refused after the loss) → the run finishes on the f64 CPU backend, said so', async () => {
    const hash = '#model=relu2&v=1&p=fig1b-reduced&b=tau&tn=4&dn=2&sn=1&m=10&d=5&n=40&nt=40&T=1500&cn=3';
    const { page, errors } = await session.open(hash, 'window.lazyrich?.relu2', { width: 1100, height: 800 }, { initScript: refuseGpuOnFlag });
    await page.waitForFunction(() => {
      const s = window.lazyrich?.relu2?.status;
      return s?.state === 'running' && s.batch >= 1 && s.batch < s.batches;
    }, null, { timeout: 120_000 });
    await page.evaluate(() => { (window as unknown as { __noGpu: boolean }).__noGpu = true; window.lazyrich!.gpu!.device.destroy(); });
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).toBeNull();
    expect(loss.resumed).toMatch(/^on the f64 CPU reference, at batch \d\/4 from step 0/);
    expect(await noticeText(page)).toMatch(/GPU device lost \(destroyed\) and no new device could be had .*on the f64 CPU reference/);
    await page.waitForFunction(() => window.lazyrich!.relu2!.status.state === 'done', null, { timeout: 120_000 });
    const status = await page.evaluate(() => window.lazyrich!.relu2!.status);
    expect(status.backend).toBe('cpu');
    const values = JSON.parse(await page.evaluate(() => JSON.stringify(Array.from(window.lazyrich!.relu2!.currentResults.values)))) as (number | null)[];
    expect(values.every((v) => v !== null)).toBe(true);
    expect(errors).toEqual([]);
  }, 240_000);

  it('the single neuron without a new device → stopped at the kept step, said so, no page error', async () => {
    const { page, errors } = await session.open('#v=1&dn=64&dirs=64', '(window.lazyrich?.app?.status.stepCount ?? 0) >= 10', { width: 1000, height: 700 }, { initScript: refuseGpuOnFlag });
    const step = await page.evaluate(() => {
      (window as unknown as { __noGpu: boolean }).__noGpu = true;
      window.lazyrich!.gpu!.device.destroy();
      return window.lazyrich!.app!.status.stepCount;
    });
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).toBeNull();
    expect(await noticeText(page)).toMatch(new RegExp(`GPU device lost \\(destroyed\\) and no new device could be had .*stays stopped at step ${step.toLocaleString('en')}; reload the page`));
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => window.lazyrich!.app!.status.stepCount), 'no step counted on the lost device').toBe(step);
    expect(errors).toEqual([]);
  }, 180_000);

  // mlp (Part III): one ensemble run checkpoint by checkpoint on the GPU trainer (backend=gpu; auto picks the f64 CPU
  // backend on this software adapter): 4 networks × 300 steps, 6 checkpoints.
  const MLP_HASH = '#model=mlp&v=1&p=rhm-reduced&T=300&ck=6&n=128,256&nt=256&sn=1&P=16&a=0.1,10&t=1&bs=128&lr=0.03&w=32&hl=2&backend=gpu';
  type MlpDoc = { checkpoints: number[]; networks: Record<string, unknown>[]; backend: string };
  /** Opens MLP_HASH, waits for ≥ 2 checkpoints read mid-run, then (same task) reads the export and destroys the device. */
  async function mlpLossMidRun(initScript?: () => void) {
    const opened = await session.open(MLP_HASH, 'window.lazyrich?.mlp', { width: 1200, height: 900 }, initScript ? { initScript } : {});
    const { page } = opened;
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status.backend), 'backend=gpu trains on the GPU trainer').toBe('gpu');
    await page.waitForFunction(() => { const s = window.lazyrich!.mlp!.status; return s.state === 'running' && s.recorded >= 2 && s.recorded < 6; }, null, { timeout: 120_000, polling: 100 });
    const before = await page.evaluate((noGpu) => {
      const app = window.lazyrich!.mlp!;
      const doc = JSON.stringify(app.resultJson());
      if (noGpu) (window as unknown as { __noGpu: boolean }).__noGpu = true;
      window.lazyrich!.gpu!.device.destroy();
      return { recorded: app.status.recorded, doc };
    }, !!initScript);
    return { ...opened, recorded: before.recorded, doc: JSON.parse(before.doc) as MlpDoc };
  }
  /** Every value read before the loss is unchanged after it, and the run completed every checkpoint. */
  async function expectMlpKeptAndDone(page: Page, recorded: number, doc: MlpDoc, backend: 'gpu' | 'cpu'): Promise<void> {
    await page.waitForFunction(() => window.lazyrich!.mlp!.status.state === 'done', null, { timeout: 180_000, polling: 250 });
    const s = await page.evaluate(() => window.lazyrich!.mlp!.status);
    expect(s).toMatchObject({ backend, recorded: 6, networks: 4 });
    const after = await page.evaluate(() => window.lazyrich!.mlp!.resultJson()) as MlpDoc;
    expect(after.backend).toBe(backend);
    expect(doc.checkpoints.length).toBe(recorded);
    expect(after.checkpoints).toEqual([0, 60, 120, 180, 240, 300]);
    after.networks.forEach((n, i) => {
      for (const key of ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'kernelDistance', 'hamming', 'paramDistance']) {
        const a = n[key] as (number | null)[];
        expect(a.slice(0, recorded), `network ${i} ${key} kept`).toEqual((doc.networks[i][key] as number[]).slice(0, recorded));
        expect(a.length).toBe(6);
        expect(a.every((v) => v !== null && Number.isFinite(v)), `network ${i} ${key} complete`).toBe(true);
      }
    });
  }

  it('a small mlp run on the GPU trainer: device.destroy() mid-run → checkpoints read so far kept, the run resumes on a new device and completes', async () => {
    const { page, errors, recorded, doc } = await mlpLossMidRun();
    const loss = await waitRecovered(page, 1);
    expect(loss.reason).toBe('destroyed');
    expect(loss.recoveredAt, 'a new device was had').not.toBeNull();
    expect(loss.deviceAt! - loss.seenAt).toBeLessThan(2000);
    expect(loss.resumed).toMatch(new RegExp(`from θ₀ \\(the ${recorded} checkpoints read so far are kept\\)`));
    expect(await noticeText(page)).toMatch(/GPU device lost \(destroyed\); recovered on a new device from θ₀ \(the \d checkpoints read so far are kept\)/);
    await expectMlpKeptAndDone(page, recorded, doc, 'gpu');
    expect(errors).toEqual([]);
  }, 240_000);

  it('mlp without a new device (adapters refused after the loss) → kept checkpoints, the run finishes on the f64 CPU backend, said so', async () => {
    const { page, errors, recorded, doc } = await mlpLossMidRun(refuseGpuOnFlag);
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).toBeNull();
    expect(loss.resumed).toMatch(new RegExp(`^on the f64 CPU backend, from θ₀ \\(the ${recorded} checkpoints read so far are kept\\)`));
    expect(await noticeText(page)).toMatch(/GPU device lost \(destroyed\) and no new device could be had .*on the f64 CPU backend, from θ₀/);
    await expectMlpKeptAndDone(page, recorded, doc, 'cpu');
    expect(errors).toEqual([]);
  }, 240_000);

  it('mlp on the f64 CPU backend (auto on this software adapter): device.destroy() leaves the run alone (no rewind), said so', async () => {
    const hash = MLP_HASH.replace('&backend=gpu', '');
    const { page, errors } = await session.open(hash, 'window.lazyrich?.mlp', { width: 1200, height: 900 });
    await page.waitForFunction(() => { const s = window.lazyrich!.mlp!.status; return s.state === 'running' && s.recorded >= 2 && s.recorded < 6; }, null, { timeout: 120_000, polling: 100 });
    const before = await page.evaluate(() => {
      const s = window.lazyrich!.mlp!.status;
      window.lazyrich!.gpu!.device.destroy();
      return s;
    });
    expect(before.backend).toBe('cpu');
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).not.toBeNull();
    expect(loss.resumed).toMatch(/^for later runs; the networks train on the f64 CPU backend, unaffected \(step [\d,]+\)$/);
    expect(Number(/step ([\d,]+)/.exec(loss.resumed)![1].replaceAll(',', '')), 'not rewound to θ₀').toBeGreaterThanOrEqual(before.step);
    const after = await page.evaluate(() => window.lazyrich!.mlp!.status);
    expect(after.recorded).toBeGreaterThanOrEqual(before.recorded);
    expect(after.checkpointsDone, 'no checkpoint redone').toBeGreaterThanOrEqual(before.checkpointsDone);
    await page.waitForFunction(() => window.lazyrich!.mlp!.status.state === 'done', null, { timeout: 180_000, polling: 250 });
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status)).toMatchObject({ backend: 'cpu', recorded: 6 });
    expect(errors).toEqual([]);
  }, 240_000);

  it('mlp: a loss after the run completed keeps every result and says so (no "from θ₀"); run again trains on the new device', async () => {
    const hash = '#model=mlp&v=1&p=grokking&mp=5&w=8&T=30&ck=3&a=0.5,2&t=1&sn=1&P=4&backend=gpu';
    const { page, errors } = await session.open(hash, 'window.lazyrich?.mlp', { width: 1200, height: 900 });
    await page.waitForFunction(() => window.lazyrich!.mlp!.status.state === 'done', null, { timeout: 120_000, polling: 100 });
    const doc = await page.evaluate(() => {
      const d = JSON.stringify(window.lazyrich!.mlp!.resultJson());
      window.lazyrich!.gpu!.device.destroy();
      return d;
    });
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).not.toBeNull();
    expect(loss.resumed).toBe('for the next run (the finished run\'s 3 checkpoints are kept)');
    expect(await noticeText(page)).toContain('GPU device lost (destroyed); recovered on a new device for the next run (the finished run\'s 3 checkpoints are kept).');
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status)).toMatchObject({ state: 'done', recorded: 3, backend: 'gpu' });
    expect(JSON.stringify(await page.evaluate(() => window.lazyrich!.mlp!.resultJson()))).toBe(doc);
    await page.evaluate(() => window.lazyrich!.mlp!.restart());
    await page.waitForFunction(() => { const s = window.lazyrich!.mlp!.status; return s.state === 'done' && s.recorded === 3; }, null, { timeout: 120_000, polling: 100 });
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status.backend)).toBe('gpu');
    expect(errors).toEqual([]);
  }, 240_000);

  it('mlp: a loss while the run is paused (cancelled) keeps it paused, to resume from θ₀ on the new device, said so', async () => {
    const { page, errors } = await session.open(MLP_HASH, 'window.lazyrich?.mlp', { width: 1200, height: 900 });
    await page.waitForFunction(() => { const s = window.lazyrich!.mlp!.status; return s.state === 'running' && s.recorded >= 2 && s.recorded < 6; }, null, { timeout: 120_000, polling: 100 });
    await page.evaluate(() => window.lazyrich!.mlp!.cancelResume());
    await page.waitForFunction(() => window.lazyrich!.mlp!.status.state === 'cancelled', null, { timeout: 30_000, polling: 100 });
    const recorded = await page.evaluate(() => { const n = window.lazyrich!.mlp!.status.recorded; window.lazyrich!.gpu!.device.destroy(); return n; });
    const loss = await waitRecovered(page, 1);
    expect(loss.recoveredAt).not.toBeNull();
    expect(loss.resumed).toBe(`from θ₀ when resumed (the ${recorded} checkpoints read so far are kept)`);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status)).toMatchObject({ state: 'cancelled', recorded, step: 0 });
    await page.evaluate(() => window.lazyrich!.mlp!.cancelResume());
    await page.waitForFunction(() => window.lazyrich!.mlp!.status.state === 'done', null, { timeout: 180_000, polling: 250 });
    expect(await page.evaluate(() => window.lazyrich!.mlp!.status)).toMatchObject({ backend: 'gpu', recorded: 6 });
    expect(errors).toEqual([]);
  }, 240_000);

  it('a GPU-process crash (DevTools Browser.crashGpuProcess) → recovered on a new device', async () => {
    const { page, errors } = await session.open('#v=1&dn=64&dirs=64', 'window.lazyrich?.app', { width: 1000, height: 700 });
    await page.waitForFunction(() => window.lazyrich!.app!.status.stepCount >= 10, null, { timeout: 120_000 });
    await page.waitForFunction(() => (window.lazyrich!.app as unknown as { snapshots: { last: unknown } }).snapshots.last !== null, null, { timeout: 60_000 });
    const before = await snStatus(page);
    const cdp = await session.browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess' as never).catch(() => { /* the reply may be lost with the process */ });
    // The crash comes after this task: steps and readbacks may still complete until the loss is seen.
    await expectSingleNeuronRecovered(page, 1, { ...before, queued: Number.MAX_SAFE_INTEGER }, /unknown|destroyed/);
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    await cdp.detach();
  }, 180_000);
});
