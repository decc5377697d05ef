/**
 * Headless Chromium for the e2e tests, driven by playwright-core (never downloads a browser).
 * Finds a system Chromium/Chrome by itself; CHROME_PATH overrides. The flags make WebGPU compute,
 * WebGPU canvases and WebGL2 all render through SwiftShader when no GPU is usable, and use the GPU otherwise.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
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

/** Page options beyond the viewport (all optional). */
export interface OpenOptions {
  /** Device pixel ratio (default 1). */
  deviceScaleFactor?: number;
  /** Keep downloads (PNG, CSV and JSON exports). */
  acceptDownloads?: boolean;
  /** Runs in the page before any of its scripts (page.addInitScript), e.g. NO_WEBGPU. */
  initScript?: () => void;
  /** How long (ms) `ready` may take; default 120 s. */
  timeout?: number;
  /** Fail when the app set `window.lazyrich.error` (default true). */
  checkError?: boolean;
}

/** Init script: the page sees no WebGPU (navigator.gpu is undefined), so the app starts its CPU fallback. */
export function NO_WEBGPU(): void {
  Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });
}

/** One browser and one server of the built app, shared by the tests of an e2e file. */
export interface E2eSession {
  readonly browser: Browser;
  readonly baseUrl: string;
  /**
   * Opens `baseUrl + hash` in a new page (its own context) and waits until the JS expression `ready` is
   * true or the app set `window.lazyrich.error`; `ready` null: returns once the page has loaded. Page
   * errors are collected from before the first script runs. Fails the test when the app set
   * `window.lazyrich.error` (a fatal start-up error), unless `options.checkError` is false.
   */
  open(hash: string, ready: string | null, viewport: { width: number; height: number }, options?: OpenOptions): Promise<OpenedPage>;
  /** Closes every page still open except those passed to {@link keep}. */
  closeAll(): Promise<void>;
  /** Keeps `page` open after its test (for a run that the file's later tests check); closeAll leaves it. */
  keep(page: Page): void;
}

/**
 * Starts the server and browser in beforeAll and closes them in afterAll; call at a test file's top level.
 * After each test the pages it opened and left open are closed (a failed test's page would keep the software
 * adapter busy for the next tests), except pages given to `keep`; pages opened in a beforeAll stay.
 */
export function e2eSession(): E2eSession {
  let browser: Browser | undefined;
  let server: PreviewServer | undefined;
  let baseUrl = '';
  const kept = new Set<Page>();
  let openBefore = new Set<Page>();
  const openPages = () => (browser?.contexts() ?? []).flatMap((c) => c.pages());
  beforeAll(async () => {
    // The server and the browser start together (Chromium's start-up is seconds on a loaded machine).
    const [served, launched] = await Promise.all([serveDist(), launchBrowser()]);
    ({ server, url: baseUrl } = served);
    browser = launched;
  });
  beforeEach(() => { openBefore = new Set(openPages()); });
  afterEach(async () => {
    for (const page of openPages()) if (!kept.has(page) && !openBefore.has(page)) await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser() { return browser!; },
    get baseUrl() { return baseUrl; },
    async open(hash, ready, viewport, options = {}) {
      const page = await browser!.newPage({ viewport, deviceScaleFactor: options.deviceScaleFactor, acceptDownloads: options.acceptDownloads });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      if (options.initScript) await page.addInitScript(options.initScript);
      await page.goto(`${baseUrl}${hash}`);
      if (ready !== null) {
        await page.waitForFunction(`(() => !!(${ready}) || !!window.lazyrich?.error)()`, null, { timeout: options.timeout ?? 120_000, polling: 100 });
      }
      if (options.checkError ?? true) expect(await page.evaluate(() => window.lazyrich?.error)).toBeUndefined();
      return { page, errors };
    },
    async closeAll() {
      for (const page of openPages()) if (!kept.has(page)) await page.close();
    },
    keep(page) { kept.add(page); page.once('close', () => kept.delete(page)); },
  };
}

/** The status object a model's app exposes as `window.lazyrich[key].status`. */
export type StatusOf<K extends keyof LazyrichGlobals> = NonNullable<LazyrichGlobals[K]> extends { status: infer S } ? S : never;

/** How a model's page is waited on and read (see {@link modelPage}). */
export interface ModelPageOptions {
  /** Default timeout (ms) of {@link ModelPage.waitFor}; omit it when every call names its own. */
  waitTimeout?: number;
  /** How often (ms) waitFor evaluates its predicate; default 200. */
  polling?: number;
  /** Whether {@link ModelPage.alerts} also reads the `.notice` elements, not only `[role="alert"]` (default false). */
  withNotices?: boolean;
}

/** The small helpers every model's e2e file needs, bound to one model's key (see {@link modelPage}). */
export interface ModelPage<S> {
  /** Opens `#…` and waits until `window.lazyrich[key]` exists ({@link E2eSession.open}). */
  open(hash: string, options?: OpenOptions): Promise<OpenedPage>;
  /** `window.lazyrich[key].status`, read once. */
  status(page: Page): Promise<S>;
  /** Waits until the JS expression `predicate`, in which `s` is the status, is true; rejects after `timeout` ms. */
  waitFor(page: Page, predicate: string, timeout?: number): Promise<void>;
  /** The texts of the notices area's alerts (and notices, with `withNotices`), in document order. */
  alerts(page: Page): Promise<string[]>;
}

/**
 * open, status, waitFor and alerts of a model's page (the app exposed as `window.lazyrich[key]`), with one
 * viewport for the file. @param key the app's `exposeAs` (e.g. 'relu2', 'mlp').
 */
export function modelPage<K extends keyof LazyrichGlobals>(
  session: E2eSession, key: K, viewport: { width: number; height: number }, options: ModelPageOptions,
): ModelPage<StatusOf<K>> {
  const { waitTimeout, polling = 200, withNotices = false } = options;
  const selector = withNotices ? '#notices [role="alert"], #notices .notice' : '#notices [role="alert"]';
  return {
    open: (hash, openOptions) => session.open(hash, `window.lazyrich?.${key}`, viewport, openOptions),
    status: (page) => page.evaluate((k) => (window.lazyrich as Record<string, { status: unknown }>)[k].status, key) as Promise<StatusOf<K>>,
    async waitFor(page, predicate, timeout = waitTimeout) {
      await page.waitForFunction(`(() => { const s = window.lazyrich.${key}.status; return ${predicate}; })()`, null, { timeout, polling });
    },
    alerts: (page) => page.locator(selector).allTextContents(),
  };
}
