/**
 * Paper Fig. 5(a) (docs/theory.md §3.1): the input plane of a ReLU network coloured by the parity of the
 * number of active units (w_kᵀx > 0). Each region of constant parity is a union of the linear pieces of the
 * network; unit k's boundary w_kᵀx = 0 is drawn as a line (blue a_k ≥ 0, red a_k < 0, as the portraits),
 * the training points on top (filled: y = +1, hollow: y = −1). One small canvas per compared cell,
 * redrawn at each checkpoint as the network trains. Canvas 2D; the counts come from unitsMath.ts.
 */
import { BACKGROUND_COLOR, GRID_COLOR, LABEL_COLOR } from '../../../views/colormaps.ts';
import { NEGATIVE_UNIT_COLOR, POSITIVE_UNIT_COLOR } from '../../../views/neuronPortrait.ts';
import { THEME, themeFont } from '../../../views/theme.ts';
import type { Relu2Params } from '../../../theory/index.ts';
import { parityCounts, type ParityPlane } from './unitsMath.ts';

/** Pixels of the parity image per side (drawn scaled to the canvas). */
export const PARITY_RES = 160;
/** Even and odd numbers of active units (RGB). */
const EVEN: [number, number, number] = [34, 40, 54];
const ODD: [number, number, number] = [92, 150, 140];

/** What one panel shows. */
export interface ParityData { params: Relu2Params; X: Float64Array; y: Float64Array; plane: ParityPlane; title: string; subtitle: string }

/** One panel. */
export class ParityPanel {
  readonly canvas: HTMLCanvasElement;
  private readonly image = Object.assign(document.createElement('canvas'), { width: PARITY_RES, height: PARITY_RES });

  constructor(host: HTMLElement) {
    this.canvas = Object.assign(document.createElement('canvas'), { className: 'r2-parity-canvas' });
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'input plane coloured by the parity of the number of active units');
    Object.assign(this.canvas.style, { display: 'block', width: '100%' });
    host.append(this.canvas);
  }

  private frame(): { g: CanvasRenderingContext2D; W: number } | null {
    const W = this.canvas.parentElement?.clientWidth || 220;
    const H = W + 34, dpr = window.devicePixelRatio || 1;
    this.canvas.style.height = `${H}px`;
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    const g = this.canvas.getContext('2d');
    if (!g) return null;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = BACKGROUND_COLOR;
    g.fillRect(0, 0, W, H);
    return { g, W };
  }

  private header(g: CanvasRenderingContext2D, title: string, subtitle: string): void {
    g.textAlign = 'left'; g.textBaseline = 'middle';
    g.fillStyle = THEME.text; g.font = themeFont(11.5, 'system-ui, sans-serif', '600'); g.fillText(title, 6, 10);
    g.fillStyle = LABEL_COLOR; g.font = themeFont(10); g.fillText(subtitle, 6, 24);
  }

  /** Shows a message instead of a picture. */
  clear(message: string, title = ''): void {
    const f = this.frame();
    if (!f) return;
    this.header(f.g, title, '');
    f.g.fillStyle = THEME.muted; f.g.font = themeFont(12); f.g.textAlign = 'center';
    f.g.fillText(message, f.W / 2, 34 + f.W / 2);
  }

  /** Draws the parity picture, the unit boundaries and the data. @throws RangeError as parityCounts. */
  update(data: ParityData): void {
    const { params, plane } = data;
    const counts = parityCounts(params.W, params.m, plane, PARITY_RES);
    const ig = this.image.getContext('2d');
    const f = this.frame();
    if (!ig || !f) return;
    const img = ig.createImageData(PARITY_RES, PARITY_RES);
    counts.forEach((c, i) => { img.data.set([...(c % 2 ? ODD : EVEN), 255], 4 * i); });
    ig.putImageData(img, 0, 0);
    const { g, W } = f;
    this.header(g, data.title, data.subtitle);
    const pad = 6, top = 34, size = W - 2 * pad, R = plane.extent;
    const X = (x: number) => pad + ((x + R) / (2 * R)) * size, Y = (y: number) => top + ((R - y) / (2 * R)) * size;
    g.imageSmoothingEnabled = false;
    g.drawImage(this.image, pad, top, size, size);
    g.save();
    g.beginPath(); g.rect(pad, top, size, size); g.clip();
    // axes
    g.strokeStyle = GRID_COLOR; g.lineWidth = THEME.lineScale;
    g.beginPath(); g.moveTo(X(0), top); g.lineTo(X(0), top + size); g.moveTo(pad, Y(0)); g.lineTo(pad + size, Y(0)); g.stroke();
    // unit boundaries w₁x₁ + w₂x₂ (+ w₃) = 0
    const d = params.d;
    g.lineWidth = 1.2 * THEME.lineScale;
    for (let k = 0; k < params.m; k++) {
      const w1 = params.W[k * d], w2 = params.W[k * d + 1], b = plane.bias ? params.W[k * d + 2] : 0;
      const n = Math.hypot(w1, w2);
      if (!(n > 0)) continue;
      // the point of the line nearest the origin, and its direction
      const px = (-b * w1) / (n * n), py = (-b * w2) / (n * n), ux = -w2 / n, uy = w1 / n, L = 4 * R;
      g.strokeStyle = params.a[k] >= 0 ? POSITIVE_UNIT_COLOR : NEGATIVE_UNIT_COLOR;
      g.globalAlpha = 0.85;
      g.beginPath(); g.moveTo(X(px - L * ux), Y(py - L * uy)); g.lineTo(X(px + L * ux), Y(py + L * uy)); g.stroke();
    }
    g.globalAlpha = 1;
    // training points
    const n = data.y.length;
    for (let i = 0; i < n; i++) {
      const x = X(data.X[i * d]), y = Y(data.X[i * d + 1]);
      g.beginPath(); g.arc(x, y, 2.6, 0, 2 * Math.PI);
      g.lineWidth = 1.2;
      if (data.y[i] > 0) { g.fillStyle = '#f4f1de'; g.fill(); g.strokeStyle = BACKGROUND_COLOR; g.stroke(); }
      else { g.strokeStyle = '#f4f1de'; g.stroke(); }
    }
    g.restore();
    g.strokeStyle = GRID_COLOR; g.strokeRect(pad - 0.5, top - 0.5, size + 1, size + 1);
    g.fillStyle = LABEL_COLOR; g.font = themeFont(9.5, 'ui-monospace, monospace'); g.textAlign = 'left'; g.textBaseline = 'bottom';
    g.fillText(`x₁, x₂ ∈ [−${R}, ${R}]`, pad + 3, top + size - 3);
  }

  /** Removes the canvas. */
  destroy(): void { this.canvas.remove(); }
}
