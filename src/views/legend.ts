/**
 * Colour legend: a title, then a canvas colour bar with tick labels (continuous maps) or one swatch per
 * class (categorical maps), then swatches for "not available" (field colourings) and "diverged". Takes
 * the same {@link LegendSpec} the portrait reports (PortraitView.getColorSpec), so legend and LUT always
 * agree (interpolators and palettes from colormaps.ts).
 */
import { DIVERGED_COLOR, MISSING_COLOR, toHex, type LegendCategory, type LegendSpec } from './colormaps.ts';
import { formatTick, niceTicks } from './viewMath.ts';
import { symlogTicks } from './deltaScale.ts';
import { THEME, themeFont } from './theme.ts';

export type { LegendCategory, LegendSpec } from './colormaps.ts';

/** One tick of the bar: value in data units, position t ∈ [0, 1] along the bar, label text. */
export interface LegendTick { value: number; t: number; label: string }

/** The legend handle returned by {@link createLegend}. */
export interface Legend {
  /**
   * Redraws for a new colour map/domain: a bar with ticks, or class swatches for scale 'category'; plus
   * the "not available" swatch when `spec.missing` is set (see {@link legendContent}).
   * @throws RangeError when the domain is not increasing and finite, a log domain is not positive, or a
   *   category spec has no categories.
   */
  update(spec: LegendSpec): void;
  /** Removes the legend's elements from the container. */
  destroy(): void;
}

/** Text of the diverged swatch. */
export const DIVERGED_TEXT = 'diverged (frozen at last finite state)';

/**
 * What the legend draws for a spec (pure, so Node tests check it): a bar (continuous scales) or the
 * class swatches (scale 'category'), then the extra swatches: "not available" when `spec.missing` is set,
 * and "diverged" unless a class already has the diverged colour.
 * @throws RangeError for scale 'category' without categories, or (bar) an invalid domain (see legendTicks).
 */
export function legendContent(spec: LegendSpec): { bar: LegendTick[] | null; swatches: LegendCategory[]; extras: LegendCategory[] } {
  const extras: LegendCategory[] = [];
  if (spec.missing) extras.push({ label: spec.missing, color: MISSING_COLOR });
  if (spec.scale === 'category') {
    const cats = spec.categories ?? [];
    if (cats.length === 0) throw new RangeError('legend: a category legend needs categories.');
    const diverged = toHex(DIVERGED_COLOR);
    if (!cats.some((c) => toHex(c.color) === diverged)) extras.push({ label: DIVERGED_TEXT, color: DIVERGED_COLOR });
    return { bar: null, swatches: cats.map((c) => ({ ...c })), extras };
  }
  extras.push({ label: DIVERGED_TEXT, color: DIVERGED_COLOR });
  if (spec.scale === 'symlog') return { bar: symlogLegendTicks(spec.domain, spec.linthresh), swatches: [], extras };
  return { bar: legendTicks(spec.domain, spec.scale, spec.ticks ?? 5), swatches: [], extras };
}

/** Bar size in CSS pixels. */
export const LEGEND_BAR = { width: 220, height: 12, tickArea: 18 };

/**
 * Ticks of a legend domain. Linear: nice 1/2/5 steps (about `count`). Log: powers of ten inside the
 * domain, thinned to at most `count + 1` (labels "1e-4"); domain must be positive.
 * @throws RangeError on an invalid domain (see Legend.update).
 */
export function legendTicks(domain: readonly [number, number], scale: 'linear' | 'log', count = 5): LegendTick[] {
  const [lo, hi] = domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`legend: domain [${lo}, ${hi}] must be finite and increasing.`);
  if (scale === 'log') {
    if (!(lo > 0)) throw new RangeError(`legend: a log domain must be positive, got [${lo}, ${hi}].`);
    const l0 = Math.log10(lo);
    const l1 = Math.log10(hi);
    const k0 = Math.ceil(l0 - 1e-9);
    const k1 = Math.floor(l1 + 1e-9);
    const every = Math.max(1, Math.ceil((k1 - k0 + 1) / (count + 1)));
    const out: LegendTick[] = [];
    for (let k = k0; k <= k1; k++) {
      if ((k - k0) % every !== 0) continue;
      out.push({ value: 10 ** k, t: (k - l0) / (l1 - l0), label: k === 0 ? '1' : `1e${k}`.replace(/-/g, '−') });
    }
    return out;
  }
  const { step, values } = niceTicks(lo, hi, count);
  return values.map((value) => ({ value, t: (value - lo) / (hi - lo), label: formatTick(value, step) }));
}

/**
 * Ticks of a symlog δ legend (domain [−M, M], threshold c): 0 and ±c·10^k, labelled (deltaScale.symlogTicks).
 * @throws RangeError unless the domain is symmetric, finite, M > 0, and c is finite and > 0.
 */
export function symlogLegendTicks(domain: readonly [number, number], c: number | undefined): LegendTick[] {
  const [lo, hi] = domain;
  if (!(Number.isFinite(hi) && hi > 0 && lo === -hi)) throw new RangeError(`legend: a symlog domain must be [−M, M] with M > 0, got [${lo}, ${hi}].`);
  if (!(c !== undefined && c > 0 && Number.isFinite(c))) throw new RangeError(`legend: a symlog legend needs linthresh > 0, got ${c}.`);
  return symlogTicks({ kind: 'symlog', maxAbs: hi, c });
}

/**
 * Builds the legend inside `container` (appends a `div.legend`; the container keeps its own position).
 * Nothing is drawn until the first {@link Legend.update}.
 */
export function createLegend(container: HTMLElement): Legend {
  const root = document.createElement('div');
  root.className = 'legend';
  Object.assign(root.style, {
    display: 'flex', flexDirection: 'column', gap: '3px', padding: '6px 10px', borderRadius: '4px',
    background: THEME.overlay, font: `${Math.round(11 * THEME.fontScale)}px/1.3 system-ui, sans-serif`, color: 'inherit', pointerEvents: 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  const title = document.createElement('div');
  title.className = 'legend-title';
  const canvas = document.createElement('canvas');
  canvas.className = 'legend-bar';
  canvas.style.width = `${LEGEND_BAR.width}px`;
  canvas.style.height = `${LEGEND_BAR.height + LEGEND_BAR.tickArea}px`;
  const classes = document.createElement('div');
  classes.className = 'legend-categories';
  Object.assign(classes.style, { display: 'flex', flexWrap: 'wrap', gap: '2px 12px', maxWidth: `${LEGEND_BAR.width}px` });
  const extras = document.createElement('div');
  extras.className = 'legend-extras';
  Object.assign(extras.style, { display: 'flex', flexDirection: 'column', gap: '2px' });
  const swatchRow = (c: LegendCategory, className: string) => {
    const row = document.createElement('div');
    row.className = className;
    Object.assign(row.style, { display: 'flex', alignItems: 'center', gap: '6px' });
    const swatch = document.createElement('span');
    Object.assign(swatch.style, {
      display: 'inline-block', width: '9px', height: '9px', borderRadius: '50%', background: c.color, flex: 'none',
    });
    row.append(swatch, document.createTextNode(c.label));
    return row;
  };
  root.append(title, canvas, classes, extras);
  container.append(root);

  const update = (spec: LegendSpec) => {
    const content = legendContent(spec);
    title.textContent = spec.title;
    classes.replaceChildren(...content.swatches.map((c) => swatchRow(c, 'legend-category')));
    extras.replaceChildren(...content.extras.map((c) => swatchRow(c, c.color === DIVERGED_COLOR ? 'legend-diverged' : 'legend-missing')));
    classes.style.display = content.bar ? 'none' : 'flex';
    canvas.style.display = content.bar ? '' : 'none';
    const ticks = content.bar;
    canvas.setAttribute('aria-label', ticks ? `${spec.title}: ${ticks.map((t) => t.label).join(', ')}` : '');
    if (!ticks) return;
    const dpr = window.devicePixelRatio || 1;
    const W = LEGEND_BAR.width;
    const H = LEGEND_BAR.height + LEGEND_BAR.tickArea;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, H);
    const pad = 12;
    const barW = W - 2 * pad;
    for (let x = 0; x < barW; x++) {
      g.fillStyle = spec.interpolator((x + 0.5) / barW);
      g.fillRect(pad + x, 0, 1.5, LEGEND_BAR.height);
    }
    g.fillStyle = getComputedStyle(root).color || THEME.text;
    g.strokeStyle = g.fillStyle;
    g.font = themeFont(10, 'ui-monospace, monospace');
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const tick of ticks) {
      const x = pad + tick.t * barW;
      g.fillRect(Math.round(x) - 0.5, LEGEND_BAR.height, 1, 4);
      g.fillText(tick.label, x, LEGEND_BAR.height + 5);
    }
  };
  return { update, destroy: () => root.remove() };
}
