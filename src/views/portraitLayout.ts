/**
 * Uniform layout of the phase-portrait shaders (shaders/portrait.wgsl.ts), declared once with the struct
 * helper so host and WGSL agree, plus the pure function that turns the view's settings into the values
 * to pack. No DOM and no GPU: tested in Node.
 */
import { defineStruct } from '../gpu/struct.ts';
import { MAX_D } from '../models/singleNeuron/layout.ts';
import {
  AXIS_COLOR, BACKGROUND_COLOR, CONTOUR_COLOR, DIVERGED_COLOR, GRID_COLOR, HIGHLIGHT_COLOR, parseColor, TARGET_COLOR,
} from './colormaps.ts';
import { clipTransform, type ViewMode, type ViewRect } from './viewMath.ts';

/** Index of each fixed colour in `PortraitParams.colors`. */
export const COLOR_SLOTS = ['diverged', 'highlight', 'background', 'grid', 'axis', 'contour', 'target', 'outline'] as const;

/** View mode → `PortraitParams.view` code (the shaders switch on it). */
export const VIEW_CODE: Record<ViewMode, number> = { beta: 0, wa: 1, ww: 2 };
/** Colour mode → `PortraitParams.colorBy` code. */
export const COLOR_BY_CODE = { delta: 0, loss: 1 } as const;
/** What colours the points: δ₀ (diverging map) or log10 excess loss (sequential map). */
export type ColorBy = keyof typeof COLOR_BY_CODE;

/** Diverged points are drawn this many times larger than the others. */
export const DIVERGED_SCALE = 1.8;
/** Points at least this many device pixels wide are drawn round; smaller ones as squares. */
export const ROUND_MIN_PX = 3;
/** Spacing of the excess-loss contour levels, in decades of log10 E. */
export const CONTOUR_SPACING = 0.5;

/**
 * `struct PortraitParams` (WGSL uniform). Units: clip = world · scale + offset; half sizes in clip units;
 * width/height/dpr in device pixels; gridStep in world units; xx00/xx01/xx11 the top-left 2×2 block of
 * XX and target = β_ols[0..1] (contours, theory.md §1.5); `xx` is XX row-major (d×d) and `betaOls` is
 * β_ols (d), zero-padded (loss colouring); `colors` holds {@link COLOR_SLOTS} as linear RGBA.
 */
export const PORTRAIT_PARAMS = defineStruct('PortraitParams', [
  { name: 'n', type: 'u32' },
  { name: 'view', type: 'u32' },
  { name: 'colorBy', type: 'u32' },
  { name: 'round', type: 'u32' },
  { name: 'scaleX', type: 'f32' },
  { name: 'scaleY', type: 'f32' },
  { name: 'offsetX', type: 'f32' },
  { name: 'offsetY', type: 'f32' },
  { name: 'halfX', type: 'f32' },
  { name: 'halfY', type: 'f32' },
  { name: 'divergedScale', type: 'f32' },
  { name: 'highlightScale', type: 'f32' },
  { name: 'deltaScale', type: 'f32' },
  { name: 'lossLog0', type: 'f32' },
  { name: 'lossInvSpan', type: 'f32' },
  { name: 'dpr', type: 'f32' },
  { name: 'width', type: 'f32' },
  { name: 'height', type: 'f32' },
  { name: 'gridStep', type: 'f32' },
  { name: 'contourSpacing', type: 'f32' },
  { name: 'showContours', type: 'u32' },
  { name: 'targetX', type: 'f32' },
  { name: 'targetY', type: 'f32' },
  { name: 'xx00', type: 'f32' },
  { name: 'xx01', type: 'f32' },
  { name: 'xx11', type: 'f32' },
  { name: 'colors', type: { vec4Array: COLOR_SLOTS.length } },
  { name: 'betaOls', type: { vec4Array: MAX_D / 4 } },
  { name: 'xx', type: { vec4Array: (MAX_D * MAX_D) / 4 } },
]);

/** Everything the portrait uniforms depend on. */
export interface PortraitUniformInput {
  n: number;
  d: number;
  view: ViewMode;
  colorBy: ColorBy;
  rect: ViewRect;
  /** Canvas size in device pixels. */
  width: number;
  height: number;
  dpr: number;
  /** Point diameter in CSS pixels. */
  pointSize: number;
  /** Symmetric δ domain ±deltaMaxAbs (> 0). */
  deltaMaxAbs: number;
  /** Excess-loss colour domain [lo, hi], loss units, 0 < lo < hi. */
  lossDomain: [number, number];
  gridStep: number;
  betaOls: readonly number[];
  XX: readonly (readonly number[])[];
}

/**
 * Values for packStruct(PORTRAIT_PARAMS, ·). A point is max(1, pointSize·dpr) device pixels wide
 * (so it never falls between pixel centres); highlighted points are max(1.8·that, 7·dpr) px.
 */
export function portraitUniforms(u: PortraitUniformInput): Record<string, number | ArrayLike<number>> {
  const { scale, offset } = clipTransform(u.rect);
  const px = Math.max(1, u.pointSize * u.dpr);
  const hpx = Math.max(1.8 * px, 7 * u.dpr);
  const xx = new Float64Array(u.d * u.d);
  u.XX.forEach((row, i) => row.forEach((v, j) => { xx[i * u.d + j] = v; }));
  const at = (i: number, j: number) => (i < u.d && j < u.d ? u.XX[i][j] : 0);
  const l0 = Math.log10(u.lossDomain[0]);
  const l1 = Math.log10(u.lossDomain[1]);
  const colors = COLOR_SLOTS.flatMap((slot) => parseColor(({
    diverged: DIVERGED_COLOR, highlight: HIGHLIGHT_COLOR, background: BACKGROUND_COLOR, grid: GRID_COLOR,
    axis: AXIS_COLOR, contour: CONTOUR_COLOR, target: TARGET_COLOR, outline: '#000000',
  } as const)[slot]));
  return {
    n: u.n, view: VIEW_CODE[u.view], colorBy: COLOR_BY_CODE[u.colorBy], round: px >= ROUND_MIN_PX ? 1 : 0,
    scaleX: scale[0], scaleY: scale[1], offsetX: offset[0], offsetY: offset[1],
    halfX: px / u.width, halfY: px / u.height, divergedScale: DIVERGED_SCALE, highlightScale: hpx / px,
    deltaScale: 0.5 / (u.deltaMaxAbs > 0 ? u.deltaMaxAbs : 1),
    lossLog0: l0, lossInvSpan: 1 / (l1 - l0 || 1),
    dpr: u.dpr, width: u.width, height: u.height, gridStep: u.gridStep, contourSpacing: CONTOUR_SPACING,
    showContours: u.view === 'beta' ? 1 : 0,
    targetX: u.betaOls[0] ?? 0, targetY: u.betaOls[1] ?? 0, xx00: at(0, 0), xx01: at(0, 1), xx11: at(1, 1),
    colors, betaOls: u.betaOls, xx,
  };
}
