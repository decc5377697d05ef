/**
 * The views' one theme module: every colour a view paints that is not a data colour (background, text,
 * axes, grid, label halo, overlay panels) and the projector mode's font and line scale. Two palettes:
 * 'dark' (the default) and 'projector' (light background, high contrast, larger fonts, thicker lines;
 * issue 10 "projector mode"). The shell picks one from the URL (src/app/theme.ts, `?theme=projector`)
 * before any view is built; views read {@link THEME} when they paint, so they need no import-time colours.
 * Data colours (δ, loss, regime maps) stay in colormaps.ts and are the same in both themes.
 */

/** What a view needs of the theme. Colours are CSS strings ("#rrggbb", "#rrggbbaa" or "rgba(…)"). */
export interface ViewTheme {
  name: ThemeName;
  /** Canvas background (portrait, 3-D view, charts, maps; the page's --bg). */
  background: string;
  /** Titles and main text. */
  text: string;
  /** Tick labels and secondary text. */
  label: string;
  /** Hints ("no data yet") and faint text. */
  muted: string;
  /** The axes x = 0, y = 0 of the portrait and the 3-D axes. */
  axis: string;
  /** Grid lines. */
  grid: string;
  /** Faint grid (small multiples). */
  minorGrid: string;
  /** Excess-loss contours (function space). */
  contour: string;
  /** The target ring β* and the minima line in 3-D. */
  target: string;
  /** Outline drawn around labels over data (keeps them readable over points). */
  halo: string;
  /** Translucent panel behind the legend and tooltips over a view. */
  overlay: string;
  /** Heatmap cell not computed yet, and its hatch. */
  emptyCell: string;
  hatch: string;
  /** Multiplies every font size of the views (1 in 'dark'). */
  fontScale: number;
  /** Multiplies line widths of the 2-D canvas views and the point size (1 in 'dark'). */
  lineScale: number;
}

/** The theme names the URL accepts. */
export const THEME_NAMES = ['dark', 'projector'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

/** The default dark palette (the colours the views always had). */
export const DARK_THEME: Readonly<ViewTheme> = {
  name: 'dark', background: '#101216', text: '#d8dde6', label: '#aab3c2', muted: '#6b7486', axis: '#6b7486',
  grid: '#3a4150', minorGrid: '#1c212b', contour: '#8fa0b8', target: '#ffffff', halo: 'rgba(16, 18, 22, 0.85)', overlay: '#101216cc',
  emptyCell: '#1b1f27', hatch: '#333a48', fontScale: 1, lineScale: 1,
};

/**
 * Projector: near-white background, near-black text, dark axes; fonts ×1.3 and lines ×2 so that a
 * projected page reads from the back of a room. WCAG contrast of text on background > 15:1.
 */
export const PROJECTOR_THEME: Readonly<ViewTheme> = {
  name: 'projector', background: '#fbfbf8', text: '#0b0d12', label: '#1d2330', muted: '#4a5263', axis: '#20242e',
  grid: '#b9bfca', minorGrid: '#e1e4e9', contour: '#4f5d75', target: '#000000', halo: 'rgba(251, 251, 248, 0.9)', overlay: '#fbfbf8e6',
  emptyCell: '#e8eaee', hatch: '#c7ccd6', fontScale: 1.3, lineScale: 2,
};

const THEMES: Record<ThemeName, Readonly<ViewTheme>> = { dark: DARK_THEME, projector: PROJECTOR_THEME };

/** The active theme (mutated in place by {@link setViewTheme}; read it when painting, never copy it at import). */
export const THEME: ViewTheme = { ...DARK_THEME };

const listeners = new Set<(t: Readonly<ViewTheme>) => void>();

/**
 * Makes `name` the active theme and tells the listeners (colormaps.ts's exported colour bindings).
 * Call before the views are built; views already drawn repaint with it on their next paint.
 * @throws RangeError naming the field `theme` for an unknown name.
 */
export function setViewTheme(name: string): void {
  if (!(THEME_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`theme: unknown theme "${name}"; use one of ${THEME_NAMES.join(', ')}.`);
  }
  Object.assign(THEME, THEMES[name as ThemeName]);
  for (const f of listeners) f(THEME);
}

/** Calls `f` now and after every {@link setViewTheme}. */
export function onViewTheme(f: (t: Readonly<ViewTheme>) => void): void {
  listeners.add(f);
  f(THEME);
}

/** A CSS font string at `px` CSS px times the theme's font scale, e.g. themeFont(11, 'ui-monospace, monospace'). */
export function themeFont(px: number, family = 'system-ui, sans-serif', weight = ''): string {
  const size = Math.round(px * THEME.fontScale * 10) / 10;
  return `${weight ? `${weight} ` : ''}${size}px ${family}`;
}
