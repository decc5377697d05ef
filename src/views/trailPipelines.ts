/**
 * Render-pipeline pieces shared by the point views (portrait, 3-D view): texture formats, the two
 * bind-group layouts and the trail pass (fade, then points into the offscreen trail texture with a
 * depth test). Each view adds its own screen-pass pipelines (portraitPipelines.ts, paramSpace3dPipelines.ts).
 */

/** How a trajectory is drawn: instanced quads, a 6-vertex triangle list, or 1-pixel points. */
export type PointPrimitive = 'instanced' | 'list' | 'points';

/** Offscreen point/trail texture: float16 so that repeated fading by the persistence never sticks. */
export const TRAILS_FORMAT: GPUTextureFormat = 'rgba16float';
/** Depth buffer of the point pass (diverged points at depth 0 win over the rest at 0.5). */
export const DEPTH_FORMAT: GPUTextureFormat = 'depth24plus';
/** Tick-label texture, uploaded from a 2-D canvas with premultiplied alpha. */
export const LABELS_FORMAT: GPUTextureFormat = 'rgba8unorm';

/** Group 0 (uniforms, simulation and view buffers) and group 1 (the trail and label textures). */
export interface TrailLayouts { group0: GPUBindGroupLayout; group1: GPUBindGroupLayout }

/** Binding numbers a shader gives the uniforms, the LUT and the two textures. */
export interface TrailBindings { params: number; lut: number; trails: number; labels: number }

/**
 * Creates `${name}.group0Layout` (params uniform, vertex + fragment; LUT uniform, vertex; then a
 * read-only storage buffer, vertex, at each of `storage`) and `${name}.group1Layout` (trails and labels
 * as unfilterable-float textures, fragment).
 */
export function createTrailLayouts(device: GPUDevice, name: string, b: TrailBindings, storage: readonly number[]): TrailLayouts {
  const V = GPUShaderStage.VERTEX;
  const F = GPUShaderStage.FRAGMENT;
  const group0 = device.createBindGroupLayout({
    label: `${name}.group0Layout`,
    entries: [
      { binding: b.params, visibility: V | F, buffer: { type: 'uniform' } },
      { binding: b.lut, visibility: V, buffer: { type: 'uniform' } },
      ...storage.map((binding): GPUBindGroupLayoutEntry => ({ binding, visibility: V, buffer: { type: 'read-only-storage' } })),
    ],
  });
  const group1 = device.createBindGroupLayout({
    label: `${name}.group1Layout`,
    entries: [
      { binding: b.trails, visibility: F, texture: { sampleType: 'unfilterable-float' } },
      { binding: b.labels, visibility: F, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
  return { group0, group1 };
}

/** The pipeline layouts of a view and its trail-pass pipelines. */
export interface TrailPassPipelines {
  /** Group 0 only. */
  layout0: GPUPipelineLayout;
  /** Groups 0 and 1 (composite, labels). */
  layout01: GPUPipelineLayout;
  /** Topology of point-sized quads: triangle-strip when instanced, else triangle-list. */
  quads: GPUPrimitiveState;
  /** vsPoints/fsPoints into {@link TRAILS_FORMAT}, depth write, 'less-equal'. */
  points: GPURenderPipeline;
  /** Full-screen triangle (vsFullscreen/fsFade), blend dst·constant (set the persistence with setBlendConstant). */
  fade: GPURenderPipeline;
}

/**
 * Builds `${name}.layout0`, `${name}.layout01` and the trail-pass pipelines `${name}.pipeline.points`
 * and `${name}.pipeline.fade` from `module` (entry points vsPoints, fsPoints, vsFullscreen, fsFade).
 */
export function createTrailPassPipelines(
  device: GPUDevice, name: string, layouts: TrailLayouts, module: GPUShaderModule, primitive: PointPrimitive,
): TrailPassPipelines {
  const layout0 = device.createPipelineLayout({ label: `${name}.layout0`, bindGroupLayouts: [layouts.group0] });
  const layout01 = device.createPipelineLayout({ label: `${name}.layout01`, bindGroupLayouts: [layouts.group0, layouts.group1] });
  const quads: GPUPrimitiveState = { topology: primitive === 'instanced' ? 'triangle-strip' : 'triangle-list' };
  const points = device.createRenderPipeline({
    label: `${name}.pipeline.points`, layout: layout0, primitive: primitive === 'points' ? { topology: 'point-list' } : quads,
    vertex: { module, entryPoint: 'vsPoints' },
    fragment: { module, entryPoint: 'fsPoints', targets: [{ format: TRAILS_FORMAT }] },
    depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: true, depthCompare: 'less-equal' },
  });
  const keep: GPUBlendComponent = { srcFactor: 'zero', dstFactor: 'constant', operation: 'add' };
  const fade = device.createRenderPipeline({
    label: `${name}.pipeline.fade`, layout: layout0,
    vertex: { module, entryPoint: 'vsFullscreen' },
    fragment: { module, entryPoint: 'fsFade', targets: [{ format: TRAILS_FORMAT, blend: { color: keep, alpha: keep } }] },
    depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: false, depthCompare: 'always' },
  });
  return { layout0, layout01, quads, points, fade };
}
