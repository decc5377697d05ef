/**
 * Pan (drag) and zoom (wheel, about the cursor) on the portrait canvas; double-click resets the view.
 * Keeps no state of its own beyond the drag in progress (pointerInput.ts): the view rect lives in PortraitView.
 */
import { attachDragInput } from '../../../views/pointerInput.ts';
import { clipToWorld, panRect, pixelToClip, zoomRect, type ViewRect } from '../../../views/viewMath.ts';

export { wheelFactor, WHEEL_PIXELS_PER_OCTAVE } from '../../../views/pointerInput.ts';

/** What the input handler needs from the view. */
export interface PanZoomTarget {
  getView(): ViewRect;
  setViewRect(rect: ViewRect): void;
  resetView(): void;
}

/**
 * Listens on `canvas` (pointer and wheel events; left-button drags pan) and drives `target`.
 * @returns a function that removes every listener.
 */
export function attachPanZoom(canvas: HTMLCanvasElement, target: PanZoomTarget): () => void {
  return attachDragInput(canvas, {
    start: (ev) => (ev.button === 0 ? { mode: 'pan', cursor: 'grabbing' } : null),
    drag: (_mode, dxPx, dyPx, box) => {
      const r = target.getView();
      const dx = (dxPx / box.width) * (r.xMax - r.xMin);
      const dy = (dyPx / box.height) * (r.yMax - r.yMin);
      target.setViewRect(panRect(r, -dx, dy));
    },
    wheel: (factor, ev) => {
      const box = canvas.getBoundingClientRect();
      const [cx, cy] = pixelToClip(ev.clientX - box.left, ev.clientY - box.top, box.width, box.height);
      const [ax, ay] = clipToWorld(target.getView(), cx, cy);
      target.setViewRect(zoomRect(target.getView(), ax, ay, factor));
    },
    reset: () => target.resetView(),
  });
}
