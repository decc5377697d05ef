/**
 * URL-hash fuzz in the browser (issue 11, "measure and keep measuring"): seeded bad hashes on the single-neuron, relu2,
 * linear2 and mlp pages, script-injection attempts in every key, in model= and as unknown keys. Most cases change the hash of one
 * open page (hashchange), a few are first loads (page.goto). Asserted for every case: no page error, no
 * injected script ran (a window flag every payload would set, and no element the payload would create), a
 * notice naming the URL key the user typed, and the running state kept: the hash is rewritten to the
 * params that run, and the simulation keeps going.
 */
import { SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eSession } from '../helpers/browser.ts';
import { Chooser } from '../helpers/fuzz.ts';
import { singleNeuronPlugin } from '../../src/models/singleNeuron/plugin.ts';
import { relu2Plugin } from '../../src/models/relu2/plugin.ts';
import { linear2Plugin } from '../../src/models/linear2/plugin.ts';
import { mlpPlugin } from '../../src/models/mlp/plugin.ts';

const session = e2eSession();

/** Payloads that set window.__pwned if they ever run. */
const INJECTIONS = [
  '<img src=x onerror="window.__pwned=1">', 'javascript:window.__pwned=1', '"><script>window.__pwned=1</script>',
  '<svg onload=window.__pwned=1>', "'-(window.__pwned=1)-'", '%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E',
  '&lt;script&gt;window.__pwned=1&lt;/script&gt;', '<iframe src="javascript:window.__pwned=1">', '${window.__pwned=1}',
  '%253Cscript%253Ewindow.__pwned%253D1%253C%252Fscript%253E',
];
/** Values no field accepts: text, non-plain numbers, out of every range. */
const BAD_VALUES = ['abc', '', '0x10', '+2', '.2e1', '1e999', 'NaN', 'Infinity', '1e308', '-1e308', '1,2,x', 'true!'];

/** The hash with key's value replaced (or added) by `value`, written as a browser would take it from a link. */
function withValue(hash: string, key: string, value: string): string {
  const pairs = hash.replace(/^#/, '').split('&').filter((p) => !p.startsWith(`${key}=`));
  return `#${[...pairs, `${key}=${encodeURIComponent(value)}`].join('&')}`;
}

interface Case { hash: string; names: string }

/** A bad variant of `running`: one key's value, an unknown key, a repeated key, or the version. */
function badCase(c: Chooser, running: string, keys: readonly string[]): Case {
  const value = c.chance(0.5) ? c.pick(INJECTIONS) : c.pick(BAD_VALUES);
  const kind = c.int(10);
  if (kind === 0) { const key = c.pick(['zzz', '<b>x</b>', 'onerror']); return { hash: `${running}&${encodeURIComponent(key)}=${encodeURIComponent(value)}`, names: `Unknown URL parameter "${encodeURIComponent(key)}"` }; }
  if (kind === 1) { const key = c.pick(keys); return { hash: `${running}&${key}=${encodeURIComponent(value)}`, names: `"${key}" appears twice` }; }
  if (kind === 2) return { hash: withValue(running, 'v', value), names: 'version' };
  const key = c.pick(keys);
  return { hash: withValue(running, key, value), names: `URL key ${key}:` };
}

const MODELS = [
  { plugin: singleNeuronPlugin, start: '#v=1&p=custom&dn=16&dirs=16', ready: 'window.lazyrich?.app', status: 'window.lazyrich.app.status',
    progress: '(s) => s.stepCount', cases: 120 },
  { plugin: relu2Plugin, start: '#model=relu2&v=1&p=fig1a&T=100000&cn=8', ready: 'window.lazyrich?.relu2', status: 'window.lazyrich.relu2.status',
    progress: '(s) => s.state === "done" ? Infinity : s.checkpointsDone * 1e9 + s.batch * 1e6 + s.step', cases: 80 },
  // aligned preset to t = 1000 (10⁵ steps of dt = 10⁻², 4 per frame): it animates through every case
  { plugin: linear2Plugin, start: '#model=linear2&v=1&p=aligned&T=1000&spf=4', ready: 'window.lazyrich?.linear2', status: 'window.lazyrich.linear2.status',
    progress: '(s) => s.state === "done" ? Infinity : s.step', cases: 80 },
  // the grokking preset shrunk to 2 networks of width 8, 10⁵ steps: it trains through every case on the GPU trainer
  // (backend=gpu; auto's f64 backend on a software adapter finished it before the last case)
  { plugin: mlpPlugin, start: '#model=mlp&v=1&p=grokking&mp=5&w=8&T=100000&ck=4&a=0.5,2&t=1&sn=1&P=4&backend=gpu', ready: 'window.lazyrich?.mlp',
    status: 'window.lazyrich.mlp.status', progress: '(s) => s.state === "done" ? Infinity : s.checkpointsDone * 1e9 + s.batch * 1e6 + s.step', cases: 80 },
] as const;

const pwned = (page: Page) => page.evaluate(() => ({
  flag: (window as unknown as { __pwned?: unknown }).__pwned,
  elements: document.querySelectorAll('#notices img, #notices script, #notices svg, #notices iframe, body > img, body > svg').length,
}));

describe('URL-hash fuzz', () => {
  for (const [m, model] of MODELS.entries()) {
    it(`${model.plugin.id}: ${model.cases} bad hashes by hashchange are refused naming the URL key; the run and its hash are kept`, async () => {
      const { page, errors } = await session.open(model.start, model.ready, { width: 1100, height: 720 });
      const progress = () => page.evaluate(`(${model.progress})(${model.status})`) as Promise<number>;
      await page.waitForFunction(`(${model.progress})(${model.status}) > 0`, null, { timeout: 180_000 });
      const running = await page.evaluate(() => location.hash);
      expect(running).toMatch(/(^#|&)v=1&/);
      const keys = Object.values(model.plugin.schema).map((f) => f.key);
      const c = new Chooser(100 + m);
      for (let k = 0; k < model.cases; k++) {
        const { hash, names } = badCase(c, running, keys);
        const before = await progress();
        await page.evaluate((h) => { document.querySelectorAll('#notices [data-id="param-error"]').forEach((n) => n.remove()); location.hash = h; }, hash);
        const text = await page.locator('#notices [data-id="param-error"]').textContent({ timeout: 30_000 });
        expect(text, `case ${k}: ${hash}`).toContain(names);
        await page.waitForFunction((h) => location.hash === h, running, { timeout: 30_000 });
        if (k % 10 === 0) await page.waitForFunction(`(${model.progress})(${model.status}) > ${before}`, null, { timeout: 120_000 });
        expect(await pwned(page), `case ${k}: ${hash}`).toEqual({ flag: undefined, elements: 0 });
        expect(errors, `case ${k}: ${hash}`).toEqual([]);
      }
      await page.close();
    });
  }

  it('first loads: injections in model= and in a key of each model; the valid keys of the hash apply', async () => {
    const cases: [string, string, string][] = [
      ...INJECTIONS.slice(0, 4).map((x): [string, string, string] => [`#model=${encodeURIComponent(x)}&v=1`, 'window.lazyrich?.app', 'Unknown model']),
      ['#model=%E0%A4%A&v=1', 'window.lazyrich?.app', 'Unknown model'],
      [`#v=1&p=custom&dn=16&dirs=${encodeURIComponent(INJECTIONS[0])}&d=3&xy=1,2,3`, 'window.lazyrich?.app', 'URL key dirs:'],
      [`#model=relu2&v=1&p=fig1a&T=400&cn=${encodeURIComponent(INJECTIONS[2])}`, 'window.lazyrich?.relu2', 'URL key cn:'],
      [`#model=linear2&v=1&p=aligned&T=12&spf=${encodeURIComponent(INJECTIONS[1])}`, 'window.lazyrich?.linear2', 'URL key spf:'],
    ];
    for (const [hash, ready, names] of cases) {
      const { page, errors } = await session.open(hash, ready, { width: 1100, height: 720 });
      expect((await page.locator('#notices [role="alert"]').allTextContents()).join(' '), hash).toContain(names);
      expect(await pwned(page), hash).toEqual({ flag: undefined, elements: 0 });
      expect(errors, hash).toEqual([]);
      if (hash.includes('xy=1,2,3')) {
        // One bad key (dirs) is refused; d = 3, xy and dn apply, and the hash is rewritten to what runs.
        expect(await page.evaluate(() => window.lazyrich!.app!.status.n)).toBe(16 * SINGLE_NEURON_SCHEMA.directions.default);
        expect(await page.evaluate(() => location.hash)).toMatch(new RegExp(`[#&]d=3&.*xy=1%2C2%2C3.*&dn=16&.*dirs=${SINGLE_NEURON_SCHEMA.directions.default}(&|$)`));
      }
      if (hash.includes('model=relu2')) expect(await page.evaluate(() => location.hash)).toMatch(/[#&]T=400&cn=\d+(&|$)/);
      if (hash.includes('model=linear2')) expect(await page.evaluate(() => location.hash)).toMatch(/[#&]T=12&spf=\d+(&|$)/);
      await page.close();
    }
  });
});
