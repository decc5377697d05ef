/**
 * Pointer input shared by the portrait (pan/zoom) and the 3-D view (orbit controls): one captured
 * pointer drag at a time, wheel zoom and double-click reset. Keeps no state beyond the drag in progress;
 * what a drag or a wheel step does is up to the view (portraitInput.ts, paramSpace3dInput.ts).
 */

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

/** What a view does with the input. `M` tells drag kinds apart (e.g. rotate vs pan). */
export interface DragInputHandlers<M> {
  /**
   * Called on pointerdown: the kind of drag it starts and the cursor shown meanwhile, or null to ignore
   * the event (e.g. an unused button). May call ev.preventDefault().
   */
  start(ev: PointerEvent): { mode: M; cursor: string } | null;
  /** A move of the dragging pointer by (dx, dy) CSS px (never both 0) over the canvas box `box`. */
  drag(mode: M, dx: number, dy: number, box: DOMRect): void;
  /** A wheel step; `factor` is {@link wheelFactor} of the event (> 1 zooms out). */
  wheel(factor: number, ev: WheelEvent): void;
  /** Double-click. */
  reset(): void;
  /** Also suppress the context menu (for right-button drags). Default false. */
  blockContextMenu?: boolean;
}

/**
 * Listens on `canvas` (pointer, wheel, double-click and, with blockContextMenu, context-menu events) and
 * drives `handlers`. Moves are ignored while the canvas has no area. Sets touch-action none.
 * @returns a function that removes every listener.
 */
export function attachDragInput<M>(canvas: HTMLCanvasElement, handlers: DragInputHandlers<M>): () => void {
  let drag: { id: number; x: number; y: number; mode: M } | null = null;
  const onDown = (ev: PointerEvent) => {
    const started = handlers.start(ev);
    if (!started) return;
    drag = { id: ev.pointerId, x: ev.clientX, y: ev.clientY, mode: started.mode };
    canvas.setPointerCapture(ev.pointerId);
    canvas.style.cursor = started.cursor;
  };
  const onMove = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    const box = canvas.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    drag.x = ev.clientX;
    drag.y = ev.clientY;
    if (dx !== 0 || dy !== 0) handlers.drag(drag.mode, dx, dy, box);
  };
  const onUp = (ev: PointerEvent) => {
    if (!drag || ev.pointerId !== drag.id) return;
    drag = null;
    canvas.style.cursor = '';
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  const onWheel = (ev: WheelEvent) => {
    ev.preventDefault();
    handlers.wheel(wheelFactor(ev.deltaY, ev.deltaMode), ev);
  };
  const onDblClick = () => handlers.reset();
  const onContext = (ev: Event) => ev.preventDefault();
  const listeners: [string, EventListener, AddEventListenerOptions?][] = [
    ['pointerdown', onDown as EventListener],
    ['pointermove', onMove as EventListener],
    ['pointerup', onUp as EventListener],
    ['pointercancel', onUp as EventListener],
    ['wheel', onWheel as EventListener, { passive: false }],
    ['dblclick', onDblClick],
  ];
  if (handlers.blockContextMenu) listeners.push(['contextmenu', onContext]);
  for (const [type, fn, opts] of listeners) canvas.addEventListener(type, fn, opts);
  canvas.style.touchAction = 'none';
  return () => {
    for (const [type, fn] of listeners) canvas.removeEventListener(type, fn);
  };
}
