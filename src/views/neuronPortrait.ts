/**
 * Neuron portrait of a two-layer network with d = 2 inputs (paper Fig. 1a): every hidden unit k drawn
 * at |a_k| w_k ∈ ℝ², with its trail over the checkpoints, coloured by the sign of a_k; the teacher units
 * |a*_k| w*_k as dashed rays with a marker; the initial circle of radius τ² (at init |a_k| ‖w_k‖ =
 * τα · τ/α = τ² for every unit of the symmetrised init, docs/theory.md §3). Canvas 2D: a few hundred
 * polylines need no GPU.
 */
import { BACKGROUND_COLOR, GRID_COLOR, LABEL_COLOR, deltaInterpolator } from './colormaps.ts';
import { formatTick, niceTicks } from './viewMath.ts';
import { THEME, themeFont } from './theme.ts';

/** Units and teacher rays with a_k ≥ 0: blue, as in the authors' plot_fig1a (the blue end of the δ map). */
export const POSITIVE_UNIT_COLOR = deltaInterpolator(0.08);
/** Units and teacher rays with a_k < 0: red, as in the authors' plot_fig1a (the red end of the δ map). */
export const NEGATIVE_UNIT_COLOR = deltaInterpolator(0.92);
/** Teacher units ◆ (|a*_k| w*_k; at the edge, on their ray, when outside the view). */
export const TEACHER_COLOR = '#f4f1de';

/**
 * What one portrait shows. `points` holds `frames` checkpoints of m units: entry (c·m + k)·3 + j is
 * (|a_k| w_k1, |a_k| w_k2, a_k)[j] at checkpoint c. `teacher` (m0 × 3, same per-unit layout) or null.
 */
export interface NeuronPortraitData {
  m: number;
  frames: number;
  points: Float32Array;
  /** Radius of the initial circle, τ². */
  initRadius: number;
  teacher: Float32Array | null;
  title: string;
  /** Second line, e.g. "step 20,000 · seed 0". */
  subtitle?: string;
  /** Fixed half-width of the view (the paper's axes, e.g. 0.2 for τ = 0.1 in Fig. 1a); default: follow the units (portraitExtent). */
  extent?: number;
}

/** The handle returned by {@link createNeuronPortrait}. */
export interface NeuronPortrait {
  readonly canvas: HTMLCanvasElement;
  /**
   * Draws the data. @throws RangeError when points.length < frames·m·3 or the teacher array is not a
   * multiple of 3.
   */
  update(data: NeuronPortraitData): void;
  /** Shows a message instead of a portrait (e.g. "portrait needs d = 2"). */
  clear(message: string, title?: string): void;
  toPng(): Promise<Blob>;
  destroy(): void;
}

/**
 * Half-width R of the square view: 1.12 × the larger of the units' largest |a_k|‖w_k‖ over all frames
 * and the initial radius. The view follows the units (at small τ they stay far inside the teacher's
 * norm for a long time); teacher rays always reach the edge, teacher markers show once inside. Pure.
 */
export function portraitExtent(data: Pick<NeuronPortraitData, 'm' | 'frames' | 'points' | 'initRadius'>): number {
  let r = data.initRadius;
  const n = data.frames * data.m;
  for (let i = 0; i < n; i++) {
    const x = data.points[3 * i], y = data.points[3 * i + 1];
    const h = Math.hypot(x, y);
    if (Number.isFinite(h) && h > r) r = h;
  }
  return 1.12 * (r > 0 ? r : 1);
}

/**
 * Where the scale label of the last grid line (at x = `lineX`, CSS px) goes: 2 px to its right, or, when a
 * label of `width` px would cross the plot's right edge `right`, 2 px to its left, right-aligned (it was
 * clipped on the rightmost portrait of a row). Pure.
 */
export function scaleLabelPlacement(lineX: number, width: number, right: number): { x: number; align: CanvasTextAlign } {
  return lineX + 2 + width <= right - 2 ? { x: lineX + 2, align: 'left' } : { x: lineX - 2, align: 'right' };
}

/** Builds a portrait inside `container` (a square canvas filling its width). */
export function createNeuronPortrait(container: HTMLElement): NeuronPortrait {
  const canvas = document.createElement('canvas');
  canvas.className = 'neuron-portrait';
  canvas.setAttribute('role', 'img');
  Object.assign(canvas.style, { display: 'block', width: '100%' });
  container.append(canvas);
  let last: { kind: 'data'; data: NeuronPortraitData } | { kind: 'message'; message: string; title: string } = { kind: 'message', message: '', title: '' };

  const frame = (): { g: CanvasRenderingContext2D; W: number; H: number } | null => {
    const W = canvas.parentElement?.clientWidth || 280;
    drawnWidth = W;
    const H = W + 34;
    const dpr = window.devicePixelRatio || 1;
    canvas.style.height = `${H}px`;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    const g = canvas.getContext('2d');
    if (!g) return null;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = BACKGROUND_COLOR;
    g.fillRect(0, 0, W, H);
    return { g, W, H };
  };

  const header = (g: CanvasRenderingContext2D, title: string, subtitle?: string) => {
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillStyle = THEME.text;
    g.font = themeFont(11.5, 'system-ui, sans-serif', '600');
    g.fillText(title, 6, 10);
    if (subtitle) {
      g.fillStyle = LABEL_COLOR;
      g.font = themeFont(10);
      g.fillText(subtitle, 6, 24);
    }
  };

  const draw = () => {
    const f = frame();
    if (!f) return;
    const { g, W } = f;
    if (last.kind === 'message') {
      header(g, last.title);
      g.fillStyle = THEME.muted;
      g.font = themeFont(12);
      g.textAlign = 'center';
      g.fillText(last.message, W / 2, 34 + W / 2);
      return;
    }
    const d = last.data;
    header(g, d.title, d.subtitle);
    const top = 34, pad = 6, size = W - 2 * pad;
    const R = d.extent !== undefined && d.extent > 0 ? d.extent : portraitExtent(d);
    const cx = pad + size / 2, cy = top + size / 2, s = size / (2 * R);
    const X = (x: number) => cx + x * s, Y = (y: number) => cy - y * s;
    g.save();
    g.beginPath();
    g.rect(pad, top, size, size);
    g.clip();
    // grid and axes
    const { step, values } = niceTicks(-R, R, 4);
    g.strokeStyle = THEME.minorGrid;
    g.lineWidth = THEME.lineScale;
    for (const v of values) {
      g.beginPath(); g.moveTo(X(v), top); g.lineTo(X(v), top + size); g.stroke();
      g.beginPath(); g.moveTo(pad, Y(v)); g.lineTo(pad + size, Y(v)); g.stroke();
    }
    g.strokeStyle = GRID_COLOR;
    g.beginPath(); g.moveTo(X(0), top); g.lineTo(X(0), top + size); g.moveTo(pad, Y(0)); g.lineTo(pad + size, Y(0)); g.stroke();
    // teacher rays
    if (d.teacher) {
      g.setLineDash([4, 4]);
      g.lineWidth = 1.2;
      for (let i = 0; i < d.teacher.length; i += 3) {
        const tx = d.teacher[i], ty = d.teacher[i + 1], h = Math.hypot(tx, ty) || 1;
        g.strokeStyle = d.teacher[i + 2] >= 0 ? POSITIVE_UNIT_COLOR : NEGATIVE_UNIT_COLOR;
        g.beginPath(); g.moveTo(X(0), Y(0)); g.lineTo(X((tx / h) * 2 * R), Y((ty / h) * 2 * R)); g.stroke();
      }
      g.setLineDash([]);
    }
    // initial circle
    g.strokeStyle = THEME.label;
    g.setLineDash([2, 3]);
    g.beginPath(); g.arc(X(0), Y(0), Math.max(2, d.initRadius * s), 0, 2 * Math.PI); g.stroke();
    g.setLineDash([]);
    // trails
    const { m, frames, points } = d;
    const lastFrame = frames - 1;
    for (let k = 0; k < m && frames > 0; k++) {
      const a = points[(lastFrame * m + k) * 3 + 2];
      g.strokeStyle = a >= 0 ? POSITIVE_UNIT_COLOR : NEGATIVE_UNIT_COLOR;
      g.globalAlpha = 0.55;
      g.lineWidth = 1.3 * THEME.lineScale;
      g.beginPath();
      for (let c = 0; c < frames; c++) {
        const o = (c * m + k) * 3;
        if (c === 0) g.moveTo(X(points[o]), Y(points[o + 1])); else g.lineTo(X(points[o]), Y(points[o + 1]));
      }
      g.stroke();
    }
    g.globalAlpha = 1;
    for (let k = 0; k < m && frames > 0; k++) {
      const o = (lastFrame * m + k) * 3;
      g.fillStyle = points[o + 2] >= 0 ? POSITIVE_UNIT_COLOR : NEGATIVE_UNIT_COLOR;
      g.beginPath(); g.arc(X(points[o]), Y(points[o + 1]), 2.4, 0, 2 * Math.PI); g.fill();
    }
    // teacher markers on top
    if (d.teacher) {
      for (let i = 0; i < d.teacher.length; i += 3) {
        // Outside the view (a fixed extent, or units still small): on the ray, just inside the edge.
        const tx = d.teacher[i], ty = d.teacher[i + 1], far = Math.max(Math.abs(tx), Math.abs(ty)) / (0.94 * R);
        const x = X(far > 1 ? tx / far : tx), y = Y(far > 1 ? ty / far : ty);
        g.fillStyle = TEACHER_COLOR;
        g.strokeStyle = BACKGROUND_COLOR;
        g.lineWidth = 1;
        g.beginPath(); g.moveTo(x, y - 6); g.lineTo(x + 5, y); g.lineTo(x, y + 6); g.lineTo(x - 5, y); g.closePath(); g.fill(); g.stroke();
      }
    }
    g.restore();
    g.strokeStyle = GRID_COLOR;
    g.strokeRect(pad - 0.5, top - 0.5, size + 1, size + 1);
    g.fillStyle = LABEL_COLOR;
    g.font = themeFont(9.5, 'ui-monospace, monospace');
    g.textAlign = 'left';
    g.textBaseline = 'bottom';
    const edge = values[values.length - 1];
    if (edge !== undefined) {
      const text = formatTick(edge, step);
      const at = scaleLabelPlacement(X(edge), g.measureText(text).width, pad + size);
      g.textAlign = at.align;
      g.fillText(text, at.x, top + size - 2);
      g.textAlign = 'left';
    }
    g.textBaseline = 'top';
    g.fillText('|a_k| w_k', pad + 4, top + 3);
  };

  let drawnWidth = 0;
  const observer = new ResizeObserver(() => { if (container.clientWidth !== drawnWidth) draw(); });
  observer.observe(container);

  return {
    canvas,
    update(data) {
      if (data.points.length < data.frames * data.m * 3) throw new RangeError(`neuronPortrait.update: ${data.points.length} floats for ${data.frames} frames × ${data.m} units × 3.`);
      if (data.teacher && data.teacher.length % 3 !== 0) throw new RangeError(`neuronPortrait.update: the teacher array has ${data.teacher.length} floats, not a multiple of 3.`);
      canvas.setAttribute('aria-label', `neuron portrait: ${data.title}`);
      last = { kind: 'data', data };
      draw();
    },
    clear(message, title = '') {
      last = { kind: 'message', message, title };
      draw();
    },
    toPng() {
      draw();
      return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('neuronPortrait.toPng: encoding failed'))), 'image/png'));
    },
    destroy() {
      observer.disconnect();
      canvas.remove();
    },
  };
}

/** Teacher units as |a*_k| w*_k, a*_k triples for {@link NeuronPortraitData.teacher} (d = 2 only; else null). */
export function teacherPoints(teacher: { m: number; d: number; W: ArrayLike<number>; a: ArrayLike<number> } | null): Float32Array | null {
  if (!teacher || teacher.d !== 2) return null;
  const out = new Float32Array(teacher.m * 3);
  for (let k = 0; k < teacher.m; k++) {
    const s = Math.abs(teacher.a[k]);
    out[3 * k] = s * teacher.W[2 * k];
    out[3 * k + 1] = s * teacher.W[2 * k + 1];
    out[3 * k + 2] = teacher.a[k];
  }
  return out;
}
