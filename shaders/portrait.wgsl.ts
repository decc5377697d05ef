/**
 * Render shaders of the live phase portrait (src/views/portrait.ts). One module, five entry points:
 * - `vsPoints` / `fsPoints`: one instanced quad (triangle strip, 4 vertices) per trajectory, position and
 *   colour read straight from the simulation's storage buffers (layout: src/models/singleNeuron/layout.ts;
 *   state SoA f32 with element (c, i) at c·n + i, c = 0 → a, c = 1 + j → w_j; flags bit 1 = diverged;
 *   info[i] = δ₀). Diverged points get the fixed diverged colour, are larger and win the depth test.
 * - `vsHighlight` / `fsHighlight`: the same quads for `selection[k]`, larger, amber with a dark outline.
 * - `vsFullscreen` + `fsFade`: a full-screen triangle whose output is 0; blended with dst·constant it
 *   multiplies the trail texture by the persistence per frame.
 * - `vsFullscreen` + `fsComposite`: background, grid and axes, excess-loss contours (function space,
 *   theory.md §1.5, from the top-left 2×2 block of XX through β_ols), the trail/point texture, the target
 *   marker β_ols and the tick-label texture, in that order.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { LUT_SIZE } from '../src/views/colormaps.ts';
import { PORTRAIT_PARAMS } from '../src/views/portraitLayout.ts';

export interface PortraitShaderOptions {
  /** Input dimension of the single-neuron model, 1 ≤ d ≤ MAX_D; compiled in so loops unroll. */
  d: number;
}

/** Group 0 bindings (all pipelines) and group 1 (composite only); the host layout in portrait.ts matches. */
export const PORTRAIT_BINDINGS = { params: 0, lut: 1, state: 2, flags: 3, info: 4, selection: 5, trails: 0, labels: 1 } as const;

/** WGSL source of every portrait entry point for input dimension `d`. */
export function portraitShader(options: PortraitShaderOptions): string {
  const { d } = options;
  const b = PORTRAIT_BINDINGS;
  return wgsl`
${PORTRAIT_PARAMS.wgsl}
const D: u32 = ${d}u;
const LUT_N: u32 = ${LUT_SIZE}u;
@group(0) @binding(${b.params}) var<uniform> P: PortraitParams;
@group(0) @binding(${b.lut}) var<uniform> LUT: array<vec4<f32>, LUT_N>;
@group(0) @binding(${b.state}) var<storage, read> state: array<f32>;
@group(0) @binding(${b.flags}) var<storage, read> flags: array<u32>;
@group(0) @binding(${b.info}) var<storage, read> info: array<f32>;
@group(0) @binding(${b.selection}) var<storage, read> selection: array<u32>;

struct PointOut {
  @builtin(position) pos: vec4f,
  @location(0) color: vec4f,
  @location(1) uv: vec2f,
};

fn corner(v: u32) -> vec2f { return vec2f(f32(v & 1u), f32(v >> 1u)) * 2.0 - 1.0; }

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

// ½(β − β_ols)ᵀ XX (β − β_ols), β = a w (theory.md §1.5).
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

fn lut(t: f32) -> vec4f { return LUT[u32(clamp(t * f32(LUT_N), 0.0, f32(LUT_N - 1u)))]; }

fn pointColor(i: u32) -> vec4f {
  if (P.colorBy == 0u) { return lut(0.5 + info[i] * P.deltaScale); }
  return lut((log2(max(excessLoss(i), 1e-30)) * 0.30102999566 - P.lossLog0) * P.lossInvSpan);
}

fn quad(center: vec2f, scale: f32, v: u32, depth: f32) -> PointOut {
  var o: PointOut;
  let c = corner(v);
  let clip = center * vec2f(P.scaleX, P.scaleY) + vec2f(P.offsetX, P.offsetY);
  o.pos = vec4f(clip + c * vec2f(P.halfX, P.halfY) * scale, depth, 1.0);
  o.uv = c;
  return o;
}

@vertex
fn vsPoints(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> PointOut {
  let diverged = (flags[i] & 1u) != 0u;
  var o = quad(project(i), select(1.0, P.divergedScale, diverged), v, select(0.5, 0.0, diverged));
  o.color = select(pointColor(i), P.colors[0], diverged);
  return o;
}

@fragment
fn fsPoints(in: PointOut) -> @location(0) vec4f {
  if (P.round != 0u && dot(in.uv, in.uv) > 1.0) { discard; }
  return vec4f(in.color.rgb, 1.0);
}

@vertex
fn vsHighlight(@builtin(vertex_index) v: u32, @builtin(instance_index) k: u32) -> PointOut {
  let i = selection[k];
  var o = quad(project(min(i, P.n - 1u)), P.highlightScale, v, 0.0);
  if (i >= P.n) { o.pos = vec4f(2.0, 2.0, 2.0, 1.0); }
  o.color = P.colors[1];
  return o;
}

@fragment
fn fsHighlight(in: PointOut) -> @location(0) vec4f {
  let r = length(in.uv);
  if (r > 1.0) { discard; }
  return select(P.colors[1], P.colors[7], r > 0.62);
}

@vertex
fn vsFullscreen(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  let p = vec2f(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  return vec4f(p, 0.0, 1.0);
}

@fragment
fn fsFade() -> @location(0) vec4f { return vec4f(0.0); }

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

  // Points and trails (premultiplied).
  let ip = vec2i(fp.xy);
  let t = textureLoad(trailsTex, ip, 0);
  c = c * (1.0 - t.a) + t.rgb;

  // Target marker β_ols (function space): a white ring with a dark outline.
  if (P.showContours != 0u) {
    let rpx = length((world - vec2f(P.targetX, P.targetY)) * pxPerWorld) / max(P.dpr, 1.0);
    let ring = lineCover(abs(rpx - 6.0), 1.0);
    let outline = lineCover(abs(rpx - 6.0), 2.2);
    c = mix(c, P.colors[7].rgb, 0.8 * outline);
    c = mix(c, P.colors[6].rgb, ring);
  }

  let l = textureLoad(labelsTex, ip, 0);
  c = c * (1.0 - l.a) + l.rgb;
  return vec4f(c, 1.0);
}
`;
}
