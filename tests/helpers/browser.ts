/**
 * Headless Chromium for the e2e tests, driven by playwright-core (never downloads a browser).
 * Finds a system Chromium/Chrome by itself; CHROME_PATH overrides. The flags make WebGPU compute,
 * WebGPU canvases and WebGL2 all render through SwiftShader when no GPU is usable, and use the GPU otherwise.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { preview, type PreviewServer } from 'vite';

const CANDIDATES = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-vulkan=swiftshader',
  '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** Path of the browser to drive. @throws Error with install advice when none is found. */
export function chromiumPath(): string {
  const path = process.env.CHROME_PATH ?? CANDIDATES.find((p) => existsSync(p));
  if (!path) throw new Error('No Chromium found: apt-get install -y chromium, or set CHROME_PATH to a Chrome/Chromium binary.');
  return path;
}

/** Launches headless Chromium with the WebGPU flags. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}

/** Serves the built app (dist/, from `vite build`) on a free localhost port. */
export async function serveDist(): Promise<{ server: PreviewServer; url: string }> {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `vite build` first (npm test does).');
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'silent' });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { server, url };
}

/** An opened page and the uncaught page errors seen on it so far. */
export interface OpenedPage { page: Page; errors: string[] }

/** One browser and one server of the built app, shared by the tests of an e2e file. */
export interface E2eSession {
  readonly browser: Browser;
  readonly baseUrl: string;
  /**
   * Opens `baseUrl + hash` in a new page and waits up to 2 min until the JS expression `ready` is true.
   * Fails the test when the app set `window.lazyrich.error` (a fatal start-up error).
   */
  open(hash: string, ready: string, viewport: { width: number; height: number }): Promise<OpenedPage>;
}

/** Starts the server and browser in beforeAll and closes them in afterAll; call at a test file's top level. */
export function e2eSession(): E2eSession {
  let browser: Browser | undefined;
  let server: PreviewServer | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    ({ server, url: baseUrl } = await serveDist());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() { return browser!; },
    get baseUrl() { return baseUrl; },
    async open(hash, ready, viewport) {
      const page = await browser!.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${baseUrl}${hash}`);
      await page.waitForFunction(`(() => !!(${ready}) || !!window.lazyrich?.error)()`, null, { timeout: 120_000 });
      expect(await page.evaluate(() => window.lazyrich?.error)).toBeUndefined();
      return { page, errors };
    },
  };
}
