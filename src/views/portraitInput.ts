/**
 * Pan (drag) and zoom (wheel, about the cursor) on the portrait canvas; double-click resets the view.
 * Keeps no state of its own beyond the drag in progress: the view rect lives in PortraitView.
 */
import { clipToWorld, panRect, pixelToClip, zoomRect, type ViewRect } from './viewMath.ts';

/** What the input handler needs from the view. */
export interface PanZoomTarget {
  getView(): ViewRect;
  setViewRect(rect: ViewRect): void;
  resetView(): void;
}

/** Wheel zoom: factor = 2^(deltaY / WHEEL_PIXELS_PER_OCTAVE) (deltaY in pixels). */
export const WHEEL_PIXELS_PER_OCTAVE = 400;

/**
 * Wheel event → zoom factor (> 1 zooms out). deltaMode 1 (lines) counts 16 px a line, 2 (pages) 400 px.
 * Clamped to [¼, 4] per event.
 */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaY * (deltaMode === 1 ? 16 : deltaMode === 2 ? 400 : 1);
  return Math.min(4, Math.max(0.25, 2 ** (px / WHEEL_PIXELS_PER_OCTAVE)));
}

/**
 * Listens on `canvas` (pointer and wheel events) and drives `target`.
 * @returns a function that removes every listener.
 */
export function attachPanZoom(canvas: HTMLCanvasElement, target: PanZoomTarget): () => void {
  let drag: { id: number; x: number; y: number } | null = null;
  const cssToWorld = (ev: { clientX: number; clientY: number }): [number, number] => {
    const box = canvas.getBoundingClientRect();
    const [cx, cy] = pixelToClip(ev.clientX - box.left, ev.clientY - box.top, box.width, box.height);
    return clipToWorld(target.getView(), cx, cy);
  };
  const onDown = (ev: PointerEvent) => {
    if (ev.button !== 0) return;
    drag = { id: ev.pointerId, x: ev.clientX, y: ev.clientY };
    canvas.setPointerCapture(ev.pointerId);
    canvas.style.cursor = 'grabbing';
  };
  const onMove = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const box = canvas.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) return;
    const r = target.getView();
    const dx = ((ev.clientX - drag.x) / box.width) * (r.xMax - r.xMin);
    const dy = ((ev.clientY - drag.y) / box.height) * (r.yMax - r.yMin);
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    if (dx !== 0 || dy !== 0) target.setViewRect(panRect(r, -dx, dy));
  };
  const onUp = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    drag = null;
    canvas.style.cursor = '';
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  const onWheel = (ev: WheelEvent) => {
    ev.preventDefault();
    const [ax, ay] = cssToWorld(ev);
    target.setViewRect(zoomRect(target.getView(), ax, ay, wheelFactor(ev.deltaY, ev.deltaMode)));
  };
  const onDblClick = () => target.resetView();
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('dblclick', onDblClick);
  canvas.style.touchAction = 'none';
  return () => {
    canvas.removeEventListener('pointerdown', onDown);
    canvas.removeEventListener('pointermove', onMove);
    canvas.removeEventListener('pointerup', onUp);
    canvas.removeEventListener('pointercancel', onUp);
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('dblclick', onDblClick);
  };
}
