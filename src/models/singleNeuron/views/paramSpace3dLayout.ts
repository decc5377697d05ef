/**
 * Uniform layout of the 3-D parameter-space shaders (shaders/singleNeuron/paramSpace3d.wgsl.ts), declared once with the
 * struct helper so host and WGSL agree, and the pure function that turns the view's settings into the
 * values to pack. No DOM and no GPU: tested in Node.
 */
import { deltaScaleT, deltaScaleUniforms, type DeltaScale } from '../../../views/deltaScale.ts';
import { defineStruct } from '../../../gpu/struct.ts';
import {
  AXIS_COLOR, BACKGROUND_COLOR, deltaInterpolator, deltaToT, DIVERGED_COLOR, HIGHLIGHT_COLOR, parseColor, TARGET_COLOR,
} from '../../../views/colormaps.ts';
import type { Mat4 } from '../../../views/paramSpace3dMath.ts';
import { THEME } from '../../../views/theme.ts';

/** Index of each fixed colour in `ParamSpace3DParams.colors` (linear RGBA). */
export const COLOR_SLOTS_3D = ['diverged', 'highlight', 'outline', 'background', 'surface'] as const;

/** Diverged points are drawn this many times larger than the others (as in the portrait). */
export const DIVERGED_SCALE_3D = 1.8;
/** Points at least this many device pixels wide are drawn round; smaller ones as squares. */
export const ROUND_MIN_PX_3D = 3;
/** Peak opacity of the conserved surface (at grazing angles; face-on it is about a third of this). */
export const SURFACE_ALPHA = 0.3;
/** How far points fade towards the background at the back of the scene (0 = no depth cue). */
export const DEPTH_FADE = 0.45;

/**
 * `struct ParamSpace3DParams` (WGSL uniform).
 * - viewProj: world → clip, column-major (4 vec4 columns); eye: camera position (xyz) and the scene
 *   half-size L (w).
 * - halfX, halfY: a point's half-size in NDC units (device pixels / canvas size); width, height, dpr in
 *   device pixels.
 * - fadeNear, fadeInvSpan: depth cue, fade = clamp((|p − eye| − fadeNear)·fadeInvSpan, 0, 1)·DEPTH_FADE.
 * - etaA, etaW: layer rates (the surface normal ∝ (−η_a w₁, −η_a w₂, η_w a)).
 */
export const PARAMS_3D = defineStruct('ParamSpace3DParams', [
  { name: 'viewProj', type: { vec4Array: 4 } },
  { name: 'eye', type: { vec4Array: 1 } },
  { name: 'colors', type: { vec4Array: COLOR_SLOTS_3D.length } },
  { name: 'n', type: 'u32' },
  { name: 'round', type: 'u32' },
  { name: 'halfX', type: 'f32' },
  { name: 'halfY', type: 'f32' },
  { name: 'divergedScale', type: 'f32' },
  { name: 'highlightScale', type: 'f32' },
  { name: 'deltaScale', type: 'f32' },
  { name: 'deltaC', type: 'f32' },
  { name: 'dpr', type: 'f32' },
  { name: 'width', type: 'f32' },
  { name: 'height', type: 'f32' },
  { name: 'fadeNear', type: 'f32' },
  { name: 'fadeInvSpan', type: 'f32' },
  { name: 'depthFade', type: 'f32' },
  { name: 'etaA', type: 'f32' },
  { name: 'etaW', type: 'f32' },
  { name: 'surfaceAlpha', type: 'f32' },
]);

/** Everything the 3-D view's uniforms depend on. */
export interface Uniform3DInput {
  n: number;
  viewProj: Mat4;
  eye: readonly [number, number, number];
  /** Eye–target distance. */
  distance: number;
  /** Scene half-size L. */
  extent: number;
  /** Canvas size in device pixels. */
  width: number;
  height: number;
  dpr: number;
  /** Point diameter in CSS pixels. */
  pointSize: number;
  /** Symmetric δ colour domain ±deltaMaxAbs (> 0). */
  deltaMaxAbs: number;
  /** The δ colour scale (src/views/deltaScale.ts; its maxAbs wins); absent: linear over ±deltaMaxAbs. */
  deltaColor?: DeltaScale | null;
  rates: { a: number; w: number };
  /** Linear RGBA of the conserved surface (the δ colour of the selected δ). */
  surfaceColor: readonly [number, number, number, number];
}

/**
 * Values for packStruct(PARAMS_3D, ·). A point is max(1, pointSize·dpr) device pixels wide; highlighted
 * points max(1.8·that, 7·dpr). The depth cue spans the scene's bounding sphere (radius √3·L) around the
 * target distance.
 */
export function uniforms3d(u: Uniform3DInput): Record<string, number | ArrayLike<number>> {
  const px = Math.max(1, u.pointSize * THEME.lineScale * u.dpr); // projector mode: thicker (theme.ts)
  const hpx = Math.max(1.8 * px, 7 * u.dpr);
  const radius = Math.sqrt(3) * u.extent;
  const colors = COLOR_SLOTS_3D.flatMap((slot) => (slot === 'surface' ? [...u.surfaceColor] : parseColor(({
    diverged: DIVERGED_COLOR, highlight: HIGHLIGHT_COLOR, outline: '#000000', background: BACKGROUND_COLOR,
  } as const)[slot])));
  return {
    viewProj: u.viewProj, eye: [...u.eye, u.extent], colors,
    n: u.n, round: px >= ROUND_MIN_PX_3D ? 1 : 0, halfX: px / u.width, halfY: px / u.height,
    divergedScale: DIVERGED_SCALE_3D, highlightScale: hpx / px,
    ...deltaScaleUniforms(u.deltaColor ?? { kind: 'linear', maxAbs: u.deltaMaxAbs > 0 ? u.deltaMaxAbs : 1, c: 0 }),
    dpr: u.dpr, width: u.width, height: u.height,
    fadeNear: u.distance - radius, fadeInvSpan: 1 / (2 * radius), depthFade: DEPTH_FADE,
    etaA: u.rates.a, etaW: u.rates.w, surfaceAlpha: SURFACE_ALPHA,
  };
}

/** Colours of the scene lines, linear RGBA. */
export const LINE_COLORS = {
  /** The axes, in the active theme (src/views/theme.ts). */
  get axis() { return parseColor(AXIS_COLOR).slice(0, 3).concat(1) as [number, number, number, number]; },
  /** The line of global minima a w = β*, the theme's target colour. */
  get minima() { return parseColor(TARGET_COLOR).slice(0, 3).concat(1) as [number, number, number, number]; },
  floor: [0.36, 0.4, 0.48, 0.35] as [number, number, number, number],
};

/**
 * Tint of the conserved surface of δ (linear RGBA): the point colour of δ in the domain ±deltaMaxAbs (or on
 * the δ colour scale `scale`), lightened (0.35 + 0.65·c) so that the surface reads as a veil, not as points;
 * white when no surface.
 */
export function surfaceTint(delta: number | null, deltaMaxAbs: number, scale?: DeltaScale): [number, number, number, number] {
  if (delta === null) return [1, 1, 1, 1];
  const c = parseColor(deltaInterpolator(scale ? deltaScaleT(delta, scale) : deltaToT(delta, deltaMaxAbs)));
  return [0.35 + 0.65 * c[0], 0.35 + 0.65 * c[1], 0.35 + 0.65 * c[2], 1];
}
