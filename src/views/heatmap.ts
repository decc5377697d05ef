/**
 * Heatmap view: a 2-D canvas grid of cells with axes in data units (log or linear), a vertical colour
 * bar, a "not computed" hatch for NaN cells, an optional per-cell category overlay, a highlighted cell
 * and click / hover readouts. Used by the relu2 regime map (Fig. 1b: x = τ on a log axis, y = δ or α).
 *
 * Data layout: `values[r·cols + c]` is the cell in row r, column c; column c sits at x = axes.x.values[c]
 * and row r at y = axes.y.values[r]; row 0 is drawn at the bottom (y increases upwards).
 * Colours come from src/views/colormaps.ts interpolators; ticks of the colour bar from legend.ts.
 *
 * The pure helpers (axisPosition, axisTicks, autoDomain, colorT, heatmapLayout, cellAt) have no DOM and
 * are unit-tested in Node; {@link createHeatmap} is the DOM factory (tensorflow/playground HeatMap style:
 * narrow update methods that throw on a shape mismatch).
 */
import { BACKGROUND_COLOR, GRID_COLOR, HIGHLIGHT_COLOR, LABEL_COLOR, parseColor, type Interpolator } from './colormaps.ts';
import { legendTicks } from './legend.ts';
import { formatTick, niceTicks } from './viewMath.ts';

/** One axis: its label (with units), the value at each cell centre (monotone), and its scale. */
export interface HeatmapAxis { label: string; values: readonly number[]; scale: 'log' | 'linear' }
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
/** Options of {@link createHeatmap}. */
export interface HeatmapOptions {
  /** Title drawn above the plot (also in the PNG). */
  title?: string;
  /** Canvas height in CSS px; default 0.8 × width, at least 260. */
  height?: number;
  axes?: HeatmapAxes;
  color?: HeatmapColor;
  /** Label of the NaN swatch; default "not computed yet". */
  emptyLabel?: string;
}

/** The handle returned by {@link createHeatmap}. */
export interface Heatmap {
  /** The canvas everything is drawn on (title, plot, axes, colour bar). */
  readonly canvas: HTMLCanvasElement;
  /**
   * Shows new values: rows×cols, row-major, NaN = not computed yet (drawn hatched grey).
   * @throws RangeError when rows or cols is not a positive integer, values.length ≠ rows·cols, or the
   *   shape differs from the axes (axes.y.values.length rows, axes.x.values.length columns).
   */
  update(values: Float32Array, rows: number, cols: number): void;
  /** Sets both axes. Values whose shape no longer matches are dropped (every cell shows "not computed"). */
  setAxes(axes: HeatmapAxes): void;
  /** Sets the colour encoding and redraws. @throws RangeError for an invalid fixed domain. */
  setColor(color: HeatmapColor): void;
  /** Sets the title above the plot. */
  setTitle(title: string): void;
  /**
   * Overlays a class per cell: classes[r·cols + c] = 0 (none) or k ≥ 1 for styles[k − 1]; null clears.
   * @throws RangeError when classes.length ≠ rows·cols of the current values or a class has no style.
   */
  setCategories(classes: Uint8Array | null, styles?: readonly HeatmapCategory[]): void;
  /** Registers a click handler (row, col of the clicked cell). @returns a function that unregisters it. */
  onCellClick(cb: (row: number, col: number) => void): () => void;
  /** Outlines one cell (amber), or none with null. */
  highlightCell(row: number | null, col?: number): void;
  /** The canvas as a PNG (dark background included). */
  toPng(): Promise<Blob>;
  /** Removes the view and its listeners. */
  destroy(): void;
}

/** Margins of the plot inside the canvas, CSS px. */
export const HEATMAP_MARGIN = { left: 60, right: 92, top: 30, bottom: 46 };
/** Fill of "not computed" (NaN) cells. */
export const EMPTY_COLOR = '#1b1f27';
/** The diagonal hatch lines over "not computed" cells. */
export const HATCH_COLOR = '#333a48';

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
 * axis has one tick at its centre.
 */
export function axisTicks(axis: Pick<HeatmapAxis, 'values' | 'scale'>): AxisTick[] {
  const n = axis.values.length;
  if (n === 0) return [];
  if (n === 1) return [{ value: axis.values[0], pos: 0.5, label: formatValue(axis.values[0]) }];
  const a = axisValue(axis, 0), b = axisValue(axis, n);
  const lo = Math.min(a, b), hi = Math.max(a, b);
  const inside = (v: number) => ({ value: v, pos: axisPosition(axis, v) });
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
function checkDomain(c: HeatmapColor): void {
  if (!c.domain || c.domain === 'auto') return;
  const [lo, hi] = c.domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`heatmap: colour domain [${lo}, ${hi}] must be finite and increasing.`);
  if (c.scale === 'log' && !(lo > 0)) throw new RangeError(`heatmap: a log colour domain must be positive, got [${lo}, ${hi}].`);
}

/**
 * Builds a heatmap inside `container` (appends a wrapper with the canvas and a hover readout; fills the
 * container's width and follows its size).
 */
export function createHeatmap(container: HTMLElement, options: HeatmapOptions = {}): Heatmap {
  const wrap = document.createElement('div');
  wrap.className = 'heatmap';
  Object.assign(wrap.style, { position: 'relative', width: '100%' } satisfies Partial<CSSStyleDeclaration>);
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', options.title ?? 'heatmap');
  Object.assign(canvas.style, { display: 'block', width: '100%', cursor: 'crosshair' });
  const tip = document.createElement('div');
  tip.className = 'heatmap-tip';
  Object.assign(tip.style, {
    position: 'absolute', pointerEvents: 'none', display: 'none', padding: '3px 7px', borderRadius: '3px',
    background: '#000000d0', color: '#e8ecf2', font: '11px/1.35 ui-monospace, monospace', whiteSpace: 'pre', zIndex: '2',
  } satisfies Partial<CSSStyleDeclaration>);
  wrap.append(canvas, tip);
  container.append(wrap);

  let title = options.title ?? '';
  let axes: HeatmapAxes | null = options.axes ?? null;
  let color: HeatmapColor = options.color ?? { title: '', interpolator: () => '#888', scale: 'linear' };
  checkDomain(color);
  let values: Float32Array | null = null;
  let rows = axes?.y.values.length ?? 0, cols = axes?.x.values.length ?? 0;
  let classes: Uint8Array | null = null;
  let styles: readonly HeatmapCategory[] = [];
  let highlight: { row: number; col: number } | null = null;
  const clickHandlers = new Set<(row: number, col: number) => void>();
  let cssW = 0, cssH = 0;
  const emptyLabel = options.emptyLabel ?? 'not computed yet';

  const palette = (): string[] => Array.from({ length: 256 }, (_, k) => color.interpolator((k + 0.5) / 256));
  let colors = palette();

  const hatch = (g: CanvasRenderingContext2D): CanvasPattern | string => {
    const t = document.createElement('canvas');
    t.width = t.height = 8;
    const h = t.getContext('2d');
    if (!h) return EMPTY_COLOR;
    h.fillStyle = EMPTY_COLOR;
    h.fillRect(0, 0, 8, 8);
    h.strokeStyle = HATCH_COLOR;
    h.lineWidth = 1.5;
    h.beginPath();
    h.moveTo(-2, 10); h.lineTo(10, -2);
    h.moveTo(-2, 2); h.lineTo(2, -2);
    h.moveTo(6, 10); h.lineTo(10, 6);
    h.stroke();
    return g.createPattern(t, 'repeat') ?? EMPTY_COLOR;
  };

  const domain = (): [number, number] => (color.domain && color.domain !== 'auto'
    ? [color.domain[0], color.domain[1]] : autoDomain(values ?? [], color.scale));

  const draw = () => {
    cssW = wrap.clientWidth || 480;
    cssH = options.height ?? Math.max(260, Math.round(cssW * 0.8));
    const dpr = window.devicePixelRatio || 1;
    canvas.style.height = `${cssH}px`;
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = BACKGROUND_COLOR;
    g.fillRect(0, 0, cssW, cssH);
    const p = heatmapLayout(cssW, cssH);
    g.font = '600 12px system-ui, sans-serif';
    g.fillStyle = '#d8dde6';
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    g.fillText(title, p.x, 14);
    drawKey(g, p);
    if (!rows || !cols) return;
    const cw = p.w / cols, ch = p.h / rows;
    const gap = cw > 8 && ch > 8 ? 1 : 0;
    const [lo, hi] = domain();
    const empty = hatch(g);
    const tiny = cw < 3 || ch < 3;
    if (tiny) drawCellsAsImage(g, p, lo, hi);
    for (let r = 0; r < rows && !tiny; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const v = values ? values[i] : NaN;
        const k = classes ? classes[i] : 0;
        const x = p.x + c * cw, y = p.y + p.h - (r + 1) * ch;
        const fill = k && styles[k - 1]?.style === 'fill' ? styles[k - 1].color
          : Number.isNaN(v) ? empty : colors[Math.min(255, Math.floor(colorT(v, [lo, hi], color.scale) * 256))];
        g.fillStyle = fill;
        g.fillRect(x + gap / 2, y + gap / 2, cw - gap, ch - gap);
        if (k && styles[k - 1]?.style === 'mark') {
          const s = Math.min(cw, ch) * 0.35;
          g.fillStyle = styles[k - 1].color;
          g.beginPath();
          g.moveTo(x + cw - gap, y + gap); g.lineTo(x + cw - gap - s, y + gap); g.lineTo(x + cw - gap, y + gap + s);
          g.fill();
        }
      }
    }
    if (highlight && highlight.row < rows && highlight.col < cols) {
      g.strokeStyle = HIGHLIGHT_COLOR;
      g.lineWidth = 2.5;
      g.strokeRect(p.x + highlight.col * cw + 1, p.y + p.h - (highlight.row + 1) * ch + 1, cw - 2, ch - 2);
    }
    drawAxes(g, p);
    drawColorBar(g, p, lo, hi);
  };

  /**
   * Cells under 3 px: one pixel per cell in an ImageData, scaled up without smoothing — a 512 × 512 map
   * would otherwise be 262,144 fillRect calls per redraw. Empty (NaN) cells are EMPTY_COLOR, unhatched.
   */
  const drawCellsAsImage = (g: CanvasRenderingContext2D, p: ReturnType<typeof heatmapLayout>, lo: number, hi: number) => {
    const rgb = (css: string) => parseColor(css).slice(0, 3).map((x) => Math.round(255 * x));
    const lut = colors.map(rgb);
    const emptyRgb = rgb(EMPTY_COLOR);
    const styleRgb = styles.map((st) => rgb(st.color));
    const image = new ImageData(cols, rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const i = r * cols + c;
        const k = classes ? classes[i] : 0;
        const v = values ? values[i] : NaN;
        const px = k && styles[k - 1] ? styleRgb[k - 1]
          : Number.isNaN(v) ? emptyRgb : lut[Math.min(255, Math.floor(colorT(v, [lo, hi], color.scale) * 256))];
        image.data.set([px[0], px[1], px[2], 255], 4 * ((rows - 1 - r) * cols + c));
      }
    }
    const tile = document.createElement('canvas');
    tile.width = cols;
    tile.height = rows;
    tile.getContext('2d')?.putImageData(image, 0, 0);
    g.imageSmoothingEnabled = false;
    g.drawImage(tile, p.x, p.y, p.w, p.h);
  };

  const drawAxes = (g: CanvasRenderingContext2D, p: ReturnType<typeof heatmapLayout>) => {
    g.strokeStyle = GRID_COLOR;
    g.lineWidth = 1;
    g.strokeRect(p.x - 0.5, p.y - 0.5, p.w + 1, p.h + 1);
    if (!axes) return;
    g.fillStyle = LABEL_COLOR;
    g.strokeStyle = LABEL_COLOR;
    g.font = '10px ui-monospace, monospace';
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (const t of axisTicks(axes.x)) {
      const x = p.x + (t.pos / cols) * p.w;
      if (!(x >= p.x - 0.5 && x <= p.x + p.w + 0.5)) continue;
      g.fillRect(Math.round(x) - 0.5, p.y + p.h, 1, 4);
      g.fillText(t.label, x, p.y + p.h + 6);
    }
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const t of axisTicks(axes.y)) {
      const y = p.y + p.h - (t.pos / rows) * p.h;
      if (!(y >= p.y - 0.5 && y <= p.y + p.h + 0.5)) continue;
      g.fillRect(p.x - 4, Math.round(y) - 0.5, 4, 1);
      g.fillText(t.label, p.x - 6, y);
    }
    g.font = '12px system-ui, sans-serif';
    g.fillStyle = '#d8dde6';
    g.textAlign = 'center';
    g.textBaseline = 'alphabetic';
    g.fillText(`${axes.x.label}${axes.x.scale === 'log' ? '  (log scale)' : ''}`, p.x + p.w / 2, p.y + p.h + 36);
    g.save();
    g.translate(16, p.y + p.h / 2);
    g.rotate(-Math.PI / 2);
    g.textBaseline = 'middle';
    g.fillText(`${axes.y.label}${axes.y.scale === 'log' ? '  (log scale)' : ''}`, 0, 0);
    g.restore();
  };

  const drawColorBar = (g: CanvasRenderingContext2D, p: ReturnType<typeof heatmapLayout>, lo: number, hi: number) => {
    const bx = p.x + p.w + 14, bw = 12;
    for (let y = 0; y < p.h; y++) {
      g.fillStyle = colors[Math.min(255, Math.floor((1 - (y + 0.5) / p.h) * 256))];
      g.fillRect(bx, p.y + y, bw, 1.5);
    }
    g.strokeStyle = GRID_COLOR;
    g.strokeRect(bx - 0.5, p.y - 0.5, bw + 1, p.h + 1);
    let ticks = legendTicks([lo, hi], color.scale, 5);
    if (ticks.length < 2) ticks = [lo, hi].map((v, i) => ({ value: v, t: i, label: formatValue(v) }));
    g.fillStyle = LABEL_COLOR;
    g.font = '10px ui-monospace, monospace';
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    for (const t of ticks) {
      const y = p.y + p.h - t.t * p.h;
      g.fillRect(bx + bw, Math.round(y) - 0.5, 4, 1);
      g.fillText(t.label, bx + bw + 6, y);
    }
    g.save();
    g.translate(bx + bw + 62, p.y + p.h / 2);
    g.rotate(Math.PI / 2);
    g.textAlign = 'center';
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#d8dde6';
    g.fillText(`${color.title}${color.scale === 'log' ? ' (log)' : ''}`, 0, 0);
    g.restore();
  };

  /** The key in the title row: the NaN swatch and the category swatches. */
  const drawKey = (g: CanvasRenderingContext2D, p: ReturnType<typeof heatmapLayout>) => {
    g.font = '10px system-ui, sans-serif';
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    const items: { label: string; paint: (x: number) => void }[] = [
      { label: emptyLabel, paint: (x) => { g.fillStyle = hatch(g); g.fillRect(x, 9, 10, 10); } },
      ...(classes ? styles : []).map((s) => ({
        label: s.label,
        paint: (x: number) => { g.fillStyle = s.color; if (s.style === 'fill') g.fillRect(x, 9, 10, 10); else { g.beginPath(); g.moveTo(x, 9); g.lineTo(x + 10, 9); g.lineTo(x + 10, 19); g.fill(); } },
      })),
    ];
    let x = p.x + p.w + HEATMAP_MARGIN.right - 4;
    for (const it of items.reverse()) {
      x -= g.measureText(it.label).width + 16;
      it.paint(x);
      g.fillStyle = LABEL_COLOR;
      g.fillText(it.label, x + 14, 14);
      x -= 10;
    }
  };

  const pointer = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    return cellAt(e.clientX - r.left, e.clientY - r.top, cssW, cssH, rows, cols);
  };
  const onClick = (e: MouseEvent) => {
    const cell = pointer(e);
    if (cell) for (const cb of clickHandlers) cb(cell.row, cell.col);
  };
  const onMove = (e: MouseEvent) => {
    const cell = pointer(e);
    if (!cell || !axes) { tip.style.display = 'none'; return; }
    const v = values ? values[cell.row * cols + cell.col] : NaN;
    const k = classes ? classes[cell.row * cols + cell.col] : 0;
    tip.textContent = `${axes.x.label.split(' ')[0]} = ${formatValue(axes.x.values[cell.col])}, ${axes.y.label.split(' ')[0]} = ${formatValue(axes.y.values[cell.row])}\n`
      + `${color.title}: ${Number.isNaN(v) ? emptyLabel : v.toPrecision(4)}${k ? ` · ${styles[k - 1]?.label ?? ''}` : ''}`;
    const r = canvas.getBoundingClientRect();
    tip.style.display = 'block';
    tip.style.left = `${Math.min(e.clientX - r.left + 14, cssW - 220)}px`;
    tip.style.top = `${e.clientY - r.top + 14}px`;
  };
  const onLeave = () => { tip.style.display = 'none'; };
  canvas.addEventListener('click', onClick);
  canvas.addEventListener('mousemove', onMove);
  canvas.addEventListener('mouseleave', onLeave);
  const observer = new ResizeObserver(() => { if (wrap.clientWidth !== cssW) draw(); });
  observer.observe(wrap);
  draw();

  return {
    canvas,
    update(next, r, c) {
      if (!(Number.isInteger(r) && r > 0 && Number.isInteger(c) && c > 0)) throw new RangeError(`heatmap.update: rows and cols must be positive integers (got ${r} × ${c}).`);
      if (next.length !== r * c) throw new RangeError(`heatmap.update: got ${next.length} values for ${r} × ${c} = ${r * c} cells.`);
      if (axes && (axes.y.values.length !== r || axes.x.values.length !== c)) {
        throw new RangeError(`heatmap.update: ${r} × ${c} values do not match the axes (${axes.y.values.length} rows of ${axes.y.label}, ${axes.x.values.length} columns of ${axes.x.label}).`);
      }
      if (classes && classes.length !== r * c) classes = null;
      values = next;
      rows = r;
      cols = c;
      draw();
    },
    setAxes(next) {
      axes = next;
      const r = next.y.values.length, c = next.x.values.length;
      if (r !== rows || c !== cols) { values = null; classes = null; highlight = null; }
      rows = r;
      cols = c;
      draw();
    },
    setColor(next) {
      checkDomain(next);
      color = next;
      colors = palette();
      draw();
    },
    setTitle(next) {
      title = next;
      canvas.setAttribute('aria-label', next);
      draw();
    },
    setCategories(next, nextStyles) {
      if (next) {
        if (next.length !== rows * cols) throw new RangeError(`heatmap.setCategories: got ${next.length} classes for ${rows} × ${cols} cells.`);
        const st = nextStyles ?? styles;
        for (const k of next) if (k > st.length) throw new RangeError(`heatmap.setCategories: class ${k} has no style (${st.length} given).`);
      }
      classes = next;
      if (nextStyles) styles = nextStyles;
      draw();
    },
    onCellClick(cb) {
      clickHandlers.add(cb);
      return () => clickHandlers.delete(cb);
    },
    highlightCell(row, col) {
      highlight = row === null || col === undefined ? null : { row, col };
      draw();
    },
    toPng() {
      draw();
      return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('heatmap.toPng: the canvas could not be encoded'))), 'image/png'));
    },
    destroy() {
      observer.disconnect();
      canvas.removeEventListener('click', onClick);
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('mouseleave', onLeave);
      clickHandlers.clear();
      wrap.remove();
    },
  };
}
