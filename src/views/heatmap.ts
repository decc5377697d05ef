/**
 * Heatmap view: a 2-D canvas grid of cells with axes in data units (log or linear), a vertical colour
 * bar, a "not computed" hatch for NaN cells, an optional per-cell category overlay, a highlighted cell
 * and click / hover readouts, e.g. a regime map over (τ, δ) (Fig. 1b: x = τ on a log axis, y = δ or α).
 *
 * Data layout: `values[r·cols + c]` is the cell in row r, column c; column c sits at x = axes.x.values[c]
 * and row r at y = axes.y.values[r]; row 0 is drawn at the bottom (y increases upwards).
 * Colours come from src/views/colormaps.ts interpolators; ticks of the colour bar from legend.ts.
 *
 * The pure helpers (axisPosition, axisTicks, autoDomain, colorT, heatmapLayout, cellAt) live in
 * heatmapMath.ts (no DOM, unit-tested in Node) and the canvas painting in heatmapPaint.ts; both are
 * re-exported here. {@link createHeatmap} is the DOM factory (tensorflow/playground HeatMap style:
 * narrow update methods that throw on a shape mismatch).
 */
import { axisLabelValue, cellAt, checkColorDomain, formatValue, type HeatmapAxes, type HeatmapCategory, type HeatmapColor } from './heatmapMath.ts';
import { paintHeatmap } from './heatmapPaint.ts';

export {
  autoDomain, axisPosition, axisTicks, axisValue, cellAt, colorT, EMPTY_COLOR, formatValue, HATCH_COLOR, HEATMAP_MARGIN,
  heatmapLayout,
} from './heatmapMath.ts';
export type { AxisTick, HeatmapAxes, HeatmapAxis, HeatmapCategory, HeatmapColor } from './heatmapMath.ts';

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
  /**
   * The map as a PNG figure at the canvas's size (dark background included), without the selection
   * outline, and without the "not computed" key once every cell has a value.
   */
  toPng(): Promise<Blob>;
  /** Removes the view and its listeners. */
  destroy(): void;
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
  checkColorDomain(color);
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
    paintHeatmap(g, { title, axes, color, palette: colors, values, rows, cols, classes, styles, highlight, emptyLabel }, cssW, cssH);
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
    tip.textContent = `${axes.x.label.split(' ')[0]} = ${formatValue(axisLabelValue(axes.x, axes.x.values[cell.col]))}, ${axes.y.label.split(' ')[0]} = ${formatValue(axisLabelValue(axes.y, axes.y.values[cell.row]))}\n`
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
      checkColorDomain(next);
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
      // The figure on a canvas of its own: no selection outline, no "not computed" key when every cell has a value.
      const dpr = window.devicePixelRatio || 1;
      const out = Object.assign(document.createElement('canvas'), { width: Math.round(cssW * dpr), height: Math.round(cssH * dpr) });
      const g = out.getContext('2d');
      if (!g) return Promise.reject(new Error('heatmap.toPng: no 2-D context'));
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      paintHeatmap(g, { title, axes, color, palette: colors, values, rows, cols, classes, styles, highlight, emptyLabel, figure: true }, cssW, cssH);
      return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('heatmap.toPng: the canvas could not be encoded'))), 'image/png'));
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
