/**
 * Render shaders of the 3-D parameter-space view (src/views/paramSpace3d.ts), d = 2, world (w₁, w₂, a).
 * Entry points:
 * - `vsPoints` / `fsPoints`: one screen-aligned quad (or pixel) per trajectory at (w₁, w₂, a), read straight
 *   from the simulation's storage buffers (state SoA f32, element (c, i) at c·n + i, c = 0 → a, 1 → w₁,
 *   2 → w₂; flags bit 1 = diverged; info[i] = δ₀), coloured by δ₀ through the LUT and faded towards the
 *   background with depth. Diverged points get the diverged colour, are larger, sit at depth 0 and are
 *   pinned inside the view.
 * - `vsFullscreen` + `fsFade`: multiplies the trail texture by the blend constant (persistence).
 * - `vsFullscreen` + `fsComposite`: background, then the trail/point texture (premultiplied).
 * - `vsLines` / `fsLines`: antialiased screen-space-width segments from the `segments` storage buffer
 *   (3 vec4 a segment: p0 + width in CSS px, p1, colour), clipped at the near plane.
 * - `vsSurface` / `fsSurface`: the translucent conserved surface (vertex buffer, xyz), lit with the exact
 *   normal ∇(η_w a² − η_a‖w‖²) and more opaque at grazing angles (silhouettes).
 * - `vsHighlightOutline`, `vsHighlight` / `fsHighlight`: selected trajectories on top, dark then amber discs.
 * - `vsFullscreen` + `fsLabels`: the tick-label texture (premultiplied).
 */
import { DELTA_T_WGSL } from '../../src/views/deltaScale.ts';
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { LUT_SIZE } from '../../src/views/colormaps.ts';
import { COLOR_SLOTS_3D, PARAMS_3D } from '../../src/models/singleNeuron/views/paramSpace3dLayout.ts';
import { selectionIndex, spriteBasics, spriteBindings, spriteEntryPoints, vsPointsHead, type SpritePrimitive } from './pointSprites.wgsl.ts';

/** How trajectories become primitives (shaders/singleNeuron/pointSprites.wgsl.ts). */
export type ParamSpace3DPrimitive = SpritePrimitive;

/** Options of {@link paramSpace3dShader}. */
export interface ParamSpace3DShaderOptions { primitive: ParamSpace3DPrimitive }

/** Group 0 bindings (all pipelines) and group 1 (composite and labels); the host layouts match. */
export const PARAM_SPACE_3D_BINDINGS = {
  params: 0, lut: 1, state: 2, flags: 3, info: 4, selection: 5, segments: 6, trails: 0, labels: 1,
} as const;

/** WGSL source of every entry point of the 3-D view. */
export function paramSpace3dShader(options: ParamSpace3DShaderOptions): string {
  const { primitive } = options;
  const instanced = primitive === 'instanced';
  const points = primitive === 'points';
  const b = PARAM_SPACE_3D_BINDINGS;
  return wgsl`
${PARAMS_3D.wgsl}
${spriteBindings(b, PARAMS_3D.name, LUT_SIZE)}
@group(0) @binding(${b.segments}) var<storage, read> segments: array<vec4f>;

fn viewProj() -> mat4x4f { return mat4x4f(P.viewProj[0], P.viewProj[1], P.viewProj[2], P.viewProj[3]); }

${spriteBasics}
${DELTA_T_WGSL}
// World position (w₁, w₂, a) of trajectory i.
fn world(i: u32) -> vec3f { return vec3f(state[P.n + i], state[2u * P.n + i], state[i]); }

fn fade(p: vec3f) -> f32 { return clamp((length(p - P.eye[0].xyz) - P.fadeNear) * P.fadeInvSpan, 0.0, 1.0) * P.depthFade; }

// Quad corner v of size 'scale' around world point p (constant size in pixels). Pinned points are
// clamped into the view and drawn at depth 0.
fn quad(p: vec3f, scale: f32, v: u32, pin: bool) -> PointOut {
  var o: PointOut;
  let c = corner(v);
  let half = vec2f(P.halfX, P.halfY) * scale;
  var clip = viewProj() * vec4f(p, 1.0);
  if (pin) {
    let edge = 1.0 - half;
    let ndc = clamp(clip.xy / max(clip.w, 1e-6), -edge, edge);
    clip = vec4f(ndc, 0.0, 1.0);
  }
  o.pos = vec4f(clip.xy + c * half * clip.w, clip.zw);
  o.uv = c;
  return o;
}

${vsPointsHead(primitive)}
  var p = world(i);
  if (diverged) { p = clamp(p, vec3f(-4.0 * P.eye[0].w), vec3f(4.0 * P.eye[0].w)); }
  var o = quad(p, select(1.0, P.divergedScale, diverged), v, diverged);
#if ${points}
  o.pos = vec4f(o.pos.xy - o.uv * vec2f(P.halfX, P.halfY) * select(1.0, P.divergedScale, diverged) * o.pos.w, o.pos.zw);
  o.uv = vec2f(0.0);
#endif
  let c = lut(deltaT(info[i]));
  o.color = select(vec4f(mix(c.rgb, P.colors[3].rgb, fade(p)), 1.0), P.colors[0], diverged);
  return o;
}

fn highlightVertex(vi: u32, ii: u32, scale: f32) -> PointOut {
  ${selectionIndex(primitive)}
  let j = min(i, P.n - 1u);
  var p = world(j);
  let diverged = (flags[j] & 1u) != 0u;
  if (diverged) { p = clamp(p, vec3f(-4.0 * P.eye[0].w), vec3f(4.0 * P.eye[0].w)); }
  var o = quad(p, scale, v, diverged);
  let behind = o.pos.w <= 0.0 || o.pos.z < 0.0;
  o.pos = vec4f(o.pos.xy / max(o.pos.w, 1e-20), 0.0, 1.0);
  if (i >= P.n || behind) { o.pos = vec4f(2.0, 2.0, 2.0, 1.0); }
  return o;
}

${spriteEntryPoints({ outlineSlot: COLOR_SLOTS_3D.indexOf('outline'), highlightSlot: COLOR_SLOTS_3D.indexOf('highlight'), fullscreenDepth: 1 })}
@group(1) @binding(${b.trails}) var trailsTex: texture_2d<f32>;
@group(1) @binding(${b.labels}) var labelsTex: texture_2d<f32>;

@fragment
fn fsComposite(@builtin(position) fp: vec4f) -> @location(0) vec4f {
  let t = textureLoad(trailsTex, vec2i(fp.xy), 0);
  return vec4f(P.colors[3].rgb * (1.0 - t.a) + t.rgb, 1.0);
}

@fragment
fn fsLabels(@builtin(position) fp: vec4f) -> @location(0) vec4f {
  return textureLoad(labelsTex, vec2i(fp.xy), 0);
}

struct LineOut {
  @builtin(position) pos: vec4f,
  @location(0) color: vec4f,
  // Signed distance across the line in device pixels, and the half width.
  @location(1) @interpolate(linear) across: vec2f,
};

@vertex
fn vsLines(@builtin(vertex_index) vi: u32) -> LineOut {
  var o: LineOut;
  let s = vi / 6u;
  let v = quadVertex(vi % 6u);
  let end = v & 1u;
  let side = f32(v >> 1u) * 2.0 - 1.0;
  let s0 = segments[3u * s];
  let s1 = segments[3u * s + 1u];
  o.color = segments[3u * s + 2u];
  let M = viewProj();
  var c0 = M * vec4f(s0.xyz, 1.0);
  var c1 = M * vec4f(s1.xyz, 1.0);
  if (c0.z < 0.0 && c1.z < 0.0) {
    o.pos = vec4f(2.0, 2.0, 2.0, 1.0);
    return o;
  }
  // Clip against the near plane (clip z = 0).
  if (c0.z < 0.0) { c0 = mix(c0, c1, c0.z / (c0.z - c1.z)); }
  if (c1.z < 0.0) { c1 = mix(c1, c0, c1.z / (c1.z - c0.z)); }
  let px = vec2f(P.width, P.height) * 0.5;
  let n0 = c0.xy / c0.w;
  let n1 = c1.xy / c1.w;
  let d = (n1 - n0) * px;
  let len = length(d);
  let dir = select(vec2f(1.0, 0.0), d / len, len > 1e-6);
  let normal = vec2f(-dir.y, dir.x);
  let hw = 0.5 * s0.w * P.dpr;
  let ext = hw + 1.0;
  let c = select(c0, c1, end == 1u);
  let along = select(-1.0, 1.0, end == 1u) * min(hw, 0.5 * len);
  let offset = (normal * side * ext + dir * along) / px;
  o.pos = vec4f(c.xy + offset * c.w, c.zw);
  o.across = vec2f(side * ext, hw);
  return o;
}

@fragment
fn fsLines(in: LineOut) -> @location(0) vec4f {
  let cover = clamp(in.across.y + 0.5 - abs(in.across.x), 0.0, 1.0);
  if (cover <= 0.0) { discard; }
  return vec4f(in.color.rgb, in.color.a * cover);
}

struct SurfaceOut {
  @builtin(position) pos: vec4f,
  @location(0) world: vec3f,
};

@vertex
fn vsSurface(@location(0) p: vec3f) -> SurfaceOut {
  var o: SurfaceOut;
  o.pos = viewProj() * vec4f(p, 1.0);
  o.world = p;
  return o;
}

@fragment
fn fsSurface(in: SurfaceOut) -> @location(0) vec4f {
  let g = vec3f(-P.etaA * in.world.xy, P.etaW * in.world.z);
  let n = g / max(length(g), 1e-20);
  let v = normalize(P.eye[0].xyz - in.world);
  let ndv = abs(dot(n, v));
  let light = normalize(vec3f(-0.4, -0.5, 0.75));
  let shade = 0.55 + 0.45 * abs(dot(n, light));
  let rim = 1.0 - ndv;
  let alpha = P.surfaceAlpha * (0.3 + 0.7 * rim * rim);
  return vec4f(P.colors[4].rgb * shade, alpha);
}
`;
}
