/**
 * WGSL the portrait (shaders/singleNeuron/portrait.wgsl.ts) and the 3-D view (shaders/singleNeuron/paramSpace3d.wgsl.ts) share:
 * one screen-aligned sprite per trajectory, its primitive decoding, the highlight passes and the
 * full-screen fade. Each view defines `quad(…)` (its own projection), `highlightVertex(vi, ii, scale)`,
 * the uniform `P` (with halfX, width, dpr, highlightScale, round and colors) and the `LUT` binding.
 */

/**
 * How trajectories become primitives:
 * - 'instanced': one instance per trajectory, 4 vertices (triangle strip); draw(4, n).
 * - 'list': one non-instanced triangle list, 6 vertices per trajectory (i = vertex_index / 6); draw(6n).
 *   Much faster on SwiftShader, which pays a setup cost per instance.
 * - 'points': point list, one vertex (one device pixel) per trajectory; draw(n). For sub-2-pixel points
 *   on software adapters. The highlight pass then uses 'list'.
 */
export type SpritePrimitive = 'instanced' | 'list' | 'points';

/** Binding numbers of the group-0 resources every sprite view has. */
export interface SpriteBindings { params: number; lut: number; state: number; flags: number; info: number; selection: number }

/**
 * Declarations of the sprite views' common group-0 bindings: the uniform `P` (struct `paramsStruct`), the
 * colour `LUT` (`LUT_N` = lutSize entries), the simulation's `state` (SoA f32), `flags` (bit 1 = diverged),
 * `info` (δ₀ per trajectory) and the `selection` (trajectory indices).
 */
export function spriteBindings(b: SpriteBindings, paramsStruct: string, lutSize: number): string {
  return /* wgsl */ `
const LUT_N: u32 = ${lutSize}u;
@group(0) @binding(${b.params}) var<uniform> P: ${paramsStruct};
@group(0) @binding(${b.lut}) var<uniform> LUT: array<vec4<f32>, LUT_N>;
@group(0) @binding(${b.state}) var<storage, read> state: array<f32>;
@group(0) @binding(${b.flags}) var<storage, read> flags: array<u32>;
@group(0) @binding(${b.info}) var<storage, read> info: array<f32>;
@group(0) @binding(${b.selection}) var<storage, read> selection: array<u32>;`;
}

/** `PointOut`, `corner(v)` (quad corner in [−1, 1]²), `quadVertex(k)` and `lut(t)` (needs `LUT`, `LUT_N`). */
export const spriteBasics = /* wgsl */ `
struct PointOut {
  @builtin(position) pos: vec4f,
  @location(0) color: vec4f,
  @location(1) uv: vec2f,
};

fn corner(v: u32) -> vec2f { return vec2f(f32(v & 1u), f32(v >> 1u)) * 2.0 - 1.0; }
// Strip-order corner of vertex k of a two-triangle quad in a triangle list: (0 1 2)(2 1 3), a nibble table.
fn quadVertex(k: u32) -> u32 { return (0x312210u >> (4u * k)) & 0xfu; }

fn lut(t: f32) -> vec4f { return LUT[u32(clamp(t * f32(LUT_N), 0.0, f32(LUT_N - 1u)))]; }
`;

/** Statements defining `i` (trajectory) and `v` (quad corner) in a vertex shader with inputs `vi`, `ii`. */
export function spriteIndex(primitive: SpritePrimitive): string {
  switch (primitive) {
    case 'instanced': return 'let i = ii;\n  let v = vi;';
    case 'points': return 'let i = vi;\n  let v = 0u;';
    case 'list': return 'let i = vi / 6u;\n  let v = quadVertex(vi % 6u);';
  }
}

/**
 * The head of the `vsPoints` entry point: its signature, `i` and `v` ({@link spriteIndex}) and
 * `diverged` (flag bit 1 of trajectory i); the view writes the body and closes the function.
 */
export function vsPointsHead(primitive: SpritePrimitive): string {
  return `@vertex
fn vsPoints(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> PointOut {
  ${spriteIndex(primitive)}
  let diverged = (flags[i] & 1u) != 0u;`;
}

/** Statements defining `i` (the selected trajectory) and `v` in a highlight vertex shader (never 'points'). */
export function selectionIndex(primitive: SpritePrimitive): string {
  return primitive === 'instanced' ? 'let i = selection[ii];\n  let v = vi;' : 'let i = selection[vi / 6u];\n  let v = quadVertex(vi % 6u);';
}

/** Options of {@link spriteEntryPoints}. */
export interface SpriteEntryOptions {
  /** Index into P.colors of the highlight outline and of the highlight fill. */
  outlineSlot: number;
  highlightSlot: number;
  /** Clip-space z of the full-screen triangle. */
  fullscreenDepth: number;
}

/**
 * Entry points `fsPoints` (round sprites when P.round ≠ 0), `vsHighlightOutline` / `vsHighlight` /
 * `fsHighlight` (dark discs, then smaller amber discs on top, so overlapping selections merge), and
 * `vsFullscreen` / `fsFade` (the trail texture times the blend constant).
 */
export function spriteEntryPoints(o: SpriteEntryOptions): string {
  return /* wgsl */ `
@fragment
fn fsPoints(in: PointOut) -> @location(0) vec4f {
  if (P.round != 0u && dot(in.uv, in.uv) > 1.0) { discard; }
  return vec4f(in.color.rgb, 1.0);
}

@vertex
fn vsHighlightOutline(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> PointOut {
  var o = highlightVertex(vi, ii, P.highlightScale);
  o.color = P.colors[${o.outlineSlot}u];
  return o;
}

@vertex
fn vsHighlight(@builtin(vertex_index) vi: u32, @builtin(instance_index) ii: u32) -> PointOut {
  var o = highlightVertex(vi, ii, max(P.highlightScale - 3.0 * P.dpr / max(P.halfX * P.width, 1e-6), 0.5 * P.highlightScale));
  o.color = P.colors[${o.highlightSlot}u];
  return o;
}

@fragment
fn fsHighlight(in: PointOut) -> @location(0) vec4f {
  if (dot(in.uv, in.uv) > 1.0) { discard; }
  return in.color;
}

@vertex
fn vsFullscreen(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  let p = vec2f(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  return vec4f(p, ${o.fullscreenDepth.toFixed(1)}, 1.0);
}

@fragment
fn fsFade() -> @location(0) vec4f { return vec4f(0.0); }
`;
}
