/**
 * Bind-group layouts and render pipelines of the 3-D parameter-space view (one set per point primitive),
 * and the encoding of a frame with them ({@link encodeParamSpace3DFrame}).
 * Shader: shaders/singleNeuron/paramSpace3d.wgsl.ts; shared parts: trailPipelines.ts, trailCanvas.ts. Two passes:
 * - points pass, into the offscreen trail texture ({@link TRAILS_FORMAT_3D}) with the depth buffer: fade, points;
 * - screen pass, into the canvas with the same depth buffer (loaded): composite, opaque lines, surface,
 *   translucent lines, highlight, labels.
 */
import {
  PARAM_SPACE_3D_BINDINGS as B, paramSpace3dShader, type ParamSpace3DPrimitive,
} from '../../../../shaders/singleNeuron/paramSpace3d.wgsl.ts';
import {
  createTrailLayouts, createTrailPassPipelines, DEPTH_FORMAT, LABELS_FORMAT, TRAILS_FORMAT, type TrailLayouts,
} from '../../../views/trailPipelines.ts';
import type { TrailCanvas } from '../../../views/trailCanvas.ts';

export type { ParamSpace3DPrimitive } from '../../../../shaders/singleNeuron/paramSpace3d.wgsl.ts';

/** Offscreen point/trail texture (trailPipelines.TRAILS_FORMAT). */
export const TRAILS_FORMAT_3D: GPUTextureFormat = TRAILS_FORMAT;
/** Depth buffer shared by both passes (the points write it, the scene lines and surface test against it). */
export const DEPTH_FORMAT_3D: GPUTextureFormat = DEPTH_FORMAT;
/** Tick-label texture (trailPipelines.LABELS_FORMAT). */
export const LABELS_FORMAT_3D: GPUTextureFormat = LABELS_FORMAT;

/** Group 0 (uniforms + simulation and scene buffers) and group 1 (screen-pass textures). */
export type ParamSpace3DLayouts = TrailLayouts;

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
  return createTrailLayouts(device, 'ParamSpace3D', B, [B.state, B.flags, B.info, B.selection, B.segments]);
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
  const { layout0, layout01, quads, points, fade } = createTrailPassPipelines(device, 'ParamSpace3D', layouts, module, primitive);
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
  const screen = (label: string, vs: string, fs: string, opts: {
    layout?: GPUPipelineLayout; blend?: GPUBlendState; depth: GPUDepthStencilState; primitive?: GPUPrimitiveState;
    buffers?: GPUVertexBufferLayout[];
  }) => device.createRenderPipeline({
    label: `ParamSpace3D.pipeline.${label}`, layout: opts.layout ?? layout0, primitive: opts.primitive,
    vertex: { module, entryPoint: vs, buffers: opts.buffers },
    fragment: { module, entryPoint: fs, targets: [{ format: canvasFormat, blend: opts.blend }] },
    depthStencil: opts.depth,
  });
  return {
    points, fade,
    composite: screen('composite', 'vsFullscreen', 'fsComposite', { layout: layout01, depth: depth(false, 'always') }),
    linesOpaque: screen('linesOpaque', 'vsLines', 'fsLines', { blend: alpha, depth: depth(true, 'less-equal') }),
    linesTranslucent: screen('linesTranslucent', 'vsLines', 'fsLines', { blend: alpha, depth: depth(false, 'less-equal') }),
    surface: screen('surface', 'vsSurface', 'fsSurface', {
      blend: alpha, depth: depth(false, 'less-equal'),
      buffers: [{ arrayStride: 12, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x3' }] }],
    }),
    highlightOutline: screen('highlightOutline', 'vsHighlightOutline', 'fsHighlight', { depth: depth(false, 'always'), primitive: quads }),
    highlight: screen('highlight', 'vsHighlight', 'fsHighlight', { depth: depth(false, 'always'), primitive: quads }),
    labels: screen('labels', 'vsFullscreen', 'fsLabels', { layout: layout01, blend: premultiplied, depth: depth(false, 'always') }),
  };
}

/** What one frame of the 3-D view draws, from the view's state. */
export interface ParamSpace3DFrame {
  primitive: ParamSpace3DPrimitive;
  /** Trajectories to draw (0: none). */
  n: number;
  /** Fade the trails by `trailDecay` (fraction kept) instead of clearing them. */
  keepTrails: boolean;
  trailDecay: number;
  /** Segments in the segment buffer: the opaque ones first, then the translucent ones. */
  segments: { opaque: number; translucent: number };
  /** The conserved surface (xyz f32 vertex buffer, triangle list), or null. */
  surface: { buffer: GPUBuffer; vertices: number } | null;
}

/**
 * Encodes and submits one frame on `gpu`: the trail pass (fade, points; depth kept), then on the canvas,
 * testing against that depth: composite, opaque lines, surface, translucent lines, selection, labels.
 */
export function encodeParamSpace3DFrame(gpu: TrailCanvas, pipes: ParamSpace3DPipelines, group0: GPUBindGroup, f: ParamSpace3DFrame): void {
  const trail = { keepTrails: f.keepTrails, decay: f.trailDecay, n: f.n, primitive: f.primitive, depthTest: true };
  gpu.encodeFrame(pipes, group0, trail, (screen) => {
    const { opaque, translucent } = f.segments;
    if (opaque > 0) {
      screen.setPipeline(pipes.linesOpaque);
      screen.draw(6 * opaque);
    }
    if (f.surface) {
      screen.setPipeline(pipes.surface);
      screen.setVertexBuffer(0, f.surface.buffer);
      screen.draw(f.surface.vertices);
    }
    if (translucent > 0) {
      screen.setPipeline(pipes.linesTranslucent);
      screen.draw(6 * translucent, 1, 6 * opaque);
    }
    if (f.n > 0) gpu.drawSelection(screen, pipes, f.primitive);
    screen.setPipeline(pipes.labels);
    screen.draw(3);
  });
}
