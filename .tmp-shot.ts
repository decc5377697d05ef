import { launchBrowser, serveDist } from './tests/helpers/browser.ts';
const hash = process.argv[2] ?? '#model=relu2&v=1&p=fig1a&T=2000';
const wait = Number(process.argv[3] ?? 20000);
const out = process.argv[4] ?? 'test-results/relu2-scratch.png';
const { server, url } = await serveDist();
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('CONSOLE', m.type(), m.text()); });
const t0 = Date.now();
await page.goto(url + hash);
await page.waitForFunction(() => !!window.lazyrich?.relu2 || !!window.lazyrich?.error, null, { timeout: 120000 });
console.log('started', Date.now() - t0, await page.evaluate(() => window.lazyrich?.error));
const end = Date.now() + wait;
while (Date.now() < end) {
  const s = await page.evaluate(() => { const s = window.lazyrich!.relu2!.status; return `${s.state} b${s.batch}/${s.batches} step ${s.step} cells ${s.cellsDone}/${s.cells} eta ${s.etaSeconds?.toFixed(0)} el ${s.elapsedSeconds.toFixed(1)}`; });
  console.log(((Date.now() - t0) / 1000).toFixed(1), s);
  if (s.startsWith('done')) break;
  await page.waitForTimeout(2000);
}
await page.screenshot({ path: out, fullPage: false });
console.log(await page.locator('#notices').textContent());
await browser.close();
await server.close();
