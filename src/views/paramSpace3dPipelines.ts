/**
 * Bind-group layouts and render pipelines of the 3-D parameter-space view (one set per point primitive).
 * Shader: shaders/paramSpace3d.wgsl.ts. Two passes:
 * - points pass, into the offscreen trail texture ({@link TRAILS_FORMAT_3D}) with the depth buffer: fade, points;
 * - screen pass, into the canvas with the same depth buffer (loaded): composite, opaque lines, surface,
 *   translucent lines, highlight, labels.
 */
import {
  PARAM_SPACE_3D_BINDINGS as B, paramSpace3dShader, type ParamSpace3DPrimitive,
} from '../../shaders/paramSpace3d.wgsl.ts';

export type { ParamSpace3DPrimitive } from '../../shaders/paramSpace3d.wgsl.ts';

/** Offscreen point/trail texture: float16 so that repeated fading never sticks. */
export const TRAILS_FORMAT_3D: GPUTextureFormat = 'rgba16float';
/** Depth buffer shared by both passes (the points write it, the scene lines and surface test against it). */
export const DEPTH_FORMAT_3D: GPUTextureFormat = 'depth24plus';
/** Tick-label texture. */
export const LABELS_FORMAT_3D: GPUTextureFormat = 'rgba8unorm';

/** Group 0 (uniforms + simulation and scene buffers) and group 1 (screen-pass textures). */
export interface ParamSpace3DLayouts { group0: GPUBindGroupLayout; group1: GPUBindGroupLayout }

/** The pipelines of one primitive. */
export interface ParamSpace3DPipelines {
  points: GPURenderPipeline;
  fade: GPURenderPipeline;
  composite: GPURenderPipeline;
  linesOpaque: GPURenderPipeline;
  linesTranslucent: GPURenderPipeline;
  surface: GPURenderPipeline;
  highlightOutline: GPURenderPipeline;
  highlight: GPURenderPipeline;
  labels: GPURenderPipeline;
}

/** Creates the two bind-group layouts ('ParamSpace3D.group0Layout', 'ParamSpace3D.group1Layout'). */
export function createParamSpace3DLayouts(device: GPUDevice): ParamSpace3DLayouts {
  const V = GPUShaderStage.VERTEX;
  const F = GPUShaderStage.FRAGMENT;
  const storage = (binding: number): GPUBindGroupLayoutEntry => ({ binding, visibility: V, buffer: { type: 'read-only-storage' } });
  const group0 = device.createBindGroupLayout({
    label: 'ParamSpace3D.group0Layout',
    entries: [
      { binding: B.params, visibility: V | F, buffer: { type: 'uniform' } },
      { binding: B.lut, visibility: V, buffer: { type: 'uniform' } },
      storage(B.state), storage(B.flags), storage(B.info), storage(B.selection), storage(B.segments),
    ],
  });
  const group1 = device.createBindGroupLayout({
    label: 'ParamSpace3D.group1Layout',
    entries: [
      { binding: B.trails, visibility: F, texture: { sampleType: 'unfilterable-float' } },
      { binding: B.labels, visibility: F, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
  return { group0, group1 };
}

/**
 * Compiles the shader for `primitive` and builds every pipeline. Draw counts: points 'instanced'
 * draw(4, n), 'list' draw(6n), 'points' draw(n); lines draw(6·segments); surface draw(3·triangles);
 * highlight draw(4, k) instanced else draw(6k); fade, composite and labels draw(3).
 */
export function createParamSpace3DPipelines(
  device: GPUDevice, layouts: ParamSpace3DLayouts, canvasFormat: GPUTextureFormat, primitive: ParamSpace3DPrimitive,
): ParamSpace3DPipelines {
  const module = device.createShaderModule({ label: `ParamSpace3D.module.${primitive}`, code: paramSpace3dShader({ primitive }) });
  const layout0 = device.createPipelineLayout({ label: 'ParamSpace3D.layout0', bindGroupLayouts: [layouts.group0] });
  const layout01 = device.createPipelineLayout({ label: 'ParamSpace3D.layout01', bindGroupLayouts: [layouts.group0, layouts.group1] });
  const quads: GPUPrimitiveState = { topology: primitive === 'instanced' ? 'triangle-strip' : 'triangle-list' };
  const depth = (write: boolean, compare: GPUCompareFunction): GPUDepthStencilState =>
    ({ format: DEPTH_FORMAT_3D, depthWriteEnabled: write, depthCompare: compare });
  const alpha: GPUBlendState = {
    color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
    alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  };
  const premultiplied: GPUBlendState = {
    color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
    alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  };
  const keep: GPUBlendComponent = { srcFactor: 'zero', dstFactor: 'constant', operation: 'add' };
  const screen = (label: string, vs: string, fs: string, opts: {
    layout?: GPUPipelineLayout; blend?: GPUBlendState; depth: GPUDepthStencilState; primitive?: GPUPrimitiveState;
    buffers?: GPUVertexBufferLayout[];
  }) => device.createRenderPipeline({
    label: `ParamSpace3D.pipeline.${label}`, layout: opts.layout ?? layout0, primitive: opts.primitive,
    vertex: { module, entryPoint: vs, buffers: opts.buffers },
    fragment: { module, entryPoint: fs, targets: [{ format: canvasFormat, blend: opts.blend }] },
    depthStencil: opts.depth,
  });
  const points = device.createRenderPipeline({
    label: 'ParamSpace3D.pipeline.points', layout: layout0,
    primitive: primitive === 'points' ? { topology: 'point-list' } : quads,
    vertex: { module, entryPoint: 'vsPoints' },
    fragment: { module, entryPoint: 'fsPoints', targets: [{ format: TRAILS_FORMAT_3D }] },
    depthStencil: depth(true, 'less-equal'),
  });
  const fade = device.createRenderPipeline({
    label: 'ParamSpace3D.pipeline.fade', layout: layout0,
    vertex: { module, entryPoint: 'vsFullscreen' },
    fragment: { module, entryPoint: 'fsFade', targets: [{ format: TRAILS_FORMAT_3D, blend: { color: keep, alpha: keep } }] },
    depthStencil: depth(false, 'always'),
  });
  const highlightQuads: GPUPrimitiveState = primitive === 'instanced' ? quads : { topology: 'triangle-list' };
  return {
    points, fade,
    composite: screen('composite', 'vsFullscreen', 'fsComposite', { layout: layout01, depth: depth(false, 'always') }),
    linesOpaque: screen('linesOpaque', 'vsLines', 'fsLines', { blend: alpha, depth: depth(true, 'less-equal') }),
    linesTranslucent: screen('linesTranslucent', 'vsLines', 'fsLines', { blend: alpha, depth: depth(false, 'less-equal') }),
    surface: screen('surface', 'vsSurface', 'fsSurface', {
      blend: alpha, depth: depth(false, 'less-equal'),
      buffers: [{ arrayStride: 12, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x3' }] }],
    }),
    highlightOutline: screen('highlightOutline', 'vsHighlightOutline', 'fsHighlight', { depth: depth(false, 'always'), primitive: highlightQuads }),
    highlight: screen('highlight', 'vsHighlight', 'fsHighlight', { depth: depth(false, 'always'), primitive: highlightQuads }),
    labels: screen('labels', 'vsFullscreen', 'fsLabels', { layout: layout01, blend: premultiplied, depth: depth(false, 'always') }),
  };
}
