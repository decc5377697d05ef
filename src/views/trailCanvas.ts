/**
 * The WebGPU canvas shared by the point views (PortraitView, ParamSpace3DView): the canvas context; the
 * params, LUT, placeholder and selection buffers; the offscreen trail, depth and label targets sized to
 * the canvas; and the skeleton of a frame (trail pass: fade, then points; screen pass: composite, then
 * the view's own draws) and the highlighted selection. The views keep their own state, uniforms and
 * pipelines. Pipelines: trailPipelines.ts.
 */
import type { GpuContext } from '../gpu/device.ts';
import { createBuffer } from '../gpu/buffers.ts';
import { BACKGROUND_COLOR, buildLut, deltaInterpolator, parseColor } from './colormaps.ts';
import { DEPTH_FORMAT, LABELS_FORMAT, TRAILS_FORMAT, type PointPrimitive } from './trailPipelines.ts';
import { REDRAW_PACING, RedrawGate } from './redrawGate.ts';

/** Canvas size: CSS px, device px (clamped to maxTextureDimension2D) and the device pixel ratio. */
export interface CanvasSize { cssW: number; cssH: number; width: number; height: number; dpr: number }

/** Point size and trails, as both views take them. */
export interface TrailStyle {
  /** Point diameter in CSS pixels (> 0; at least one device pixel is drawn). */
  pointSize: number;
  /** Keep fading trails of past positions. */
  trails: boolean;
  /**
   * Fraction of a trail's brightness kept per {@link TRAIL_TIME_UNIT} of simulated time, in [0, 1]; 1 keeps
   * the lines for good (persistent lines: a converged ensemble still shows its paths).
   */
  trailDecay: number;
}

/**
 * Simulated time (time units, docs/theory.md §5 conventions: t = steps × step) over which trails keep
 * `trailDecay` of their brightness: one frame of the default settings (2 steps of dt = 0.01), so the
 * default persistence 0.92 looks as it did when trails faded per frame, but now at any frame rate.
 */
export const TRAIL_TIME_UNIT = 0.02;

/**
 * The fade factor of one frame that advanced the simulation by `elapsed` time units: trailDecay^(elapsed /
 * TRAIL_TIME_UNIT). 1 (no fade) when nothing advanced (paused, or a frame drawn for an export) or when
 * trailDecay is 1 (persistent lines). Frame-rate independent: two frames of elapsed/2 fade as one of elapsed.
 */
export function trailFade(trailDecay: number, elapsed: number): number {
  if (!(elapsed > 0) || trailDecay >= 1) return 1;
  return trailDecay ** (elapsed / TRAIL_TIME_UNIT);
}

/** The simulated time of the last drawn frame, for {@link trailFade}; reset with a new source. */
export class TrailClock {
  private last: number | null = null;

  /** Forgets the last time (a new source: its clock restarts). */
  reset(): void { this.last = null; }

  /**
   * The fade of a frame at simulated time `time` (undefined: a redraw that advanced nothing, e.g. an
   * export). Time that ran backwards, or the first frame, fades nothing.
   */
  fade(trailDecay: number, time: number | undefined): number {
    if (time === undefined) return 1;
    const elapsed = this.last === null ? 0 : time - this.last;
    this.last = time;
    return trailFade(trailDecay, elapsed);
  }
}

/** What {@link TrailCanvas.syncSize} found: no area yet, the same size, or a new size (previous one given). */
export type SizeSync = 'empty' | 'same' | { resizedFrom: CanvasSize };

/** The simulation buffers bound at bindings 2–4 of group 0 (state, flags, info). */
export interface TrailSourceBuffers { state: GPUBuffer; flags: GPUBuffer; info: GPUBuffer }

/** How a frame treats the trails and the points (see {@link TrailCanvas.encodeFrame}). */
export interface TrailFrame {
  /** Fade the trail texture by `decay` (fraction kept) instead of clearing it. */
  keepTrails: boolean;
  decay: number;
  /** Trajectories to draw as points (0: none). */
  n: number;
  primitive: PointPrimitive;
  /** Keep the points' depth buffer and test the screen pass against it (3-D view); else it is discarded. */
  depthTest: boolean;
}

/** The pipelines {@link TrailCanvas.encodeFrame} sets itself. */
export interface TrailFramePipelines { fade: GPURenderPipeline; points: GPURenderPipeline; composite: GPURenderPipeline }

/** Names and sizes of a {@link TrailCanvas}. */
export interface TrailCanvasOptions {
  /** Label prefix of every resource ('Portrait' → 'Portrait.trails'). */
  name: string;
  /** Class named in error messages ('PortraitView'). */
  owner: string;
  /** Size of the params uniform buffer in bytes. */
  paramsBytes: number;
  /** Layout of group 1 (binding 0: trails, 1: labels). */
  group1Layout: GPUBindGroupLayout;
}

type Ctx2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Draws `count` point-sized quads: draw(4, count) instanced, else draw(6·count) (a triangle list). */
export function drawQuads(pass: GPURenderPassEncoder, primitive: PointPrimitive, count: number): void {
  if (primitive === 'instanced') pass.draw(4, count); else pass.draw(6 * count);
}

/**
 * The primitive per trajectory: `requested` unless 'auto'; 'auto' is instanced quads on hardware and, on a
 * software adapter (which pays a setup cost per instance), a triangle list, or 1-pixel points when a
 * point is under 2 device pixels.
 */
export function choosePrimitive(requested: 'auto' | PointPrimitive, isSoftware: boolean, pointSize: number, dpr: number): PointPrimitive {
  if (requested !== 'auto') return requested;
  if (!isSoftware) return 'instanced';
  return pointSize * dpr < 2 ? 'points' : 'list';
}

/** @throws RangeError when pointSize ≤ 0 (or not finite) or trailDecay ∉ [0, 1]; `owner` names the class. */
export function checkTrailStyle(owner: string, style: TrailStyle): void {
  if (!(style.pointSize > 0 && Number.isFinite(style.pointSize))) throw new RangeError(`${owner}.setStyle: pointSize ${style.pointSize} must be > 0.`);
  if (!(style.trailDecay >= 0 && style.trailDecay <= 1)) throw new RangeError(`${owner}.setStyle: trailDecay ${style.trailDecay} must be in [0, 1].`);
}

/** The GPU side of a point view's canvas (see the module comment). */
export class TrailCanvas {
  /** The device of the GpuContext. */
  readonly device: GPUDevice;
  /** The canvas format (navigator.gpu.getPreferredCanvasFormat()). */
  readonly format: GPUTextureFormat;
  /** The view's uniform buffer ('.params'). */
  readonly params: GPUBuffer;
  /** Colour LUT, 256 RGBA f32 ('.lut'); starts as the δ map. */
  readonly lut: GPUBuffer;
  /** 16-byte storage buffer bound in place of a missing one ('.placeholder'). */
  readonly placeholder: GPUBuffer;
  /** Whether the view draws this animation frame (redrawGate.ts), paced by the adapter kind. */
  readonly gate: RedrawGate;
  private canvasSize: CanvasSize = { cssW: 0, cssH: 0, width: 0, height: 0, dpr: 1 };
  /** How many indices of the selection buffer are drawn highlighted. */
  private selectionCount = 0;
  private isDestroyed = false;
  private selectionBuffer: GPUBuffer;
  private readonly context: GPUCanvasContext;
  private readonly labelCanvas: OffscreenCanvas | HTMLCanvasElement;
  private targets: { trails: GPUTexture; depth: GPUTexture; labels: GPUTexture } | null = null;
  private group1: GPUBindGroup | null = null;

  /**
   * Configures `canvas` for WebGPU (preferred format, opaque) and creates the buffers.
   * @throws Error if the canvas cannot give a WebGPU context.
   */
  constructor(ctx: GpuContext, readonly canvas: HTMLCanvasElement, private readonly opts: TrailCanvasOptions) {
    this.device = ctx.device;
    this.gate = new RedrawGate(ctx.isSoftware ? REDRAW_PACING.software : REDRAW_PACING.hardware);
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error(`${opts.owner}: canvas.getContext("webgpu") returned null.`);
    this.context = context;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device: this.device, format: this.format, alphaMode: 'opaque' });
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.params = createBuffer(this.device, `${opts.name}.params`, U, opts.paramsBytes);
    this.lut = createBuffer(this.device, `${opts.name}.lut`, U, 4 * 4 * 256, buildLut(deltaInterpolator));
    this.placeholder = createBuffer(this.device, `${opts.name}.placeholder`, S, 16);
    this.selectionBuffer = createBuffer(this.device, `${opts.name}.selection`, S, 16);
    this.labelCanvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
  }

  /** The current size (do not modify); all zero before the first layout. */
  get size(): CanvasSize { return this.canvasSize; }

  /** Whether the targets exist (after a successful {@link syncSize}). */
  get ready(): boolean { return this.targets !== null && this.group1 !== null; }

  /** True once {@link TrailCanvas.destroy} ran. */
  get destroyed(): boolean { return this.isDestroyed; }

  /**
   * Group 0 (`name.group0`): params, LUT, the source's state, flags and info, the selection, then
   * `extra` in binding order; the placeholder stands in for a missing buffer.
   */
  createGroup0(layout: GPUBindGroupLayout, source: TrailSourceBuffers | null, extra: readonly (GPUBuffer | null | undefined)[]): GPUBindGroup {
    const ph = this.placeholder;
    const buffers = [
      this.params, this.lut, source?.state ?? ph, source?.flags ?? ph, source?.info ?? ph, this.selectionBuffer, ...extra.map((b) => b ?? ph),
    ];
    return this.device.createBindGroup({
      label: `${this.opts.name}.group0`, layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** Draws no selection (a new source); the buffer is kept. */
  clearSelection(): void {
    this.selectionCount = 0;
    this.gate.invalidate();
  }

  /**
   * Uploads the selection (u32 trajectory indices) for {@link drawSelection}; null or empty clears it.
   * @returns true when the selection buffer was replaced by a larger one (rebuild group 0).
   * @throws RangeError when an index is ≥ n.
   */
  setSelection(indices: Uint32Array | null, n: number): boolean {
    const count = indices?.length ?? 0;
    let regrown = false;
    if (count > 0) {
      for (let k = 0; k < count; k++) {
        if (indices![k] >= n) throw new RangeError(`${this.opts.owner}.highlight: index ${indices![k]} ≥ n = ${n}.`);
      }
      if (4 * count > this.selectionBuffer.size) {
        this.selectionBuffer.destroy();
        const capacity = 2 ** Math.ceil(Math.log2(count));
        this.selectionBuffer = createBuffer(this.device, `${this.opts.name}.selection`, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * capacity);
        regrown = true;
      }
      this.device.queue.writeBuffer(this.selectionBuffer, 0, indices!);
    }
    this.selectionCount = count;
    this.gate.invalidate();
    return regrown;
  }

  /**
   * Matches the canvas (and the label canvas) to its CSS size × devicePixelRatio; on a change recreates
   * the targets, whose contents are then undefined (clear the trails, redraw the labels).
   */
  syncSize(): SizeSync {
    const dpr = window.devicePixelRatio || 1;
    const cssW = this.canvas.clientWidth;
    const cssH = this.canvas.clientHeight;
    if (!(cssW > 0 && cssH > 0)) return 'empty';
    const max = this.device.limits.maxTextureDimension2D;
    const width = Math.min(max, Math.max(1, Math.round(cssW * dpr)));
    const height = Math.min(max, Math.max(1, Math.round(cssH * dpr)));
    const s = this.canvasSize;
    if (s.cssW === cssW && s.cssH === cssH && s.width === width && s.height === height && s.dpr === dpr && this.targets) return 'same';
    this.canvasSize = { cssW, cssH, width, height, dpr };
    this.canvas.width = width;
    this.canvas.height = height;
    this.labelCanvas.width = width;
    this.labelCanvas.height = height;
    this.createTargets(width, height);
    this.gate.invalidate();
    return { resizedFrom: s };
  }

  /** Lets `draw` paint the label canvas (device px) and uploads it to the label texture (premultiplied). */
  uploadLabels(draw: (g: Ctx2D) => void): void {
    if (!this.targets) return;
    const g = this.labelCanvas.getContext('2d') as Ctx2D | null;
    if (!g) return;
    draw(g);
    const { width, height } = this.size;
    this.device.queue.copyExternalImageToTexture({ source: this.labelCanvas }, { texture: this.targets.labels, premultipliedAlpha: true }, [width, height]);
  }

  /**
   * Encodes and submits one frame (`name.frame`). Trail pass (`name.pass.points`): with `keepTrails`
   * fades the trail texture by `decay` (else clears it), then draws n points over a cleared depth buffer.
   * Screen pass (`name.pass.screen`, into the current canvas texture cleared to BACKGROUND_COLOR, groups
   * 0 and 1 set, with the points' depth loaded when `depthTest`): the composite (draw(3)), then `drawOnScreen`.
   * Does nothing before the first successful {@link syncSize}.
   */
  encodeFrame(pipes: TrailFramePipelines, group0: GPUBindGroup, f: TrailFrame, drawOnScreen: (screen: GPURenderPassEncoder) => void): void {
    if (!this.targets || !this.group1) return;
    const name = this.opts.name;
    const encoder = this.device.createCommandEncoder({ label: `${name}.frame` });
    const points = encoder.beginRenderPass({
      label: `${name}.pass.points`,
      colorAttachments: [{ view: this.targets.trails.createView({ label: `${name}.trails.view` }), loadOp: f.keepTrails ? 'load' : 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
      depthStencilAttachment: {
        view: this.targets.depth.createView({ label: `${name}.depth.view` }), depthLoadOp: 'clear', depthStoreOp: f.depthTest ? 'store' : 'discard', depthClearValue: 1,
      },
    });
    points.setBindGroup(0, group0);
    if (f.keepTrails) {
      const k = f.decay;
      points.setPipeline(pipes.fade);
      points.setBlendConstant([k, k, k, k]);
      points.draw(3);
    }
    if (f.n > 0) {
      points.setPipeline(pipes.points);
      if (f.primitive === 'points') points.draw(f.n); else drawQuads(points, f.primitive, f.n);
    }
    points.end();
    const [r, g, b] = parseColor(BACKGROUND_COLOR);
    const screen = encoder.beginRenderPass({
      label: `${name}.pass.screen`,
      colorAttachments: [{ view: this.context.getCurrentTexture().createView({ label: `${name}.canvas.view` }), loadOp: 'clear', storeOp: 'store', clearValue: [r, g, b, 1] }],
      depthStencilAttachment: f.depthTest
        ? { view: this.targets.depth.createView({ label: `${name}.depth.view` }), depthLoadOp: 'load', depthStoreOp: 'discard' }
        : undefined,
    });
    screen.setBindGroup(0, group0);
    screen.setBindGroup(1, this.group1);
    screen.setPipeline(pipes.composite);
    screen.draw(3);
    drawOnScreen(screen);
    screen.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Draws the selection on top: the dark outline, then the highlight (quads of {@link setSelection}). */
  drawSelection(pass: GPURenderPassEncoder, pipes: { highlightOutline: GPURenderPipeline; highlight: GPURenderPipeline }, primitive: PointPrimitive): void {
    if (this.selectionCount <= 0) return;
    for (const pipeline of [pipes.highlightOutline, pipes.highlight]) {
      pass.setPipeline(pipeline);
      drawQuads(pass, primitive, this.selectionCount);
    }
  }

  /** Encodes the canvas as it is now (call right after rendering, in the same task). */
  toBlob(type: string): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`${this.opts.owner}.toBlob: encoding failed`))), type));
  }

  /**
   * Frees the trail targets, the shared buffers and `extra`, unconfigures the canvas and calls
   * `onDestroy` (the owner's clean-up, e.g. detaching input). Idempotent: later calls do nothing.
   */
  destroy(extra: readonly (GPUBuffer | null)[] = [], onDestroy?: () => void): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    onDestroy?.();
    this.destroyTargets();
    for (const buf of [this.params, this.lut, this.placeholder, this.selectionBuffer, ...extra]) buf?.destroy();
    this.context.unconfigure();
  }

  private createTargets(width: number, height: number): void {
    this.destroyTargets();
    const name = this.opts.name;
    const RA = GPUTextureUsage.RENDER_ATTACHMENT;
    const tex = (label: string, format: GPUTextureFormat, usage: number) =>
      this.device.createTexture({ label: `${name}.${label}`, size: [width, height], format, usage });
    this.targets = {
      trails: tex('trails', TRAILS_FORMAT, RA | GPUTextureUsage.TEXTURE_BINDING),
      depth: tex('depth', DEPTH_FORMAT, RA),
      labels: tex('labels', LABELS_FORMAT, RA | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST),
    };
    this.group1 = this.device.createBindGroup({
      label: `${name}.group1`, layout: this.opts.group1Layout,
      entries: [
        { binding: 0, resource: this.targets.trails.createView({ label: `${name}.trails.sampled` }) },
        { binding: 1, resource: this.targets.labels.createView({ label: `${name}.labels.sampled` }) },
      ],
    });
  }

  private destroyTargets(): void {
    if (!this.targets) return;
    for (const t of Object.values(this.targets)) t.destroy();
    this.targets = null;
    this.group1 = null;
  }
}
