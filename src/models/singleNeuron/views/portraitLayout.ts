/**
 * Uniform layout of the phase-portrait shaders (shaders/singleNeuron/portrait.wgsl.ts), declared once with the struct
 * helper so host and WGSL agree, plus the pure function that turns the view's settings into the values
 * to pack. No DOM and no GPU: tested in Node.
 */
import { deltaScaleUniforms, type DeltaScale } from '../../../views/deltaScale.ts';
import { defineStruct } from '../../../gpu/struct.ts';
import { MAX_D } from '../layout.ts';
import {
  AXIS_COLOR, BACKGROUND_COLOR, CONTOUR_COLOR, DIVERGED_COLOR, GRID_COLOR, HIGHLIGHT_COLOR, INTERPOLANT_COLOR, MISSING_COLOR,
  parseColor, TARGET_COLOR, type FieldScale,
} from '../../../views/colormaps.ts';
import { clipTransform, type InterpolantGeometry, type ViewMode, type ViewRect } from '../../../views/viewMath.ts';
import { THEME } from '../../../views/theme.ts';

/** Index of each fixed colour in `PortraitParams.colors` (the shader names them by these indices). */
export const COLOR_SLOTS = [
  'diverged', 'highlight', 'background', 'grid', 'axis', 'contour', 'target', 'outline', 'missing', 'interpolant',
] as const;

/** View mode → `PortraitParams.view` code (the shaders switch on it). */
export const VIEW_CODE: Record<ViewMode, number> = { beta: 0, wa: 1, ww: 2 };
/** Colour mode → `PortraitParams.colorBy` code. */
export const COLOR_BY_CODE = { delta: 0, loss: 1, field: 2 } as const;
/**
 * What colours the points: δ₀ (diverging map), log10 excess loss (sequential map), or a per-trajectory
 * field from a GPU buffer (PortraitView.setField; δ while no field is set).
 */
export type ColorBy = keyof typeof COLOR_BY_CODE;
/** Field scale → `PortraitParams.fieldScale` code. */
export const FIELD_SCALE_CODE: Record<FieldScale, number> = { linear: 0, log: 1, category: 2 };
/** Interpolant geometry → `PortraitParams.interpKind` code (0: nothing drawn). */
export const INTERPOLANT_KIND_CODE: Record<InterpolantGeometry['kind'] | 'none', number> = { none: 0, point: 1, line: 2, plane: 3 };

/** Radius of a predicted-limit ring, in CSS pixels (ring ±0.8 px). */
export const LIMIT_MARKER_RADIUS = 3.5;
/** Opacity of the segment from a trajectory's β to its predicted β∞. */
export const LIMIT_SEGMENT_ALPHA = 0.18;

/** Diverged points are drawn this many times larger than the others. */
export const DIVERGED_SCALE = 1.8;
/** Points at least this many device pixels wide are drawn round; smaller ones as squares. */
export const ROUND_MIN_PX = 3;
/** Spacing of the excess-loss contour levels, in decades of log10 E. */
export const CONTOUR_SPACING = 0.5;

/**
 * `struct PortraitParams` (WGSL uniform). Units: clip = world · scale + offset; half sizes in clip units;
 * width/height/dpr in device pixels; gridStep in world units; xx00/xx01/xx11 the top-left 2×2 block of
 * XX and target = β_ols[0..1] (contours, docs/theory.md §1.5); `xx` is XX row-major (d×d) and `betaOls` is
 * β_ols (d), zero-padded (loss colouring); `colors` holds {@link COLOR_SLOTS} as linear RGBA.
 * Field colouring (colorBy 2): value v = field[fieldOffset + i]; fieldScale 0 linear t = (v − lo)·invSpan,
 * 1 log t = (log10 v − log10 lo)·invSpan, 2 category LUT[round(v)] for round(v) < fieldCount.
 * Predicted limits (showLimits = 1): rings of half size limitHalfX/Y (clip units), ring radius and half
 * width in units of that half size, drawn for trajectories i = k·limitStride + hash(k) mod limitStride.
 * Interpolants: interpKind ({@link INTERPOLANT_KIND_CODE}), a point (interpX, interpY) and a unit
 * direction (interpDirX, interpDirY), world units.
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
  { name: 'deltaC', type: 'f32' },
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
  { name: 'fieldScale', type: 'u32' },
  { name: 'fieldOffset', type: 'u32' },
  { name: 'fieldCount', type: 'u32' },
  { name: 'fieldLo', type: 'f32' },
  { name: 'fieldInvSpan', type: 'f32' },
  { name: 'showLimits', type: 'u32' },
  { name: 'limitStride', type: 'u32' },
  { name: 'limitHalfX', type: 'f32' },
  { name: 'limitHalfY', type: 'f32' },
  { name: 'ringRadius', type: 'f32' },
  { name: 'ringHalfWidth', type: 'f32' },
  { name: 'segmentAlpha', type: 'f32' },
  { name: 'interpKind', type: 'u32' },
  { name: 'interpX', type: 'f32' },
  { name: 'interpY', type: 'f32' },
  { name: 'interpDirX', type: 'f32' },
  { name: 'interpDirY', type: 'f32' },
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
  /** The δ colour scale (src/views/deltaScale.ts; its maxAbs wins); absent: linear over ±deltaMaxAbs. */
  deltaColor?: DeltaScale | null;
  /** Excess-loss colour domain [lo, hi], loss units, 0 < lo < hi. */
  lossDomain: [number, number];
  gridStep: number;
  betaOls: readonly number[];
  XX: readonly (readonly number[])[];
  /** The field of colorBy 'field' (null/absent: colorBy 'field' falls back to δ). */
  field?: PortraitFieldUniforms | null;
  /** Predicted limits to draw (only in the 'beta' view); null/absent: none. */
  limits?: { stride: number } | null;
  /** Projected interpolating set (only drawn in the 'beta' view); null/absent: none. */
  interpolants?: InterpolantGeometry | null;
}

/** What the uniforms need of a field: scale, element offset, domain ([lo, hi]; lo > 0 for 'log'), categories. */
export interface PortraitFieldUniforms {
  scale: FieldScale;
  offset: number;
  domain: readonly [number, number];
  /** Number of categories ('category'; else ignored). */
  count: number;
}

/**
 * Subsampling stride of the predicted-limit markers: the smallest s ≥ 1 with ⌈n / s⌉ ≤ budget.
 * @returns s; ⌈n / s⌉ markers are drawn.
 */
export function limitStride(n: number, budget: number): number {
  return Math.max(1, Math.ceil(n / Math.max(1, Math.floor(budget))));
}

/** The 32-bit integer hash of the shader's `hashU` (PCG output permutation of an LCG step). */
export function hashU32(k: number): number {
  const s = (Math.imul(k >>> 0, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> (((s >>> 28) + 4) >>> 0)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/**
 * Trajectory drawn by predicted-limit marker k (as the shader's `limitIndex`): k itself when stride ≤ 1,
 * else k·stride + hash(k) mod stride, one pseudo-random member of each block of `stride` consecutive
 * trajectories (so the sample mixes δ and directions of the ensemble's grid order). May be ≥ n in the
 * last block; the shader skips those.
 */
export function limitSampleIndex(k: number, stride: number): number {
  return stride <= 1 ? k : k * stride + (hashU32(k) % stride);
}

/**
 * Values for packStruct(PORTRAIT_PARAMS, ·). A point is max(1, pointSize·dpr) device pixels wide
 * (so it never falls between pixel centres); highlighted points are max(1.8·that, 7·dpr) px.
 */
export function portraitUniforms(u: PortraitUniformInput): Record<string, number | ArrayLike<number>> {
  const { scale, offset } = clipTransform(u.rect);
  const px = Math.max(1, u.pointSize * THEME.lineScale * u.dpr); // projector mode: thicker (theme.ts)
  const hpx = Math.max(1.8 * px, 7 * u.dpr);
  const xx = new Float64Array(u.d * u.d);
  u.XX.forEach((row, i) => row.forEach((v, j) => { xx[i * u.d + j] = v; }));
  const at = (i: number, j: number) => (i < u.d && j < u.d ? u.XX[i][j] : 0);
  const l0 = Math.log10(u.lossDomain[0]);
  const l1 = Math.log10(u.lossDomain[1]);
  const colors = COLOR_SLOTS.flatMap((slot) => parseColor(({
    diverged: DIVERGED_COLOR, highlight: HIGHLIGHT_COLOR, background: BACKGROUND_COLOR, grid: GRID_COLOR,
    axis: AXIS_COLOR, contour: CONTOUR_COLOR, target: TARGET_COLOR, outline: '#000000', missing: MISSING_COLOR,
    interpolant: INTERPOLANT_COLOR,
  } as const)[slot]));
  const field = u.field ?? null;
  const [f0, f1] = field?.scale === 'log' ? [Math.log10(field.domain[0]), Math.log10(field.domain[1])] : (field?.domain ?? [0, 1]);
  const beta = u.view === 'beta';
  const interp = beta ? u.interpolants ?? null : null;
  const limits = beta ? u.limits ?? null : null;
  const ringPx = LIMIT_MARKER_RADIUS * u.dpr;
  const halfPx = ringPx + 1.5 * u.dpr;
  return {
    n: u.n, view: VIEW_CODE[u.view], colorBy: u.colorBy === 'field' && !field ? COLOR_BY_CODE.delta : COLOR_BY_CODE[u.colorBy],
    round: px >= ROUND_MIN_PX ? 1 : 0,
    scaleX: scale[0], scaleY: scale[1], offsetX: offset[0], offsetY: offset[1],
    halfX: px / u.width, halfY: px / u.height, divergedScale: DIVERGED_SCALE, highlightScale: hpx / px,
    ...deltaScaleUniforms(u.deltaColor ?? { kind: 'linear', maxAbs: u.deltaMaxAbs > 0 ? u.deltaMaxAbs : 1, c: 0 }),
    lossLog0: l0, lossInvSpan: 1 / (l1 - l0 || 1),
    dpr: u.dpr, width: u.width, height: u.height, gridStep: u.gridStep, contourSpacing: CONTOUR_SPACING,
    showContours: u.view === 'beta' ? 1 : 0,
    targetX: u.betaOls[0] ?? 0, targetY: u.betaOls[1] ?? 0, xx00: at(0, 0), xx01: at(0, 1), xx11: at(1, 1),
    fieldScale: FIELD_SCALE_CODE[field?.scale ?? 'linear'], fieldOffset: field?.offset ?? 0,
    fieldCount: field?.scale === 'category' ? field.count : 0, fieldLo: f0, fieldInvSpan: 1 / (f1 - f0 || 1),
    showLimits: limits ? 1 : 0, limitStride: Math.max(1, limits?.stride ?? 1),
    limitHalfX: (2 * halfPx) / u.width, limitHalfY: (2 * halfPx) / u.height,
    ringRadius: ringPx / halfPx, ringHalfWidth: (0.8 * u.dpr) / halfPx,
    segmentAlpha: LIMIT_SEGMENT_ALPHA,
    interpKind: INTERPOLANT_KIND_CODE[interp?.kind ?? 'none'],
    interpX: interp?.point[0] ?? 0, interpY: interp?.point[1] ?? 0,
    interpDirX: interp?.direction[0] ?? 1, interpDirY: interp?.direction[1] ?? 0,
    colors, betaOls: u.betaOls, xx,
  };
}
