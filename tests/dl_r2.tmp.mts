import { launchBrowser, serveDist } from '/work/wt-devloss/tests/helpers/browser.ts';
const { server, url } = await serveDist();
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
page.on('pageerror', (e) => console.log('pageerror', e.message));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console', m.type(), m.text().slice(0, 200)); });
const t0 = Date.now();
await page.goto(url + '#model=relu2&v=1&p=fig1b-reduced&b=tau&tn=4&dn=2&sn=1&m=10&d=5&n=40&nt=40&T=1500&cn=3');
for (let k = 0; k < 40; k++) {
  const s = await page.evaluate(() => { const r = window.lazyrich?.relu2; if (!r) return null; const s = r.status; return [s.state, s.batch, s.step, s.networks, s.checkpointsDone, s.error, JSON.stringify(window.lazyrich!.gpuLosses)]; });
  console.log((Date.now() - t0) / 1000, JSON.stringify(s));
  if (s && s[0] === 'running' && (s[1] as number) >= 1 && k < 100 && !(globalThis as any).done) { (globalThis as any).done = 1; await page.evaluate(() => window.lazyrich!.gpu!.device.destroy()); console.log('destroyed'); }
  if (s && s[0] === 'done') break;
  await page.waitForTimeout(1000);
}
console.log(await page.locator('#notices').textContent());
await browser.close(); await server.close();
