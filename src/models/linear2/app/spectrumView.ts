/**
 * The spectrum of β against δ (docs/theory.md §2, the ℓ¹-vs-ℓ² picture of Part II): one dot per network and
 * singular value index k (colour by k) at x = the network's δ, y = σ_k; dashed horizontal reference lines at
 * the singular values of the minimum-Frobenius interpolant and of the minimum-nuclear-norm interpolant
 * (or of the minimiser, when the data determine β). A 2-D canvas, redrawn by {@link SpectrumView.update}.
 */
import { THEME, themeFont } from '../../../views/theme.ts';
import { niceTicks, formatTick } from '../../../views/viewMath.ts';

/** Colours of singular value index k (σ₁ first), bright on both themes. */
export const SV_COLORS = ['#f5a35c', '#5ab0f0', '#6cd4a4', '#e8709a', '#c59cf2', '#e6d56a', '#9ad0f5', '#f2b8a0'];
/** Colour of the minimum-Frobenius reference lines and of the minimum-nuclear ones. */
export const FROBENIUS_COLOR = '#8fa0b8';
export const NUCLEAR_COLOR = '#ffd166';

/** What one draw shows. */
export interface SpectrumData {
  title: string;
  /** Each point: δ, singular value index k, σ_k. */
  points: { delta: number; k: number; sigma: number }[];
  deltaRange: [number, number];
  /** Reference spectra (descending), drawn as dashed lines; null to leave one out. */
  frobenius: readonly number[] | null;
  nuclear: readonly number[] | null;
  nuclearLabel: string;
}

/** Plot margins, CSS px. */
const M = { left: 46, right: 12, top: 40, bottom: 40 };

/** The view: a canvas filling its host's width. */
export class SpectrumView {
  readonly canvas: HTMLCanvasElement;
  private data: SpectrumData | null = null;
  private readonly observer: ResizeObserver;

  constructor(host: HTMLElement, private readonly height = 300) {
    this.canvas = Object.assign(document.createElement('canvas'), { id: 'l2-spectrum' });
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'singular values of the final β against δ');
    this.canvas.style.width = '100%';
    this.canvas.style.height = `${height}px`;
    host.append(this.canvas);
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(this.canvas);
  }

  /** Shows new data. @throws RangeError on a point with a non-integer or negative index k. */
  update(data: SpectrumData): void {
    for (const p of data.points) if (!(Number.isInteger(p.k) && p.k >= 0)) throw new RangeError(`SpectrumView.update: index k = ${p.k} is not a non-negative integer`);
    this.data = data;
    this.draw();
  }

  /** The canvas as a PNG. */
  toPng(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('SpectrumView.toPng: encoding failed'))), 'image/png'));
  }

  /** Removes the view. */
  destroy(): void { this.observer.disconnect(); this.canvas.remove(); }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(200, this.canvas.clientWidth || 400), h = this.height;
    if (this.canvas.width !== Math.round(w * dpr)) this.canvas.width = Math.round(w * dpr);
    if (this.canvas.height !== Math.round(h * dpr)) this.canvas.height = Math.round(h * dpr);
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = THEME.background;
    g.fillRect(0, 0, w, h);
    const data = this.data;
    g.fillStyle = THEME.text;
    g.font = themeFont(12, 'system-ui, sans-serif', '600');
    g.textBaseline = 'middle';
    g.fillText(data?.title ?? 'spectrum of β against δ', 6, 11);
    if (!data) return;
    const refs = [...(data.frobenius ?? []), ...(data.nuclear ?? [])];
    const sMax = Math.max(1e-9, ...data.points.map((p) => p.sigma).filter(Number.isFinite), ...refs) * 1.08;
    let [x0, x1] = data.deltaRange;
    if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
    const pad = 0.05 * (x1 - x0);
    x0 -= pad; x1 += pad;
    const pw = w - M.left - M.right, ph = h - M.top - M.bottom;
    const X = (v: number) => M.left + ((v - x0) / (x1 - x0)) * pw;
    const Y = (v: number) => M.top + ph - (v / sMax) * ph;
    // Axes, grid, ticks.
    g.font = themeFont(10, 'ui-monospace, monospace');
    g.strokeStyle = THEME.grid;
    g.lineWidth = 1;
    g.fillStyle = THEME.label;
    const yt = niceTicks(0, sMax, 5);
    g.textAlign = 'right';
    for (const v of yt.values) {
      g.beginPath(); g.moveTo(M.left, Y(v)); g.lineTo(M.left + pw, Y(v)); g.stroke();
      g.fillText(formatTick(v, yt.step), M.left - 4, Y(v));
    }
    const xt = niceTicks(x0, x1, 7);
    g.textAlign = 'center';
    for (const v of xt.values) {
      g.beginPath(); g.moveTo(X(v), M.top); g.lineTo(X(v), M.top + ph); g.stroke();
      g.fillText(formatTick(v, xt.step), X(v), M.top + ph + 10);
    }
    g.strokeStyle = THEME.axis;
    g.strokeRect(M.left, M.top, pw, ph);
    g.font = themeFont(11);
    g.fillText('δ  (layer imbalance)', M.left + pw / 2, h - 10);
    g.save(); g.translate(12, M.top + ph / 2); g.rotate(-Math.PI / 2); g.fillText('σₖ(β)', 0, 0); g.restore();
    // Reference lines.
    const refLine = (values: readonly number[] | null, color: string) => {
      if (!values) return;
      g.strokeStyle = color;
      g.lineWidth = 1.2 * THEME.lineScale;
      g.setLineDash([6, 4]);
      for (const v of values) { g.beginPath(); g.moveTo(M.left, Y(v)); g.lineTo(M.left + pw, Y(v)); g.stroke(); }
      g.setLineDash([]);
    };
    refLine(data.frobenius, FROBENIUS_COLOR);
    refLine(data.nuclear, NUCLEAR_COLOR);
    // Points.
    const r = 3.2 * Math.sqrt(THEME.lineScale);
    for (const p of data.points) {
      if (!Number.isFinite(p.sigma)) continue;
      g.fillStyle = SV_COLORS[p.k % SV_COLORS.length];
      g.beginPath(); g.arc(X(p.delta), Y(Math.min(p.sigma, sMax)), r, 0, 2 * Math.PI); g.fill();
    }
    // Key.
    g.font = themeFont(10.5);
    g.textAlign = 'left';
    let kx = M.left;
    const key = (label: string, color: string, dashed: boolean) => {
      g.strokeStyle = color; g.fillStyle = color; g.lineWidth = 2;
      if (dashed) { g.setLineDash([5, 3]); g.beginPath(); g.moveTo(kx, 28); g.lineTo(kx + 16, 28); g.stroke(); g.setLineDash([]); } else { g.beginPath(); g.arc(kx + 8, 28, 3.5, 0, 2 * Math.PI); g.fill(); }
      g.fillStyle = THEME.label;
      g.fillText(label, kx + 20, 28);
      kx += 26 + g.measureText(label).width;
    };
    const ks = new Set(data.points.map((p) => p.k));
    for (const k of [...ks].sort((a, b) => a - b).slice(0, 3)) key(`σ${'₁₂₃'[k]}`, SV_COLORS[k], false);
    if (ks.size > 3) key('…', SV_COLORS[3], false);
    if (data.frobenius) key('min-Frobenius', FROBENIUS_COLOR, true);
    if (data.nuclear) key(data.nuclearLabel, NUCLEAR_COLOR, true);
  }
}
