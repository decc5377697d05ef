/**
 * The 3-D parameter-space view for d = 2 (the paper's Fig. 2 left panels): every trajectory's current
 * point (w₁, w₂, a) drawn by a WebGPU render pass straight from the simulation's storage buffers (no
 * readback), coloured by δ₀, with optional fading trails; the conserved surface η_w a² − η_a‖w‖² = δ of a
 * selected δ (translucent hyperboloid or cone with a wireframe); the curve of global minima a w = β*;
 * axes with ticks and labels; orbit controls; a highlighted selection.
 * Maths: paramSpace3dMath.ts (camera), paramSpace3dGeometry.ts (surface, curve, axes); pipelines:
 * paramSpace3dPipelines.ts; shader: shaders/paramSpace3d.wgsl.ts; uniforms: paramSpace3dLayout.ts.
 */
import type { GpuContext } from '../gpu/device.ts';
import { createBuffer } from '../gpu/buffers.ts';
import { packStruct } from '../gpu/struct.ts';
import {
  buildLut, deltaInterpolator, deltaToT, parseColor, toHex, BACKGROUND_COLOR, type LegendSpec,
} from './colormaps.ts';
import {
  axesGeometry, conservedSurface, floorGrid, minimaCurve, packSegments, SEGMENT_FLOATS, type AxisLabels, type LineStyle,
} from './paramSpace3dGeometry.ts';
import { attachOrbitControls } from './paramSpace3dInput.ts';
import { drawLabels3d, type KeyEntry } from './paramSpace3dLabels.ts';
import { LINE_COLORS, PARAMS_3D, uniforms3d } from './paramSpace3dLayout.ts';
import { cameraMatrices, defaultCamera, sceneExtent, type OrbitCamera } from './paramSpace3dMath.ts';
import {
  createParamSpace3DLayouts, createParamSpace3DPipelines, DEPTH_FORMAT_3D, LABELS_FORMAT_3D, TRAILS_FORMAT_3D,
  type ParamSpace3DLayouts, type ParamSpace3DPipelines, type ParamSpace3DPrimitive,
} from './paramSpace3dPipelines.ts';

export type { OrbitCamera } from './paramSpace3dMath.ts';
export type { ParamSpace3DPrimitive } from './paramSpace3dPipelines.ts';

/** The simulation buffers the view reads (layout: src/models/singleNeuron/layout.ts), d = 2 only. */
export interface ParamSpace3DSource {
  /** f32 SoA, 3·n floats: a at [i], w₁ at [n + i], w₂ at [2n + i]; needs STORAGE usage. */
  state: GPUBuffer;
  /** u32 × n; bit 1 = diverged (frozen). */
  flags: GPUBuffer;
  /** f32 × ≥ n; info[i] = δ₀. */
  info: GPUBuffer;
  n: number;
  d: number;
}

/** What the view needs to know about the ensemble (theory.md §1). */
export interface ParamSpace3DInfo {
  /** [min δ₀, max δ₀] over the ensemble; the colour domain is ±max|δ₀| (as in the portrait). */
  deltaRange: [number, number];
  /** Target β* = Xy of whitened data (length 2); the minima curve is a w = β*. */
  betaStar: number[];
  /** Layer learning rates; the conserved surface is η_w a² − η_a‖w‖² = δ. */
  rates: { a: number; w: number };
  /** Optional scene half-size L (axes and surface span [−L, L]); default {@link sceneExtent}. */
  extent?: number;
}

/** Drawing style (as in the portrait). */
export interface ParamSpace3DStyle {
  /** Point diameter in CSS pixels (> 0; at least one device pixel is drawn). */
  pointSize: number;
  /** Keep fading trails of past positions (cleared whenever the camera moves). */
  trails: boolean;
  /** Fraction of a trail's brightness kept per frame, in [0, 1]. */
  trailDecay: number;
}

/**
 * The 3-D view on one canvas. Call {@link render} every animation frame. Setters that change nothing are
 * no-ops, so the app may call them on every parameter change.
 */
export class ParamSpace3DView {
  /** Called after every camera change (drag, wheel, reset, setCamera). */
  onCameraChange: ((camera: OrbitCamera) => void) | null = null;
  /**
   * Primitive per trajectory. 'auto': instanced quads on hardware; on a software adapter (SwiftShader)
   * a 6-vertex triangle list, or 1-pixel points when a point is under 2 device pixels.
   */
  primitive: 'auto' | ParamSpace3DPrimitive = 'auto';
  private readonly device: GPUDevice;
  private readonly context: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly layouts: ParamSpace3DLayouts;
  private readonly pipelines = new Map<ParamSpace3DPrimitive, ParamSpace3DPipelines>();
  private readonly params: GPUBuffer;
  private readonly lutBuffer: GPUBuffer;
  private readonly placeholder: GPUBuffer;
  private selection: GPUBuffer;
  private selectionCount = 0;
  private segments: GPUBuffer;
  private segmentCounts = { opaque: 0, translucent: 0 };
  private surfaceBuffer: GPUBuffer | null = null;
  private surfaceVertices = 0;
  private source: ParamSpace3DSource | null = null;
  private info: Required<ParamSpace3DInfo> = { deltaRange: [-1, 1], betaStar: [0, 1], rates: { a: 1, w: 1 }, extent: 2 };
  private surfaceDelta: number | null = null;
  private axisLabels: AxisLabels = axesGeometry(2).labels;
  private camera: OrbitCamera = defaultCamera(2);
  /** setCamera was called by the user or the app (not only by resets); the first layout then keeps it. */
  private cameraTouched = false;
  private style: ParamSpace3DStyle = { pointSize: 1.5, trails: true, trailDecay: 0.92 };
  private bindGroup0!: GPUBindGroup;
  private bindGroup1: GPUBindGroup | null = null;
  private targets: { trails: GPUTexture; depth: GPUTexture; labels: GPUTexture } | null = null;
  private readonly labelCanvas: OffscreenCanvas | HTMLCanvasElement;
  private size = { cssW: 0, cssH: 0, width: 0, height: 0, dpr: 1 };
  private dirty = { params: true, labels: true, clearTrails: true, scene: true };
  private readonly detachInput: () => void;
  private destroyed = false;

  /**
   * Configures `canvas` for WebGPU (preferred format, opaque) and attaches the orbit controls.
   * @throws Error if the canvas cannot give a WebGPU context.
   */
  constructor(private readonly ctx: GpuContext, readonly canvas: HTMLCanvasElement) {
    this.device = ctx.device;
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('ParamSpace3DView: canvas.getContext("webgpu") returned null.');
    this.context = context;
    this.format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device: this.device, format: this.format, alphaMode: 'opaque' });
    this.layouts = createParamSpace3DLayouts(this.device);
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const S = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.params = createBuffer(this.device, 'ParamSpace3D.params', U, PARAMS_3D.size);
    this.lutBuffer = createBuffer(this.device, 'ParamSpace3D.lut', U, 4 * 4 * 256, buildLut(deltaInterpolator));
    this.placeholder = createBuffer(this.device, 'ParamSpace3D.placeholder', S, 16);
    this.selection = createBuffer(this.device, 'ParamSpace3D.selection', S, 16);
    this.segments = createBuffer(this.device, 'ParamSpace3D.segments', S, 4 * SEGMENT_FLOATS);
    this.labelCanvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    this.rebuildBindGroup0();
    this.detachInput = attachOrbitControls(canvas, this);
  }

  /** Scene half-size L: the axes and the surface span [−L, L]. */
  get extent(): number { return this.info.extent; }

  /**
   * Points the view at a simulation's buffers. Trails are cleared; the camera is reset when the scene
   * extent changed.
   * @throws RangeError unless d = 2, n is a positive integer, the buffers are large enough and have
   *   STORAGE usage, betaStar has 2 finite entries, the rates are positive and deltaRange is finite.
   */
  setSource(sim: ParamSpace3DSource, info: ParamSpace3DInfo): void {
    const { n, d } = sim;
    if (d !== 2) throw new RangeError(`ParamSpace3DView.setSource: the 3-D view needs d = 2 (w₁, w₂, a); got d = ${d}.`);
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`ParamSpace3DView.setSource: n = ${n} must be a positive integer.`);
    const need = (buf: GPUBuffer, name: string, bytes: number) => {
      if (buf.size < bytes) throw new RangeError(`ParamSpace3DView.setSource: ${name} holds ${buf.size} bytes; n = ${n}, d = 2 needs ${bytes}.`);
      if (!(buf.usage & GPUBufferUsage.STORAGE)) throw new RangeError(`ParamSpace3DView.setSource: ${name} lacks STORAGE usage.`);
    };
    need(sim.state, 'state', 4 * 3 * n);
    need(sim.flags, 'flags', 4 * n);
    need(sim.info, 'info', 4 * n);
    const { betaStar, rates, deltaRange: [lo, hi] } = info;
    if (betaStar.length !== 2 || !betaStar.every(Number.isFinite)) {
      throw new RangeError(`ParamSpace3DView.setSource: betaStar must have 2 finite entries; got [${betaStar.join(', ')}].`);
    }
    if (!(rates.a > 0 && rates.w > 0 && Number.isFinite(rates.a) && Number.isFinite(rates.w))) {
      throw new RangeError(`ParamSpace3DView.setSource: rates must be positive; got η_a = ${rates.a}, η_w = ${rates.w}.`);
    }
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`ParamSpace3DView.setSource: bad deltaRange [${lo}, ${hi}].`);
    const extent = info.extent ?? sceneExtent([lo, hi], betaStar, rates);
    if (!(extent > 0 && Number.isFinite(extent))) throw new RangeError(`ParamSpace3DView.setSource: extent ${extent} must be positive.`);
    const resetCamera = extent !== this.info.extent || !this.source;
    this.source = { state: sim.state, flags: sim.flags, info: sim.info, n, d };
    this.info = { deltaRange: [lo, hi], betaStar: [...betaStar], rates: { ...rates }, extent };
    this.selectionCount = 0;
    this.rebuildBindGroup0();
    this.dirty.scene = true;
    if (resetCamera) this.resetCamera();
    this.touch(true);
  }

  /**
   * Shows the conserved surface η_w a² − η_a‖w‖² = δ (two sheets for δ > 0, one for δ < 0, a cone for
   * δ = 0), tinted with δ's colour; null hides it.
   * @throws RangeError when δ is not finite.
   */
  setSurfaceDelta(delta: number | null): void {
    if (delta !== null && !Number.isFinite(delta)) throw new RangeError(`ParamSpace3DView.setSurfaceDelta: δ = ${delta} must be finite or null.`);
    if (delta === this.surfaceDelta) return;
    this.surfaceDelta = delta;
    this.dirty.scene = true;
    this.dirty.labels = true;
    this.touch(false);
  }

  /**
   * Point size and trails. Turning trails on, or changing the point size, clears them.
   * @throws RangeError when pointSize ≤ 0 or trailDecay ∉ [0, 1].
   */
  setStyle(style: ParamSpace3DStyle): void {
    if (!(style.pointSize > 0 && Number.isFinite(style.pointSize))) throw new RangeError(`ParamSpace3DView.setStyle: pointSize ${style.pointSize} must be > 0.`);
    if (!(style.trailDecay >= 0 && style.trailDecay <= 1)) throw new RangeError(`ParamSpace3DView.setStyle: trailDecay ${style.trailDecay} must be in [0, 1].`);
    const old = this.style;
    if (old.pointSize === style.pointSize && old.trails === style.trails && old.trailDecay === style.trailDecay) return;
    this.style = { ...style };
    this.touch(old.pointSize !== style.pointSize || (style.trails && !old.trails));
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
        if (indices![k] >= n) throw new RangeError(`ParamSpace3DView.highlight: index ${indices![k]} ≥ n = ${n}.`);
      }
      if (4 * count > this.selection.size) {
        this.selection.destroy();
        const capacity = 2 ** Math.ceil(Math.log2(count));
        this.selection = createBuffer(this.device, 'ParamSpace3D.selection', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * capacity);
        this.rebuildBindGroup0();
      }
      this.device.queue.writeBuffer(this.selection, 0, indices!);
    }
    this.selectionCount = count;
  }

  /** The current camera (a copy). */
  getCamera(): OrbitCamera {
    return { ...this.camera, target: [...this.camera.target] };
  }

  /**
   * Sets the camera (orbit controls call this); clears trails.
   * @throws RangeError when a field is not finite, distance ≤ 0 or fovY ∉ (0, π).
   */
  setCamera(camera: OrbitCamera): void {
    const { target, azimuth, elevation, distance, fovY } = camera;
    if (![...target, azimuth, elevation, distance, fovY].every(Number.isFinite) || !(distance > 0) || !(fovY > 0 && fovY < Math.PI)) {
      throw new RangeError(`ParamSpace3DView.setCamera: invalid camera ${JSON.stringify(camera)}.`);
    }
    this.camera = { target: [target[0], target[1], target[2]], azimuth, elevation, distance, fovY };
    this.cameraTouched = true;
    this.dirty.labels = true;
    this.touch(true);
    this.onCameraChange?.(this.getCamera());
  }

  /** Back to the default view: the scene cube framed from azimuth −60°, elevation 25° (matplotlib-like). */
  resetCamera(): void {
    this.setCamera(defaultCamera(this.info.extent, this.size.cssH > 0 ? this.size.cssW / this.size.cssH : 1));
    this.cameraTouched = false;
  }

  /** The legend of the point colours (same interpolator and domain as the portrait's δ colouring). */
  getColorSpec(): LegendSpec {
    const m = this.deltaMaxAbs();
    return { title: 'δ = η_w a² − η_a‖w‖²  (blue downstream, red upstream)', interpolator: deltaInterpolator, domain: [-m, m], scale: 'linear' };
  }

  /** Draws one frame: resize if needed, rebuild changed scene geometry, points (with trails), scene, labels. */
  render(): void {
    if (this.destroyed || !this.syncSize() || !this.targets || !this.bindGroup1) return;
    const { device } = this;
    const { width, height, dpr } = this.size;
    const cam = cameraMatrices(this.camera, width / height, this.info.extent);
    if (this.dirty.scene) this.rebuildScene();
    if (this.dirty.labels) {
      const g = this.labelCanvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
      if (g) {
        drawLabels3d(g, cam.viewProj, this.axisLabels, this.keyEntries(), width, height, dpr);
        device.queue.copyExternalImageToTexture({ source: this.labelCanvas }, { texture: this.targets.labels, premultipliedAlpha: true }, [width, height]);
      }
      this.dirty.labels = false;
    }
    if (this.dirty.params) {
      device.queue.writeBuffer(this.params, 0, packStruct(PARAMS_3D, uniforms3d({
        n: this.source?.n ?? 0, viewProj: cam.viewProj, eye: cam.eye, distance: this.camera.distance,
        extent: this.info.extent, width, height, dpr, pointSize: this.style.pointSize, deltaMaxAbs: this.deltaMaxAbs(),
        rates: this.info.rates, surfaceColor: this.surfaceColor(),
      })));
      this.dirty.params = false;
    }
    const primitive = this.currentPrimitive();
    const pipes = this.pipelinesFor(primitive);
    const encoder = device.createCommandEncoder({ label: 'ParamSpace3D.frame' });
    const keep = this.style.trails && !this.dirty.clearTrails;
    this.dirty.clearTrails = false;
    const pts = encoder.beginRenderPass({
      label: 'ParamSpace3D.pass.points',
      colorAttachments: [{ view: this.targets.trails.createView({ label: 'ParamSpace3D.trails.view' }), loadOp: keep ? 'load' : 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
      depthStencilAttachment: { view: this.targets.depth.createView({ label: 'ParamSpace3D.depth.view' }), depthLoadOp: 'clear', depthStoreOp: 'store', depthClearValue: 1 },
    });
    pts.setBindGroup(0, this.bindGroup0);
    if (keep) {
      const k = this.style.trailDecay;
      pts.setPipeline(pipes.fade);
      pts.setBlendConstant([k, k, k, k]);
      pts.draw(3);
    }
    if (this.source) {
      pts.setPipeline(pipes.points);
      const n = this.source.n;
      if (primitive === 'instanced') pts.draw(4, n); else pts.draw(primitive === 'list' ? 6 * n : n);
    }
    pts.end();
    const [r, g, b] = parseColor(BACKGROUND_COLOR);
    const screen = encoder.beginRenderPass({
      label: 'ParamSpace3D.pass.screen',
      colorAttachments: [{ view: this.context.getCurrentTexture().createView({ label: 'ParamSpace3D.canvas.view' }), loadOp: 'clear', storeOp: 'store', clearValue: [r, g, b, 1] }],
      depthStencilAttachment: { view: this.targets.depth.createView({ label: 'ParamSpace3D.depth.view' }), depthLoadOp: 'load', depthStoreOp: 'discard' },
    });
    screen.setBindGroup(0, this.bindGroup0);
    screen.setBindGroup(1, this.bindGroup1);
    screen.setPipeline(pipes.composite);
    screen.draw(3);
    const { opaque, translucent } = this.segmentCounts;
    if (opaque > 0) {
      screen.setPipeline(pipes.linesOpaque);
      screen.draw(6 * opaque);
    }
    if (this.surfaceBuffer && this.surfaceVertices > 0) {
      screen.setPipeline(pipes.surface);
      screen.setVertexBuffer(0, this.surfaceBuffer);
      screen.draw(this.surfaceVertices);
    }
    if (translucent > 0) {
      screen.setPipeline(pipes.linesTranslucent);
      screen.draw(6 * translucent, 1, 6 * opaque);
    }
    if (this.selectionCount > 0 && this.source) {
      for (const pipeline of [pipes.highlightOutline, pipes.highlight]) {
        screen.setPipeline(pipeline);
        if (primitive === 'instanced') screen.draw(4, this.selectionCount); else screen.draw(6 * this.selectionCount);
      }
    }
    screen.setPipeline(pipes.labels);
    screen.draw(3);
    screen.end();
    device.queue.submit([encoder.finish()]);
  }

  /** Renders a frame and encodes the canvas (in the same task, so the frame is still current). */
  toBlob(type = 'image/png'): Promise<Blob> {
    this.render();
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('ParamSpace3DView.toBlob: encoding failed'))), type));
  }

  /** Removes input listeners, frees GPU resources and unconfigures the canvas. Idempotent. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.detachInput();
    this.destroyTargets();
    for (const buf of [this.params, this.lutBuffer, this.placeholder, this.selection, this.segments, this.surfaceBuffer]) buf?.destroy();
    this.context.unconfigure();
  }

  private deltaMaxAbs(): number {
    const m = Math.max(Math.abs(this.info.deltaRange[0]), Math.abs(this.info.deltaRange[1]));
    return m > 0 ? m : 1;
  }

  private surfaceColor(): [number, number, number, number] {
    if (this.surfaceDelta === null) return [1, 1, 1, 1];
    // Lighter than the point colour so that the surface reads as a veil, not as points.
    const c = parseColor(deltaInterpolator(deltaToT(this.surfaceDelta, this.deltaMaxAbs())));
    return [0.35 + 0.65 * c[0], 0.35 + 0.65 * c[1], 0.35 + 0.65 * c[2], 1];
  }

  private keyEntries(): KeyEntry[] {
    const out: KeyEntry[] = [];
    const [bx, by] = this.info.betaStar;
    out.push({ kind: 'line', color: '#ffffff', text: `global minima  a w = β* = (${fmt(bx)}, ${fmt(by)})` });
    if (this.surfaceDelta !== null) {
      const { a, w } = this.info.rates;
      const lhs = a === 1 && w === 1 ? 'a² − ‖w‖²' : `${fmt(w)} a² − ${fmt(a)} ‖w‖²`;
      const c = this.surfaceColor();
      out.push({ kind: 'fill', color: toHex(`rgb(${c.slice(0, 3).map((v) => Math.round(255 * v)).join(',')})`), text: `conserved surface  ${lhs} = ${fmt(this.surfaceDelta)}` });
    }
    return out;
  }

  /** Regenerates the surface mesh and the line segments (axes, ticks, floor grid, minima, wireframe). */
  private rebuildScene(): void {
    this.dirty.scene = false;
    const L = this.info.extent;
    const axes = axesGeometry(L);
    this.axisLabels = axes.labels;
    const minima = minimaCurve(this.info.betaStar, L);
    const surface = this.surfaceDelta === null ? null : conservedSurface(this.surfaceDelta, this.info.rates, L);
    const sc = this.surfaceColor();
    const opaque: LineStyle[] = [
      { lines: axes.lines, color: LINE_COLORS.axis, width: 1.25 },
      { lines: axes.ticks, color: LINE_COLORS.axis, width: 1.25 },
      { lines: minima, color: LINE_COLORS.minima, width: 2.5 },
    ];
    const translucent: LineStyle[] = [
      { lines: floorGrid(L, axes.labels.step), color: LINE_COLORS.floor, width: 1 },
      { lines: surface?.wire ?? [], color: [sc[0], sc[1], sc[2], 0.22], width: 1 },
    ];
    const o = packSegments(opaque);
    const t = packSegments(translucent);
    const data = new Float32Array((o.count + t.count + 1) * SEGMENT_FLOATS);
    data.set(o.data.subarray(0, o.count * SEGMENT_FLOATS), 0);
    data.set(t.data.subarray(0, t.count * SEGMENT_FLOATS), o.count * SEGMENT_FLOATS);
    if (data.byteLength > this.segments.size) {
      this.segments.destroy();
      this.segments = createBuffer(this.device, 'ParamSpace3D.segments', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, data.byteLength);
      this.rebuildBindGroup0();
    }
    this.device.queue.writeBuffer(this.segments, 0, data);
    this.segmentCounts = { opaque: o.count, translucent: t.count };
    const tris = surface ? new Float32Array(surface.triangles) : new Float32Array(0);
    this.surfaceVertices = tris.length / 3;
    if (tris.byteLength > 0) {
      if (!this.surfaceBuffer || this.surfaceBuffer.size < tris.byteLength) {
        this.surfaceBuffer?.destroy();
        this.surfaceBuffer = createBuffer(this.device, 'ParamSpace3D.surface', GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST, tris.byteLength);
      }
      this.device.queue.writeBuffer(this.surfaceBuffer, 0, tris);
    }
    this.dirty.labels = true;
  }

  private touch(clearTrails: boolean): void {
    this.dirty.params = true;
    if (clearTrails) this.dirty.clearTrails = true;
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
    const firstLayout = !(s.cssW > 0 && s.cssH > 0);
    this.size = { cssW, cssH, width, height, dpr };
    this.canvas.width = width;
    this.canvas.height = height;
    this.labelCanvas.width = width;
    this.labelCanvas.height = height;
    this.createTargets(width, height);
    if (firstLayout && !this.cameraTouched) this.resetCamera();
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
      trails: tex('ParamSpace3D.trails', TRAILS_FORMAT_3D, RA | GPUTextureUsage.TEXTURE_BINDING),
      depth: tex('ParamSpace3D.depth', DEPTH_FORMAT_3D, RA),
      labels: tex('ParamSpace3D.labels', LABELS_FORMAT_3D, RA | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST),
    };
    this.bindGroup1 = this.device.createBindGroup({
      label: 'ParamSpace3D.group1', layout: this.layouts.group1,
      entries: [
        { binding: 0, resource: this.targets.trails.createView({ label: 'ParamSpace3D.trails.sampled' }) },
        { binding: 1, resource: this.targets.labels.createView({ label: 'ParamSpace3D.labels.sampled' }) },
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
      this.selection, this.segments,
    ];
    this.bindGroup0 = this.device.createBindGroup({
      label: 'ParamSpace3D.group0', layout: this.layouts.group0,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  private currentPrimitive(): ParamSpace3DPrimitive {
    if (this.primitive !== 'auto') return this.primitive;
    if (!this.ctx.isSoftware) return 'instanced';
    return this.style.pointSize * this.size.dpr < 2 ? 'points' : 'list';
  }

  private pipelinesFor(primitive: ParamSpace3DPrimitive): ParamSpace3DPipelines {
    let p = this.pipelines.get(primitive);
    if (!p) {
      p = createParamSpace3DPipelines(this.device, this.layouts, this.format, primitive);
      this.pipelines.set(primitive, p);
    }
    return p;
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString().replace(/-/g, '−');
}
