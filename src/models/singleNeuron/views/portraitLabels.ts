/**
 * Tick labels and axis names of the phase portrait, drawn with a 2-D canvas into an RGBA image that the
 * portrait uploads as a texture (so PNG exports of the WebGPU canvas include them). Labels sit along
 * the axes through the origin, clamped to the canvas edges when an axis is out of view.
 */
import { INTERPOLANT_COLOR, LABEL_COLOR } from '../../../views/colormaps.ts';
import {
  formatTick, niceTicks, VIEW_AXES, worldToClip, type InterpolantGeometry, type ViewMode, type ViewRect,
} from '../../../views/viewMath.ts';
import { THEME } from '../../../views/theme.ts';

/** Target spacing of ticks, in CSS pixels. */
export const TICK_SPACING_CSS_PX = 90;

/**
 * Tick step (world units, equal on both axes since the portrait keeps pixels square) for a rect shown on
 * `widthCss` CSS pixels.
 */
export function gridStepFor(rect: ViewRect, widthCss: number): number {
  return niceTicks(rect.xMin, rect.xMax, Math.max(2, widthCss / TICK_SPACING_CSS_PX)).step;
}

/** Multiples of `step` inside [min, max] (rounded to remove float noise); at most 1000. */
export function ticksWithStep(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  if (!(step > 0)) return out;
  for (let k = Math.ceil(min / step); k * step <= max && out.length < 1000; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/**
 * The note about the interpolating set drawn with the labels ('beta' view only) when its projection is
 * not a line (`kind` of the drawn InterpolantGeometry; undefined when none is drawn).
 */
export function interpolantNote(mode: ViewMode, kind: InterpolantGeometry['kind'] | undefined): string | undefined {
  if (mode !== 'beta') return undefined;
  if (kind === 'plane') return 'interpolating solutions cover the whole (β₁, β₂) plane (tinted)';
  if (kind === 'point') return 'interpolating solutions project to one point (cyan ring)';
  return undefined;
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws tick labels, the "0" at the origin and the axis names of `mode` into `ctx` (size width × height
 * device pixels, cleared first).
 * @param step the grid step from {@link gridStepFor}.
 * @param note optional one-line note drawn at the bottom left (e.g. how the interpolating set projects).
 */
export function drawLabels(
  ctx: Ctx2D, rect: ViewRect, mode: ViewMode, width: number, height: number, dpr: number, step: number, note?: string,
): void {
  ctx.clearRect(0, 0, width, height);
  const font = Math.round(11 * THEME.fontScale * dpr);
  ctx.font = `${font}px ui-monospace, monospace`;
  ctx.lineWidth = Math.max(2, 3 * dpr);
  ctx.strokeStyle = THEME.halo;
  ctx.fillStyle = LABEL_COLOR;
  const pad = 4 * dpr;
  const toPx = (x: number, y: number): [number, number] => {
    const [cx, cy] = worldToClip(rect, x, y);
    return [((cx + 1) / 2) * width, ((1 - cy) / 2) * height];
  };
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const [ox, oy] = toPx(0, 0);
  const text = (s: string, x: number, y: number, align: CanvasTextAlign, baseline: CanvasTextBaseline) => {
    ctx.textAlign = align;
    ctx.textBaseline = baseline;
    ctx.strokeText(s, x, y);
    ctx.fillText(s, x, y);
  };
  // x ticks below the horizontal axis (or along the nearest edge).
  const xRowY = clamp(oy + pad, pad, height - font - pad);
  for (const v of ticksWithStep(rect.xMin, rect.xMax, step)) {
    if (v === 0) continue;
    const [px] = toPx(v, 0);
    if (px < 2 * font || px > width - 2 * font) continue;
    text(formatTick(v, step), px, xRowY, 'center', 'top');
  }
  // y ticks left of the vertical axis (or along the nearest edge).
  const yColX = clamp(ox - pad, 4 * font, width - pad);
  for (const v of ticksWithStep(rect.yMin, rect.yMax, step)) {
    if (v === 0) continue;
    const [, py] = toPx(0, v);
    if (py < font || py > height - font) continue;
    text(formatTick(v, step), yColX, py, 'right', 'middle');
  }
  if (ox > 0 && ox < width && oy > 0 && oy < height) text('0', ox - pad, oy + pad, 'right', 'top');
  // Axis names at the positive ends.
  const [xName, yName] = VIEW_AXES[mode];
  ctx.font = `${Math.round(13 * THEME.fontScale * dpr)}px system-ui, sans-serif`;
  text(xName, width - pad, clamp(oy - pad, font + pad, height - pad), 'right', 'bottom');
  text(yName, clamp(ox + 2 * pad, pad, width - 8 * font), pad, 'left', 'top');
  if (note) {
    ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
    ctx.fillStyle = INTERPOLANT_COLOR;
    text(note, 2 * pad, height - 2 * pad, 'left', 'bottom');
  }
}
