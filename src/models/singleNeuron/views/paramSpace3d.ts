/**
 * The 3-D parameter-space view for d = 2 (the paper's Fig. 2 left panels): every trajectory's current
 * point (w₁, w₂, a) drawn by a WebGPU render pass straight from the simulation's storage buffers (no
 * readback), coloured by δ₀, with optional fading trails; the conserved surface η_w a² − η_a‖w‖² = δ of a
 * selected δ (translucent hyperboloid or cone with a wireframe); the curve of global minima a w = β*;
 * axes with ticks and labels; orbit controls; a highlighted selection.
 * Maths: paramSpace3dMath.ts (camera), paramSpace3dGeometry.ts (surface, curve, axes); pipelines and frame
 * encoding: paramSpace3dPipelines.ts; shader: shaders/singleNeuron/paramSpace3d.wgsl.ts; uniforms: paramSpace3dLayout.ts;
 * source checks: paramSpace3dSource.ts; canvas, targets and trail pass (shared with the portrait): trailCanvas.ts.
 */
import type { GpuContext } from '../../../gpu/device.ts';
import { createBuffer } from '../../../gpu/buffers.ts';
import { packStruct } from '../../../gpu/struct.ts';
import { deltaMaxAbs, type LegendSpec } from '../../../views/colormaps.ts';
import { makeDeltaScale, type DeltaScale, type DeltaScaleKind } from '../../../views/deltaScale.ts';
import { portraitColorSpec } from './portraitColoring.ts';
import { axesGeometry, sceneGeometry, SEGMENT_FLOATS, type AxisLabels } from './paramSpace3dGeometry.ts';
import { attachOrbitControls } from './paramSpace3dInput.ts';
import { drawLabels3d, sceneKey } from './paramSpace3dLabels.ts';
import { LINE_COLORS, PARAMS_3D, surfaceTint, uniforms3d } from './paramSpace3dLayout.ts';
import { cameraMatrices, defaultCamera, type OrbitCamera } from '../../../views/paramSpace3dMath.ts';
import {
  createParamSpace3DLayouts, createParamSpace3DPipelines, encodeParamSpace3DFrame,
  type ParamSpace3DLayouts, type ParamSpace3DPipelines, type ParamSpace3DPrimitive,
} from './paramSpace3dPipelines.ts';
import { validateParamSpace3DSource, type ParamSpace3DInfo, type ParamSpace3DSource } from './paramSpace3dSource.ts';
import { checkTrailStyle, choosePrimitive, TrailCanvas, TrailClock, type TrailStyle } from '../../../views/trailCanvas.ts';

export type { OrbitCamera } from '../../../views/paramSpace3dMath.ts';
export type { ParamSpace3DPrimitive } from './paramSpace3dPipelines.ts';
export type { ParamSpace3DInfo, ParamSpace3DSource } from './paramSpace3dSource.ts';

/** Drawing style (as in the portrait; trails are cleared whenever the camera moves). */
export type ParamSpace3DStyle = TrailStyle;

/**
 * The 3-D view on one canvas. Call {@link render} every animation frame (it draws when due). Setters that change nothing are
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
  private readonly gpu: TrailCanvas;
  private readonly layouts: ParamSpace3DLayouts;
  private readonly pipelines = new Map<ParamSpace3DPrimitive, ParamSpace3DPipelines>();
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
  private readonly clock = new TrailClock();
  private bindGroup0!: GPUBindGroup;
  private dirty = { params: true, labels: true, clearTrails: true, scene: true };
  private deltaKind: DeltaScaleKind = 'linear';
  private readonly detachInput: () => void;

  /**
   * Configures `canvas` for WebGPU (preferred format, opaque) and attaches the orbit controls.
   * @throws Error if the canvas cannot give a WebGPU context.
   */
  constructor(private readonly ctx: GpuContext, readonly canvas: HTMLCanvasElement) {
    this.layouts = createParamSpace3DLayouts(ctx.device);
    this.gpu = new TrailCanvas(ctx, canvas, {
      name: 'ParamSpace3D', owner: 'ParamSpace3DView', paramsBytes: PARAMS_3D.size, group1Layout: this.layouts.group1,
    });
    this.segments = createBuffer(ctx.device, 'ParamSpace3D.segments', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 4 * SEGMENT_FLOATS);
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
    const checked = validateParamSpace3DSource(sim, info);
    const { n, d } = sim;
    const { extent } = checked;
    const resetCamera = extent !== this.info.extent || !this.source;
    this.source = { state: sim.state, flags: sim.flags, info: sim.info, n, d };
    this.info = checked;
    this.gpu.clearSelection();
    this.clock.reset();
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
    checkTrailStyle('ParamSpace3DView', style);
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
    if (this.gpu.setSelection(indices, this.source?.n ?? 0)) this.rebuildBindGroup0();
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
    const { cssW, cssH } = this.gpu.size;
    this.setCamera(defaultCamera(this.info.extent, cssH > 0 ? cssW / cssH : 1));
    this.cameraTouched = false;
  }

  /** The legend of the point colours (same interpolator and domain as the portrait's δ colouring). */
  getColorSpec(): LegendSpec {
    return portraitColorSpec('delta', undefined, [1, 10], this.deltaColor());
  }

  /** The δ colour scale, 'linear' (default) or 'symlog' (src/views/deltaScale.ts); a change clears the trails. */
  setDeltaScale(kind: DeltaScaleKind): void {
    if (kind !== 'linear' && kind !== 'symlog') throw new RangeError(`ParamSpace3DView.setDeltaScale: unknown kind "${String(kind)}".`);
    if (kind === this.deltaKind) return;
    this.deltaKind = kind;
    this.dirty.labels = true;
    this.touch(true);
  }

  private deltaColor(): DeltaScale { return makeDeltaScale(this.deltaKind, this.info.deltaRange); }

  /**
   * Draws one frame when one is due (src/views/redrawGate.ts): resize if needed, rebuild changed scene geometry,
   * points (with trails), scene, labels. A paused, unchanged view skips the frame.
   * @param time the simulated time drawn; trails fade by the time elapsed (trailCanvas.trailFade), not per frame.
   */
  render(time?: number): void {
    if (this.gpu.destroyed || !this.syncSize() || !this.gpu.ready) return;
    const pending = this.dirty.params || this.dirty.labels || this.dirty.clearTrails || this.dirty.scene;
    if (time !== undefined && !this.gpu.gate.due(time, pending)) return;
    const { width, height, dpr } = this.gpu.size;
    const cam = cameraMatrices(this.camera, width / height, this.info.extent);
    if (this.dirty.scene) this.rebuildScene();
    if (this.dirty.labels) {
      const key = sceneKey(this.info.betaStar, this.info.rates, this.surfaceDelta, this.surfaceColor());
      this.gpu.uploadLabels((g) => drawLabels3d(g, cam.viewProj, this.axisLabels, key, width, height, dpr));
      this.dirty.labels = false;
    }
    if (this.dirty.params) {
      this.gpu.device.queue.writeBuffer(this.gpu.params, 0, packStruct(PARAMS_3D, uniforms3d({
        n: this.source?.n ?? 0, viewProj: cam.viewProj, eye: cam.eye, distance: this.camera.distance,
        extent: this.info.extent, width, height, dpr, pointSize: this.style.pointSize, deltaMaxAbs: deltaMaxAbs(this.info.deltaRange),
        deltaColor: this.deltaColor(), rates: this.info.rates, surfaceColor: this.surfaceColor(),
      })));
      this.dirty.params = false;
    }
    const primitive = choosePrimitive(this.primitive, this.ctx.isSoftware, this.style.pointSize, dpr);
    const keepTrails = this.style.trails && !this.dirty.clearTrails;
    this.dirty.clearTrails = false;
    encodeParamSpace3DFrame(this.gpu, this.pipelinesFor(primitive), this.bindGroup0, {
      primitive, n: this.source?.n ?? 0, keepTrails, trailDecay: this.clock.fade(this.style.trailDecay, time),
      segments: this.segmentCounts, surface: this.surfaceBuffer && this.surfaceVertices > 0 ? { buffer: this.surfaceBuffer, vertices: this.surfaceVertices } : null,
    });
    this.gpu.gate.drawn(time);
  }

  /** Draws the next frame whatever the time: the bound state buffer was rewritten (a replay). */
  invalidate(): void { this.gpu.gate.invalidate(); }

  /** Renders a frame and encodes the canvas (in the same task, so the frame is still current). */
  toBlob(type = 'image/png'): Promise<Blob> {
    this.render();
    return this.gpu.toBlob(type);
  }

  /** Removes input listeners, frees GPU resources and unconfigures the canvas. Idempotent. */
  destroy(): void { this.gpu.destroy([this.segments, this.surfaceBuffer], this.detachInput); }

  /** Tint of the conserved surface (paramSpace3dLayout.surfaceTint). */
  private surfaceColor(): [number, number, number, number] {
    return surfaceTint(this.surfaceDelta, deltaMaxAbs(this.info.deltaRange), this.deltaColor());
  }

  /** Regenerates the surface mesh and the line segments (axes, ticks, floor grid, minima, wireframe). */
  private rebuildScene(): void {
    this.dirty.scene = false;
    const { device } = this.gpu;
    const scene = sceneGeometry(this.info.extent, this.info.betaStar, this.info.rates, this.surfaceDelta, LINE_COLORS, this.surfaceColor());
    this.axisLabels = scene.labels;
    const data = scene.segments;
    if (data.byteLength > this.segments.size) {
      this.segments.destroy();
      this.segments = createBuffer(device, 'ParamSpace3D.segments', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, data.byteLength);
      this.rebuildBindGroup0();
    }
    device.queue.writeBuffer(this.segments, 0, data);
    this.segmentCounts = { opaque: scene.opaque, translucent: scene.translucent };
    const tris = scene.triangles;
    this.surfaceVertices = tris.length / 3;
    if (tris.byteLength > 0) {
      if (!this.surfaceBuffer || this.surfaceBuffer.size < tris.byteLength) {
        this.surfaceBuffer?.destroy();
        this.surfaceBuffer = createBuffer(device, 'ParamSpace3D.surface', GPUBufferUsage.VERTEX | GPUBufferUsage.COPY_DST, tris.byteLength);
      }
      device.queue.writeBuffer(this.surfaceBuffer, 0, tris);
    }
    this.dirty.labels = true;
  }

  private touch(clearTrails: boolean): void {
    this.dirty.params = true;
    if (clearTrails) this.dirty.clearTrails = true;
  }

  /** Sizes the canvas ({@link TrailCanvas.syncSize}); the first layout frames the scene unless setCamera was called. */
  private syncSize(): boolean {
    const sync = this.gpu.syncSize();
    if (sync === 'empty') return false;
    if (sync === 'same') return true;
    const old = sync.resizedFrom;
    const firstLayout = !(old.cssW > 0 && old.cssH > 0);
    if (firstLayout && !this.cameraTouched) this.resetCamera();
    this.dirty.labels = true;
    this.touch(true);
    return true;
  }

  private rebuildBindGroup0(): void {
    this.bindGroup0 = this.gpu.createGroup0(this.layouts.group0, this.source, [this.segments]);
  }

  private pipelinesFor(primitive: ParamSpace3DPrimitive): ParamSpace3DPipelines {
    let p = this.pipelines.get(primitive);
    if (!p) {
      p = createParamSpace3DPipelines(this.gpu.device, this.layouts, this.gpu.format, primitive);
      this.pipelines.set(primitive, p);
    }
    return p;
  }
}

