/**
 * Orbit controls of the 3-D parameter-space view: drag to rotate (azimuth/elevation), shift-drag or
 * right/middle-drag to pan, wheel to zoom, double-click to reset. Keeps no state beyond the drag in
 * progress (pointerInput.ts); the camera lives in ParamSpace3DView and the maths in paramSpace3dMath.ts.
 */
import { orbitPan, orbitRotate, orbitZoom, type OrbitCamera } from '../../../views/paramSpace3dMath.ts';
import { attachDragInput } from '../../../views/pointerInput.ts';

/** What the input handler needs from the view. */
export interface OrbitTarget {
  getCamera(): OrbitCamera;
  setCamera(camera: OrbitCamera): void;
  resetCamera(): void;
  /** Scene half-size (zoom limits scale with it). */
  readonly extent: number;
}

/** A drag is a pan when the right or middle button is used, or the left button with Shift held. */
export function isPanDrag(button: number, shiftKey: boolean): boolean {
  return button === 1 || button === 2 || (button === 0 && shiftKey);
}

/**
 * Listens on `canvas` (pointer, wheel, double-click and context-menu events) and drives `target`.
 * @returns a function that removes every listener.
 */
export function attachOrbitControls(canvas: HTMLCanvasElement, target: OrbitTarget): () => void {
  return attachDragInput<'pan' | 'rotate'>(canvas, {
    start: (ev) => {
      if (ev.button > 2) return null;
      ev.preventDefault();
      const pan = isPanDrag(ev.button, ev.shiftKey);
      return { mode: pan ? 'pan' : 'rotate', cursor: pan ? 'move' : 'grabbing' };
    },
    drag: (mode, dx, dy, box) => {
      const c = target.getCamera();
      target.setCamera(mode === 'pan' ? orbitPan(c, dx, dy, box.height) : orbitRotate(c, dx, dy, box.height));
    },
    wheel: (factor) => target.setCamera(orbitZoom(target.getCamera(), factor, target.extent)),
    reset: () => target.resetCamera(),
    blockContextMenu: true,
  });
}
