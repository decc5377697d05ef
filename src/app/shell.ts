/**
 * The app shell: the one start-up of every model's page. It reads the hash, picks the model through
 * the registry (an unknown `model=` gets a notice naming the registered ids, then the default model),
 * builds the header (title, subtitle, model switch), loads the model's app half lazily, opens WebGPU
 * (or lets the app start its CPU fallback), shows the adapter notices, and hands the app the
 * {@link AppShell} services, among them the one params path (src/app/session.ts). Changing the model in
 * the URL reloads the page.
 */
import { initGpu, requestSpareAdapter, WebGpuUnavailableError, type GpuContext, type GpuLossInfo } from '../gpu/device.ts';
import type { AppShell, ModelPlugin, StartedApp } from '../models/plugin.ts';
import { DEFAULT_MODEL, MODEL_IDS, MODELS, modelOfHash } from '../models/registry.ts';
import { ParamError, defaults, type Params } from '../params/schema.ts';
import { modelFromHashKeeping } from '../params/url.ts';
import { clearNotice, showNotice } from './notices.ts';
import { Session } from './session.ts';
import { askEstimate, gateEstimate } from './estimateDialog.ts';
import { applyUrlTheme } from './theme.ts';
import { Tour, tourEntries } from './tour.ts';
import { addHeaderButtons, installKeyboard, type KeyboardHandle } from './keyboard.ts';

declare global {
  /** What the page exposes to tests and the console; each model's app adds its key (see ModelApp.exposeAs). */
  interface LazyrichGlobals {
    fallback?: boolean; error?: string; tour?: Tour; keys?: KeyboardHandle;
    /** The WebGPU context in use (a new one after a recovered device loss); tests destroy its device. */
    gpu?: GpuContext;
    /** One record per device loss seen: reason, and when (performance.now(), ms) it was seen and recovered. */
    gpuLosses?: GpuLossRecord[];
  }
  interface Window { lazyrich?: LazyrichGlobals }
}

/** A device loss as the shell handled it (window.lazyrich.gpuLosses). */
export interface GpuLossRecord {
  reason: string;
  /**
   * performance.now() when the loss was seen, when a new device was had, and when the app ran on it
   * (null: none could be had).
   */
  seenAt: number;
  deviceAt: number | null;
  recoveredAt: number | null;
  /** The app's "where the run continues", e.g. "at step 1,200". */
  resumed: string;
}

/** How long (ms) the shell keeps asking for a new device after a loss, and the pause between tries. */
const RECOVERY_TRY_MS = 5000;
const RECOVERY_RETRY_MS = 250;
/** How long the software-adapter note stays (ms): long enough to read; then the HUD's adapter line keeps the fact. */
export const SOFTWARE_NOTE_MS = 20_000;

/** The href of a model's page: `#` for the default model, `#model=<id>` for the others. */
export function modelHref(plugin: ModelPlugin): string {
  return plugin === DEFAULT_MODEL ? '#' : `#model=${encodeURIComponent(plugin.id)}`;
}

/** Fills the header: the active model's subtitle and the model switch (one link per model with an app half). */
export function buildHeader(active: ModelPlugin): void {
  const subtitle = document.querySelector('#title span');
  if (subtitle) subtitle.textContent = active.subtitle;
  const nav = document.getElementById('model-switch');
  if (!nav) return;
  nav.replaceChildren(...MODELS.filter((m) => m.loadApp).map((m) => {
    const a = Object.assign(document.createElement('a'), { href: modelHref(m), textContent: m.title, title: m.title });
    a.dataset.model = m.id;
    a.dataset.short = m.title.split(' ').pop(); // "ReLU", "MLP": what a narrow header shows (style.css)
    if (m === active) a.setAttribute('aria-current', 'page');
    return a;
  }));
}

/**
 * The URL's params for `plugin`. Each bad key of the hash is refused on its own (a notice names its URL
 * key) and the valid keys apply (url.ts modelFromHashKeeping); a hash without a readable version gives the defaults.
 */
function initialParams(plugin: ModelPlugin): { params: Record<string, unknown>; fromUrl: boolean } {
  const { params, errors } = modelFromHashKeeping(plugin, location.hash, (p) => plugin.checkParams(p));
  const kept = JSON.stringify(params) !== JSON.stringify(defaults(plugin.schema));
  if (errors.length > 0) {
    showNotice('error', `${errors.map((e) => e.message).join(' ')} ${kept ? 'The other URL keys apply.' : 'Starting with the default preset instead.'}`, 'param-error');
  }
  return { params, fromUrl: errors.length === 0 ? hashHasKeys(location.hash) : kept };
}

/** Whether the hash names any param (beyond the model and the version). */
function hashHasKeys(hash: string): boolean {
  return [...new URLSearchParams(hash.replace(/^#/, '')).keys()].some((k) => k !== 'model' && k !== 'v');
}

/**
 * A large run in the URL asks first (estimateDialog.ts); "keep" or a run over the device limits (a
 * notice naming the URL keys) starts from the defaults instead.
 */
async function confirmInitial(plugin: ModelPlugin, initial: Record<string, unknown>, gpu: GpuContext | null): Promise<Record<string, unknown>> {
  try {
    const e = gateEstimate(plugin, initial as Params<ModelPlugin['schema']>, null, gpu?.limits ?? null, gpu);
    if (!e || await askEstimate(e, 'Keep: start with the default settings.')) return initial;
  } catch (e) {
    if (!(e instanceof ParamError)) throw e;
    showNotice('error', `${e.message} Starting with the default preset instead.`, 'param-error');
  }
  return defaults(plugin.schema);
}

/**
 * An adapter requested after each device opened, for the next recovery: after a loss the adapter request
 * can take seconds while the GPU process is busy, the device request on a spare only milliseconds.
 */
let spareAdapter: Promise<GPUAdapter | null> = Promise.resolve(null);

/** Opens WebGPU with the shell's error notice and `onLost`; null (and the reason) when unavailable. */
async function openGpu(onLost: (info: GpuLossInfo) => void): Promise<{ gpu: GpuContext | null; reason: string }> {
  try {
    const adapter = await spareAdapter;
    spareAdapter = Promise.resolve(null);
    const gpu = await initGpu({ onError: (m) => showNotice('error', m, 'gpu-error'), onLost: (_m, info) => onLost(info), adapter });
    spareAdapter = requestSpareAdapter();
    return { gpu, reason: '' };
  } catch (e) {
    if (!(e instanceof WebGpuUnavailableError)) throw e;
    return { gpu: null, reason: e.message };
  }
}

/**
 * Device loss (any reason, issue 11): the app stops submitting at once, the shell asks for a new device
 * for up to {@link RECOVERY_TRY_MS}, and the app rebuilds on it (or on its CPU backend when none came);
 * the 'gpu-lost' notice says what happened and where the run continues.
 */
async function recoverGpu(info: GpuLossInfo, started: StartedApp | null, lazyrich: LazyrichGlobals): Promise<void> {
  const record: GpuLossRecord = { reason: info.reason, seenAt: performance.now(), deviceAt: null, recoveredAt: null, resumed: '' };
  (lazyrich.gpuLosses ??= []).push(record);
  lazyrich.gpu = undefined;
  if (!started?.gpuLost || !started.gpuRestored) {
    showNotice('error', `GPU device lost (${info.reason}). Reload the page to continue.`, 'gpu-lost');
    return;
  }
  started.gpuLost();
  showNotice('warning', `GPU device lost (${info.reason}); recovering on a new device…`, 'gpu-lost');
  let gpu: GpuContext | null = null, why = '';
  while (!gpu && performance.now() - record.seenAt < RECOVERY_TRY_MS) {
    ({ gpu, reason: why } = await openGpu((next) => void recoverGpu(next, started, lazyrich)).catch((e: unknown) => ({ gpu: null, reason: String(e) })));
    if (!gpu) await new Promise((r) => setTimeout(r, RECOVERY_RETRY_MS));
  }
  if (gpu) record.deviceAt = performance.now();
  try {
    record.resumed = await started.gpuRestored(gpu);
  } catch (e) {
    showNotice('error', `GPU device lost (${info.reason}); restarting failed: ${e instanceof Error ? e.message : String(e)}. Reload the page.`, 'gpu-lost');
    return;
  }
  if (gpu) {
    lazyrich.gpu = gpu;
    record.recoveredAt = performance.now();
    showNotice('info', `GPU device lost (${info.reason}); recovered on a new device ${record.resumed}.`, 'gpu-lost');
  } else {
    showNotice('error', `GPU device lost (${info.reason}) and no new device could be had (${why || 'no adapter'}); ${record.resumed}.`, 'gpu-lost');
  }
}

/** Starts the page for the model named in the URL hash (see the file comment). */
export async function startShell(): Promise<void> {
  const lazyrich: LazyrichGlobals = (window.lazyrich = {});
  const theme = applyUrlTheme(); // before any view is built (src/app/theme.ts)
  if (theme.error) showNotice('warning', theme.error, 'theme');
  const { plugin: found, id } = modelOfHash(location.hash);
  const named = found?.loadApp ? found : undefined;
  const plugin = named ?? DEFAULT_MODEL;
  window.addEventListener('hashchange', () => { if (modelOfHash(location.hash).id !== plugin.id) location.reload(); });
  buildHeader(plugin);
  if (found && !named) {
    showNotice('warning', `The model "${id}" (${found.title}) has no page yet; it runs in the command line: `
      + `npx lazyrich simulate --help. Showing ${plugin.title} ("${plugin.id}") instead.`, 'unknown-model');
  } else if (!named) {
    showNotice('error', `Unknown model "${id}" in the URL; this build has ${MODEL_IDS.map((m) => `"${m}"`).join(', ')}. `
      + `Showing ${plugin.title} ("${plugin.id}") instead.`, 'unknown-model');
  }
  let { params: initial, fromUrl } = named ? initialParams(plugin) : { params: defaults(plugin.schema), fromUrl: false };
  const app = await plugin.loadApp!();
  let started: StartedApp | null = null;
  const { gpu, reason } = await openGpu((info) => void recoverGpu(info, started, lazyrich));
  if (gpu) lazyrich.gpu = gpu;
  const confirmed = await confirmInitial(plugin, initial, gpu);
  if (confirmed !== initial) fromUrl = false;
  initial = confirmed;
  // Where the page keeps the fact (ModelApp.showsAdapter), the note goes after a while: it covers the top of the views.
  if (gpu?.isSoftware) {
    showNotice('warning', app.softwareAdapterNote(gpu.adapterName), 'software-adapter', app.showsAdapter ? { hideAfterMs: SOFTWARE_NOTE_MS } : {});
  }
  let opened = false;
  const shell: AppShell<Record<string, unknown>> = {
    plugin, gpu, initial, fromUrl, showNotice, clearNotice,
    openSession(target, params) {
      if (opened) throw new Error('openSession: the page has one params session');
      opened = true;
      return new Session(plugin, plugin === DEFAULT_MODEL, params, target, gpu?.limits ?? null, gpu);
    },
  };
  started = await app.start(shell);
  if (!gpu) showNotice('warning', `${reason}\n${started.fallbackNote ?? ''}`.trim(), 'no-webgpu');
  if (started.app === undefined) lazyrich.fallback = true;
  else (lazyrich as Record<string, unknown>)[app.exposeAs] = started.app;
  // Teaching aids (issue 10): the guided tour (?tour=) and the keyboard shortcuts with their help overlay.
  lazyrich.tour = new Tour(plugin, tourEntries(), (m) => showNotice('warning', m, 'tour'), !gpu || gpu.isSoftware, started.restartForTour);
  lazyrich.keys = installKeyboard(started.shortcuts, lazyrich.tour);
  addHeaderButtons(lazyrich.tour, lazyrich.keys);
}

/** Shows a start-up failure as the 'fatal' notice (and window.lazyrich.error for tests). */
export function reportFatal(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  if (window.lazyrich) window.lazyrich.error = message;
  showNotice('error', `lazyrich could not start: ${message}`, 'fatal');
  console.error(e);
}
