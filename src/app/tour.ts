/**
 * The guided tour (issue 10 "Make it teach"): one step per figure of the paper, from every registered
 * model's {@link TourStep}s (ModelPlugin.tour) in registry order. A step sets its params through the
 * page's one params path (the URL hash: a hashchange the session applies, or, for another model, the
 * shell's reload), highlights the panel to look at and shows its caption. The step is in the URL as
 * `?tour=<1-based step>` (the query, which the session's hash rewrites keep), so a teacher can link it.
 * Keys (src/app/keyboard.ts): → next, ← previous, Esc closes, t opens.
 */
import type { ModelPlugin, TourStep } from '../models/plugin.ts';
import { DEFAULT_MODEL, MODELS } from '../models/registry.ts';
import { modelFromHash } from '../params/url.ts';

/** The URL's query key of the tour step (1-based). */
export const TOUR_KEY = 'tour';

/** One step of the whole tour and the model it belongs to. */
export interface TourEntry { plugin: ModelPlugin; step: TourStep }

/** Every model's tour steps, in registry order (models without an app page are left out). */
export function tourEntries(models: readonly ModelPlugin[] = MODELS): TourEntry[] {
  return models.filter((m) => m.loadApp).flatMap((plugin) => (plugin.tour ?? []).map((step) => ({ plugin, step })));
}

/**
 * The full URL hash of a step: `#[model=<id>&]v=<urlVersion>&<step.hash>[&<step.software>]` (model= only
 * for a non-default model; the software pairs only when `software`, i.e. on a software adapter).
 */
export function stepHash(entry: TourEntry, defaultModel: ModelPlugin = DEFAULT_MODEL, software = false): string {
  const { plugin, step } = entry;
  const prefix = plugin === defaultModel ? '' : `model=${encodeURIComponent(plugin.id)}&`;
  return `#${prefix}v=${plugin.urlVersion}&${step.hash}${software && step.software ? `&${step.software}` : ''}`;
}

/**
 * Reads `?tour=` (1-based) from a query string.
 * @returns the 0-based step index (null when absent) and, for a value that is not a step number, a
 *   message naming the field `tour` and the allowed range (the index is then null).
 */
export function parseTourParam(search: string, count: number): { index: number | null; error: string | null } {
  const raw = new URLSearchParams(search).get(TOUR_KEY);
  if (raw === null) return { index: null, error: null };
  const k = Number(raw);
  if (!(Number.isInteger(k) && k >= 1 && k <= count)) {
    return { index: null, error: `URL parameter tour=${raw} is not a tour step; use tour=1 … tour=${count}.` };
  }
  return { index: k - 1, error: null };
}

/** `href` with `?tour=` set to the 1-based step `index + 1`, or removed for null; the hash is kept. */
export function tourUrl(href: string, index: number | null): string {
  const url = new URL(href);
  if (index === null) url.searchParams.delete(TOUR_KEY);
  else url.searchParams.set(TOUR_KEY, String(index + 1));
  return url.toString();
}

/**
 * True when applying the step's hash over the page's current hash would change the params (so the page
 * must apply it), or when the page shows another model (so it must reload). A hash that does not parse
 * counts as a change.
 */
export function stepNeedsApply(entry: TourEntry, page: ModelPlugin, pageHash: string, software = false): boolean {
  if (entry.plugin !== page) return true;
  try {
    const now = modelFromHash(page, pageHash);
    return JSON.stringify(modelFromHash(page, stepHash(entry, DEFAULT_MODEL, software), now)) !== JSON.stringify(now);
  } catch {
    return true;
  }
}

/** The tour's overlay on a page: a spotlight around the step's panel and a caption card. */
export class Tour {
  private current: number | null = null;
  private readonly card: HTMLElement;
  private readonly spot: HTMLElement;
  private frame = 0;

  /**
   * @param page the model this page shows. @param entries the whole tour ({@link tourEntries}).
   * @param onError shows a message (an unknown `?tour=` value).
   * @param software the page runs on a software adapter (or without WebGPU): steps add their `software` pairs.
   * @param restart restarts the page's run from t = 0 (StartedApp.restartForTour): a step of this page starts its
   *   run again, so a step that keeps the ensemble (the 3-D view after Fig. 2) does not open with every network converged.
   */
  constructor(private readonly page: ModelPlugin, readonly entries: readonly TourEntry[], onError: (message: string) => void,
    readonly software = false, private readonly restart?: () => void) {
    this.spot = Object.assign(document.createElement('div'), { id: 'tour-spotlight', hidden: true });
    this.card = Object.assign(document.createElement('section'), { id: 'tour-card', hidden: true });
    this.card.setAttribute('role', 'dialog');
    this.card.setAttribute('aria-label', 'guided tour');
    document.body.append(this.spot, this.card);
    const { index, error } = parseTourParam(location.search, entries.length);
    if (error) onError(error);
    if (index !== null) this.open(index);
  }

  /** True while a step is shown. */
  get active(): boolean { return this.current !== null; }
  /** The 0-based step shown, or null. */
  get index(): number | null { return this.current; }

  /**
   * Shows step `index` (clamped to the tour): writes `?tour=`, restarts the run from t = 0 when it enters a step of
   * this page, applies the step's hash if it changes the params (another model: the page reloads there),
   * highlights its panel and shows its caption.
   */
  open(index: number): void {
    if (this.entries.length === 0) return;
    const i = Math.min(this.entries.length - 1, Math.max(0, Math.trunc(index)));
    const entry = this.entries[i];
    const restart = i !== this.current && entry.plugin === this.page ? this.restart : undefined;
    this.current = i;
    history.replaceState(history.state, '', tourUrl(location.href, i));
    if (stepNeedsApply(entry, this.page, location.hash, this.software)) {
      // after the params session (whose hashchange listener came first) applied the step's params
      if (restart) window.addEventListener('hashchange', () => restart(), { once: true });
      location.hash = stepHash(entry, DEFAULT_MODEL, this.software);
    } else {
      restart?.();
    }
    this.render(entry, i);
    cancelAnimationFrame(this.frame);
    const follow = () => { this.place(entry); this.frame = requestAnimationFrame(follow); };
    follow();
  }

  /** Next step (stays on the last). */
  next(): void { this.open((this.current ?? -1) + 1); }
  /** Previous step (stays on the first). */
  prev(): void { this.open(Math.max(0, (this.current ?? 1) - 1)); }
  /** Opens the tour at its first step, or closes it. */
  toggle(): void { if (this.active) this.close(); else this.open(0); }

  /** Hides the tour and removes `?tour=` from the URL; the params stay as they are. */
  close(): void {
    this.current = null;
    cancelAnimationFrame(this.frame);
    this.card.hidden = true;
    this.spot.hidden = true;
    history.replaceState(history.state, '', tourUrl(location.href, null));
  }

  private render(entry: TourEntry, i: number): void {
    const { step, plugin } = entry;
    const el = (tag: string, props: Record<string, unknown>) => Object.assign(document.createElement(tag), props);
    const button = (text: string, label: string, onClick: () => void, disabled = false) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text, disabled });
      b.setAttribute('aria-label', label);
      b.addEventListener('click', onClick);
      return b;
    };
    const nav = el('div', { className: 'tour-nav' });
    nav.append(
      button('← back', 'previous step', () => this.prev(), i === 0),
      el('span', { className: 'tour-count', textContent: `${i + 1} / ${this.entries.length}` }),
      button(i === this.entries.length - 1 ? 'done' : 'next →', 'next step', () => (i === this.entries.length - 1 ? this.close() : this.next())),
      button('✕', 'close the tour (Esc)', () => this.close()),
    );
    const other = plugin !== this.page ? ` (opens the ${plugin.title} page)` : '';
    this.card.replaceChildren(
      el('h2', { textContent: `${step.figure} · ${step.title}` }),
      el('p', { className: 'tour-caption', textContent: step.caption }),
      ...(this.software && step.software
        ? [el('p', { className: 'tour-software', textContent: `On this software adapter the step runs a smaller grid (${step.software.replace(/&/g, ', ')}), so it moves at CPU speed.` })]
        : []),
      el('p', { className: 'tour-keys', textContent: `keys: → next · ← back · Esc close · ? all shortcuts${other}` }),
      nav,
    );
    this.card.dataset.step = String(i + 1);
    this.card.hidden = false;
  }

  /** Moves the spotlight onto the step's element and the card away from it (called every frame while open). */
  private place(entry: TourEntry): void {
    const target = entry.plugin === this.page ? document.querySelector(entry.step.target) : null;
    const r = target?.getBoundingClientRect();
    const visible = !!r && r.width > 0 && r.height > 0;
    this.spot.hidden = !visible;
    if (visible) {
      const pad = 4;
      Object.assign(this.spot.style, {
        left: `${r.left - pad}px`, top: `${r.top - pad}px`, width: `${r.width + 2 * pad}px`, height: `${r.height + 2 * pad}px`,
      });
    }
    // The card goes beside the target when there is room (right, else left; never under the controls
    // panel, lil-gui), else at the bottom, or at the top when the target fills the lower part only.
    const cardW = this.card.offsetWidth, cardH = this.card.offsetHeight;
    const right = document.querySelector('.lil-gui')?.getBoundingClientRect().left ?? innerWidth;
    let left = 12, top = false;
    if (visible && r.right + 16 + cardW <= right - 8) left = r.right + 16;
    else if (visible && r.left - 16 - cardW >= 12) left = r.left - 16 - cardW;
    else {
      top = visible && r.bottom > innerHeight - cardH - 24 && r.top > cardH + 60;
      if (visible) left = Math.min(Math.max(12, r.left + 12), Math.max(12, right - cardW - 12));
    }
    this.card.classList.toggle('tour-top', top);
    this.card.style.left = `${left}px`;
  }
}
