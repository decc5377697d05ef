/**
 * The unit scatter of docs/theory.md §3.1 (issue 13 item 3): one dot per hidden unit of the compared
 * networks, in two panels — "moved since t = 0" (relative radial change |μ_k − μ_k(0)|/|μ_k(0)| on a log
 * axis against the angle β̂_k turned, degrees) and "speed now" (|μ̇_k|/|μ_k| against ‖β̂̇_k‖ of eqs. 9–10,
 * both per unit of time, log axes) — coloured by the unit's Hamming distance (fraction of training inputs
 * whose active bit flipped since t = 0), one marker shape per compared cell. Canvas 2D.
 */
import { lossInterpolator, GRID_COLOR, LABEL_COLOR, BACKGROUND_COLOR } from '../../../views/colormaps.ts';
import { formatTick, niceTicks } from '../../../views/viewMath.ts';
import { THEME, themeFont } from '../../../views/theme.ts';

/** Hamming fractions at or above this get the top colour. */
export const HAMMING_COLOR_MAX = 0.5;

/** One unit's dot: x and y in data units of each panel, and its Hamming fraction. */
export interface UnitDot { moved: [number, number]; speed: [number, number]; hamming: number }

/** One compared cell: its dots, its legend line and whether it is the selected cell (drawn larger). */
export interface UnitSeries { label: string; summary: string; selected: boolean; dots: UnitDot[] }

/** Marker shapes, one per series in order. */
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;

/** The colour of a Hamming fraction h (viridis, 0 → dark, ≥ {@link HAMMING_COLOR_MAX} → yellow). */
export function hammingColor(h: number): string { return lossInterpolator(Math.min(1, Math.max(0, h / HAMMING_COLOR_MAX))); }

/** Log-axis range covering positive finite values (a decade each side at least); [1e-3, 1] when there are none. */
export function logRange(values: readonly number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [1e-3, 1];
  let lo = Math.floor(Math.log10(Math.min(...pos))), hi = Math.ceil(Math.log10(Math.max(...pos)));
  if (hi - lo < 1) hi = lo + 1;
  lo = Math.max(lo, hi - 8);
  return [10 ** lo, 10 ** hi];
}

interface Axis { label: string; log: boolean; range: [number, number] }

/** The scatter. */
export class UnitsScatter {
  readonly canvas: HTMLCanvasElement;
  private series: UnitSeries[] = [];
  private message = '';

  constructor(host: HTMLElement) {
    this.canvas = Object.assign(document.createElement('canvas'), { className: 'r2-units-canvas' });
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'each unit: angle moved against radial change, and its speeds, coloured by Hamming distance');
    Object.assign(this.canvas.style, { display: 'block', width: '100%' });
    host.append(this.canvas);
  }

  /** Draws these series. @throws RangeError with more series than marker shapes. */
  update(series: UnitSeries[]): void {
    if (series.length > MARKERS.length) throw new RangeError(`UnitsScatter: at most ${MARKERS.length} series (got ${series.length})`);
    this.series = series;
    this.message = '';
    this.draw();
  }

  /** Shows a message instead of dots. */
  clear(message: string): void { this.series = []; this.message = message; this.draw(); }

  /** The canvas as a PNG. */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('UnitsScatter: PNG encoding failed'))), 'image/png'));
  }

  private draw(): void {
    const W = this.canvas.parentElement?.clientWidth || 640;
    const legendRows = Math.max(1, this.series.length);
    const plotH = 230, H = plotH + 56 + 16 * legendRows;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.height = `${H}px`;
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = BACKGROUND_COLOR;
    g.fillRect(0, 0, W, H);
    if (!this.series.length) {
      g.fillStyle = THEME.muted; g.font = themeFont(12); g.textAlign = 'center'; g.textBaseline = 'middle';
      g.fillText(this.message || 'no units yet', W / 2, H / 2);
      return;
    }
    const all = this.series.flatMap((s) => s.dots);
    // angle axis from 0 to a tick just above the largest angle (at least 5°)
    const top = 1.05 * Math.max(5, ...all.map((d) => d.moved[1]).filter(Number.isFinite)), tick = niceTicks(0, top, 4).step;
    const moved: [Axis, Axis] = [
      { label: 'radial change |μ_k − μ_k(0)| / |μ_k(0)|', log: true, range: logRange(all.map((d) => d.moved[0])) },
      { label: 'angle moved by β̂_k (degrees)', log: false, range: [0, tick * Math.ceil(top / tick)] },
    ];
    const speed: [Axis, Axis] = [
      { label: 'radial speed |μ̇_k| / |μ_k| (per unit time)', log: true, range: logRange(all.map((d) => d.speed[0])) },
      { label: 'angular speed ‖β̂̇_k‖ (rad per unit time)', log: true, range: logRange(all.map((d) => d.speed[1])) },
    ];
    const barW = 64, gap = 58, left = 52, half = (W - left - barW - gap - 10) / 2;
    this.panel(g, { x: left, y: 20, w: half, h: plotH - 40 }, moved, 'moved since t = 0', (d) => d.moved);
    this.panel(g, { x: left + half + gap, y: 20, w: half, h: plotH - 40 }, speed, 'speed now (eqs. 9–10)', (d) => d.speed);
    this.colorBar(g, W - barW + 6, 36, plotH - 60);
    // legend: marker, cell, summary
    g.textAlign = 'left'; g.textBaseline = 'middle';
    this.series.forEach((s, i) => {
      const y = plotH + 28 + 16 * i;
      this.marker(g, MARKERS[i], 14, y, s.selected ? 5 : 4, THEME.label, s.selected);
      g.fillStyle = s.selected ? THEME.text : LABEL_COLOR;
      g.font = themeFont(11, 'system-ui, sans-serif', s.selected ? '600' : '');
      g.fillText(`${s.label}${s.selected ? ' (selected)' : ''}: ${s.summary}`, 26, y);
    });
  }

  private panel(g: CanvasRenderingContext2D, r: { x: number; y: number; w: number; h: number }, axes: [Axis, Axis], title: string, pick: (d: UnitDot) => [number, number]): void {
    const map = (a: Axis, v: number, lo: number, span: number) => {
      const t = a.log ? (Math.log10(Math.max(v, a.range[0])) - Math.log10(a.range[0])) / (Math.log10(a.range[1]) - Math.log10(a.range[0]))
        : (v - a.range[0]) / (a.range[1] - a.range[0]);
      return lo + Math.min(1, Math.max(0, t)) * span;
    };
    const X = (v: number) => map(axes[0], v, r.x, r.w), Y = (v: number) => map(axes[1], v, r.y + r.h, -r.h);
    g.strokeStyle = THEME.minorGrid; g.lineWidth = THEME.lineScale;
    g.fillStyle = LABEL_COLOR; g.font = themeFont(9.5, 'ui-monospace, monospace');
    const ticks = (a: Axis): { v: number; text: string }[] => {
      if (a.log) {
        const out = [];
        for (let e = Math.round(Math.log10(a.range[0])); e <= Math.round(Math.log10(a.range[1])); e++) out.push({ v: 10 ** e, text: `1e${e}`.replace('-', '−') });
        return out;
      }
      const { step, values } = niceTicks(a.range[0], a.range[1], 4);
      return values.map((v) => ({ v, text: formatTick(v, step) }));
    };
    g.textAlign = 'center'; g.textBaseline = 'top';
    for (const t of ticks(axes[0])) {
      g.beginPath(); g.moveTo(X(t.v), r.y); g.lineTo(X(t.v), r.y + r.h); g.stroke();
      g.fillText(t.text, X(t.v), r.y + r.h + 3);
    }
    g.textAlign = 'right'; g.textBaseline = 'middle';
    for (const t of ticks(axes[1])) {
      g.beginPath(); g.moveTo(r.x, Y(t.v)); g.lineTo(r.x + r.w, Y(t.v)); g.stroke();
      g.fillText(t.text, r.x - 3, Y(t.v));
    }
    g.strokeStyle = GRID_COLOR; g.strokeRect(r.x - 0.5, r.y - 0.5, r.w + 1, r.h + 1);
    g.fillStyle = THEME.text; g.font = themeFont(11.5, 'system-ui, sans-serif', '600'); g.textAlign = 'left'; g.textBaseline = 'bottom';
    g.fillText(title, r.x, r.y - 4);
    g.fillStyle = LABEL_COLOR; g.font = themeFont(10.5); g.textAlign = 'center'; g.textBaseline = 'top';
    g.fillText(axes[0].label, r.x + r.w / 2, r.y + r.h + 16);
    g.save(); g.translate(r.x - 40, r.y + r.h / 2); g.rotate(-Math.PI / 2); g.textBaseline = 'middle'; g.fillText(axes[1].label, 0, 0); g.restore();
    // unselected series first, the selected one on top
    const order = this.series.map((s, i) => i).sort((a, b) => Number(this.series[a].selected) - Number(this.series[b].selected));
    for (const i of order) {
      const s = this.series[i];
      for (const d of s.dots) {
        const [x, y] = pick(d);
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        this.marker(g, MARKERS[i], X(x), Y(y), s.selected ? 4.5 : 3.5, hammingColor(d.hamming), s.selected);
      }
    }
  }

  private marker(g: CanvasRenderingContext2D, shape: (typeof MARKERS)[number], x: number, y: number, r: number, fill: string, strong: boolean): void {
    g.fillStyle = fill;
    g.strokeStyle = strong ? THEME.text : BACKGROUND_COLOR;
    g.lineWidth = strong ? 1.2 : 0.8;
    g.beginPath();
    if (shape === 'circle') g.arc(x, y, r, 0, 2 * Math.PI);
    else if (shape === 'square') g.rect(x - r * 0.85, y - r * 0.85, 1.7 * r, 1.7 * r);
    else if (shape === 'triangle') { g.moveTo(x, y - r * 1.1); g.lineTo(x + r, y + r * 0.8); g.lineTo(x - r, y + r * 0.8); g.closePath(); }
    else if (shape === 'diamond') { g.moveTo(x, y - r * 1.2); g.lineTo(x + r, y); g.lineTo(x, y + r * 1.2); g.lineTo(x - r, y); g.closePath(); }
    else { const t = r * 0.45; g.moveTo(x - t, y - r); g.lineTo(x + t, y - r); g.lineTo(x + t, y - t); g.lineTo(x + r, y - t); g.lineTo(x + r, y + t); g.lineTo(x + t, y + t); g.lineTo(x + t, y + r); g.lineTo(x - t, y + r); g.lineTo(x - t, y + t); g.lineTo(x - r, y + t); g.lineTo(x - r, y - t); g.lineTo(x - t, y - t); g.closePath(); }
    g.fill(); g.stroke();
  }

  private colorBar(g: CanvasRenderingContext2D, x: number, y: number, h: number): void {
    for (let i = 0; i < h; i++) { g.fillStyle = hammingColor(HAMMING_COLOR_MAX * (1 - i / h)); g.fillRect(x, y + i, 10, 1); }
    g.strokeStyle = GRID_COLOR; g.strokeRect(x - 0.5, y - 0.5, 11, h + 1);
    g.fillStyle = LABEL_COLOR; g.font = themeFont(9.5, 'ui-monospace, monospace'); g.textAlign = 'left'; g.textBaseline = 'middle';
    g.fillText('≥ 0.5', x + 13, y); g.fillText('0', x + 13, y + h);
    g.textBaseline = 'bottom'; g.font = themeFont(10);
    g.fillText('H_k', x - 2, y - 6);
  }

  /** Removes the canvas. */
  destroy(): void { this.canvas.remove(); }
}
