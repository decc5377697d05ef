/**
 * The live phase portrait: a WebGPU render pass that draws every trajectory of a single-neuron ensemble
 * straight from the simulation's storage buffers (no readback), with optional fading trails, a grid,
 * excess-loss contours and the target β_ols in function space, pan/zoom, and a highlighted selection.
 * Points are coloured by δ₀, by excess loss, or by any per-trajectory field in a GPU buffer (continuous
 * or categorical). In function space it can also draw the low-rank implicit bias (docs/theory.md §1.5, paper
 * Fig. 4b): the projected set of interpolating solutions and every trajectory's predicted limit β∞.
 * Pipelines: portraitPipelines.ts; shader: shaders/singleNeuron/portrait.wgsl.ts; uniforms: portraitLayout.ts; colours:
 * portraitColoring.ts; canvas, targets and trail pass (shared with the 3-D view): trailCanvas.ts.
 */
import type { GpuContext } from '../../../gpu/device.ts';
import { packStruct } from '../../../gpu/struct.ts';
import { deltaMaxAbs, type LegendSpec } from '../../../views/colormaps.ts';
import { makeDeltaScale, type DeltaScale, type DeltaScaleKind } from '../../../views/deltaScale.ts';
import { PortraitColoring } from './portraitColoring.ts';
import { limitStride, PORTRAIT_PARAMS, portraitUniforms, type ColorBy } from './portraitLayout.ts';
import { attachPanZoom } from './portraitInput.ts';
import { drawLabels, gridStepFor, interpolantNote } from './portraitLabels.ts';
import {
  createPortraitLayouts, createPortraitPipelines, encodePortraitFrame, type PortraitLayouts, type PortraitPipelines,
  type PortraitPrimitive,
} from './portraitPipelines.ts';
import {
  validatePortraitSource, validatePredictedLimits, type PortraitEnsembleInfo, type PortraitField, type PortraitInterpolants, type PortraitLimits, type PortraitSource,
} from './portraitSource.ts';
import { checkTrailStyle, choosePrimitive, TrailCanvas, TrailClock, type TrailStyle } from '../../../views/trailCanvas.ts';
import {
  defaultViewRect, fitRect, projectInterpolants, resizeRect, type InterpolantGeometry, type ViewMode, type ViewRect,
} from '../../../views/viewMath.ts';

export type { InterpolantGeometry, ViewMode, ViewRect } from '../../../views/viewMath.ts';
export { clipToWorld, worldToClip } from '../../../views/viewMath.ts';
export type { ColorBy } from './portraitLayout.ts';
export { DEFAULT_LOSS_DOMAIN } from './portraitColoring.ts';
export type {
  PortraitCategoryField, PortraitContinuousField, PortraitEnsembleInfo, PortraitField, PortraitInterpolants, PortraitLimits,
  PortraitSource,
} from './portraitSource.ts';

/** Drawing style: point size and trails (see TrailStyle), and the limit segments. */
export interface PortraitStyle extends TrailStyle {
  /**
   * With predicted limits set ({@link PortraitView.setPredictedLimits}), also draw a faint line from each
   * sampled trajectory's current β to its β∞. Default false.
   */
  showLimitSegments?: boolean;
}

/** Views narrower than this (world units) are ignored by setViewRect (f32 precision of the shaders). */
export const MIN_VIEW_SPAN = 1e-5;
/** Views wider than this (world units) are ignored by setViewRect. */
export const MAX_VIEW_SPAN = 1e7;
/**
 * Most predicted-limit markers drawn per frame with `limitMarkerBudget: 'auto'`: all of a Fig. 4b
 * ensemble (512 × 512) on hardware; on a software adapter (SwiftShader) a subsample of 2¹⁴.
 */
export const LIMIT_MARKER_BUDGET = { hardware: 1 << 18, software: 1 << 14 } as const;

/**
 * The live portrait on one canvas. Call {@link render} every animation frame; it draws only when due. Every setter is a no-op
 * when nothing changes, so the app may call them on every parameter change.
 */
export class PortraitView {
  /** Called after every view-rect change (pan, zoom, reset, resize). */
  onViewChange: ((rect: ViewRect) => void) | null = null;
  /**
   * Primitive per trajectory. 'auto': instanced quads on hardware; on a software adapter (SwiftShader,
   * which pays a setup cost per instance) a 6-vertex triangle list, or 1-pixel points when a point is
   * under 2 device pixels. May be changed at any time.
   */
  primitive: 'auto' | PortraitPrimitive = 'auto';
  /**
   * Most predicted-limit markers (and segments) drawn per frame; more trajectories are subsampled to one
   * pseudo-random member per block of ⌈n / budget⌉ (portraitLayout.limitSampleIndex). 'auto':
   * {@link LIMIT_MARKER_BUDGET}. May be changed at any time.
   */
  limitMarkerBudget: 'auto' | number = 'auto';
  private readonly gpu: TrailCanvas;
  private readonly layouts: PortraitLayouts;
  private readonly pipelines = new Map<string, PortraitPipelines>();
  private source: PortraitSource | null = null;
  private info: PortraitEnsembleInfo = { betaOls: [0], XX: [[0]], deltaRange: [-1, 1] };
  private bindGroup0!: GPUBindGroup;
  private mode: ViewMode = 'beta';
  private readonly coloring: PortraitColoring;
  private style: PortraitStyle = { pointSize: 1.5, trails: true, trailDecay: 0.92, showLimitSegments: false };
  private limits: PortraitLimits | null = null;
  private interpolants: { set: PortraitInterpolants; geometry: InterpolantGeometry } | null = null;
  private rect: ViewRect | null = null;
  /** The rect was set before the canvas had a size; fit it to the aspect at the first layout. */
  private pendingFit = true;
  private dirty = { params: true, labels: true, clearTrails: true };
  private deltaKind: DeltaScaleKind = 'linear';
  private readonly detachInput: () => void;
  private readonly clock = new TrailClock();

  /**
   * Configures `canvas` for WebGPU (preferred format, opaque) and attaches pan/zoom input.
   * @throws Error if the canvas cannot give a WebGPU context.
   */
  constructor(private readonly ctx: GpuContext, readonly canvas: HTMLCanvasElement) {
    this.layouts = createPortraitLayouts(ctx.device);
    this.gpu = new TrailCanvas(ctx, canvas, {
      name: 'Portrait', owner: 'PortraitView', paramsBytes: PORTRAIT_PARAMS.size, group1Layout: this.layouts.group1,
    });
    this.coloring = new PortraitColoring((lut) => this.gpu.device.queue.writeBuffer(this.gpu.lut, 0, lut));
    this.rebuildBindGroup0();
    this.detachInput = attachPanZoom(canvas, this);
  }

  /**
   * Points the portrait at a simulation's buffers and rebuilds the bind groups. Trails are cleared;
   * the view is reset when d, β_ols or the δ range changed. The colour field and the predicted limits
   * are cleared (they describe the previous source's trajectories: set them again after this call);
   * the interpolants are kept unless d changed.
   * @throws RangeError when n or d is out of range, a buffer is too small or lacks STORAGE usage, or
   *   betaOls / XX / deltaRange do not match d.
   */
  setSource(sim: PortraitSource, info: PortraitEnsembleInfo): void {
    validatePortraitSource(sim, info);
    const { n, d } = sim;
    const [lo, hi] = info.deltaRange;
    const same = this.source?.d === d && JSON.stringify([info.betaOls, info.deltaRange]) === JSON.stringify([this.info.betaOls, this.info.deltaRange]);
    this.source = { state: sim.state, flags: sim.flags, info: sim.info, n, d };
    this.coloring.clearField();
    this.limits = null;
    if (this.interpolants && this.interpolants.set.betaOls.length !== d) this.interpolants = null;
    this.dirty.labels = true;
    this.info = { betaOls: [...info.betaOls], XX: info.XX.map((r) => [...r]), deltaRange: [lo, hi] };
    this.gpu.clearSelection();
    this.clock.reset();
    this.rebuildBindGroup0();
    if (!same) this.resetView();
    this.touch(true);
  }

  /** Projection: 'beta' (β₁, β₂) = (a w₁, a w₂); 'wa' (w₁, a); 'ww' (w₁, w₂). A change resets the view. */
  setView(mode: ViewMode): void {
    if (mode !== 'beta' && mode !== 'wa' && mode !== 'ww') throw new RangeError(`PortraitView.setView: unknown mode "${String(mode)}".`);
    if (mode === this.mode) return;
    this.mode = mode;
    this.resetView();
  }

  /**
   * Colour by δ₀ (diverging map, ±max|δ₀|), by log10 excess loss (viridis, {@link setLossDomain}), or by
   * the per-trajectory field of {@link setField} ('field'; drawn as 'delta' while no field is set).
   */
  setColorBy(colorBy: ColorBy): void {
    if (this.coloring.setColorBy(colorBy)) this.touch(true);
  }

  /** The δ colour scale, 'linear' (default) or 'symlog' (src/views/deltaScale.ts); a change clears the trails. */
  setDeltaScale(kind: DeltaScaleKind): void {
    if (kind !== 'linear' && kind !== 'symlog') throw new RangeError(`PortraitView.setDeltaScale: unknown kind "${String(kind)}".`);
    if (kind !== this.deltaKind) { this.deltaKind = kind; this.touch(true); }
  }

  /**
   * The per-trajectory scalar field of colorBy 'field', read straight from a GPU buffer every frame (no
   * readback; the buffer's contents may change between frames): value of trajectory i at
   * buffer[offset + i]. Continuous ('linear' | 'log' over `domain`, through `interpolator`) or
   * categorical ('category': rounded small integers indexing `categories`, e.g. REGIMES with
   * REGIME_COLORS). Values < 0, non-finite, ≤ 0 on 'log', or out-of-range categories are drawn in
   * MISSING_COLOR. Call after {@link setSource} (which clears the field); null clears it. Calling again
   * with an equal field is a no-op, so the domain may be updated every frame. Do not destroy the buffer
   * while it is set.
   * @throws RangeError before setSource, or when the field does not fit the source (see
   *   validatePortraitField: buffer size/usage, offset, scale, domain, categories).
   */
  setField(field: PortraitField | null): void {
    if (field && !this.source) throw new RangeError('PortraitView.setField: call setSource first.');
    const change = this.coloring.setField(field, this.source?.n ?? 0);
    if (!change) return;
    if (change.rebind) this.rebuildBindGroup0();
    this.touch(change.clearTrails);
  }

  /**
   * Draws the affine set of interpolating solutions {β_ols + Σ c_k v_k} (docs/theory.md §1.5, paper Fig. 4b)
   * in function space ('beta' view only), projected onto (β₁, β₂) (viewMath.projectInterpolants): a
   * dashed cyan line when the projection is a line (d = 2, rank 1; or any d whose null space projects to
   * one direction); a cyan ring around β_ols when it projects to a point (full rank, or a null space
   * orthogonal to the β₁β₂ plane); a faint cyan tint of the whole view, with a note, when it covers the
   * plane. An empty null basis (full-rank XX: the only interpolant is β_ols, already marked by the white
   * target ring) draws nothing. null clears.
   * @throws RangeError when a vector is not finite or lengths differ, or (with a source) betaOls.length ≠ d.
   */
  setInterpolants(set: PortraitInterpolants | null): void {
    if (!set) {
      if (!this.interpolants) return;
      this.interpolants = null;
    } else {
      if (this.source && set.betaOls.length !== this.source.d) {
        throw new RangeError(`PortraitView.setInterpolants: betaOls has ${set.betaOls.length} entries, the source has d = ${this.source.d}.`);
      }
      const geometry = projectInterpolants(set.betaOls, set.nullBasis);
      this.interpolants = { set: { betaOls: [...set.betaOls], nullBasis: set.nullBasis.map((v) => [...v]) }, geometry };
    }
    this.dirty.labels = true;
    this.touch(false);
  }

  /** The projected interpolating set being drawn (see {@link setInterpolants}), or null. */
  getInterpolantGeometry(): InterpolantGeometry | null {
    return this.interpolants ? structuredClone(this.interpolants.geometry) : null;
  }

  /**
   * Draws each trajectory's predicted end point β∞ (first two components; 'beta' view only) as a hollow
   * ring in the point's current colour (hollow, so the interpolant line shows through); with `setStyle({ showLimitSegments: true })`
   * also a faint line from the current β to β∞. Diverged trajectories and non-finite limits are skipped.
   * At most {@link limitMarkerBudget} markers are drawn (a fixed pseudo-random subsample beyond that).
   * Read straight from the buffer every frame (e.g. ImplicitBiasPass.limit). Call after
   * {@link setSource} (which clears it); null clears. Do not destroy the buffer while it is set.
   * @throws RangeError before setSource, or when d differs from the source's or the buffer is too small
   *   or lacks STORAGE usage.
   */
  setPredictedLimits(limits: PortraitLimits | null): void {
    if (!limits) {
      if (!this.limits) return;
      this.limits = null;
    } else {
      if (!this.source) throw new RangeError('PortraitView.setPredictedLimits: call setSource first.');
      validatePredictedLimits(limits, this.source.n, this.source.d);
      if (this.limits?.buffer === limits.buffer && this.limits.d === limits.d) return;
      this.limits = { buffer: limits.buffer, d: limits.d };
    }
    this.rebuildBindGroup0();
    this.touch(false);
  }

  /**
   * Excess-loss colour domain [lo, hi] in loss units (log scale), e.g. [1e-6, summary.maxExcessLoss].
   * @throws RangeError unless 0 < lo < hi (finite).
   */
  setLossDomain(domain: [number, number]): void {
    const change = this.coloring.setLossDomain(domain);
    if (change) this.touch(change.clearTrails);
  }

  /**
   * Point size, trails and limit segments. Turning trails on, or changing the point size, clears them.
   * @throws RangeError when pointSize ≤ 0 or trailDecay ∉ [0, 1].
   */
  setStyle(style: PortraitStyle): void {
    checkTrailStyle('PortraitView', style);
    const old = this.style;
    const segments = style.showLimitSegments ?? false;
    if (old.pointSize === style.pointSize && old.trails === style.trails && old.trailDecay === style.trailDecay
      && old.showLimitSegments === segments) return;
    this.style = { ...style, showLimitSegments: segments };
    this.touch(old.pointSize !== style.pointSize || (style.trails && !old.trails));
  }

  /** Fits the initial cloud and β_ols of the current projection (viewMath.defaultViewRect). */
  resetView(): void {
    this.applyRect(defaultViewRect(this.mode, this.info.betaOls, this.info.deltaRange));
  }

  /** The visible world rect (its aspect matches the canvas). Before the first layout, the requested rect. */
  getView(): ViewRect {
    return { ...(this.rect ?? defaultViewRect(this.mode, this.info.betaOls, this.info.deltaRange)) };
  }

  /**
   * Shows at least `rect`, grown about its centre to the canvas aspect. Clears trails. Rects narrower
   * than {@link MIN_VIEW_SPAN} or wider than {@link MAX_VIEW_SPAN} are ignored (zoom limits).
   * @throws RangeError when the rect is not finite or empty.
   */
  setViewRect(rect: ViewRect): void {
    const { xMin, xMax, yMin, yMax } = rect;
    if (![xMin, xMax, yMin, yMax].every(Number.isFinite) || !(xMin < xMax && yMin < yMax)) {
      throw new RangeError(`PortraitView.setViewRect: invalid rect ${JSON.stringify(rect)}.`);
    }
    const span = Math.min(xMax - xMin, yMax - yMin);
    if (span < MIN_VIEW_SPAN || Math.max(xMax - xMin, yMax - yMin) > MAX_VIEW_SPAN) return;
    this.applyRect(rect);
  }

  /**
   * Draws the trajectories `indices` on top, larger, in the highlight colour; null or empty clears.
   * @throws RangeError when an index is ≥ n (or any index is given before setSource).
   */
  highlight(indices: Uint32Array | null): void {
    if (this.gpu.setSelection(indices, this.source?.n ?? 0)) this.rebuildBindGroup0();
  }

  /**
   * The legend for the current colouring (same interpolator and domain as the LUT). Field modes add
   * `missing` (the MISSING_COLOR swatch); categorical fields have scale 'category' and `categories`
   * (with interpolator and domain [0, k] describing the same colours).
   */
  getColorSpec(): LegendSpec {
    return this.coloring.legend(this.deltaScale);
  }

  /** The δ colour scale of the points (kind as set, over the source's δ range), for marks drawn elsewhere. */
  get deltaScale(): DeltaScale {
    return makeDeltaScale(this.deltaKind, this.info.deltaRange);
  }

  /**
   * Draws one frame when one is due (src/views/redrawGate.ts): resize if needed, fade or clear the trail
   * texture, draw points, composite, highlight. A paused, unchanged view skips the frame.
   * @param time the simulated time of the state drawn; trails fade by the time elapsed since the last
   *   frame drawn (trailCanvas.trailFade), so they freeze while paused. Omitted: drawn at once, nothing
   *   fades (an export).
   */
  render(time?: number): void {
    if (this.gpu.destroyed || !this.syncSize() || !this.gpu.ready) return;
    const pending = this.dirty.params || this.dirty.labels || this.dirty.clearTrails;
    if (time !== undefined && !this.gpu.gate.due(time, pending)) return;
    const { size } = this.gpu;
    const { width, height, dpr } = size;
    const rect = this.rect!;
    if (this.dirty.labels) {
      const note = interpolantNote(this.mode, this.drawnInterpolants()?.kind);
      this.gpu.uploadLabels((g) => drawLabels(g, rect, this.mode, width, height, dpr, gridStepFor(rect, size.cssW), note));
      this.dirty.labels = false;
    }
    if (this.dirty.params) {
      this.gpu.device.queue.writeBuffer(this.gpu.params, 0, packStruct(PORTRAIT_PARAMS, portraitUniforms({
        n: this.source?.n ?? 0, d: this.source?.d ?? 1, view: this.mode, colorBy: this.coloring.colorBy, rect, width, height, dpr,
        pointSize: this.style.pointSize, deltaMaxAbs: deltaMaxAbs(this.info.deltaRange), deltaColor: makeDeltaScale(this.deltaKind, this.info.deltaRange), lossDomain: this.coloring.lossDomain,
        gridStep: gridStepFor(rect, size.cssW), betaOls: this.info.betaOls, XX: this.info.XX, field: this.coloring.fieldUniforms(),
        limits: this.limits && { stride: this.limitStride() },
        interpolants: this.drawnInterpolants(),
      })));
      this.dirty.params = false;
    }
    const primitive = choosePrimitive(this.primitive, this.ctx.isSoftware, this.style.pointSize, dpr);
    const keepTrails = this.style.trails && !this.dirty.clearTrails;
    this.dirty.clearTrails = false;
    const beta = this.mode === 'beta';
    encodePortraitFrame(this.gpu, this.pipelinesFor(this.source?.d ?? 1, primitive), this.bindGroup0, {
      primitive, n: this.source?.n ?? 0, keepTrails, trailDecay: this.clock.fade(this.style.trailDecay, time),
      limitMarkers: this.limits && this.source && beta ? Math.ceil(this.source.n / this.limitStride()) : 0,
      limitSegments: this.style.showLimitSegments ?? false,
      interpolantLine: beta && this.drawnInterpolants()?.kind === 'line',
    });
    this.gpu.gate.drawn(time);
  }

  /** Draws the next frame whatever the time: the bound state or field buffer was rewritten (a replay, an upload). */
  invalidate(): void { this.gpu.gate.invalidate(); }

  /** Frames drawn so far (src/views/redrawGate.ts). */
  get framesDrawn(): number { return this.gpu.gate.frames; }

  /** Renders a frame and encodes the canvas (in the same task, so the frame is still current). */
  toBlob(type = 'image/png'): Promise<Blob> {
    this.render();
    return this.gpu.toBlob(type);
  }

  /** Removes input listeners, frees GPU resources and unconfigures the canvas. Idempotent. */
  destroy(): void { this.gpu.destroy([], this.detachInput); }

  /** Subsampling stride of the predicted-limit markers for the current budget. */
  private limitStride(): number {
    const b = this.limitMarkerBudget;
    const budget = b === 'auto' ? (this.ctx.isSoftware ? LIMIT_MARKER_BUDGET.software : LIMIT_MARKER_BUDGET.hardware) : b;
    return limitStride(this.source?.n ?? 1, budget > 0 ? budget : 1);
  }

  /**
   * The interpolant geometry to draw: none when unset, or when the set is just {β_ols} (empty null basis,
   * full-rank XX), which the target ring already marks.
   */
  private drawnInterpolants(): InterpolantGeometry | null {
    const it = this.interpolants;
    return it && it.set.nullBasis.length > 0 ? it.geometry : null;
  }

  private touch(clearTrails: boolean): void {
    this.dirty.params = true;
    if (clearTrails) this.dirty.clearTrails = true;
  }

  private applyRect(rect: ViewRect): void {
    const { cssW, cssH } = this.gpu.size;
    this.rect = cssW > 0 && cssH > 0 ? fitRect(rect, cssW, cssH) : { ...rect };
    this.pendingFit = !(cssW > 0 && cssH > 0);
    this.dirty.labels = true;
    this.touch(true);
    this.onViewChange?.(this.getView());
  }

  /** Sizes the canvas ({@link TrailCanvas.syncSize}) and keeps the rect on a resize; false while it has no area. */
  private syncSize(): boolean {
    const sync = this.gpu.syncSize();
    if (sync === 'empty') return false;
    if (sync === 'same') return true;
    const old = sync.resizedFrom;
    const { cssW, cssH } = this.gpu.size;
    if (!this.rect || this.pendingFit) this.applyRect(this.rect ?? defaultViewRect(this.mode, this.info.betaOls, this.info.deltaRange));
    else if (old.cssW !== cssW || old.cssH !== cssH) this.applyRect(resizeRect(this.rect, old.cssW, old.cssH, cssW, cssH));
    this.dirty.labels = true;
    this.touch(true);
    return true;
  }

  private rebuildBindGroup0(): void {
    this.bindGroup0 = this.gpu.createGroup0(this.layouts.group0, this.source, [this.coloring.field?.buffer, this.limits?.buffer]);
  }

  private pipelinesFor(d: number, primitive: PortraitPrimitive): PortraitPipelines {
    const key = `${d}.${primitive}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = createPortraitPipelines(this.gpu.device, this.layouts, d, this.gpu.format, primitive);
      this.pipelines.set(key, p);
    }
    return p;
  }
}
