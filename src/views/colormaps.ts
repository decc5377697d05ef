/**
 * The one place where the views choose their colours: the δ and excess-loss colour maps (shared by the
 * WebGPU portrait's LUT, the legend and the regl-scatterplot inspector), the fixed colours for diverged
 * and highlighted trajectories, and the LUT builder. Pure (no DOM, no GPU), so Node tests can import it.
 */
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { DARK_THEME, onViewTheme } from './theme.ts';

/** A colour interpolator: t ∈ [0, 1] → CSS colour string ("rgb(r, g, b)" or "#rrggbb"). */
export type Interpolator = (t: number) => string;

/** Number of entries of every colour lookup table (the shaders index LUT[floor(t·256)]). */
export const LUT_SIZE = 256;

/**
 * δ colour map (docs/theory.md §1: δ = η_w a² − η_a‖w‖²): diverging RdBu, reversed so that downstream
 * (δ < 0, t < ½) is blue, balanced (δ = 0, t = ½) is near-white and upstream (δ > 0) is red. The darkest
 * 8 % at each end are cut so that extreme δ stays visible on the dark background.
 * Use with a domain symmetric around 0: t = ½ + ½ δ / max|δ|.
 */
export const deltaInterpolator: Interpolator = (t) => interpolateRdBu(1 - (0.08 + 0.84 * clamp01(t)));

/**
 * Excess-loss colour map: sequential viridis on log10 ½(β−β_ols)ᵀXX(β−β_ols) (docs/theory.md §1.5), low loss
 * dark-violet … high loss yellow; the darkest 15 % are cut for the dark background.
 */
export const lossInterpolator: Interpolator = (t) => interpolateViridis(0.15 + 0.85 * clamp01(t));

/** Diverged (frozen) trajectories: magenta, outside both maps. */
export const DIVERGED_COLOR = '#ff2bd6';
/** Highlighted (selected) trajectories: amber fill with a dark outline, outside both maps. */
export const HIGHLIGHT_COLOR = '#ffb000';
/** Background of the portrait (matches the app's --bg); this and the next five follow the theme (theme.ts). */
export let BACKGROUND_COLOR: string = DARK_THEME.background;
/** Grid lines of the portrait. */
export let GRID_COLOR: string = DARK_THEME.grid;
/** Axes (x = 0, y = 0) of the portrait. */
export let AXIS_COLOR: string = DARK_THEME.axis;
/** Excess-loss contour lines (function space). */
export let CONTOUR_COLOR: string = DARK_THEME.contour;
/** Ring marking the target β_ols (function space). */
export let TARGET_COLOR: string = DARK_THEME.target;
/** Tick-label text colour. */
export let LABEL_COLOR: string = DARK_THEME.label;
/**
 * "Not available" in a per-trajectory field colouring (value < 0, non-finite, ≤ 0 on a log scale, or a
 * category index out of range): a neutral mid grey, outside every map (no hue; darker than the δ map's
 * near-white centre, lighter than the background).
 */
export const MISSING_COLOR = '#7c8189';
/**
 * The affine set of interpolating solutions in function space (docs/theory.md §1.5, paper Fig. 4b): bright
 * cyan, drawn dashed with a dark outline so that it reads apart from every colour map.
 */
export const INTERPOLANT_COLOR = '#38e8ff';

// The theme-dependent colours above are live bindings: importers see the active theme (src/views/theme.ts).
onViewTheme((t) => {
  BACKGROUND_COLOR = t.background; GRID_COLOR = t.grid; AXIS_COLOR = t.axis;
  CONTOUR_COLOR = t.contour; TARGET_COLOR = t.target; LABEL_COLOR = t.label;
});

/**
 * Regime palette, in the order of REGIMES (src/models/singleNeuron/regimes.ts): lazy, rich, delayed-rich,
 * diverged, lazy so far. Lazy is Okabe–Ito bluish green, rich vermillion, delayed-rich yellow; the
 * provisional "lazy so far" a pale tint of the lazy green (lazy until now, may still change); diverged is
 * {@link DIVERGED_COLOR}, the colour the portrait gives diverged points in every mode. Chosen among the
 * Okabe–Ito colours as the triple that stays farthest apart from each other and from the magenta under
 * simulated protanopia, deuteranopia and tritanopia (Machado et al. 2009: CIELAB ΔE ≥ 26; sky blue and
 * the magenta merge for deuteranopes), all far from the dark background (tests/unit/views-portrait-field).
 */
export const REGIME_COLORS: readonly string[] = ['#009e73', '#d55e00', '#f0e442', DIVERGED_COLOR, '#a6d9c7'];

function clamp01(t: number): number {
  return t < 0 ? 0 : t > 1 ? 1 : Number.isNaN(t) ? 0 : t;
}

/**
 * Parses "#rgb", "#rrggbb", "#rrggbbaa", "rgb(r, g, b)" or "rgba(r, g, b, a)" (the formats d3-scale-chromatic
 * and the constants above use).
 * @returns [r, g, b, a], each in [0, 1].
 * @throws Error on any other format.
 */
export function parseColor(css: string): [number, number, number, number] {
  const s = css.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(s);
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = h.split('').map((c) => c + c).join('');
    const v = (k: number) => parseInt(h.slice(2 * k, 2 * k + 2), 16) / 255;
    return [v(0), v(1), v(2), h.length === 8 ? v(3) : 1];
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(s);
  if (rgb) return [+rgb[1] / 255, +rgb[2] / 255, +rgb[3] / 255, rgb[4] === undefined ? 1 : +rgb[4]];
  throw new Error(`parseColor: unsupported colour "${css}"`);
}

/**
 * Samples an interpolator at bin centres t_k = (k + ½)/size, k = 0 … size−1.
 * @returns Float32Array of 4·size floats, RGBA in [0, 1], entry k at [4k, 4k+4) (the layout of a WGSL
 *   `array<vec4<f32>, 256>` uniform).
 */
export function buildLut(interpolator: Interpolator, size = LUT_SIZE): Float32Array {
  const lut = new Float32Array(4 * size);
  for (let k = 0; k < size; k++) lut.set(parseColor(interpolator((k + 0.5) / size)), 4 * k);
  return lut;
}

/** A colour as "#rrggbb" (alpha dropped); the only string form regl-scatterplot accepts besides arrays. */
export function toHex(css: string): string {
  return `#${parseColor(css).slice(0, 3).map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('')}`;
}

/** The same bins as {@link buildLut} as "#rrggbb" strings (for regl-scatterplot's `pointColor`). */
export function lutHex(interpolator: Interpolator, size = LUT_SIZE): string[] {
  return Array.from({ length: size }, (_, k) => toHex(interpolator((k + 0.5) / size)));
}

/**
 * The LUT bin of a normalised value, as the shader computes it: clamp(floor(t·size), 0, size−1); NaN → 0.
 */
export function lutIndex(t: number, size = LUT_SIZE): number {
  if (!(t > 0)) return 0;
  return Math.min(size - 1, Math.floor(t * size));
}

/** Half-width of the symmetric δ colour domain: max(|lo|, |hi|) of [lo, hi] = [min δ₀, max δ₀], or 1 when that is 0. */
export function deltaMaxAbs(deltaRange: readonly [number, number]): number {
  const m = Math.max(Math.abs(deltaRange[0]), Math.abs(deltaRange[1]));
  return m > 0 ? m : 1;
}

/** Normalised δ for the symmetric domain ±maxAbs: t = ½ + ½ δ / maxAbs (maxAbs ≤ 0 is treated as 1). */
export function deltaToT(delta: number, maxAbs: number): number {
  return 0.5 + (0.5 * delta) / (maxAbs > 0 ? maxAbs : 1);
}

/**
 * Normalised log excess loss: t = (log10 E − log10 lo) / (log10 hi − log10 lo), E clamped below at 1e-30.
 * @param domain [lo, hi] in loss units, 0 < lo < hi.
 */
export function lossToT(loss: number, domain: readonly [number, number]): number {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  return (Math.log10(Math.max(loss, 1e-30)) - l0) / (l1 - l0 || 1);
}

/** One class of a categorical colouring: its label and CSS colour. */
export interface LegendCategory { label: string; color: string }

/**
 * What a colour legend shows (src/views/legend.ts): title, map, domain in data units and its scale. For
 * 'log' the domain is in data units too (e.g. [1e-6, 10]) and must be positive. For 'category' the
 * legend draws `categories` as swatches instead of a bar; `interpolator` and `domain` then still
 * describe the same colours ({@link categoryInterpolator} over [0, k]) for consumers that only read those.
 * For 'symlog' (the δ scale of τ × α grids) the bar runs over t of deltaScale.deltaScaleT with ticks at 0, ±c·10^k.
 */
export interface LegendSpec {
  title: string;
  interpolator: Interpolator;
  domain: [number, number];
  scale: 'linear' | 'log' | 'category' | 'symlog';
  /** 'symlog' only: the linear threshold c > 0 (src/views/deltaScale.ts); the domain is then [−M, M]. */
  linthresh?: number;
  /** Approximate number of ticks (default 5). */
  ticks?: number;
  /** The classes, in index order; required when scale is 'category'. */
  categories?: LegendCategory[];
  /** When set, the legend adds a {@link MISSING_COLOR} swatch with this text ("not available"). */
  missing?: string;
}

/** Per-trajectory field scale: linear or log10 of the value, or a category index (small integer). */
export type FieldScale = 'linear' | 'log' | 'category';

/**
 * A categorical LUT: entry k (k < colors.length) is colors[k] as linear RGBA, the rest transparent black.
 * Same layout as {@link buildLut} (4·size floats); the shader indexes it with the rounded category.
 * @throws RangeError when there are no colours or more than `size`; Error on an unparsable colour.
 */
export function buildCategoryLut(colors: readonly string[], size = LUT_SIZE): Float32Array {
  if (!(colors.length >= 1 && colors.length <= size)) throw new RangeError(`buildCategoryLut: need 1..${size} colours, got ${colors.length}.`);
  const lut = new Float32Array(4 * size);
  colors.forEach((c, k) => lut.set(parseColor(c), 4 * k));
  return lut;
}

/**
 * The step interpolator of k categories over t ∈ [0, 1]: t ∈ [k'/k, (k'+1)/k) → colors[k'] (t = 1 → the
 * last). With domain [0, k] it maps value v to the colour of category floor(v).
 */
export function categoryInterpolator(colors: readonly string[]): Interpolator {
  return (t) => colors[Math.min(colors.length - 1, Math.max(0, Math.floor(clamp01(t) * colors.length)))];
}

/**
 * The colour a field value gets, as the portrait shader computes it: the LUT bin (see {@link lutIndex})
 * or, for 'category', the rounded index; −1 = not available ({@link MISSING_COLOR}): v < 0 or non-finite;
 * for 'log' also v ≤ 0; for 'category' also an index ≥ `count`.
 * @param domain [lo, hi] in data units ('linear', 'log'; lo > 0 for 'log'); ignored for 'category'.
 * @param count number of categories ('category' only).
 */
export function fieldColorIndex(v: number, scale: FieldScale, domain: readonly [number, number], count = 0): number {
  if (!Number.isFinite(v) || v < 0) return -1;
  if (scale === 'category') {
    const k = Math.floor(v + 0.5);
    return k < count ? k : -1;
  }
  if (scale === 'log') {
    if (!(v > 0)) return -1;
    const l0 = Math.log10(domain[0]);
    return lutIndex((Math.log10(v) - l0) / (Math.log10(domain[1]) - l0 || 1));
  }
  return lutIndex((v - domain[0]) / (domain[1] - domain[0] || 1));
}
