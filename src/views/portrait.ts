/**
 * The live phase portrait: a WebGPU render pass that draws every trajectory of a single-neuron ensemble
 * straight from the simulation's storage buffers (no readback), with optional fading trails, a grid,
 * excess-loss contours and the target β_ols in function space, pan/zoom, and a highlighted selection.
 * Points are coloured by δ₀, by excess loss, or by any per-trajectory field in a GPU buffer (continuous
 * or categorical). In function space it can also draw the low-rank implicit bias (theory.md §1.5, paper
 * Fig. 4b): the projected set of interpolating solutions and every trajectory's predicted limit β∞.
 * Pipelines: portraitPipelines.ts; shader: shaders/portrait.wgsl.ts; uniforms: portraitLayout.ts.
 */
import type { GpuContext } from '../gpu/device.ts';
import { createBuffer } from '../gpu/buffers.ts';
import { packStruct } from '../gpu/struct.ts';
import {
  buildCategoryLut, buildLut, categoryInterpolator, deltaInterpolator, lossInterpolator, parseColor, BACKGROUND_COLOR,
  type Interpolator, type LegendSpec,
} from './colormaps.ts';
import { limitStride, PORTRAIT_PARAMS, portraitUniforms, type ColorBy } from './portraitLayout.ts';
import { attachPanZoom } from './portraitInput.ts';
import { drawLabels, gridStepFor } from './portraitLabels.ts';
import {
  createPortraitLayouts, createPortraitPipelines, DEPTH_FORMAT, LABELS_FORMAT, TRAILS_FORMAT,
  type PortraitLayouts, type PortraitPipelines, type PortraitPrimitive,
} from './portraitPipelines.ts';
import {
  validatePortraitField, validatePortraitSource, validatePredictedLimits,
  type PortraitEnsembleInfo, type PortraitField, type PortraitInterpolants, type PortraitLimits, type PortraitSource,
} from './portraitSource.ts';
import {
  defaultViewRect, fitRect, projectInterpolants, resizeRect, type InterpolantGeometry, type ViewMode, type ViewRect,
} from './viewMath.ts';

export type { InterpolantGeometry, ViewMode, ViewRect } from './viewMath.ts';
export { clipToWorld, worldToClip } from './viewMath.ts';
export type { ColorBy } from './portraitLayout.ts';
export type {
  PortraitCategoryField, PortraitContinuousField, PortraitEnsembleInfo, PortraitField, PortraitInterpolants, PortraitLimits,
  PortraitSource,
} from './portraitSource.ts';

/** Drawing style. */
export interface PortraitStyle {
  /** Point diameter in CSS pixels (> 0; at least one device pixel is drawn). */
  pointSize: number;
  /** Keep fading trails of past positions. */
  trails: boolean;
  /** Fraction of a trail's brightness kept per frame, in [0, 1]. */
  trailDecay: number;
  /**
   * With predicted limits set ({@link PortraitView.setPredictedLimits}), also draw a faint line from each
   * sampled trajectory's current β to its β∞. Default false.
   */
  showLimitSegments?: boolean;
}

/** Default excess-loss colour domain (loss units) until {@link PortraitView.setLossDomain} is called. */
export const DEFAULT_LOSS_DOMAIN: [number, number] = [1e-6, 10];
/** Views narrower than this (world units) are ignored by setViewRect (f32 precision of the shaders). */
export const MIN_VIEW_SPAN = 1e-5;
/** Views wider than this (world units) are ignored by setViewRect. */
export const MAX_VIEW_SPAN = 1e7;
/**
 * Most predicted-limit markers drawn per frame with `limitMarkerBudget: 'auto'`: all of a Fig. 4b
 * ensemble (512 × 512) on hardware; on a software adapter (SwiftShader) a subsample of 2¹⁴.
 */
export const LIMIT_MARKER_BUDGET = { hardware: 1 << 18, software: 1 << 14 } as const;
/** "Not available" legend text of the field colourings. */
const MISSING_TEXT = 'not available (no value yet, diverged, or outside the scale)';

/**
 * The live portrait on one canvas. Call {@link render} every animation frame. Every setter is a no-op
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
  private readonly device: GPUDevice;
  private readonly context: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly layouts: PortraitLayouts;
  private readonly pipelines = new Map<string, PortraitPipelines>();
  private readonly params: GPUBuffer;
  private readonly lutBuffer: GPUBuffer;
  private readonly placeholder: GPUBuffer;
  private selection: GPUBuffer;
  private selectionCount = 0;
  private source: PortraitSource | null = null;
  private info: PortraitEnsembleInfo = { betaOls: [0], XX: [[0]], deltaRange: [-1, 1] };
  private bindGroup0!: GPUBindGroup;
  private bindGroup1: GPUBindGroup | null = null;
  private targets: { trails: GPUTexture; depth: GPUTexture; labels: GPUTexture } | null = null;
  private readonly labelCanvas: OffscreenCanvas | HTMLCanvasElement;
  private mode: ViewMode = 'beta';
  private colorBy: ColorBy = 'delta';
  private lossDomain: [number, number] = [...DEFAULT_LOSS_DOMAIN];
  private style: PortraitStyle = { pointSize: 1.5, trails: true, trailDecay: 0.92, showLimitSegments: false };
  private field: { spec: PortraitField; offset: number } | null = null;
  private limits: PortraitLimits | null = null;
  private interpolants: { set: PortraitInterpolants; geometry: InterpolantGeometry } | null = null;
  /** What the LUT buffer holds now (an interpolator, or a categories key), to rewrite it only on change. */
  private lutKey: Interpolator | string = deltaInterpolator;
  private rect: ViewRect | null = null;
  /** The rect was set before the canvas had a size; fit it to the aspect at the first layout. */
  private pendingFit = true;
  private size = { cssW: 0, cssH: 0, width: 0, height: 0, dpr: 1 };
  private dirty = { params: true, labels: true, clearTrails: true };
  private readonly detachInput: () => void;
  private destroyed = false;

  /**
   * Configures `canvas` for WebGPU (preferred format, opaque) and attaches pan/zoom input.
   * @throws Error if the canvas cannot give a WebGPU context.
   */
  constructor(private readonly ctx: GpuContext, readonly canvas: HTMLCanvasElement) {
    this.device = ctx.device;
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('PortraitView: canvas.getContext("webgpu") returned null.');
    this.context = context;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device: this.device, format: this.format, alphaMode: 'opaque' });
    this.layouts = createPortraitLayouts(this.device);
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.params = createBuffer(this.device, 'Portrait.params', U, PORTRAIT_PARAMS.size);
    this.lutBuffer = createBuffer(this.device, 'Portrait.lut', U, 4 * 4 * 256, buildLut(deltaInterpolator));
    this.placeholder = createBuffer(this.device, 'Portrait.placeholder', S, 16);
    this.selection = createBuffer(this.device, 'Portrait.selection', S, 16);
    this.labelCanvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
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
    this.field = null;
    this.limits = null;
    if (this.interpolants && this.interpolants.set.betaOls.length !== d) this.interpolants = null;
    this.syncLut();
    this.dirty.labels = true;
    this.info = { betaOls: [...info.betaOls], XX: info.XX.map((r) => [...r]), deltaRange: [lo, hi] };
    this.selectionCount = 0;
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
    if (colorBy !== 'delta' && colorBy !== 'loss' && colorBy !== 'field') throw new RangeError(`PortraitView.setColorBy: unknown mode "${String(colorBy)}".`);
    if (colorBy === this.colorBy) return;
    this.colorBy = colorBy;
    this.syncLut();
    this.touch(true);
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
    if (!field) {
      if (!this.field) return;
      this.field = null;
    } else {
      if (!this.source) throw new RangeError('PortraitView.setField: call setSource first.');
      const offset = validatePortraitField(field, this.source.n);
      const old = this.field;
      if (old && sameField(old.spec, field) && old.offset === offset) return;
      const spec: PortraitField = field.scale === 'category'
        ? { ...field, categories: field.categories.map((c) => ({ ...c })) }
        : { ...field, domain: [field.domain[0], field.domain[1]] };
      const rebind = old?.spec.buffer !== field.buffer;
      // A new domain or title alone keeps the trails (the app may widen a domain every frame).
      const recolor = !old || old.offset !== offset || !sameColoring(old.spec, spec);
      this.field = { spec, offset };
      if (rebind) this.rebuildBindGroup0();
      this.syncLut();
      this.touch(this.colorBy === 'field' && recolor);
      return;
    }
    this.syncLut();
    this.touch(this.colorBy === 'field');
  }

  /**
   * Draws the affine set of interpolating solutions {β_ols + Σ c_k v_k} (theory.md §1.5, paper Fig. 4b)
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
    const [lo, hi] = domain;
    if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new RangeError(`PortraitView.setLossDomain: need 0 < lo < hi, got [${lo}, ${hi}].`);
    if (lo === this.lossDomain[0] && hi === this.lossDomain[1]) return;
    this.lossDomain = [lo, hi];
    this.touch(this.colorBy === 'loss');
  }

  /**
   * Point size, trails and limit segments. Turning trails on, or changing the point size, clears them.
   * @throws RangeError when pointSize ≤ 0 or trailDecay ∉ [0, 1].
   */
  setStyle(style: PortraitStyle): void {
    if (!(style.pointSize > 0 && Number.isFinite(style.pointSize))) throw new RangeError(`PortraitView.setStyle: pointSize ${style.pointSize} must be > 0.`);
    if (!(style.trailDecay >= 0 && style.trailDecay <= 1)) throw new RangeError(`PortraitView.setStyle: trailDecay ${style.trailDecay} must be in [0, 1].`);
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
    const count = indices?.length ?? 0;
    if (count > 0) {
      const n = this.source?.n ?? 0;
      for (let k = 0; k < count; k++) {
        if (indices![k] >= n) throw new RangeError(`PortraitView.highlight: index ${indices![k]} ≥ n = ${n}.`);
      }
      if (4 * count > this.selection.size) {
        this.selection.destroy();
        const capacity = 2 ** Math.ceil(Math.log2(count));
        this.selection = createBuffer(this.device, 'Portrait.selection', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * capacity);
        this.rebuildBindGroup0();
      }
      this.device.queue.writeBuffer(this.selection, 0, indices!);
    }
    this.selectionCount = count;
  }

  /**
   * The legend for the current colouring (same interpolator and domain as the LUT). Field modes add
   * `missing` (the MISSING_COLOR swatch); categorical fields have scale 'category' and `categories`
   * (with interpolator and domain [0, k] describing the same colours).
   */
  getColorSpec(): LegendSpec {
    const f = this.colorBy === 'field' ? this.field?.spec : undefined;
    if (f?.scale === 'category') {
      const colors = f.categories.map((c) => c.color);
      return {
        title: f.title, interpolator: categoryInterpolator(colors), domain: [0, colors.length], scale: 'category',
        categories: f.categories.map((c) => ({ ...c })), missing: MISSING_TEXT,
      };
    }
    if (f) return { title: f.title, interpolator: f.interpolator, domain: [f.domain[0], f.domain[1]], scale: f.scale, missing: MISSING_TEXT };
    if (this.colorBy === 'loss') {
      return { title: 'excess loss ½(β−β_ols)ᵀXX(β−β_ols)', interpolator: lossInterpolator, domain: [...this.lossDomain], scale: 'log' };
    }
    const m = this.deltaMaxAbs();
    return { title: 'δ = η_w a² − η_a‖w‖²  (blue downstream, red upstream)', interpolator: deltaInterpolator, domain: [-m, m], scale: 'linear' };
  }

  /** Draws one frame: resize if needed, fade or clear the trail texture, draw points, composite, highlight. */
  render(): void {
    if (this.destroyed || !this.syncSize() || !this.targets || !this.bindGroup1) return;
    const { device } = this;
    const { width, height, dpr } = this.size;
    const rect = this.rect!;
    if (this.dirty.labels) {
      const lc = this.labelCanvas;
      const g = lc.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (g) {
        drawLabels(g, rect, this.mode, width, height, dpr, gridStepFor(rect, this.size.cssW), this.interpolantNote());
        device.queue.copyExternalImageToTexture({ source: lc }, { texture: this.targets.labels, premultipliedAlpha: true }, [width, height]);
      }
      this.dirty.labels = false;
    }
    if (this.dirty.params) {
      device.queue.writeBuffer(this.params, 0, packStruct(PORTRAIT_PARAMS, portraitUniforms({
        n: this.source?.n ?? 0, d: this.source?.d ?? 1, view: this.mode, colorBy: this.colorBy, rect, width, height, dpr,
        pointSize: this.style.pointSize, deltaMaxAbs: this.deltaMaxAbs(), lossDomain: this.lossDomain,
        gridStep: gridStepFor(rect, this.size.cssW), betaOls: this.info.betaOls, XX: this.info.XX,
        field: this.field && { scale: this.field.spec.scale, offset: this.field.offset, domain: this.field.spec.domain ?? [0, 1],
          count: this.field.spec.scale === 'category' ? this.field.spec.categories.length : 0 },
        limits: this.limits && { stride: this.limitStride() },
        interpolants: this.drawnInterpolants(),
      })));
      this.dirty.params = false;
    }
    const primitive = this.currentPrimitive();
    const pipes = this.pipelinesFor(this.source?.d ?? 1, primitive);
    const encoder = device.createCommandEncoder({ label: 'Portrait.frame' });
    const keep = this.style.trails && !this.dirty.clearTrails;
    this.dirty.clearTrails = false;
    const points = encoder.beginRenderPass({
      label: 'Portrait.pass.points',
      colorAttachments: [{ view: this.targets.trails.createView(), loadOp: keep ? 'load' : 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
      depthStencilAttachment: { view: this.targets.depth.createView(), depthLoadOp: 'clear', depthStoreOp: 'discard', depthClearValue: 1 },
    });
    points.setBindGroup(0, this.bindGroup0);
    if (keep) {
      const k = this.style.trailDecay;
      points.setPipeline(pipes.fade);
      points.setBlendConstant([k, k, k, k]);
      points.draw(3);
    }
    if (this.source) {
      points.setPipeline(pipes.points);
      const n = this.source.n;
      if (primitive === 'instanced') points.draw(4, n); else points.draw(primitive === 'list' ? 6 * n : n);
    }
    points.end();
    const [r, g, b] = parseColor(BACKGROUND_COLOR);
    const screen = encoder.beginRenderPass({
      label: 'Portrait.pass.screen',
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: [r, g, b, 1] }],
    });
    screen.setBindGroup(0, this.bindGroup0);
    screen.setBindGroup(1, this.bindGroup1);
    screen.setPipeline(pipes.composite);
    screen.draw(3);
    if (this.limits && this.source && this.mode === 'beta') {
      const m = Math.ceil(this.source.n / this.limitStride());
      if (this.style.showLimitSegments) {
        screen.setPipeline(pipes.limitSegment);
        screen.draw(2 * m);
      }
      screen.setPipeline(pipes.limit);
      if (primitive === 'instanced') screen.draw(4, m); else screen.draw(6 * m);
    }
    if (this.mode === 'beta' && this.drawnInterpolants()?.kind === 'line') {
      screen.setPipeline(pipes.interpolantLine);
      screen.draw(4);
    }
    if (this.selectionCount > 0 && this.source) {
      for (const pipeline of [pipes.highlightOutline, pipes.highlight]) {
        screen.setPipeline(pipeline);
        if (primitive === 'instanced') screen.draw(4, this.selectionCount); else screen.draw(6 * this.selectionCount);
      }
    }
    screen.end();
    device.queue.submit([encoder.finish()]);
  }

  /** Renders a frame and encodes the canvas (in the same task, so the frame is still current). */
  toBlob(type = 'image/png'): Promise<Blob> {
    this.render();
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PortraitView.toBlob: encoding failed'))), type));
  }

  /** Removes input listeners, frees GPU resources and unconfigures the canvas. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.detachInput();
    this.destroyTargets();
    for (const buf of [this.params, this.lutBuffer, this.placeholder, this.selection]) buf.destroy();
    this.context.unconfigure();
  }

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

  /** The label-layer note about the interpolating set, when its projection is not a line. */
  private interpolantNote(): string | undefined {
    if (this.mode !== 'beta') return undefined;
    const kind = this.drawnInterpolants()?.kind;
    if (kind === 'plane') return 'interpolating solutions cover the whole (β₁, β₂) plane (tinted)';
    if (kind === 'point') return 'interpolating solutions project to one point (cyan ring)';
    return undefined;
  }

  /** Writes the LUT of the effective colouring when it changed. */
  private syncLut(): void {
    const f = this.colorBy === 'field' ? this.field?.spec : undefined;
    let key: Interpolator | string;
    let lut: () => Float32Array;
    if (f?.scale === 'category') {
      const colors = f.categories.map((c) => c.color);
      key = `category:${JSON.stringify(colors)}`;
      lut = () => buildCategoryLut(colors);
    } else {
      const interp = f ? f.interpolator : this.colorBy === 'loss' ? lossInterpolator : deltaInterpolator;
      key = interp;
      lut = () => buildLut(interp);
    }
    if (key === this.lutKey) return;
    this.lutKey = key;
    this.device.queue.writeBuffer(this.lutBuffer, 0, lut());
  }

  private deltaMaxAbs(): number {
    const m = Math.max(Math.abs(this.info.deltaRange[0]), Math.abs(this.info.deltaRange[1]));
    return m > 0 ? m : 1;
  }

  private touch(clearTrails: boolean): void {
    this.dirty.params = true;
    if (clearTrails) this.dirty.clearTrails = true;
  }

  private applyRect(rect: ViewRect): void {
    const { cssW, cssH } = this.size;
    this.rect = cssW > 0 && cssH > 0 ? fitRect(rect, cssW, cssH) : { ...rect };
    this.pendingFit = !(cssW > 0 && cssH > 0);
    this.dirty.labels = true;
    this.touch(true);
    this.onViewChange?.(this.getView());
  }

  /** Matches the canvas to its CSS size × devicePixelRatio; returns false while it has no area. */
  private syncSize(): boolean {
    const dpr = window.devicePixelRatio || 1;
    const cssW = this.canvas.clientWidth;
    const cssH = this.canvas.clientHeight;
    if (!(cssW > 0 && cssH > 0)) return false;
    const max = this.device.limits.maxTextureDimension2D;
    const width = Math.min(max, Math.max(1, Math.round(cssW * dpr)));
    const height = Math.min(max, Math.max(1, Math.round(cssH * dpr)));
    const s = this.size;
    if (s.cssW === cssW && s.cssH === cssH && s.width === width && s.height === height && s.dpr === dpr && this.targets) return true;
    const old = { ...s };
    this.size = { cssW, cssH, width, height, dpr };
    this.canvas.width = width;
    this.canvas.height = height;
    this.labelCanvas.width = width;
    this.labelCanvas.height = height;
    this.createTargets(width, height);
    if (!this.rect || this.pendingFit) this.applyRect(this.rect ?? defaultViewRect(this.mode, this.info.betaOls, this.info.deltaRange));
    else if (old.cssW !== cssW || old.cssH !== cssH) this.applyRect(resizeRect(this.rect, old.cssW, old.cssH, cssW, cssH));
    this.dirty.labels = true;
    this.touch(true);
    return true;
  }

  private createTargets(width: number, height: number): void {
    this.destroyTargets();
    const RA = GPUTextureUsage.RENDER_ATTACHMENT;
    const tex = (label: string, format: GPUTextureFormat, usage: number) =>
      this.device.createTexture({ label, size: [width, height], format, usage });
    this.targets = {
      trails: tex('Portrait.trails', TRAILS_FORMAT, RA | GPUTextureUsage.TEXTURE_BINDING),
      depth: tex('Portrait.depth', DEPTH_FORMAT, RA),
      labels: tex('Portrait.labels', LABELS_FORMAT, RA | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST),
    };
    this.bindGroup1 = this.device.createBindGroup({
      label: 'Portrait.group1', layout: this.layouts.group1,
      entries: [
        { binding: 0, resource: this.targets.trails.createView() },
        { binding: 1, resource: this.targets.labels.createView() },
      ],
    });
  }

  private destroyTargets(): void {
    if (!this.targets) return;
    for (const t of Object.values(this.targets)) t.destroy();
    this.targets = null;
    this.bindGroup1 = null;
  }

  private rebuildBindGroup0(): void {
    const src = this.source;
    const buffers = [
      this.params, this.lutBuffer, src?.state ?? this.placeholder, src?.flags ?? this.placeholder, src?.info ?? this.placeholder,
      this.selection, this.field?.spec.buffer ?? this.placeholder, this.limits?.buffer ?? this.placeholder,
    ];
    this.bindGroup0 = this.device.createBindGroup({
      label: 'Portrait.group0', layout: this.layouts.group0,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  private currentPrimitive(): PortraitPrimitive {
    if (this.primitive !== 'auto') return this.primitive;
    if (!this.ctx.isSoftware) return 'instanced';
    return this.style.pointSize * this.size.dpr < 2 ? 'points' : 'list';
  }

  private pipelinesFor(d: number, primitive: PortraitPrimitive): PortraitPipelines {
    const key = `${d}.${primitive}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = createPortraitPipelines(this.device, this.layouts, d, this.format, primitive);
      this.pipelines.set(key, p);
    }
    return p;
  }
}

/** Whether two fields map values to the same colours up to the domain (buffer, offset, scale, interpolator, categories). */
function sameColoring(a: PortraitField, b: PortraitField): boolean {
  if (a.buffer !== b.buffer || (a.offset ?? 0) !== (b.offset ?? 0) || a.scale !== b.scale) return false;
  if (a.scale === 'category' || b.scale === 'category') {
    const ca = a.scale === 'category' ? a.categories : [];
    const cb = b.scale === 'category' ? b.categories : [];
    return ca.length === cb.length && ca.every((c, k) => c.label === cb[k].label && c.color === cb[k].color);
  }
  return a.interpolator === b.interpolator;
}

/** Whether two fields draw and describe the same: {@link sameColoring}, title and (continuous) domain. */
function sameField(a: PortraitField, b: PortraitField): boolean {
  if (!sameColoring(a, b) || a.title !== b.title) return false;
  return a.scale === 'category' || b.scale === 'category' || (a.domain[0] === b.domain[0] && a.domain[1] === b.domain[1]);
}
