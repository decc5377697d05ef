/**
 * One generic PNG compositor for every panel: it paints a DOM subtree (canvases, backgrounds, borders and
 * text) into one 2-D canvas at the elements' on-screen boxes and the device pixel ratio, so a saved figure
 * looks like the screen: each canvas at its CSS box (a small legend bar stays small), HTML labels and
 * legends where they are drawn. WebGPU canvases are read in the same task as a frame rendered by
 * `beforeRead`, before the frame is presented (a presented WebGPU canvas reads back blank).
 *
 * Left out, with their subtree: hidden elements (`hidden`, display none, visibility hidden, opacity 0),
 * elements marked `data-export="skip"` (e.g. the PNG buttons, a HUD), and whatever `exclude` picks.
 * Not painted: SVG, CSS transforms and shadows (no view uses them); text is drawn word by word at the
 * positions the browser laid out, in the element's computed font and colour.
 */
import { BACKGROUND_COLOR } from './colormaps.ts';

/** Options of {@link composeElement}. */
export interface ComposeOptions {
  /** Leaves an element (and its subtree) out when true. */
  exclude?: (el: Element) => boolean;
  /** Called synchronously just before the first canvas is read: render the WebGPU frames here. */
  beforeRead?: () => void;
  /** Fill under everything (CSS colour); default the background showing behind the root on screen (else BACKGROUND_COLOR). */
  background?: string;
  /** Device pixels per CSS pixel; default window.devicePixelRatio. */
  dpr?: number;
}

/** Attribute value that keeps an element out of every export (`data-export="skip"`). */
export const EXPORT_SKIP = 'skip';

/** Parses a computed CSS length ("4px", "50%") against `size` CSS px; 0 for anything else. */
function cssLength(value: string, size: number): number {
  const v = parseFloat(value);
  if (!Number.isFinite(v)) return 0;
  return value.trim().endsWith('%') ? (v / 100) * size : v;
}

/** True when a computed colour has a non-zero alpha. */
function isVisibleColor(c: string): boolean {
  if (!c || c === 'transparent') return false;
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (!m) return true;
  const parts = m[1].split(/[ ,/]+/).filter(Boolean);
  return parts.length < 4 || parseFloat(parts[3]) > 0;
}

function isHidden(el: Element, style: CSSStyleDeclaration, exclude?: (el: Element) => boolean): boolean {
  return !!(el as HTMLElement).hidden || style.display === 'none' || style.visibility === 'hidden'
    || parseFloat(style.opacity) === 0 || el.getAttribute('data-export') === EXPORT_SKIP || !!exclude?.(el);
}

/** Paints an element's background (rounded by its border radius) and its solid border. */
function paintBox(g: CanvasRenderingContext2D, r: DOMRect, s: CSSStyleDeclaration): void {
  const radius = Math.min(cssLength(s.borderTopLeftRadius, Math.min(r.width, r.height)), r.width / 2, r.height / 2);
  const path = () => { g.beginPath(); g.roundRect(r.left, r.top, r.width, r.height, radius); };
  if (isVisibleColor(s.backgroundColor)) {
    g.fillStyle = s.backgroundColor;
    path();
    g.fill();
  }
  const bw = parseFloat(s.borderTopWidth);
  if (bw > 0 && s.borderTopStyle !== 'none' && isVisibleColor(s.borderTopColor)) {
    g.strokeStyle = s.borderTopColor;
    g.lineWidth = bw;
    g.setLineDash(s.borderTopStyle === 'dashed' ? [4, 3] : []);
    g.beginPath();
    g.roundRect(r.left + bw / 2, r.top + bw / 2, r.width - bw, r.height - bw, Math.max(0, radius - bw / 2));
    g.stroke();
    g.setLineDash([]);
  }
}

/** Draws a text node word by word at its laid-out positions (wrapping and alignment come from layout). */
function paintText(g: CanvasRenderingContext2D, node: Text, s: CSSStyleDeclaration): void {
  const text = node.data;
  if (!/\S/.test(text)) return;
  g.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  g.fillStyle = s.color;
  g.textBaseline = 'alphabetic';
  const range = document.createRange();
  for (const m of text.matchAll(/\S+/g)) {
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const box = range.getClientRects()[0];
    if (!box || box.width === 0) continue;
    const metrics = g.measureText(m[0]);
    const ascent = metrics.fontBoundingBoxAscent, descent = metrics.fontBoundingBoxDescent;
    // The range box is the font's content area, centred in the line box.
    g.fillText(m[0], box.left, box.top + (box.height - ascent - descent) / 2 + ascent);
  }
}

function paintElement(g: CanvasRenderingContext2D, el: Element, options: ComposeOptions, read: { done: boolean }): void {
  const s = getComputedStyle(el);
  if (isHidden(el, s, options.exclude)) return;
  const r = el.getBoundingClientRect();
  g.save();
  if (el instanceof HTMLElement && s.overflow !== 'visible' && r.width > 0 && r.height > 0) {
    g.beginPath();
    g.rect(r.left, r.top, r.width, r.height);
    g.clip();
  }
  if (el instanceof HTMLElement) paintBox(g, r, s);
  if (el instanceof HTMLCanvasElement || el instanceof HTMLImageElement) {
    if (!read.done) { options.beforeRead?.(); read.done = true; }
    const w = el instanceof HTMLCanvasElement ? el.width : el.naturalWidth;
    if (w > 0 && r.width > 0 && r.height > 0) {
      // Snapped to device pixels, as the browser composites a canvas layer (no half-pixel resampling).
      const t = g.getTransform();
      const x = Math.round(t.a * r.left + t.e), y = Math.round(t.d * r.top + t.f);
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.drawImage(el, x, y, Math.round(t.a * r.right + t.e) - x, Math.round(t.d * r.bottom + t.f) - y);
      g.setTransform(t);
    }
  }
  for (const child of el.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) paintText(g, child as Text, s);
    else if (child instanceof HTMLElement) paintElement(g, child, options, read);
  }
  g.restore();
}

/** The first opaque-ish background colour at or above `el` (what shows through its transparent parts). */
function backgroundBehind(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor;
    if (isVisibleColor(c)) return c;
  }
  return BACKGROUND_COLOR;
}

/**
 * Paints `root` and its visible subtree into a new canvas of round(box × dpr) device pixels (box: the
 * root's border box in CSS px), in DOM order (later siblings on top, as the panels stack them).
 * Synchronous, so canvases are read in the task that called `beforeRead`.
 * @throws Error when the root has no area (e.g. it is hidden).
 */
export function composeElement(root: HTMLElement, options: ComposeOptions = {}): HTMLCanvasElement {
  const box = root.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) throw new Error(`composeElement: #${root.id || root.className} has no area (is it hidden?)`);
  const dpr = options.dpr ?? (window.devicePixelRatio || 1);
  const out = Object.assign(document.createElement('canvas'), { width: Math.round(box.width * dpr), height: Math.round(box.height * dpr) });
  const g = out.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = options.background ?? backgroundBehind(root);
  g.fillRect(0, 0, out.width, out.height);
  // Work in page CSS px: the root's top-left, snapped down to a device pixel as a screenshot is, maps to (0, 0).
  g.setTransform(dpr, 0, 0, dpr, -Math.floor(box.left * dpr), -Math.floor(box.top * dpr));
  const read = { done: false };
  paintElement(g, root, options, read);
  if (!read.done) options.beforeRead?.();
  return out;
}

/** Encodes a canvas as PNG. @throws Error when the browser cannot encode it. */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('exportPng: the image could not be encoded'))), 'image/png'));
}

/** {@link composeElement} encoded as PNG. @throws as composeElement. */
export function elementToPng(root: HTMLElement, options: ComposeOptions = {}): Promise<Blob> {
  return canvasToPng(composeElement(root, options));
}

/**
 * Adds a small "PNG" button to a panel's top-right corner (left out of exports). The host gets
 * `position: relative` unless it is already positioned.
 */
export function addPngButton(host: HTMLElement, title: string, onClick: () => void): HTMLButtonElement {
  const button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title, className: 'lr-png' });
  button.setAttribute('data-export', EXPORT_SKIP);
  Object.assign(button.style, {
    position: 'absolute', top: '2px', right: '2px', zIndex: '3', font: '10px system-ui, sans-serif', padding: '1px 5px',
    background: '#1b1f27', color: '#d8dde6', border: '1px solid #3a404c', borderRadius: '3px', cursor: 'pointer', opacity: '0.85',
  } satisfies Partial<CSSStyleDeclaration>);
  if (getComputedStyle(host).position === 'static') host.style.position = 'relative';
  button.addEventListener('click', onClick);
  host.append(button);
  return button;
}
