/**
 * Painting of the heatmap view (heatmap.ts) on a 2-D canvas: title, key, cells (hatched when not
 * computed, category fills and marks), the highlighted cell, axes and the colour bar. Stateless: the
 * view passes everything in a {@link HeatmapScene}. Layout and ticks: heatmapMath.ts.
 */
import { BACKGROUND_COLOR, GRID_COLOR, HIGHLIGHT_COLOR, LABEL_COLOR, parseColor } from './colormaps.ts';
import {
  axisTicks, categoriesReplaceBar, colorBarLayout, colorDomain, colorT, EMPTY_COLOR, fitText, formatValue, HATCH_COLOR,
  HEATMAP_ROWS, heatmapLayout, type HeatmapAxes, type HeatmapCategory, type HeatmapColor,
} from './heatmapMath.ts';
import { legendTicks } from './legend.ts';
import { THEME } from './theme.ts';

/** Everything one heatmap drawing shows. */
export interface HeatmapScene {
  title: string;
  axes: HeatmapAxes | null;
  color: HeatmapColor;
  /** 256 CSS colours of color.interpolator at the bin centres (k + ½)/256. */
  palette: readonly string[];
  /** rows × cols, row-major (row 0 at the bottom); NaN or null = not computed. */
  values: Float32Array | null;
  rows: number;
  cols: number;
  /** Per-cell class (0 = none, k ≥ 1 = styles[k − 1]), same layout as values; or null. */
  classes: Uint8Array | null;
  styles: readonly HeatmapCategory[];
  highlight: { row: number; col: number } | null;
  /** Label of the NaN swatch in the key. */
  emptyLabel: string;
  /** An exported figure: no selection outline, and the NaN swatch only when a cell is NaN (issue 10, defect 11). */
  figure?: boolean;
}

type Plot = ReturnType<typeof heatmapLayout>;

/** The fill of "not computed" cells: an 8 px EMPTY_COLOR tile with HATCH_COLOR diagonals (plain EMPTY_COLOR without a 2-D context). */
function hatch(g: CanvasRenderingContext2D): CanvasPattern | string {
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
}

/**
 * Paints the whole heatmap into `g` (transform already set to CSS px) for a canvas of cssW × cssH CSS
 * px: background, title, key, cells, highlight, axes, colour bar. With no rows or columns only the
 * background, title and key.
 */
export function paintHeatmap(g: CanvasRenderingContext2D, s: HeatmapScene, cssW: number, cssH: number): void {
  g.fillStyle = BACKGROUND_COLOR;
  g.fillRect(0, 0, cssW, cssH);
  const p = heatmapLayout(cssW, cssH);
  g.font = '600 12px system-ui, sans-serif';
  g.fillStyle = THEME.text;
  g.textBaseline = 'middle';
  g.textAlign = 'left';
  g.fillText(fitText(s.title, cssW - 12, (t) => g.measureText(t).width), 6, HEATMAP_ROWS.title);
  const categoryBar = categoriesReplaceBar(s.classes, s.styles);
  drawKey(g, p, s, categoryBar);
  const { rows, cols, values, classes, styles } = s;
  if (!rows || !cols) return;
  const cw = p.w / cols, ch = p.h / rows;
  const gap = cw > 8 && ch > 8 ? 1 : 0;
  const [lo, hi] = colorDomain(s.color, values);
  const empty = hatch(g);
  const tiny = cw < 3 || ch < 3;
  if (tiny) drawCellsAsImage(g, p, s, lo, hi);
  for (let r = 0; r < rows && !tiny; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const v = values ? values[i] : NaN;
      const k = classes ? classes[i] : 0;
      const x = p.x + c * cw, y = p.y + p.h - (r + 1) * ch;
      const fill = k && styles[k - 1]?.style === 'fill' ? styles[k - 1].color
        : Number.isNaN(v) ? empty : s.palette[Math.min(255, Math.floor(colorT(v, [lo, hi], s.color.scale) * 256))];
      g.fillStyle = fill;
      g.fillRect(x + gap / 2, y + gap / 2, cw - gap, ch - gap);
      if (k && styles[k - 1]?.style === 'mark') {
        const m = Math.min(cw, ch) * 0.35;
        g.fillStyle = styles[k - 1].color;
        g.beginPath();
        g.moveTo(x + cw - gap, y + gap); g.lineTo(x + cw - gap - m, y + gap); g.lineTo(x + cw - gap, y + gap + m);
        g.fill();
      }
    }
  }
  const hl = s.highlight;
  if (hl && !s.figure && hl.row < rows && hl.col < cols) {
    g.strokeStyle = HIGHLIGHT_COLOR;
    g.lineWidth = 2.5;
    g.strokeRect(p.x + hl.col * cw + 1, p.y + p.h - (hl.row + 1) * ch + 1, cw - 2, ch - 2);
  }
  drawAxes(g, p, s);
  if (categoryBar) drawCategoryBar(g, p, s, cssW); else drawColorBar(g, p, s, lo, hi, cssW);
}

/** In place of the colour bar when every cell is a class ({@link categoriesReplaceBar}): one swatch per class. */
function drawCategoryBar(g: CanvasRenderingContext2D, p: Plot, s: HeatmapScene, cssW: number): void {
  const { barX } = colorBarLayout(cssW);
  g.font = '10px system-ui, sans-serif';
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  s.styles.forEach((st, k) => {
    const y = p.y + 8 + 18 * k;
    g.fillStyle = st.color;
    g.fillRect(barX, y - 6, 12, 12);
    g.fillStyle = LABEL_COLOR;
    g.fillText(fitText(st.label, cssW - barX - 18, (t) => g.measureText(t).width), barX + 16, y);
  });
}

/**
 * Cells under 3 px: one pixel per cell in an ImageData, scaled up without smoothing — a 512 × 512 map
 * would otherwise be 262,144 fillRect calls per redraw. Empty (NaN) cells are EMPTY_COLOR, unhatched.
 */
function drawCellsAsImage(g: CanvasRenderingContext2D, p: Plot, s: HeatmapScene, lo: number, hi: number): void {
  const { rows, cols, values, classes, styles } = s;
  const rgb = (css: string) => parseColor(css).slice(0, 3).map((x) => Math.round(255 * x));
  const lut = s.palette.map(rgb);
  const emptyRgb = rgb(EMPTY_COLOR);
  const styleRgb = styles.map((st) => rgb(st.color));
  const image = new ImageData(cols, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const k = classes ? classes[i] : 0;
      const v = values ? values[i] : NaN;
      const px = k && styles[k - 1] ? styleRgb[k - 1]
        : Number.isNaN(v) ? emptyRgb : lut[Math.min(255, Math.floor(colorT(v, [lo, hi], s.color.scale) * 256))];
      image.data.set([px[0], px[1], px[2], 255], 4 * ((rows - 1 - r) * cols + c));
    }
  }
  const tile = document.createElement('canvas');
  tile.width = cols;
  tile.height = rows;
  tile.getContext('2d')?.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(tile, p.x, p.y, p.w, p.h);
}

/** The plot frame, and with axes their ticks, tick labels and names. */
function drawAxes(g: CanvasRenderingContext2D, p: Plot, s: HeatmapScene): void {
  g.strokeStyle = GRID_COLOR;
  g.lineWidth = 1;
  g.strokeRect(p.x - 0.5, p.y - 0.5, p.w + 1, p.h + 1);
  const { axes, rows, cols } = s;
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
  g.fillStyle = THEME.text;
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  g.fillText(`${axes.x.label}${axes.x.scale === 'log' ? '  (log scale)' : ''}`, p.x + p.w / 2, p.y + p.h + 36);
  g.save();
  g.translate(16, p.y + p.h / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = 'middle';
  g.fillText(`${axes.y.label}${axes.y.scale === 'log' ? '  (log scale)' : ''}`, 0, 0);
  g.restore();
}

/** The vertical colour bar right of the plot over the domain [lo, hi], with ticks and the colour title. */
function drawColorBar(g: CanvasRenderingContext2D, p: Plot, s: HeatmapScene, lo: number, hi: number, cssW: number): void {
  const { barX: bx, barW: bw, tickX, titleX } = colorBarLayout(cssW);
  for (let y = 0; y < p.h; y++) {
    g.fillStyle = s.palette[Math.min(255, Math.floor((1 - (y + 0.5) / p.h) * 256))];
    g.fillRect(bx, p.y + y, bw, 1.5);
  }
  g.strokeStyle = GRID_COLOR;
  g.strokeRect(bx - 0.5, p.y - 0.5, bw + 1, p.h + 1);
  let ticks = legendTicks([lo, hi], s.color.scale, 5);
  if (ticks.length < 2) ticks = [lo, hi].map((v, i) => ({ value: v, t: i, label: formatValue(v) }));
  g.fillStyle = LABEL_COLOR;
  g.font = '10px ui-monospace, monospace';
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  for (const t of ticks) {
    const y = p.y + p.h - t.t * p.h;
    g.fillRect(bx + bw, Math.round(y) - 0.5, 4, 1);
    g.fillText(t.label, tickX, y);
  }
  g.save();
  g.translate(titleX, p.y + p.h / 2);
  g.rotate(Math.PI / 2);
  g.textAlign = 'center';
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = THEME.text;
  g.textBaseline = 'middle';
  g.fillText(fitText(`${s.color.title}${s.color.scale === 'log' ? ' (log)' : ''}`, p.h, (t) => g.measureText(t).width), 0, 0);
  g.restore();
}

/**
 * The key in its own row under the title (HEATMAP_ROWS.key), left-aligned: the NaN swatch, then the category
 * swatches unless they are drawn in place of the colour bar (`categoriesInBar`).
 */
function drawKey(g: CanvasRenderingContext2D, p: Plot, s: HeatmapScene, categoriesInBar: boolean): void {
  g.font = '10px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.textAlign = 'left';
  const y = HEATMAP_ROWS.key;
  const anyEmpty = !s.values || s.values.some(Number.isNaN);
  const items: { label: string; paint: (x: number) => void }[] = [
    ...(s.figure && !anyEmpty ? [] : [{ label: s.emptyLabel, paint: (x: number) => { g.fillStyle = hatch(g); g.fillRect(x, y - 5, 10, 10); } }]),
    ...(s.classes && !categoriesInBar ? s.styles : []).map((st) => ({
      label: st.label,
      paint: (x: number) => { g.fillStyle = st.color; if (st.style === 'fill') g.fillRect(x, y - 5, 10, 10); else { g.beginPath(); g.moveTo(x, y - 5); g.lineTo(x + 10, y - 5); g.lineTo(x + 10, y + 5); g.fill(); } },
    })),
  ];
  let x = 6;
  const right = p.x + p.w + 80;
  for (const it of items) {
    const label = fitText(it.label, right - x - 14, (t) => g.measureText(t).width);
    if (!label) break;
    it.paint(x);
    g.fillStyle = LABEL_COLOR;
    g.fillText(label, x + 14, y);
    x += 14 + g.measureText(label).width + 12;
  }
}
