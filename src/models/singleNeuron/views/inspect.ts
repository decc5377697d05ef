/**
 * Inspect mode: a regl-scatterplot layer over the (paused) portrait showing a subsample of ≤ 100,000
 * trajectories at exactly the portrait's positions. Hover shows a tooltip (index, δ₀, β₀, β, excess
 * loss); the lasso (drag) selects, and the selection is mapped back to trajectory indices and passed to
 * `onSelect`. Draws are serialised, "latest wins": regl-scatterplot rejects a draw() that overlaps a
 * pending one (docs/architecture.md, facts about regl-scatterplot).
 */
import createScatterplot from 'regl-scatterplot';
import { deltaInterpolator, DIVERGED_COLOR, HIGHLIGHT_COLOR, lutHex } from '../../../views/colormaps.ts';
import {
  buildInspectPoints, positionsOf, tooltipText, trajectoriesOf, trajectoryInfo, validateSnapshot,
  type InspectPoints, type InspectSnapshot,
} from './inspectData.ts';
import { THEME } from '../../../views/theme.ts';

export type { InspectSnapshot } from './inspectData.ts';

/** Callbacks of {@link createInspector}. */
export interface InspectorOptions {
  /** Called with the selected trajectory indices (ascending, unique; empty after Escape/double-click). */
  onSelect(indices: Uint32Array): void;
}

/** The inspector handle. */
export interface Inspector {
  /**
   * Shows the layer (un-hides the container) and draws the snapshot; the current selection is kept and
   * re-marked where its trajectories are in the new subsample.
   * @throws RangeError when the snapshot's arrays do not match n and d (inspectData.validateSnapshot).
   */
  show(snapshot: InspectSnapshot): void;
  /** Hides the layer (the container gets `hidden`); the selection is kept. */
  hide(): void;
  /** The current selection (trajectory indices, ascending). */
  getSelection(): Uint32Array;
  /** Destroys the scatterplot and removes its elements. */
  destroy(): void;
}

type Scatterplot = ReturnType<typeof createScatterplot>;

/** Opacity of the scatterplot's points over the portrait (they only need to be hit-testable). */
export const OVERLAY_OPACITY = 0.02;

/**
 * Creates the inspector in `container` (which should be absolutely positioned over the portrait canvas
 * with the same box). The scatterplot is created at the first show().
 */
export function createInspector(container: HTMLElement, options: InspectorOptions): Inspector {
  let plot: Scatterplot | null = null;
  let canvas: HTMLCanvasElement | null = null;
  let current: { snapshot: InspectSnapshot; points: InspectPoints } | null = null;
  let pending: InspectSnapshot | null = null;
  let drawing = false;
  let selection: Uint32Array = new Uint32Array(0);
  let destroyed = false;
  const tooltip = document.createElement('div');
  tooltip.className = 'inspect-tooltip';
  Object.assign(tooltip.style, {
    position: 'absolute', pointerEvents: 'none', whiteSpace: 'pre', font: `${Math.round(12 * THEME.fontScale)}px/1.4 ui-monospace, monospace`,
    background: THEME.overlay, border: `1px solid ${THEME.grid}`, color: THEME.text, borderRadius: '4px', padding: '4px 8px', display: 'none',
    zIndex: '2',
  } satisfies Partial<CSSStyleDeclaration>);

  const setSelection = (next: Uint32Array) => {
    selection = next;
    options.onSelect(selection);
  };

  const ensurePlot = (): Scatterplot => {
    if (plot) return plot;
    canvas = document.createElement('canvas');
    canvas.className = 'inspect-canvas';
    Object.assign(canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', display: 'block' });
    container.append(canvas, tooltip);
    const colors = [...lutHex(deltaInterpolator), DIVERGED_COLOR];
    const p = createScatterplot({
      canvas, width: 'auto', height: 'auto', backgroundColor: [0, 0, 0, 0], cameraIsFixed: true,
      mouseMode: 'lasso', pointColor: colors,
      // Per-category arrays, else regl-scatterplot uses the base colours for active/hover when colouring by
      // value. Selected points are transparent: the paused portrait underneath shows them via highlight().
      // (The typings say a single Color; setColors() in regl-scatterplot 1.16 accepts arrays.)
      pointColorActive: colors.map(() => [0, 0, 0, 0]) as unknown as string,
      pointColorHover: colors.map(() => '#ffffff') as unknown as string,
      colorBy: 'valueA', lassoColor: HIGHLIGHT_COLOR, lassoMinDelay: 10, pointSize: 4,
      // Nearly transparent: the portrait shows the same points; this layer adds hover, reticle and lasso.
      opacity: OVERLAY_OPACITY, opacityInactiveScale: 1, showReticle: true, reticleColor: [1, 1, 1, 0.25],
    });
    p.subscribe('pointOver', (k: number) => showTooltip(k));
    p.subscribe('pointOut', () => { tooltip.style.display = 'none'; });
    p.subscribe('select', ({ points }: { points: number[] }) => {
      if (current) setSelection(trajectoriesOf(current.points.indices, points));
    });
    p.subscribe('deselect', () => setSelection(new Uint32Array(0)));
    plot = p;
    return p;
  };

  const showTooltip = (k: number) => {
    if (!current || !plot || k < 0 || k >= current.points.indices.length) return;
    tooltip.textContent = tooltipText(trajectoryInfo(current.snapshot, current.points.indices[k]));
    const pos = plot.getScreenPosition(k);
    if (!pos) return;
    tooltip.style.display = 'block';
    const box = container.getBoundingClientRect();
    const left = pos[0] + 12 + tooltip.offsetWidth > box.width ? pos[0] - 12 - tooltip.offsetWidth : pos[0] + 12;
    const top = pos[1] + 12 + tooltip.offsetHeight > box.height ? pos[1] - 12 - tooltip.offsetHeight : pos[1] + 12;
    tooltip.style.left = `${Math.max(0, left)}px`;
    tooltip.style.top = `${Math.max(0, top)}px`;
  };

  /** Draws the latest pending snapshot; loops until none is pending, one draw() at a time. */
  const pump = async () => {
    if (drawing) return;
    drawing = true;
    try {
      while (pending && !destroyed) {
        const snapshot = pending;
        pending = null;
        const p = ensurePlot();
        const box = container.getBoundingClientRect();
        const aspect = box.width > 0 && box.height > 0 ? box.width / box.height : 1;
        const points = buildInspectPoints(snapshot, aspect);
        p.set({ pointSize: Math.max(3, snapshot.pointSize ?? 4) });
        await p.draw({ x: points.x, y: points.y, valueA: points.z, valueB: points.w }, { zDataType: 'categorical', wDataType: 'continuous' });
        current = { snapshot, points };
        tooltip.style.display = 'none';
        const marked = positionsOf(points.indices, selection);
        if (marked.length) p.select(marked, { preventEvent: true });
      }
    } finally {
      drawing = false;
    }
  };

  return {
    show(snapshot) {
      if (destroyed) return;
      validateSnapshot(snapshot);
      container.hidden = false;
      pending = snapshot;
      void pump().catch((e: unknown) => console.error('inspector draw failed', e));
    },
    hide() {
      container.hidden = true;
      tooltip.style.display = 'none';
      pending = null;
    },
    getSelection: () => selection.slice(),
    destroy() {
      destroyed = true;
      pending = null;
      plot?.destroy();
      plot = null;
      canvas?.remove();
      tooltip.remove();
    },
  };
}
