/**
 * Tick labels, axis names and a small key of the 3-D parameter-space view, drawn with a 2-D canvas at
 * the projected anchors into an RGBA image that the view uploads as a texture (so PNG exports of the
 * WebGPU canvas include them).
 */
import { LABEL_COLOR, TARGET_COLOR, toHex } from '../../../views/colormaps.ts';
import type { AxisLabels } from './paramSpace3dGeometry.ts';
import { projectToPixel, type Mat4 } from '../../../views/paramSpace3dMath.ts';
import { THEME } from '../../../views/theme.ts';

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** One entry of the key in the bottom-left corner: a swatch (CSS colour) and its text. */
export interface KeyEntry { color: string; text: string; kind: 'line' | 'fill' }

/** A number in the key: 3 significant digits, Unicode minus. */
function formatKeyNumber(v: number): string {
  return Number(v.toPrecision(3)).toString().replace(/-/g, '−');
}

/**
 * The key of the scene: the minima curve a w = β* (β* of length 2) and, when `surfaceDelta` is set, the
 * conserved surface η_w a² − η_a‖w‖² = δ in its tint (linear RGBA, paramSpace3dLayout.surfaceTint).
 */
export function sceneKey(
  betaStar: readonly number[], rates: { a: number; w: number }, surfaceDelta: number | null, tint: readonly number[],
): KeyEntry[] {
  const fmt = formatKeyNumber;
  const out: KeyEntry[] = [];
  const [bx, by] = betaStar;
  out.push({ kind: 'line', color: TARGET_COLOR, text: `global minima  a w = β* = (${fmt(bx)}, ${fmt(by)})` });
  if (surfaceDelta !== null) {
    const { a, w } = rates;
    const lhs = a === 1 && w === 1 ? 'a² − ‖w‖²' : `${fmt(w)} a² − ${fmt(a)} ‖w‖²`;
    out.push({ kind: 'fill', color: toHex(`rgb(${tint.slice(0, 3).map((v) => Math.round(255 * v)).join(',')})`), text: `conserved surface  ${lhs} = ${fmt(surfaceDelta)}` });
  }
  return out;
}

/**
 * Clears `ctx` (width × height device pixels) and draws the tick labels and axis names at their projected
 * world anchors (labels behind the camera are skipped), then the key.
 * Tick labels sit beside their anchor: w-axis ticks below it, a-axis ticks to its left.
 */
export function drawLabels3d(
  ctx: Ctx2D, viewProj: Mat4, labels: AxisLabels, key: readonly KeyEntry[], width: number, height: number, dpr: number,
): void {
  ctx.clearRect(0, 0, width, height);
  const font = Math.round(11 * THEME.fontScale * dpr);
  const pad = 4 * dpr;
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, 3 * dpr);
  ctx.strokeStyle = THEME.halo;
  ctx.fillStyle = LABEL_COLOR;
  const text = (s: string, x: number, y: number, align: CanvasTextAlign, baseline: CanvasTextBaseline) => {
    ctx.textAlign = align;
    ctx.textBaseline = baseline;
    ctx.strokeText(s, x, y);
    ctx.fillText(s, x, y);
  };
  const inside = (x: number, y: number) => x > -font && x < width + font && y > -font && y < height + font;
  ctx.font = `${font}px ui-monospace, monospace`;
  for (const t of labels.ticks) {
    const p = projectToPixel(viewProj, t.at, width, height);
    if (!p || !inside(p[0], p[1])) continue;
    if (t.axis === 2) text(t.text, p[0] - 2 * pad, p[1], 'right', 'middle');
    else text(t.text, p[0], p[1] + pad, 'center', 'top');
  }
  ctx.font = `italic ${Math.round(15 * THEME.fontScale * dpr)}px "Times New Roman", serif`;
  ctx.fillStyle = THEME.text;
  for (const n of labels.names) {
    const p = projectToPixel(viewProj, n.at, width, height);
    if (!p || !inside(p[0], p[1])) continue;
    text(n.text, p[0], p[1], 'center', 'middle');
  }
  // Key, bottom left.
  ctx.font = `${font}px system-ui, sans-serif`;
  let y = height - pad - (key.length - 1) * (font + pad) - font / 2;
  for (const k of key) {
    const x = pad * 2;
    ctx.fillStyle = k.color;
    if (k.kind === 'line') ctx.fillRect(x, y - dpr, 16 * dpr, 2 * dpr);
    else ctx.fillRect(x, y - 4 * dpr, 16 * dpr, 8 * dpr);
    ctx.fillStyle = LABEL_COLOR;
    text(k.text, x + 22 * dpr, y, 'left', 'middle');
    y += font + pad;
  }
}
