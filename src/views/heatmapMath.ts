/**
 * The pure helpers of the heatmap view (heatmap.ts): the data types of its axes, colours and categories,
 * axes in data units (log or linear), ticks, the colour domain, the plot layout and hit testing.
 * No DOM: unit-tested in Node. Row 0 is at the bottom of the plot (y increases upwards).
 */
import type { Interpolator } from './colormaps.ts';
import { formatTick, niceTicks } from './viewMath.ts';
import { DARK_THEME, onViewTheme } from './theme.ts';

/** One axis: its label (with units), the value at each cell centre (monotone), and its scale. */
export interface HeatmapAxis {
  label: string;
  values: readonly number[];
  scale: 'log' | 'linear';
  /** A periodic quantity (an angle: 360): the values stay monotone (unwrapped), ticks and readouts show them modulo it. */
  period?: number;
}

/** A value of `axis` as its labels show it: modulo the axis's period, if any. */
export function axisLabelValue(axis: Pick<HeatmapAxis, 'period'>, v: number): number {
  return axis.period ? ((v % axis.period) + axis.period) % axis.period : v;
}
/** Both axes: x runs over columns, y over rows. */
export interface HeatmapAxes { x: HeatmapAxis; y: HeatmapAxis }
/**
 * Colour encoding. `domain` is in data units ([lo, hi], lo < hi; positive for 'log'); omitted or 'auto'
 * means the finite (for 'log': positive) range of the current values.
 */
export interface HeatmapColor {
  title: string;
  interpolator: Interpolator;
  domain?: readonly [number, number] | 'auto';
  scale: 'linear' | 'log';
}
/** One category of the overlay: 'fill' paints the whole cell, 'mark' a corner triangle over its colour. */
export interface HeatmapCategory { label: string; color: string; style: 'fill' | 'mark' }

/**
 * Margins of the plot inside the canvas, CSS px. The top margin holds two rows: the title, then the key
 * (issue 10, defect 4: in one row the title covered the key at every dock width).
 */
export const HEATMAP_MARGIN = { left: 60, right: 100, top: 46, bottom: 46 };

/** Vertical centres (CSS px) of the title row and of the key row in the top margin. */
export const HEATMAP_ROWS = { title: 13, key: 33 } as const;

/** Half the height of the colour-bar title's 11 px font, CSS px (the rotated title's extent across the bar). */
const BAR_TITLE_HALF = 7;

/**
 * Where the colour bar right of the plot goes for a canvas cssW px wide: the bar (x, width), its tick
 * labels' left edge, and the centre line of its rotated title, which lies whole inside the canvas (it
 * used to sit at cssW − 4 and lose its lower half).
 */
export function colorBarLayout(cssW: number): { barX: number; barW: number; tickX: number; titleX: number } {
  const barX = cssW - HEATMAP_MARGIN.right + 14, barW = 12;
  return { barX, barW, tickX: barX + barW + 6, titleX: cssW - BAR_TITLE_HALF - 2 };
}

/**
 * Whether the categories replace the colour bar: every cell has a 'fill' class, so no cell shows a value
 * colour and a continuous bar would describe nothing (the regime map showed a grey −0.4…0.4 bar, or the
 * stale bar of the previous metric).
 */
export function categoriesReplaceBar(classes: Uint8Array | null, styles: readonly HeatmapCategory[]): boolean {
  if (!classes || classes.length === 0) return false;
  for (const k of classes) if (!(k > 0 && styles[k - 1]?.style === 'fill')) return false;
  return true;
}

/**
 * The longest prefix of `text` (with "…" when cut) whose width by `measure` is ≤ maxWidth; the whole text
 * when it fits, "" when not even "…" does.
 */
export function fitText(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`) <= maxWidth) lo = mid; else hi = mid - 1;
  }
  const cut = `${text.slice(0, lo).trimEnd()}…`;
  return measure(cut) <= maxWidth ? cut : '';
}
/** Fill of "not computed" (NaN) cells. */
export let EMPTY_COLOR: string = DARK_THEME.emptyCell;
/** The diagonal hatch lines over "not computed" cells. */
export let HATCH_COLOR: string = DARK_THEME.hatch;
onViewTheme((t) => { EMPTY_COLOR = t.emptyCell; HATCH_COLOR = t.hatch; });

const scaleOf = (axis: Pick<HeatmapAxis, 'scale'>, v: number): number => (axis.scale === 'log' ? Math.log10(v) : v);

/**
 * Position of value `v` along an axis, in cell units: the centre of cell i is at i + ½, the axis spans
 * [0, count]. Piecewise linear in the axis scale between centres, extrapolated by the end spacing, so
 * uniform (log-)grids map exactly. @returns NaN for a non-positive value on a log axis or an empty axis.
 */
export function axisPosition(axis: Pick<HeatmapAxis, 'values' | 'scale'>, v: number): number {
  const n = axis.values.length;
  const s = scaleOf(axis, v);
  if (!n || !Number.isFinite(s)) return NaN;
  if (n === 1) return Math.abs(s - scaleOf(axis, axis.values[0])) < 1e-12 ? 0.5 : NaN;
  const c = axis.values.map((x) => scaleOf(axis, x));
  const dir = c[n - 1] > c[0] ? 1 : -1;
  let i = 0;
  while (i < n - 2 && dir * (s - c[i + 1]) > 0) i++;
  return i + 0.5 + (s - c[i]) / (c[i + 1] - c[i] || 1);
}

/** Value (data units) at a position in cell units: the inverse of {@link axisPosition}. */
export function axisValue(axis: Pick<HeatmapAxis, 'values' | 'scale'>, pos: number): number {
  const n = axis.values.length;
  if (n === 1) return axis.values[0];
  const c = axis.values.map((x) => scaleOf(axis, x));
  const i = Math.max(0, Math.min(n - 2, Math.floor(pos - 0.5)));
  const s = c[i] + (pos - (i + 0.5)) * (c[i + 1] - c[i]);
  return axis.scale === 'log' ? 10 ** s : s;
}

/** One axis tick: value, position in cell units, label. */
export interface AxisTick { value: number; pos: number; label: string }

/**
 * Ticks of an axis over its full span [0, count] in cell units. Linear: nice 1/2/5 steps (about 5).
 * Log: 1, 2, 5 × 10^k inside the span, thinned to decades when there are more than 8. A single-value
 * axis has one tick at its centre. A periodic axis has a tick every quarter period, labelled modulo the period
 * (270, 360, 450° as 270, 0, 90°).
 */
export function axisTicks(axis: Pick<HeatmapAxis, 'values' | 'scale' | 'period'>): AxisTick[] {
  const n = axis.values.length;
  if (n === 0) return [];
  if (n === 1) return [{ value: axis.values[0], pos: 0.5, label: formatValue(axisLabelValue(axis, axis.values[0])) }];
  const a = axisValue(axis, 0), b = axisValue(axis, n);
  const lo = Math.min(a, b), hi = Math.max(a, b);
  const inside = (v: number) => ({ value: v, pos: axisPosition(axis, v) });
  if (axis.scale === 'linear' && axis.period) {
    // quarter periods (0°, 90°, 180°, 270° for an angle), labelled modulo the period
    const q = axis.period / 4;
    const ticks: AxisTick[] = [];
    for (let v = Math.ceil(lo / q - 1e-9) * q; v <= hi * (1 + 1e-12); v += q) ticks.push({ ...inside(v), label: formatValue(axisLabelValue(axis, v)) });
    return ticks;
  }
  if (axis.scale === 'linear') {
    const { step, values } = niceTicks(lo, hi, 5);
    return values.map((v) => ({ ...inside(v), label: formatTick(v, step) }));
  }
  const k0 = Math.floor(Math.log10(lo)), k1 = Math.ceil(Math.log10(hi));
  const out: (AxisTick & { mult: number })[] = [];
  for (let k = k0; k <= k1; k++) {
    for (const mult of [1, 2, 5]) {
      const v = Number((mult * 10 ** k).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push({ ...inside(v), label: formatValue(v), mult });
    }
  }
  const kept = out.length > 8 ? out.filter((t) => t.mult === 1) : out;
  return kept.map(({ mult: _m, ...t }) => t);
}

/** Compact number format for ticks and readouts: "0.1", "2", "−0.25", "1e-4", "3.2e+5". */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-3 ? v.toExponential(a >= 1e4 ? 1 : 0).replace('.0e', 'e') : String(Number(v.toPrecision(3)));
  return s.replace('-', '−');
}

/**
 * The colour domain of `values`: finite values (positive ones for 'log'); a constant range is widened
 * (±½ linear, ×/÷ √10 log); no usable value gives [0, 1] (linear) or [1e-3, 1] (log).
 */
export function autoDomain(values: ArrayLike<number>, scale: 'linear' | 'log'): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (scale === 'log' && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return scale === 'log' ? [1e-3, 1] : [0, 1];
  if (lo === hi) return scale === 'log' ? [lo / Math.SQRT2 / 2.236, hi * Math.SQRT2 * 2.236] : [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Normalised colour coordinate t ∈ [0, 1] of a value in a domain (clamped; NaN stays NaN). */
export function colorT(v: number, domain: readonly [number, number], scale: 'linear' | 'log'): number {
  if (Number.isNaN(v)) return NaN;
  const f = scale === 'log' ? Math.log10 : (x: number) => x;
  const t = (f(scale === 'log' ? Math.max(v, 1e-300) : v) - f(domain[0])) / (f(domain[1]) - f(domain[0]) || 1);
  return Math.min(1, Math.max(0, t));
}

/** Plot rectangle in CSS px for a canvas of width × height (margins {@link HEATMAP_MARGIN}). */
export function heatmapLayout(width: number, height: number): { x: number; y: number; w: number; h: number } {
  const m = HEATMAP_MARGIN;
  return { x: m.left, y: m.top, w: Math.max(10, width - m.left - m.right), h: Math.max(10, height - m.top - m.bottom) };
}

/**
 * The cell under a point (CSS px, relative to the canvas), or null outside the plot.
 * Row 0 is at the bottom of the plot.
 */
export function cellAt(px: number, py: number, width: number, height: number, rows: number, cols: number): { row: number; col: number } | null {
  const p = heatmapLayout(width, height);
  const fx = (px - p.x) / p.w, fy = (p.y + p.h - py) / p.h;
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1) || rows < 1 || cols < 1) return null;
  return { row: Math.floor(fy * rows), col: Math.floor(fx * cols) };
}

/** Checks a fixed colour domain. @throws RangeError when not finite and increasing, or not positive on a log scale. */
export function checkColorDomain(c: HeatmapColor): void {
  if (!c.domain || c.domain === 'auto') return;
  const [lo, hi] = c.domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`heatmap: colour domain [${lo}, ${hi}] must be finite and increasing.`);
  if (c.scale === 'log' && !(lo > 0)) throw new RangeError(`heatmap: a log colour domain must be positive, got [${lo}, ${hi}].`);
}

/** The colour domain in use: the fixed `color.domain`, or ({@link autoDomain}) that of `values` (none: []). */
export function colorDomain(color: HeatmapColor, values: ArrayLike<number> | null): [number, number] {
  return color.domain && color.domain !== 'auto' ? [color.domain[0], color.domain[1]] : autoDomain(values ?? [], color.scale);
}
