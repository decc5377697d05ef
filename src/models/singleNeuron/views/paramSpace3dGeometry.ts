/**
 * Pure geometry of the 3-D parameter-space view (d = 2), in f64, world coordinates (w₁, w₂, a):
 * - the conserved surface η_w a² − η_a‖w‖² = δ (docs/theory.md §1): two sheets (δ > 0), one sheet (δ < 0) or a
 *   double cone (δ = 0), as a triangle mesh plus wireframe polylines;
 * - the curve of global minima for whitened data, a w = β* (two branches, a > 0 and a < 0);
 * - axes through the origin with ticks, and the label anchors;
 * - the segment list the line shader draws (12 floats a segment), and a frame's whole scene ({@link sceneGeometry}).
 * No DOM and no GPU, so the unit tests run in Node.
 */
import { formatTick, niceTicks } from '../../../views/viewMath.ts';

/** Layer learning rates (η_a, η_w), both > 0. */
export interface Rates { a: number; w: number }

/** A polyline: xyz per vertex, 3·k floats. */
export type Polyline = Float64Array;

/** A triangulated surface plus wireframe curves on it. */
export interface SurfaceMesh {
  /**
   * Number of pieces meshed: 2 sheets for δ > 0, 1 for δ < 0, 2 nappes of the cone for δ = 0 (meshed
   * separately so that no triangle spans the apex); 0 when the surface lies outside the cylinder.
   */
  sheets: number;
  /** Triangle list, non-indexed: 9 floats (three xyz vertices) a triangle. */
  triangles: Float64Array;
  /** Wireframe: rings (circles of constant ‖w‖) and meridians, each a polyline on the surface. */
  wire: Polyline[];
}

/** Resolution of {@link conservedSurface}. */
export interface SurfaceResolution {
  /** Samples along a meridian (per sheet), ≥ 2. */
  along: number;
  /** Samples around the a axis, ≥ 3. */
  around: number;
  /** Wireframe rings per sheet (≥ 0) and meridians (≥ 0). */
  rings: number;
  meridians: number;
}

/** Default resolution: 48 × 72 quads a sheet, 8 rings, 16 meridians. */
export const DEFAULT_SURFACE_RESOLUTION: SurfaceResolution = { along: 48, around: 72, rings: 8, meridians: 16 };

/**
 * A meridian of the surface: (r, a) = (‖w‖, a) as a function of one parameter u ∈ [u0, u1], exact:
 * - δ > 0, one per sheet σ = ±1: r = √(δ/η_a) sinh u, a = σ √(δ/η_w) cosh u, u ∈ [0, U];
 * - δ < 0: r = √(−δ/η_a) cosh u, a = √(−δ/η_w) sinh u, u ∈ [−U, U];
 * - δ = 0 (double cone), one per nappe σ = ±1: r = u/√η_a, a = σ u/√η_w, u ∈ [0, U] (apex at u = 0).
 * U is the largest value with r ≤ R and |a| ≤ R (the clipping cylinder).
 * @returns the meridians (none when the surface misses the cylinder).
 */
export function surfaceMeridians(delta: number, rates: Rates, R: number): { u0: number; u1: number; at: (u: number) => [number, number] }[] {
  checkRates(rates);
  if (!(R > 0 && Number.isFinite(R))) throw new RangeError(`surfaceMeridians: extent ${R} must be a positive number.`);
  if (!Number.isFinite(delta)) throw new RangeError(`surfaceMeridians: δ = ${delta} must be finite.`);
  if (delta > 0) {
    const r0 = Math.sqrt(delta / rates.a);
    const a0 = Math.sqrt(delta / rates.w);
    if (a0 > R) return [];
    const U = Math.min(Math.acosh(R / a0), Math.asinh(R / r0));
    return [1, -1].map((sign) => ({ u0: 0, u1: U, at: (u: number): [number, number] => [r0 * Math.sinh(u), sign * a0 * Math.cosh(u)] }));
  }
  if (delta < 0) {
    const r0 = Math.sqrt(-delta / rates.a);
    const a0 = Math.sqrt(-delta / rates.w);
    if (r0 > R) return [];
    const U = Math.min(Math.acosh(R / r0), Math.asinh(R / a0));
    return [{ u0: -U, u1: U, at: (u: number): [number, number] => [r0 * Math.cosh(u), a0 * Math.sinh(u)] }];
  }
  const U = R * Math.min(Math.sqrt(rates.a), Math.sqrt(rates.w));
  return [1, -1].map((sign) => ({ u0: 0, u1: U, at: (u: number): [number, number] => [u / Math.sqrt(rates.a), (sign * u) / Math.sqrt(rates.w)] }));
}

/**
 * `count` parameter values in [u0, u1], from u0 to u1 inclusive, equally spaced in arc length of the
 * meridian (measured on a 1024-segment polyline), so that the mesh is even both near the vertex of a
 * sheet and far from it.
 */
export function arcLengthSamples(at: (u: number) => [number, number], u0: number, u1: number, count: number): number[] {
  const fine = 1024;
  const us = new Float64Array(fine + 1);
  const len = new Float64Array(fine + 1);
  let prev = at(u0);
  for (let k = 0; k <= fine; k++) {
    us[k] = u0 + ((u1 - u0) * k) / fine;
    const p = at(us[k]);
    len[k] = k === 0 ? 0 : len[k - 1] + Math.hypot(p[0] - prev[0], p[1] - prev[1]);
    prev = p;
  }
  const total = len[fine];
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < count; k++) {
    if (k === 0) { out.push(u0); continue; }
    if (k === count - 1) { out.push(u1); continue; }
    const s = (total * k) / (count - 1);
    while (j < fine - 1 && len[j + 1] < s) j++;
    const span = len[j + 1] - len[j];
    out.push(span > 0 ? us[j] + ((us[j + 1] - us[j]) * (s - len[j])) / span : us[j]);
  }
  return out;
}

/**
 * The conserved surface η_w a² − η_a(w₁² + w₂²) = δ inside the cylinder ‖w‖ ≤ R, |a| ≤ R, as a mesh in
 * world coordinates (w₁, w₂, a). Every vertex satisfies the equation exactly up to f64 rounding (the
 * meridians of {@link surfaceMeridians} rotated about the a axis).
 * @param rates η_a, η_w > 0 (unit rates: a² − ‖w‖² = δ).
 * @param R half-size of the scene, > 0.
 * @throws RangeError on a non-finite δ, R ≤ 0, rates ≤ 0 or a resolution out of range.
 */
export function conservedSurface(delta: number, rates: Rates, R: number, res: SurfaceResolution = DEFAULT_SURFACE_RESOLUTION): SurfaceMesh {
  if (!(Number.isInteger(res.along) && res.along >= 2 && Number.isInteger(res.around) && res.around >= 3
    && Number.isInteger(res.rings) && res.rings >= 0 && Number.isInteger(res.meridians) && res.meridians >= 0)) {
    throw new RangeError(`conservedSurface: invalid resolution ${JSON.stringify(res)}.`);
  }
  const meridians = surfaceMeridians(delta, rates, R);
  const { along, around } = res;
  const tris: number[] = [];
  const wire: Polyline[] = [];
  const cos = Array.from({ length: around + 1 }, (_, k) => Math.cos((2 * Math.PI * k) / around));
  const sin = Array.from({ length: around + 1 }, (_, k) => Math.sin((2 * Math.PI * k) / around));
  cos[around] = cos[0];
  sin[around] = sin[0];
  for (const m of meridians) {
    const us = arcLengthSamples(m.at, m.u0, m.u1, along);
    const ra = us.map(m.at);
    const vertex = (i: number, k: number): [number, number, number] => [ra[i][0] * cos[k], ra[i][0] * sin[k], ra[i][1]];
    for (let i = 0; i + 1 < along; i++) {
      for (let k = 0; k < around; k++) {
        const p00 = vertex(i, k);
        const p01 = vertex(i, k + 1);
        const p10 = vertex(i + 1, k);
        const p11 = vertex(i + 1, k + 1);
        if (ra[i][0] > 0) tris.push(...p00, ...p10, ...p01); // skip the degenerate triangle at an apex
        if (ra[i + 1][0] > 0) tris.push(...p01, ...p10, ...p11);
      }
    }
    // Wireframe: rings at equal arc length (skipping an apex of radius 0), meridians at equal angles.
    const ringUs = arcLengthSamples(m.at, m.u0, m.u1, res.rings + 2).slice(1);
    for (const u of ringUs) {
      const [r, a] = m.at(u);
      if (!(r > 0)) continue;
      const ring = new Float64Array(3 * (around + 1));
      for (let k = 0; k <= around; k++) ring.set([r * cos[k], r * sin[k], a], 3 * k);
      wire.push(ring);
    }
    for (let q = 0; q < res.meridians; q++) {
      const phi = (2 * Math.PI * q) / res.meridians;
      const line = new Float64Array(3 * along);
      for (let i = 0; i < along; i++) line.set([ra[i][0] * Math.cos(phi), ra[i][0] * Math.sin(phi), ra[i][1]], 3 * i);
      wire.push(line);
    }
  }
  return { sheets: meridians.length, triangles: new Float64Array(tris), wire };
}

/**
 * η_w a² − η_a‖w‖² − δ at a world point (w₁, w₂, a): the residual of the conserved-surface equation.
 */
export function surfaceResidual(p: ArrayLike<number>, offset: number, delta: number, rates: Rates): number {
  const w1 = p[offset];
  const w2 = p[offset + 1];
  const a = p[offset + 2];
  return rates.w * a * a - rates.a * (w1 * w1 + w2 * w2) - delta;
}

/**
 * The curve of global minima of whitened data (XX = I, Xy = β*, d = 2): {(w, a) : a w = β*}, i.e.
 * w = β* / a, one branch for a > 0 and one for a < 0, inside ‖w‖ ≤ R, |a| ≤ R: |a| runs log-spaced from
 * ‖β*‖ / R to R (`samples` points a branch). Independent of the layer rates (they change the path, not
 * the minima). Empty when ‖β*‖ = 0 (the minima are then the plane a = 0 and the line w = 0) or when
 * ‖β*‖ > R² (the curve misses the scene).
 * @param betaStar length 2.
 * @returns polylines in world coordinates (w₁, w₂, a).
 * @throws RangeError when betaStar does not have 2 finite entries, R ≤ 0 or samples < 2.
 */
export function minimaCurve(betaStar: readonly number[], R: number, samples = 128): Polyline[] {
  if (betaStar.length !== 2 || !betaStar.every(Number.isFinite)) throw new RangeError(`minimaCurve: β* must have 2 finite entries; got [${betaStar.join(', ')}].`);
  if (!(R > 0 && Number.isFinite(R))) throw new RangeError(`minimaCurve: extent ${R} must be a positive number.`);
  if (!(Number.isInteger(samples) && samples >= 2)) throw new RangeError(`minimaCurve: samples ${samples} must be an integer ≥ 2.`);
  const s = Math.hypot(betaStar[0], betaStar[1]);
  if (!(s > 0) || s / R >= R) return [];
  const lo = Math.log(s / R);
  const hi = Math.log(R);
  return [1, -1].map((sign) => {
    const line = new Float64Array(3 * samples);
    for (let k = 0; k < samples; k++) {
      const a = sign * Math.exp(lo + ((hi - lo) * k) / (samples - 1));
      line.set([betaStar[0] / a, betaStar[1] / a, a], 3 * k);
    }
    return line;
  });
}

/**
 * Where the trajectories of one δ end (whitened data): the two points of the minima curve on the
 * conserved surface, a² = A = (δ + √(δ² + 4 η_a η_w ‖β*‖²)) / (2 η_w), w = β* / a, a = ±√A.
 * Empty when ‖β*‖ = 0.
 */
export function surfaceMinima(delta: number, betaStar: readonly number[], rates: Rates): [number, number, number][] {
  checkRates(rates);
  const s2 = betaStar[0] * betaStar[0] + betaStar[1] * betaStar[1];
  if (!(s2 > 0)) return [];
  const A = (delta + Math.sqrt(delta * delta + 4 * rates.a * rates.w * s2)) / (2 * rates.w);
  const a = Math.sqrt(A);
  return [a, -a].map((x) => [betaStar[0] / x, betaStar[1] / x, x]);
}

/** World positions of the axis names and tick labels, and the tick step. */
export interface AxisLabels {
  step: number;
  /** Tick labels: text and world anchor. */
  ticks: { text: string; at: [number, number, number]; axis: 0 | 1 | 2 }[];
  /** Axis names w₁, w₂, a at the positive ends. */
  names: { text: string; at: [number, number, number] }[];
}

/** Axis names of the view, in world-axis order (x, y, z) = (w₁, w₂, a). */
export const AXIS_NAMES = ['w₁', 'w₂', 'a'] as const;

/**
 * Axes through the origin along w₁, w₂ and a from −R to R, with tick marks (length 2 % of R, in the
 * w-plane for the a axis and along a for the w axes) at nice steps (about 4 per half-axis), and the
 * anchors of their labels (0 omitted).
 * @returns `lines`: polylines (two points each), `labels`: see {@link AxisLabels}.
 */
export function axesGeometry(R: number): { lines: Polyline[]; ticks: Polyline[]; labels: AxisLabels } {
  if (!(R > 0 && Number.isFinite(R))) throw new RangeError(`axesGeometry: extent ${R} must be a positive number.`);
  const { step, values } = niceTicks(-R, R, 4);
  const lines: Polyline[] = [];
  const ticks: Polyline[] = [];
  const labels: AxisLabels = { step, ticks: [], names: [] };
  const t = 0.03 * R;
  for (let axis = 0 as 0 | 1 | 2; axis < 3; axis = (axis + 1) as 0 | 1 | 2) {
    const e = (v: number): [number, number, number] => [axis === 0 ? v : 0, axis === 1 ? v : 0, axis === 2 ? v : 0];
    lines.push(new Float64Array([...e(-R), ...e(R)]));
    // Tick marks perpendicular to the axis: along a for the w axes, along w₁ − w₂ diagonal for a.
    const n: [number, number, number] = axis === 2 ? [t / Math.SQRT2, -t / Math.SQRT2, 0] : [0, 0, t];
    for (const v of values) {
      if (v === 0 || Math.abs(v) > R) continue;
      const p = e(v);
      ticks.push(new Float64Array([p[0] - n[0], p[1] - n[1], p[2] - n[2], p[0] + n[0], p[1] + n[1], p[2] + n[2]]));
      labels.ticks.push({ text: formatTick(v, step), at: p, axis });
    }
    labels.names.push({ text: AXIS_NAMES[axis], at: e(1.1 * R) });
  }
  return { lines, ticks, labels };
}

/**
 * Grid lines on the floor a = −R (like matplotlib's 3-D panes): lines of constant w₁ and constant w₂
 * at multiples of `step` within [−R, R], plus the square border.
 */
export function floorGrid(R: number, step: number): Polyline[] {
  const out: Polyline[] = [];
  if (!(R > 0 && step > 0)) return out;
  const vs: number[] = [];
  for (let k = Math.ceil(-R / step); k * step <= R + 1e-12 * R; k++) vs.push(k * step);
  if (vs[0] > -R) vs.unshift(-R);
  if (vs[vs.length - 1] < R) vs.push(R);
  for (const v of vs) {
    out.push(new Float64Array([v, -R, -R, v, R, -R]));
    out.push(new Float64Array([-R, v, -R, R, v, -R]));
  }
  return out;
}

/** Floats per segment in the line buffer: p0 (xyz, width px), p1 (xyz, 0), colour (rgba). */
export const SEGMENT_FLOATS = 12;

/** A batch of polylines drawn in one style. */
export interface LineStyle {
  lines: readonly Polyline[];
  /** Linear RGBA in [0, 1] (alpha multiplies the antialiased coverage). */
  color: readonly [number, number, number, number];
  /** Line width in CSS pixels (the shader multiplies by the device pixel ratio). */
  width: number;
}

/**
 * Packs polylines into the segment buffer of the line shader: segment (p_k, p_{k+1}) of every polyline
 * as [x0, y0, z0, width, x1, y1, z1, 0, r, g, b, a] ({@link SEGMENT_FLOATS} floats).
 * @returns the f32 array and the segment count.
 */
export function packSegments(batches: readonly LineStyle[]): { data: Float32Array; count: number } {
  let count = 0;
  for (const b of batches) for (const l of b.lines) count += Math.max(0, l.length / 3 - 1);
  const data = new Float32Array(Math.max(1, count) * SEGMENT_FLOATS);
  let o = 0;
  for (const b of batches) {
    for (const l of b.lines) {
      for (let k = 0; k + 1 < l.length / 3; k++) {
        data.set([l[3 * k], l[3 * k + 1], l[3 * k + 2], b.width, l[3 * k + 3], l[3 * k + 4], l[3 * k + 5], 0, ...b.color], o);
        o += SEGMENT_FLOATS;
      }
    }
  }
  return { data, count };
}

/** The scene of one frame: segment buffer contents, the surface mesh, and the axis labels. */
export interface SceneGeometry {
  /** Opaque segments (axes, ticks, minima), then translucent ones (floor grid, surface wireframe); SEGMENT_FLOATS each, one spare. */
  segments: Float32Array;
  opaque: number;
  translucent: number;
  /** Surface triangles, xyz per vertex (empty without a surface). */
  triangles: Float32Array;
  labels: AxisLabels;
}

/**
 * Builds the scene for half-size L: axes and ticks (`lineColors.axis`, 1.25 px), the minima curve of β*
 * (`lineColors.minima`, 2.5 px), the floor grid (`lineColors.floor`, 1 px) and, when `surfaceDelta` is
 * set, the conserved surface with its wireframe (`surfaceTint` at alpha 0.22, 1 px). Colours linear RGBA.
 */
export function sceneGeometry(
  L: number, betaStar: readonly number[], rates: Rates, surfaceDelta: number | null,
  lineColors: { axis: LineStyle['color']; minima: LineStyle['color']; floor: LineStyle['color'] }, surfaceTint: LineStyle['color'],
): SceneGeometry {
  const axes = axesGeometry(L);
  const surface = surfaceDelta === null ? null : conservedSurface(surfaceDelta, rates, L);
  const sc = surfaceTint;
  const o = packSegments([
    { lines: axes.lines, color: lineColors.axis, width: 1.25 },
    { lines: axes.ticks, color: lineColors.axis, width: 1.25 },
    { lines: minimaCurve(betaStar, L), color: lineColors.minima, width: 2.5 },
  ]);
  const t = packSegments([
    { lines: floorGrid(L, axes.labels.step), color: lineColors.floor, width: 1 },
    { lines: surface?.wire ?? [], color: [sc[0], sc[1], sc[2], 0.22], width: 1 },
  ]);
  const segments = new Float32Array((o.count + t.count + 1) * SEGMENT_FLOATS);
  segments.set(o.data.subarray(0, o.count * SEGMENT_FLOATS), 0);
  segments.set(t.data.subarray(0, t.count * SEGMENT_FLOATS), o.count * SEGMENT_FLOATS);
  const triangles = surface ? new Float32Array(surface.triangles) : new Float32Array(0);
  return { segments, opaque: o.count, translucent: t.count, triangles, labels: axes.labels };
}

function checkRates(rates: Rates): void {
  if (!(rates.a > 0 && rates.w > 0 && Number.isFinite(rates.a) && Number.isFinite(rates.w))) {
    throw new RangeError(`layer rates must be positive and finite; got η_a = ${rates.a}, η_w = ${rates.w}.`);
  }
}
