/**
 * Render shaders of the live phase portrait (src/views/portrait.ts). One module, five entry points:
 * - `vsPoints` / `fsPoints`: one quad per trajectory (instanced triangle strip, 6 vertices of a triangle
 *   list, or a 1-pixel point; see {@link PortraitPrimitive}), position and
 *   colour read straight from the simulation's storage buffers (layout: src/models/singleNeuron/layout.ts;
 *   state SoA f32 with element (c, i) at c·n + i, c = 0 → a, c = 1 + j → w_j; flags bit 1 = diverged;
 *   info[i] = δ₀). Diverged points get the fixed diverged colour, are larger, win the depth test, and
 *   when frozen outside the view are pinned to its edge, so they are never hidden.
 * - `vsHighlightOutline`, then `vsHighlight` / `fsHighlight`: the same quads for `selection[k]`, larger:
 *   dark discs, then amber discs 1.5 px smaller in radius, so overlapping selections merge into one outlined blob.
 * - `vsFullscreen` + `fsFade`: a full-screen triangle whose output is 0; blended with dst·constant it
 *   multiplies the trail texture by the persistence per frame.
 * - `vsFullscreen` + `fsComposite`: background, grid and axes, excess-loss contours (function space,
 *   docs/theory.md §1.5, from the top-left 2×2 block of XX through β_ols), the projected set of interpolating
 *   solutions when it is a point (a cyan ring) or the whole plane (a faint cyan tint), the trail/point
 *   texture, the target marker β_ols and the tick-label texture, in that order.
 * - `vsInterpolantLine` / `fsInterpolantLine`: when the interpolating set projects to a line, a dashed
 *   cyan line with a dark outline, one thin quad across the view, alpha-blended on top of the points
 *   (which converge onto it, so underneath it would be hidden).
 * - `vsLimitSegment` / `fsLimitSegment`: a faint 1-pixel line from each sampled trajectory's β to its
 *   predicted β∞ (line list, 2 vertices per sample; alpha-blended).
 * - `vsLimit` / `fsLimit`: a hollow ring (no fill, so the interpolant line shows through) at each sampled trajectory's predicted β∞
 *   (limits f32 SoA d × n, component j of trajectory i at j·n + i), in the point's colour. Samples: one
 *   trajectory per block of `limitStride` (see limitSampleIndex in src/views/portraitLayout.ts); diverged
 *   ones and non-finite limits are skipped.
 * Point colours (`pointColor`): δ₀ or log10 excess loss through the LUT, or a field (field[fieldOffset + i],
 *   linear / log through the LUT, or category → LUT[k]); non-finite and negative field values, ≤ 0 on a
 *   log scale and out-of-range categories take the "missing" colour slot.
 */
import { DELTA_T_WGSL } from '../../src/views/deltaScale.ts';
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { LUT_SIZE } from '../../src/views/colormaps.ts';
import { COLOR_SLOTS, PORTRAIT_PARAMS } from '../../src/models/singleNeuron/views/portraitLayout.ts';
import { selectionIndex, spriteBasics, spriteBindings, spriteEntryPoints, vsPointsHead, type SpritePrimitive } from './pointSprites.wgsl.ts';

/** How trajectories become primitives (shaders/singleNeuron/pointSprites.wgsl.ts). */
export type PortraitPrimitive = SpritePrimitive;

/** Compile-time options of {@link portraitShader}. */
export interface PortraitShaderOptions {
  /** Input dimension of the single-neuron model, 1 ≤ d ≤ MAX_D; compiled in so loops unroll. */
  d: number;
  primitive: PortraitPrimitive;
}

/** Group 0 bindings (all pipelines) and group 1 (composite only); the host layout in portrait.ts matches. */
export const PORTRAIT_BINDINGS = {
  params: 0, lut: 1, state: 2, flags: 3, info: 4, selection: 5, field: 6, limits: 7, trails: 0, labels: 1,
} as const;

/** WGSL source of every portrait entry point for input dimension `d`. */
export function portraitShader(options: PortraitShaderOptions): string {
  const { d, primitive } = options;
  const instanced = primitive === 'instanced';
  const points = primitive === 'points';
  const b = PORTRAIT_BINDINGS;
  const slot = (name: (typeof COLOR_SLOTS)[number]) => COLOR_SLOTS.indexOf(name);
  return wgsl`
${PORTRAIT_PARAMS.wgsl}
const D: u32 = ${d}u;
${spriteBindings(b, PORTRAIT_PARAMS.name, LUT_SIZE)}
@group(0) @binding(${b.field}) var<storage, read> field: array<f32>;
@group(0) @binding(${b.limits}) var<storage, read> limits: array<f32>;
const C_DIVERGED: u32 = ${slot('diverged')}u;
const C_OUTLINE: u32 = ${slot('outline')}u;
const C_MISSING: u32 = ${slot('missing')}u;
const C_INTERP: u32 = ${slot('interpolant')}u;

${spriteBasics}
${DELTA_T_WGSL}

// 2-D position of trajectory i in the current projection (components beyond d read as 0).
fn project(i: u32) -> vec2f {
  let a = state[i];
  let w1 = state[P.n + i];
  var w2 = 0.0;
  if (D >= 2u) { w2 = state[2u * P.n + i]; }
  switch P.view {
    case 0u: { return vec2f(a * w1, a * w2); }
    case 1u: { return vec2f(w1, a); }
    default: { return vec2f(w1, w2); }
  }
}

fn bOls(j: u32) -> f32 { return P.betaOls[j / 4u][j % 4u]; }
fn XX(i: u32, j: u32) -> f32 { let k = i * D + j; return P.xx[k / 4u][k % 4u]; }

// ½(β − β_ols)ᵀ XX (β − β_ols), β = a w (docs/theory.md §1.5).
fn excessLoss(i: u32) -> f32 {
  let a = state[i];
  var e: array<f32, D>;
  for (var j = 0u; j < D; j++) { e[j] = a * state[(j + 1u) * P.n + i] - bOls(j); }
  var q = 0.0;
  for (var r = 0u; r < D; r++) {
    var s = 0.0;
    for (var j = 0u; j < D; j++) { s = fma(XX(r, j), e[j], s); }
    q = fma(e[r], s, q);
  }
  return 0.5 * max(q, 0.0);
}

// Finite test on the bits (the compiler may assume floats are finite, so v != v can be folded away).
fn finiteF32(v: f32) -> bool { return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u; }

fn fieldColor(i: u32) -> vec4f {
  let v = field[P.fieldOffset + i];
  if (!finiteF32(v) || v < 0.0) { return P.colors[C_MISSING]; }
  switch P.fieldScale {
    case 2u: {
      let k = u32(v + 0.5);
      if (k >= P.fieldCount) { return P.colors[C_MISSING]; }
      return LUT[k];
    }
    case 1u: {
      if (v <= 0.0) { return P.colors[C_MISSING]; }
      return lut((log2(v) * 0.30102999566 - P.fieldLo) * P.fieldInvSpan);
    }
    default: { return lut((v - P.fieldLo) * P.fieldInvSpan); }
  }
}

fn pointColor(i: u32) -> vec4f {
  switch P.colorBy {
    case 0u: { return lut(deltaT(info[i])); }
    case 1u: { return lut((log2(max(excessLoss(i), 1e-30)) * 0.30102999566 - P.lossLog0) * P.lossInvSpan); }
    default: { return fieldColor(i); }
  }
}

// Quad corner v around a world point; pinned points are clamped into the view (edge markers).
fn quad(center: vec2f, scale: f32, v: u32, depth: f32, pin: bool) -> PointOut {
  var o: PointOut;
  let c = corner(v);
  var clip = center * vec2f(P.scaleX, P.scaleY) + vec2f(P.offsetX, P.offsetY);
  let edge = 1.0 - vec2f(P.halfX, P.halfY) * scale;
  if (pin) { clip = clamp(clip, -edge, edge); }
  o.pos = vec4f(clip + c * vec2f(P.halfX, P.halfY) * scale, depth, 1.0);
  o.uv = c;
  return o;
}

${vsPointsHead(primitive)}
  var o = quad(project(i), select(1.0, P.divergedScale, diverged), v, select(0.5, 0.0, diverged), diverged);
#if ${points}
  o.pos = vec4f(o.pos.xy - o.uv * vec2f(P.halfX, P.halfY) * select(1.0, P.divergedScale, diverged), o.pos.zw);
  o.uv = vec2f(0.0);
#endif
  o.color = select(pointColor(i), P.colors[C_DIVERGED], diverged);
  return o;
}

fn highlightVertex(vi: u32, ii: u32, scale: f32) -> PointOut {
  ${selectionIndex(primitive)}
  var o = quad(project(min(i, P.n - 1u)), scale, v, 0.0, false);
  if (i >= P.n) { o.pos = vec4f(2.0, 2.0, 2.0, 1.0); }
  return o;
}

${spriteEntryPoints({ outlineSlot: slot('outline'), highlightSlot: slot('highlight'), fullscreenDepth: 0 })}

// Predicted limits: PCG-style hash, so each block of limitStride trajectories contributes one
// pseudo-random member (portraitLayout.ts hashU32 / limitSampleIndex mirror these two).
fn hashU(k: u32) -> u32 {
  let s = k * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}
fn limitIndex(k: u32) -> u32 {
  if (P.limitStride <= 1u) { return k; }
  return k * P.limitStride + hashU(k) % P.limitStride;
}
fn limitPoint(i: u32) -> vec2f {
  var y = 0.0;
  if (D >= 2u) { y = limits[P.n + i]; }
  return vec2f(limits[i], y);
}
// Sampled trajectory of marker k, or P.n when it is past the end, diverged, or its limit is not finite.
fn limitTrajectory(k: u32) -> u32 {
  let i = limitIndex(k);
  if (i >= P.n) { return P.n; }
  let b = limitPoint(i);
  if ((flags[i] & 1u) != 0u || !finiteF32(b.x) || !finiteF32(b.y)) { return P.n; }
  return i;
}
fn toClip(p: vec2f) -> vec2f { return p * vec2f(P.scaleX, P.scaleY) + vec2f(P.offsetX, P.offsetY); }

@vertex
fn vsLimit(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> PointOut {
#if ${instanced}
  let k = ii;
  let v = vi;
#else
  let k = vi / 6u;
  let v = quadVertex(vi % 6u);
#endif
  let i = limitTrajectory(k);
  var o: PointOut;
  let c = corner(v);
  o.uv = c;
  if (i >= P.n) { o.pos = vec4f(2.0, 2.0, 2.0, 1.0); return o; }
  o.pos = vec4f(toClip(limitPoint(i)) + c * vec2f(P.limitHalfX, P.limitHalfY), 0.0, 1.0);
  o.color = pointColor(i);
  return o;
}

@fragment
fn fsLimit(in: PointOut) -> @location(0) vec4f {
  let dr = abs(length(in.uv) - P.ringRadius);
  if (dr > P.ringHalfWidth) { discard; }
  return vec4f(in.color.rgb, 1.0);
}

@vertex
fn vsLimitSegment(@builtin(vertex_index) vi: u32) -> PointOut {
  let i = limitTrajectory(vi / 2u);
  var o: PointOut;
  o.uv = vec2f(0.0);
  if (i >= P.n) { o.pos = vec4f(2.0, 2.0, 2.0, 1.0); return o; }
  let p = select(project(i), limitPoint(i), (vi & 1u) == 1u);
  o.pos = vec4f(toClip(p), 0.0, 1.0);
  o.color = vec4f(pointColor(i).rgb, P.segmentAlpha);
  return o;
}

@fragment
fn fsLimitSegment(in: PointOut) -> @location(0) vec4f { return in.color; }

struct LineOut {
  @builtin(position) pos: vec4f,
  @location(0) across: f32,
  @location(1) along: f32,
};

// The projected interpolant line (interpKind 2) as one thin quad (triangle strip, 4 vertices) spanning
// the view: built in pixel units around the foot of the perpendicular from the view centre, so the
// vertices stay within a few clip units however far β_ols lies; dashes are anchored at β_ols.
@vertex
fn vsInterpolantLine(@builtin(vertex_index) v: u32) -> LineOut {
  let half = vec2f(P.width, P.height) * 0.5;
  let p = toClip(vec2f(P.interpX, P.interpY)) * half;
  let u = normalize(vec2f(P.interpDirX, P.interpDirY) * vec2f(P.scaleX, P.scaleY) * half);
  let nrm = vec2f(-u.y, u.x);
  let q = p - dot(p, u) * u;
  let c = corner(v);
  let w = 3.0 * max(P.dpr, 1.0);
  let px = q + u * (c.x * 1.5 * length(half)) + nrm * (c.y * w);
  var o: LineOut;
  o.pos = vec4f(px / half, 0.0, 1.0);
  o.across = c.y * w;
  o.along = dot(px - p, u);
  return o;
}

// Dashed cyan line with a dark outline, alpha-blended over points and limit markers.
@fragment
fn fsInterpolantLine(in: LineOut) -> @location(0) vec4f {
  let lw = max(P.dpr, 1.0);
  let dash = f32(fract(in.along / (14.0 * lw)) < 0.62);
  let inner = lineCover(abs(in.across), 0.9 * lw) * dash;
  let outer = 0.7 * lineCover(abs(in.across), 2.0 * lw) * dash;
  let alpha = max(inner, outer);
  if (alpha <= 0.0) { discard; }
  return vec4f(mix(P.colors[C_OUTLINE].rgb, P.colors[C_INTERP].rgb, inner / alpha), alpha);
}

@group(1) @binding(${b.trails}) var trailsTex: texture_2d<f32>;
@group(1) @binding(${b.labels}) var labelsTex: texture_2d<f32>;

// Coverage of a line at distance dist (pixels) with half-width hw (pixels), 1-pixel antialiasing.
fn lineCover(dist: f32, hw: f32) -> f32 { return 1.0 - smoothstep(hw - 0.5, hw + 0.5, dist); }

@fragment
fn fsComposite(@builtin(position) fp: vec4f) -> @location(0) vec4f {
  let clip = vec2f(fp.x / P.width * 2.0 - 1.0, 1.0 - fp.y / P.height * 2.0);
  let scale = vec2f(P.scaleX, P.scaleY);
  let world = (clip - vec2f(P.offsetX, P.offsetY)) / scale;
  let pxPerWorld = scale * vec2f(P.width, P.height) * 0.5;
  var c = P.colors[2].rgb;

  // Grid at multiples of gridStep, axes at 0.
  let g = world / P.gridStep;
  let gridDist = abs(g - round(g)) * P.gridStep * pxPerWorld;
  let hw = 0.5 * max(P.dpr, 1.0);
  c = mix(c, P.colors[3].rgb, 0.6 * max(lineCover(gridDist.x, hw), lineCover(gridDist.y, hw)));
  let axisDist = abs(world) * pxPerWorld;
  c = mix(c, P.colors[4].rgb, max(lineCover(axisDist.x, hw), lineCover(axisDist.y, hw)));

  // Excess-loss contours, levels log10 E ∈ spacing·ℤ (derivatives in uniform control flow).
  let e = world - vec2f(P.targetX, P.targetY);
  let E = 0.5 * (P.xx00 * e.x * e.x + 2.0 * P.xx01 * e.x * e.y + P.xx11 * e.y * e.y);
  let lv = log2(max(E, 1e-30)) * 0.30102999566 / P.contourSpacing;
  let fw = max(fwidth(lv), 1e-6);
  let contour = lineCover(abs(lv - round(lv)) / fw, 0.5 * hw) * (1.0 - smoothstep(0.25, 0.6, fw))
    * f32(E > 1e-30) * f32(P.showContours);
  c = mix(c, P.colors[5].rgb, 0.55 * contour);

  // Interpolating solutions (docs/theory.md §1.5), projected: a ring when the set projects to a point, a faint
  // tint when it covers the plane (a line is drawn on top of the points by vsInterpolantLine).
  let lw = max(P.dpr, 1.0);
  if (P.interpKind == 3u) {
    c = mix(c, P.colors[C_INTERP].rgb, 0.08);
  } else if (P.interpKind == 1u) {
    let rpx = length((world - vec2f(P.interpX, P.interpY)) * pxPerWorld);
    c = mix(c, P.colors[C_OUTLINE].rgb, 0.75 * lineCover(abs(rpx - 11.0 * lw), 2.2 * lw));
    c = mix(c, P.colors[C_INTERP].rgb, lineCover(abs(rpx - 11.0 * lw), 1.0 * lw));
  }

  // Points and trails (premultiplied).
  let ip = vec2i(fp.xy);
  let t = textureLoad(trailsTex, ip, 0);
  c = c * (1.0 - t.a) + t.rgb;

  // Target marker β_ols (function space): a white ring with a dark outline.
  if (P.showContours != 0u) {
    let rpx = length((world - vec2f(P.targetX, P.targetY)) * pxPerWorld) / max(P.dpr, 1.0);
    let ring = lineCover(abs(rpx - 6.0), 1.0);
    let outline = lineCover(abs(rpx - 6.0), 2.2);
    c = mix(c, P.colors[C_OUTLINE].rgb, 0.8 * outline);
    c = mix(c, P.colors[6].rgb, ring);
  }

  let l = textureLoad(labelsTex, ip, 0);
  c = c * (1.0 - l.a) + l.rgb;
  return vec4f(c, 1.0);
}
`;
}
