import { launchBrowser, serveDist } from './tests/helpers/browser.ts';
const { server, url } = await serveDist();
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto(url + '#model=relu2&v=1&p=fig1a&T=10');
console.log(await page.evaluate(async () => { const a = await navigator.gpu.requestAdapter(); return JSON.stringify({ s: a!.limits.maxStorageBufferBindingSize, b: a!.limits.maxBufferSize, wg: a!.limits.maxComputeWorkgroupsPerDimension }); }));
await browser.close(); await server.close();
