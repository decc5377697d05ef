/**
 * Bind-group layouts and render pipelines of the phase portrait (one set per input dimension d, since
 * d is compiled into the shader), and the encoding of a frame with them.
 * Shader: shaders/singleNeuron/portrait.wgsl.ts; shared parts: trailPipelines.ts, trailCanvas.ts.
 */
import { PORTRAIT_BINDINGS as B, portraitShader, type PortraitPrimitive } from '../../../../shaders/singleNeuron/portrait.wgsl.ts';
import { drawQuads, type TrailCanvas } from '../../../views/trailCanvas.ts';
import { createTrailLayouts, createTrailPassPipelines, type TrailLayouts } from '../../../views/trailPipelines.ts';

export type { PortraitPrimitive } from '../../../../shaders/singleNeuron/portrait.wgsl.ts';
export { DEPTH_FORMAT, LABELS_FORMAT, TRAILS_FORMAT } from '../../../views/trailPipelines.ts';

/** Group 0 (uniforms, simulation buffers, selection, colour field, predicted limits) and group 1 (composite textures). */
export type PortraitLayouts = TrailLayouts;

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
  return createTrailLayouts(device, 'Portrait', B, [B.state, B.flags, B.info, B.selection, B.field, B.limits]);
}

/**
 * Compiles the portrait shader for `d` and builds its pipelines:
 * - points: one quad or pixel per trajectory ({@link PortraitPrimitive}) into TRAILS_FORMAT with a
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
  const { layout0, layout01, quads, points, fade } = createTrailPassPipelines(device, 'Portrait', layouts, module, primitive);
  const composite = device.createRenderPipeline({
    label: 'Portrait.pipeline.composite', layout: layout01,
    vertex: { module, entryPoint: 'vsFullscreen' },
    fragment: { module, entryPoint: 'fsComposite', targets: [{ format: canvasFormat }] },
  });
  const onCanvas = (name: string, vs: string, fs: string, primitive: GPUPrimitiveState, blend?: GPUBlendState) => device.createRenderPipeline({
    label: `Portrait.pipeline.${name}`, layout: layout0, primitive,
    vertex: { module, entryPoint: vs },
    fragment: { module, entryPoint: fs, targets: [{ format: canvasFormat, blend }] },
  });
  const over: GPUBlendComponent = { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' };
  return {
    points, fade, composite,
    highlight: onCanvas('vsHighlight', 'vsHighlight', 'fsHighlight', quads),
    highlightOutline: onCanvas('vsHighlightOutline', 'vsHighlightOutline', 'fsHighlight', quads),
    limit: onCanvas('limit', 'vsLimit', 'fsLimit', quads),
    limitSegment: onCanvas('limitSegment', 'vsLimitSegment', 'fsLimitSegment', { topology: 'line-list' }, { color: over, alpha: over }),
    interpolantLine: onCanvas('interpolantLine', 'vsInterpolantLine', 'fsInterpolantLine', { topology: 'triangle-strip' }, { color: over, alpha: over }),
  };
}

/** What one portrait frame draws, from the view's state. */
export interface PortraitFrame {
  primitive: PortraitPrimitive;
  /** Trajectories to draw (0: none). */
  n: number;
  /** Fade the trails by `trailDecay` (fraction kept) instead of clearing them. */
  keepTrails: boolean;
  trailDecay: number;
  /** Predicted-limit rings to draw (0: none); with `limitSegments` also their β → β∞ lines. */
  limitMarkers: number;
  limitSegments: boolean;
  /** Draw the dashed line of interpolating solutions. */
  interpolantLine: boolean;
}

/**
 * Encodes and submits one frame on `gpu`: the trail pass (fade, points), then on the canvas the
 * composite, limit segments and rings, the interpolant line and the selection.
 */
export function encodePortraitFrame(gpu: TrailCanvas, pipes: PortraitPipelines, group0: GPUBindGroup, f: PortraitFrame): void {
  const trail = { keepTrails: f.keepTrails, decay: f.trailDecay, n: f.n, primitive: f.primitive, depthTest: false };
  gpu.encodeFrame(pipes, group0, trail, (screen) => {
    if (f.limitMarkers > 0) {
      if (f.limitSegments) {
        screen.setPipeline(pipes.limitSegment);
        screen.draw(2 * f.limitMarkers);
      }
      screen.setPipeline(pipes.limit);
      drawQuads(screen, f.primitive, f.limitMarkers);
    }
    if (f.interpolantLine) {
      screen.setPipeline(pipes.interpolantLine);
      screen.draw(4);
    }
    if (f.n > 0) gpu.drawSelection(screen, pipes, f.primitive);
  });
}
