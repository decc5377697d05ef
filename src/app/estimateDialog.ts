/**
 * The app's question before a large run (issue 10 defect 9, issue 11 defect 3): a change whose resource
 * estimate (ModelPlugin.estimate, src/models/<id>/estimate.ts) is large shows the memory and set-up time
 * and asks "Run it / Keep the current run"; a run over the device's buffer limits is refused with a
 * ParamError naming the URL keys. Called by the params session (session.ts) before the model's apply.
 */
import { deviceRefusal, formatBytes, formatCount, formatSeconds, type DeviceBufferLimits, type EstimateAdapter, type ResourceEstimate } from '../models/estimate.ts';
import type { ModelPlugin } from '../models/plugin.ts';
import { ParamError, type Params } from '../params/schema.ts';

/** Ask above this much memory (host + GPU), bytes. */
export const ASK_BYTES = 300e6;
/** Ask above this set-up time (the main thread's work), seconds. */
export const ASK_SECONDS = 2;

/** Host memory a page may take, bytes (a tab's renderer is killed well before a desktop runs out). */
export const MAX_PAGE_HOST_BYTES = 4e9;

/** True when the estimate is large enough to ask first. */
export function needsAsk(e: ResourceEstimate): boolean {
  return e.heapBytes + e.bufferBytes + e.deviceBytes > ASK_BYTES || e.setupSeconds > ASK_SECONDS;
}

/** The question's text: "This grid has 16,777,216 trajectories: ~1.5 GB on the GPU, ~800 MB on the host, ~2.5 s to set up." */
export function estimateText(e: ResourceEstimate): string {
  const gpu = e.deviceBytes > 0 ? `~${formatBytes(e.deviceBytes)} on the GPU, ` : '';
  return `This grid has ${formatCount(e.items)} ${e.itemName}: ${gpu}~${formatBytes(e.heapBytes + e.bufferBytes)} on the host, `
    + `~${formatSeconds(e.setupSeconds)} to set up.`;
}

let open: { el: HTMLElement; answer: (run: boolean) => void } | null = null;

/**
 * Shows the question about an estimate ({@link estimateText} plus `extra`); see {@link askQuestion}.
 * @returns true for "Run it", false for "Keep the current run".
 */
export function askEstimate(e: ResourceEstimate, extra = ''): Promise<boolean> {
  return askQuestion(`${estimateText(e)}${extra ? ` ${extra}` : ''}`);
}

/**
 * Shows a question (replacing an open one, which answers "keep"). The dialog is `#estimate-dialog`
 * (role="dialog"), with buttons `[data-answer="run"]` and `[data-answer="keep"]`; Escape keeps.
 * @returns true for "Run it", false for "Keep the current run".
 */
export function askQuestion(question: string): Promise<boolean> {
  open?.answer(false);
  return new Promise((resolve) => {
    const el = document.createElement('div');
    el.id = 'estimate-dialog';
    el.setAttribute('role', 'dialog');
    el.setAttribute('aria-modal', 'true');
    el.setAttribute('aria-labelledby', 'estimate-dialog-text');
    el.style.cssText = 'position:fixed;inset:0;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.45);z-index:1000';
    const box = document.createElement('div');
    box.style.cssText = 'max-width:34em;padding:1em 1.2em;background:#1e1e24;color:#eee;border:1px solid #555;border-radius:6px;font:14px system-ui,sans-serif';
    const text = Object.assign(document.createElement('p'), { id: 'estimate-dialog-text', textContent: question });
    const buttons = document.createElement('p');
    buttons.style.cssText = 'display:flex;gap:.6em;justify-content:flex-end;margin-bottom:0';
    const button = (answer: 'run' | 'keep', label: string) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
      b.dataset.answer = answer;
      b.addEventListener('click', () => finish(answer === 'run'));
      return b;
    };
    const keep = button('keep', 'Keep the current run');
    buttons.append(button('run', 'Run it'), keep);
    box.append(text, buttons);
    el.append(box);
    const onKey = (ev: KeyboardEvent) => { if (ev.key === 'Escape') finish(false); };
    const finish = (run: boolean) => {
      if (open?.el !== el) return;
      open = null;
      el.remove();
      document.removeEventListener('keydown', onKey);
      resolve(run);
    };
    open = { el, answer: finish };
    document.addEventListener('keydown', onKey);
    document.body.append(el);
    keep.focus();
  });
}

/** The schema field whose URL key is `key` (messages name keys; ParamError names fields). */
function fieldOfKey(plugin: ModelPlugin, key: string): string {
  return Object.entries(plugin.schema).find(([, f]) => f.key === key)?.[0] ?? key;
}

/**
 * The session's gate before applying `next` (current: the params running now).
 * @returns null when `next` may run at once; otherwise its estimate, to ask about (a large run whose size
 *   differs from the current one's).
 * @param adapter the page's adapter (null: no WebGPU), for models whose backend depends on it (ModelPlugin.estimate).
 * @throws ParamError naming the URL keys when the run exceeds the device's buffer limits or
 *   {@link MAX_PAGE_HOST_BYTES} of host memory.
 */
export function gateEstimate(plugin: ModelPlugin, next: Params<ModelPlugin['schema']>, current: Params<ModelPlugin['schema']> | null,
  limits: DeviceBufferLimits | null, adapter?: EstimateAdapter | null): ResourceEstimate | null {
  const e = plugin.estimate?.(next, adapter);
  if (!e) return null;
  const refused = limits ? deviceRefusal(e, limits) : undefined;
  if (refused) throw new ParamError(fieldOfKey(plugin, e.fields[0]), `${refused}. Reduce ${e.fields.join(', ')}.`);
  const host = e.heapBytes + e.bufferBytes;
  if (host > MAX_PAGE_HOST_BYTES) {
    throw new ParamError(fieldOfKey(plugin, e.fields[0]), `${formatCount(e.items)} ${e.itemName} (${e.fields.join(', ')}) need ~${formatBytes(host)} of memory `
      + `in the page; the limit is ${formatBytes(MAX_PAGE_HOST_BYTES)}. Reduce ${e.fields.join(', ')}, or run it with lazyrich sweep.`);
  }
  if (!needsAsk(e)) return null;
  const now = current ? plugin.estimate?.(current, adapter) : undefined;
  const same = now && now.items === e.items && now.deviceBytes === e.deviceBytes && now.bufferBytes === e.bufferBytes;
  return same ? null : e;
}
