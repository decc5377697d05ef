import { launchBrowser, serveDist } from './tests/helpers/browser.ts';
import { heatmapLayout } from './src/views/heatmap.ts';
const hash = process.argv[2];
const out = process.argv[3];
const { server, url } = await serveDist();
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('CONSOLE', m.type(), m.text()); });
await page.goto(url + hash);
await page.waitForFunction(() => window.lazyrich?.relu2?.status.state === 'done', null, { timeout: 300000, polling: 500 });
const st = await page.evaluate(() => window.lazyrich!.relu2!.status);
if (st.kind === 'grid') {
  const box = (await page.locator('#r2-heatmap canvas').boundingBox())!;
  const p = heatmapLayout(box.width, box.height);
  const rows = Number(process.argv[4] ?? 2);
  await page.mouse.click(box.x + p.x + 0.5 / rows * p.w, box.y + p.y + 0.5 / rows * p.h);
  await page.waitForTimeout(500);
}
await page.screenshot({ path: out });
await browser.close(); await server.close();
