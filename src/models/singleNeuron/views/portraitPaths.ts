/**
 * Persistent paths of a few featured trajectories (the paper's Fig. 2 seven, docs/theory.md §1.6), drawn
 * as thick outlined lines on a 2-D canvas over the portrait. The path keeps every sample (a, w) from t = 0,
 * so it survives pan, zoom and a change of view (it is re-projected), unlike the fading GPU trails.
 */
import { projectTrajectory, worldToClip, type ViewMode, type ViewRect } from '../../../views/viewMath.ts';

/** One featured path: its label, CSS colour, δ and samples (time units; (a, w) per sample). */
export interface FeaturedPath { label: string; color: string; delta: number; times: number[]; states: number[][] }

/** Samples kept per path; beyond it every other old sample is dropped (the path keeps its shape). */
export const MAX_PATH_SAMPLES = 4096;
/**
 * Line width of a path, CSS px: 2 + |δ| up to 6 (lazy paths under the rich ones, wider, so nearly
 * coinciding paths such as δ = 2 and δ = 4 both show, as nested bands), plus a 1 px dark outline drawn
 * under all lines.
 */
export function pathWidthPx(delta: number): number { return 2 + Math.min(4, Math.abs(delta)); }
const OUTLINE_PX = 1;

/** The overlay; create once per portrait, {@link PortraitPaths.reset} on every new ensemble. */
export class PortraitPaths {
  readonly canvas: HTMLCanvasElement;
  private paths: FeaturedPath[] = [];
  private d = 2;
  private dirty = true;
  private viewKey = '';

  /** Adds an overlay canvas (class "overlay", pointer-events none) to `parent`, above its other children. */
  constructor(parent: HTMLElement) {
    this.canvas = Object.assign(document.createElement('canvas'), { className: 'overlay' });
    this.canvas.id = 'portrait-paths';
    this.canvas.style.pointerEvents = 'none';
    this.canvas.setAttribute('aria-hidden', 'true');
    parent.append(this.canvas);
  }

  /** The paths drawn (for tests and the legend). */
  get drawn(): readonly FeaturedPath[] { return this.paths; }

  /** Starts new, empty paths (d: the input dimension; labels and colours one per featured trajectory). */
  reset(d: number, featured: readonly { label: string; color: string; delta: number }[]): void {
    this.d = d;
    this.paths = featured.map((f) => ({ ...f, times: [], states: [] }));
    this.dirty = true;
  }

  /**
   * Recolours the paths (a new δ colour scale); `colors[j]` is path j's CSS colour.
   * @throws RangeError when there is not one colour per path.
   */
  recolor(colors: readonly string[]): void {
    if (colors.length !== this.paths.length) throw new RangeError(`PortraitPaths.recolor: ${colors.length} colours for ${this.paths.length} paths.`);
    this.paths.forEach((p, j) => { p.color = colors[j]; });
    this.dirty = true;
  }

  /**
   * Appends one sample to every path: `state` SoA, (d + 1) rows × paths (row 0 a, then w_j), at `time`.
   * A sample at a time not after the last one is ignored (paused, or a read that raced a reset).
   * @throws RangeError when state has the wrong length.
   */
  add(time: number, state: Float32Array): void {
    const k = this.paths.length;
    if (k === 0) return;
    if (state.length !== (this.d + 1) * k) throw new RangeError(`PortraitPaths.add: state has ${state.length} values, need ${(this.d + 1) * k}.`);
    this.paths.forEach((p, j) => {
      if (p.times.length && time <= p.times[p.times.length - 1]) return;
      p.times.push(time);
      p.states.push(Array.from({ length: this.d + 1 }, (_, r) => state[r * k + j]));
      if (p.times.length > MAX_PATH_SAMPLES) {
        const keep = (_: unknown, s: number) => s % 2 === 0 || s === p.times.length - 1;
        p.times = p.times.filter(keep);
        p.states = p.states.filter(keep);
      }
    });
    this.dirty = true;
  }

  /** Marks the drawing stale (the view rect or mode changed). */
  invalidate(): void { this.dirty = true; }

  /** Shows or hides the overlay (hidden in the 3-D view). */
  setVisible(visible: boolean): void { this.canvas.hidden = !visible; }

  /** Redraws if stale or resized: each path projected in `mode` through `rect` (the portrait's view rect). */
  render(rect: ViewRect, mode: ViewMode): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(c.clientWidth * dpr), h = Math.round(c.clientHeight * dpr);
    const key = JSON.stringify([rect, mode]);
    if (key !== this.viewKey) {
      this.viewKey = key;
      this.dirty = true;
    }
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
      this.dirty = true;
    }
    if (!this.dirty || w === 0 || h === 0) return;
    this.dirty = false;
    const g = c.getContext('2d');
    if (!g) return;
    g.clearRect(0, 0, w, h);
    g.lineJoin = 'round';
    g.lineCap = 'round';
    // Large |δ| first: the nearly coinciding lazy paths go under the curved rich and delayed-rich ones.
    const order = [...this.paths].sort((p, q) => Math.abs(q.delta) - Math.abs(p.delta));
    for (const pass of ['outline', 'line'] as const) {
      for (const p of order) {
        if (p.states.length < 2) continue;
        g.beginPath();
        p.states.forEach((s, k) => {
          const [x, y] = projectTrajectory(mode, s, 1, this.d, 0);
          const [cx, cy] = worldToClip(rect, x, y);
          const px = ((cx + 1) / 2) * w, py = ((1 - cy) / 2) * h;
          if (k === 0) g.moveTo(px, py);
          else g.lineTo(px, py);
        });
        g.strokeStyle = pass === 'outline' ? 'rgba(16, 18, 22, 0.9)' : p.color;
        g.lineWidth = (pathWidthPx(p.delta) + (pass === 'outline' ? 2 * OUTLINE_PX : 0)) * dpr;
        g.stroke();
      }
    }
  }

  /** Removes the canvas. */
  destroy(): void { this.canvas.remove(); }
}
