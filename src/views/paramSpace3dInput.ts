/**
 * Orbit controls of the 3-D parameter-space view: drag to rotate (azimuth/elevation), shift-drag or
 * right/middle-drag to pan, wheel to zoom, double-click to reset. Keeps no state beyond the drag in
 * progress; the camera lives in ParamSpace3DView and the maths in paramSpace3dMath.ts.
 */
import { orbitPan, orbitRotate, orbitZoom, type OrbitCamera } from './paramSpace3dMath.ts';
import { wheelFactor } from './portraitInput.ts';

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
  let drag: { id: number; x: number; y: number; pan: boolean } | null = null;
  const onDown = (ev: PointerEvent) => {
    if (ev.button > 2) return;
    drag = { id: ev.pointerId, x: ev.clientX, y: ev.clientY, pan: isPanDrag(ev.button, ev.shiftKey) };
    canvas.setPointerCapture(ev.pointerId);
    canvas.style.cursor = drag.pan ? 'move' : 'grabbing';
    ev.preventDefault();
  };
  const onMove = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const h = canvas.getBoundingClientRect().height;
    if (!(h > 0)) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    if (dx === 0 && dy === 0) return;
    const c = target.getCamera();
    target.setCamera(drag.pan ? orbitPan(c, dx, dy, h) : orbitRotate(c, dx, dy, h));
  };
  const onUp = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    drag = null;
    canvas.style.cursor = '';
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  const onWheel = (ev: WheelEvent) => {
    ev.preventDefault();
    target.setCamera(orbitZoom(target.getCamera(), wheelFactor(ev.deltaY, ev.deltaMode), target.extent));
  };
  const onDblClick = () => target.resetCamera();
  const onContext = (ev: Event) => ev.preventDefault();
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('wheel', onWheel, { passive: false });
  canvas.addEventListener('dblclick', onDblClick);
  canvas.addEventListener('contextmenu', onContext);
  canvas.style.touchAction = 'none';
  return () => {
    canvas.removeEventListener('pointerdown', onDown);
    canvas.removeEventListener('pointermove', onMove);
    canvas.removeEventListener('pointerup', onUp);
    canvas.removeEventListener('pointercancel', onUp);
    canvas.removeEventListener('wheel', onWheel);
    canvas.removeEventListener('dblclick', onDblClick);
    canvas.removeEventListener('contextmenu', onContext);
  };
}
