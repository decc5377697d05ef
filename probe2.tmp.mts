import { chromium } from 'playwright-core';
import { preview } from 'vite';
const FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader',
  '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, logLevel: 'silent' });
const url = server.resolvedUrls!.local[0];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
const t0 = Date.now();
await page.goto(url);
await page.waitForFunction(() => !!(window as any).lazyrich?.app, null, { timeout: 120000 });
for (const wait of [10000, 20000, 30000]) {
  await page.waitForTimeout(wait);
  const s = await page.evaluate(() => { const a = (window as any).lazyrich.app; const st = a.status; return { el: 0, steps: st.stepCount, t: st.time, n: st.n, sum: st.summary, rec: st.recordedSamples, sel: st.selection, charts: a.charts.map((c: any) => c.curves.map((x: any) => x.points).join(',')), paths: a.featured.paths.drawn.map((p: any) => p.label + ':' + p.times.length) }; });
  console.log(Date.now() - t0, JSON.stringify(s), errors);
  await page.screenshot({ path: `/tmp/teach/shot-${wait}.png` });
}
console.log(await page.evaluate(() => location.hash));
await browser.close(); await server.close();
