/**
 * Bind-group layouts and render pipelines of the phase portrait (one set per input dimension d, since
 * d is compiled into the shader). Shader: shaders/portrait.wgsl.ts.
 */
import { PORTRAIT_BINDINGS as B, portraitShader, type PortraitPrimitive } from '../../shaders/portrait.wgsl.ts';

export type { PortraitPrimitive } from '../../shaders/portrait.wgsl.ts';

/** Offscreen point/trail texture: float16 so that repeated fading by the persistence never sticks. */
export const TRAILS_FORMAT: GPUTextureFormat = 'rgba16float';
/** Depth buffer of the point pass (diverged points at depth 0 win over the rest at 0.5). */
export const DEPTH_FORMAT: GPUTextureFormat = 'depth24plus';
/** Tick-label texture, uploaded from a 2-D canvas with premultiplied alpha. */
export const LABELS_FORMAT: GPUTextureFormat = 'rgba8unorm';

/** Group 0 (uniforms, simulation buffers, selection, colour field, predicted limits) and group 1 (composite textures). */
export interface PortraitLayouts { group0: GPUBindGroupLayout; group1: GPUBindGroupLayout }

/** The pipelines of one d and primitive. */
export interface PortraitPipelines {
  points: GPURenderPipeline;
  fade: GPURenderPipeline;
  composite: GPURenderPipeline;
  highlight: GPURenderPipeline;
  highlightOutline: GPURenderPipeline;
  /** Predicted-limit rings (quads like the points: draw(4, m) instanced, else draw(6m)). */
  limit: GPURenderPipeline;
  /** Faint β → β∞ segments (line list, alpha-blended): draw(2m). */
  limitSegment: GPURenderPipeline;
  /** The projected interpolant line (one quad, triangle strip, alpha-blended): draw(4). */
  interpolantLine: GPURenderPipeline;
}

/** Creates the two bind-group layouts ('Portrait.group0Layout', 'Portrait.group1Layout'). */
export function createPortraitLayouts(device: GPUDevice): PortraitLayouts {
  const V = GPUShaderStage.VERTEX;
  const F = GPUShaderStage.FRAGMENT;
  const storage = (binding: number): GPUBindGroupLayoutEntry =>
    ({ binding, visibility: V, buffer: { type: 'read-only-storage' } });
  const group0 = device.createBindGroupLayout({
    label: 'Portrait.group0Layout',
    entries: [
      { binding: B.params, visibility: V | F, buffer: { type: 'uniform' } },
      { binding: B.lut, visibility: V, buffer: { type: 'uniform' } },
      storage(B.state), storage(B.flags), storage(B.info), storage(B.selection), storage(B.field), storage(B.limits),
    ],
  });
  const group1 = device.createBindGroupLayout({
    label: 'Portrait.group1Layout',
    entries: [
      { binding: B.trails, visibility: F, texture: { sampleType: 'unfilterable-float' } },
      { binding: B.labels, visibility: F, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
  return { group0, group1 };
}

/**
 * Compiles the portrait shader for `d` and builds its pipelines:
 * - points: one quad or pixel per trajectory ({@link PortraitPrimitive}) into {@link TRAILS_FORMAT} with a
 *   depth test (diverged in front);
 * - fade: full-screen triangle, blend dst·constant (set the persistence with setBlendConstant);
 * - composite: full-screen triangle into the canvas format;
 * - highlightOutline, highlight: the same quads for the selection, into the canvas format (dark, then amber);
 * - limit: rings at the sampled predicted limits β∞; limitSegment: faint lines β → β∞; interpolantLine:
 *   the dashed line of interpolating solutions (canvas format).
 * Draw counts: 'instanced' draw(4, n); 'list' draw(6n); 'points' draw(n) (highlight: draw(6k); limit:
 * draw(4, m) when instanced, else draw(6m); limitSegment: draw(2m)).
 */
export function createPortraitPipelines(
  device: GPUDevice, layouts: PortraitLayouts, d: number, canvasFormat: GPUTextureFormat, primitive: PortraitPrimitive,
): PortraitPipelines {
  const module = device.createShaderModule({
    label: `Portrait.module.d${d}.${primitive}`, code: portraitShader({ d, primitive }),
  });
  const layout0 = device.createPipelineLayout({ label: 'Portrait.layout0', bindGroupLayouts: [layouts.group0] });
  const layout01 = device.createPipelineLayout({
    label: 'Portrait.layout01', bindGroupLayouts: [layouts.group0, layouts.group1],
  });
  const quads: GPUPrimitiveState = { topology: primitive === 'instanced' ? 'triangle-strip' : 'triangle-list' };
  const pointsPrimitive: GPUPrimitiveState = primitive === 'points' ? { topology: 'point-list' } : quads;
  const points = device.createRenderPipeline({
    label: 'Portrait.pipeline.points', layout: layout0, primitive: pointsPrimitive,
    vertex: { module, entryPoint: 'vsPoints' },
    fragment: { module, entryPoint: 'fsPoints', targets: [{ format: TRAILS_FORMAT }] },
    depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: true, depthCompare: 'less-equal' },
  });
  const keep: GPUBlendComponent = { srcFactor: 'zero', dstFactor: 'constant', operation: 'add' };
  const fade = device.createRenderPipeline({
    label: 'Portrait.pipeline.fade', layout: layout0,
    vertex: { module, entryPoint: 'vsFullscreen' },
    fragment: { module, entryPoint: 'fsFade', targets: [{ format: TRAILS_FORMAT, blend: { color: keep, alpha: keep } }] },
    depthStencil: { format: DEPTH_FORMAT, depthWriteEnabled: false, depthCompare: 'always' },
  });
  const composite = device.createRenderPipeline({
    label: 'Portrait.pipeline.composite', layout: layout01,
    vertex: { module, entryPoint: 'vsFullscreen' },
    fragment: { module, entryPoint: 'fsComposite', targets: [{ format: canvasFormat }] },
  });
  const highlightPipeline = (entryPoint: string) => device.createRenderPipeline({
    label: `Portrait.pipeline.${entryPoint}`, layout: layout0, primitive: quads,
    vertex: { module, entryPoint },
    fragment: { module, entryPoint: 'fsHighlight', targets: [{ format: canvasFormat }] },
  });
  const highlight = highlightPipeline('vsHighlight');
  const highlightOutline = highlightPipeline('vsHighlightOutline');
  const limit = device.createRenderPipeline({
    label: 'Portrait.pipeline.limit', layout: layout0, primitive: quads,
    vertex: { module, entryPoint: 'vsLimit' },
    fragment: { module, entryPoint: 'fsLimit', targets: [{ format: canvasFormat }] },
  });
  const over: GPUBlendComponent = { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' };
  const limitSegment = device.createRenderPipeline({
    label: 'Portrait.pipeline.limitSegment', layout: layout0, primitive: { topology: 'line-list' },
    vertex: { module, entryPoint: 'vsLimitSegment' },
    fragment: { module, entryPoint: 'fsLimitSegment', targets: [{ format: canvasFormat, blend: { color: over, alpha: over } }] },
  });
  const interpolantLine = device.createRenderPipeline({
    label: 'Portrait.pipeline.interpolantLine', layout: layout0, primitive: { topology: 'triangle-strip' },
    vertex: { module, entryPoint: 'vsInterpolantLine' },
    fragment: { module, entryPoint: 'fsInterpolantLine', targets: [{ format: canvasFormat, blend: { color: over, alpha: over } }] },
  });
  return { points, fade, composite, highlight, highlightOutline, limit, limitSegment, interpolantLine };
}
