/**
 * Pure view maths of the phase portrait: world ↔ clip transforms, aspect fitting, pan/zoom, the initial
 * view of each projection, nice ticks, and reading a trajectory's 2-D position from the SoA state.
 * No DOM and no GPU, so the unit tests run in Node.
 *
 * Conventions: a view rect is in world units (β for 'beta', (w₁, a) for 'wa', (w₁, w₂) for 'ww'); clip
 * space is WebGPU's, x and y in [−1, 1] with +y up; pixels have +y down.
 */

/** Visible world rectangle. Invariant: xMin < xMax, yMin < yMax. */
export interface ViewRect { xMin: number; xMax: number; yMin: number; yMax: number }

/** Which 2-D projection of θ = (a, w) the portrait shows (design of issue "portrait"). */
export type ViewMode = 'beta' | 'wa' | 'ww';

/** Axis names of each projection (x, y), for labels. */
export const VIEW_AXES: Record<ViewMode, [string, string]> = {
  beta: ['β₁ = a w₁', 'β₂ = a w₂'],
  wa: ['w₁', 'a'],
  ww: ['w₁', 'w₂'],
};

/** World → clip: [2(x − xMin)/(xMax − xMin) − 1, 2(y − yMin)/(yMax − yMin) − 1]. */
export function worldToClip(rect: ViewRect, x: number, y: number): [number, number] {
  return [(2 * (x - rect.xMin)) / (rect.xMax - rect.xMin) - 1, (2 * (y - rect.yMin)) / (rect.yMax - rect.yMin) - 1];
}

/** Clip → world, the inverse of {@link worldToClip}. */
export function clipToWorld(rect: ViewRect, cx: number, cy: number): [number, number] {
  return [rect.xMin + ((cx + 1) / 2) * (rect.xMax - rect.xMin), rect.yMin + ((cy + 1) / 2) * (rect.yMax - rect.yMin)];
}

/**
 * The affine map world → clip as per-axis scale and offset: clip = world · scale + offset (what the
 * shaders take as uniforms).
 */
export function clipTransform(rect: ViewRect): { scale: [number, number]; offset: [number, number] } {
  const sx = 2 / (rect.xMax - rect.xMin);
  const sy = 2 / (rect.yMax - rect.yMin);
  return { scale: [sx, sy], offset: [-1 - rect.xMin * sx, -1 - rect.yMin * sy] };
}

/** Pixel (CSS or device, origin top-left, +y down) → clip, for a canvas of width × height pixels. */
export function pixelToClip(px: number, py: number, width: number, height: number): [number, number] {
  return [(2 * px) / width - 1, 1 - (2 * py) / height];
}

/**
 * Grows `rect` about its centre (never shrinks it) so that its aspect equals width/height pixels, i.e.
 * world units per pixel are the same on both axes ("contain" fit).
 * @throws Error when width or height is not positive or the rect is empty.
 */
export function fitRect(rect: ViewRect, width: number, height: number): ViewRect {
  if (!(width > 0 && height > 0)) throw new Error(`fitRect: canvas size ${width}×${height} must be positive`);
  const w = rect.xMax - rect.xMin;
  const h = rect.yMax - rect.yMin;
  if (!(w > 0 && h > 0)) throw new Error(`fitRect: empty rect ${JSON.stringify(rect)}`);
  const perPx = Math.max(w / width, h / height);
  return centredRect((rect.xMin + rect.xMax) / 2, (rect.yMin + rect.yMax) / 2, perPx * width, perPx * height);
}

/** The rect of size w × h centred at (cx, cy). */
export function centredRect(cx: number, cy: number, w: number, h: number): ViewRect {
  return { xMin: cx - w / 2, xMax: cx + w / 2, yMin: cy - h / 2, yMax: cy + h / 2 };
}

/**
 * Zooms about a world anchor that stays fixed on screen: every edge moves towards (factor < 1, zoom in)
 * or away from (factor > 1) the anchor by `factor`.
 */
export function zoomRect(rect: ViewRect, ax: number, ay: number, factor: number): ViewRect {
  return {
    xMin: ax + (rect.xMin - ax) * factor, xMax: ax + (rect.xMax - ax) * factor,
    yMin: ay + (rect.yMin - ay) * factor, yMax: ay + (rect.yMax - ay) * factor,
  };
}

/** Shifts the rect by (dx, dy) world units. */
export function panRect(rect: ViewRect, dx: number, dy: number): ViewRect {
  return { xMin: rect.xMin + dx, xMax: rect.xMax + dx, yMin: rect.yMin + dy, yMax: rect.yMax + dy };
}

/**
 * Keeps the centre and the world units per pixel when the canvas changes from (w0, h0) to (w1, h1)
 * pixels, so a window resize shows more or less of the plane instead of rescaling it.
 */
export function resizeRect(rect: ViewRect, w0: number, h0: number, w1: number, h1: number): ViewRect {
  const sx = (rect.xMax - rect.xMin) / w0;
  const sy = (rect.yMax - rect.yMin) / h0;
  return centredRect((rect.xMin + rect.xMax) / 2, (rect.yMin + rect.yMax) / 2, sx * w1, sy * h1);
}

/**
 * The rect that holds the initial cloud and the target, before aspect fitting (docs/theory.md §1: a² and
 * ‖w‖² follow from ‖β‖ and δ as a² = (δ + √(δ² + 4‖β‖²))/2, ‖w‖² = a² − δ).
 * - 'beta': [−1.5, 1.5]² ∪ ±|β_ols| (first two coordinates), padded by 10 %.
 * - 'wa' / 'ww': the largest |a| and ‖w‖ reached by ‖β‖ ≤ b = max(1.5, ‖β_ols‖) over δ ∈ deltaRange,
 *   symmetric about 0, padded by 10 %.
 * @param betaOls length d ≥ 1. @param deltaRange [δmin, δmax] of the ensemble.
 */
export function defaultViewRect(mode: ViewMode, betaOls: readonly number[], deltaRange: readonly [number, number]): ViewRect {
  const pad = 1.1;
  if (mode === 'beta') {
    const r = Math.max(1.5, Math.abs(betaOls[0] ?? 0), Math.abs(betaOls[1] ?? 0)) * pad;
    return { xMin: -r, xMax: r, yMin: -r, yMax: r };
  }
  const b = Math.max(1.5, Math.hypot(...betaOls));
  const dMax = Math.max(deltaRange[0], deltaRange[1]);
  const dMin = Math.min(deltaRange[0], deltaRange[1]);
  const aMax = Math.sqrt((dMax + Math.hypot(dMax, 2 * b)) / 2);
  const wMax = Math.sqrt((-dMin + Math.hypot(dMin, 2 * b)) / 2);
  const ry = (mode === 'wa' ? aMax : wMax) * pad;
  const rx = wMax * pad;
  return { xMin: -rx, xMax: rx, yMin: -ry, yMax: ry };
}

/**
 * "Nice" tick positions (1, 2 or 5 × 10^k apart) covering [min, max] with about `count` ticks.
 * @returns step and the tick values inside [min, max], ascending; exact multiples of step (rounded to
 *   remove float noise).
 */
export function niceTicks(min: number, max: number, count: number): { step: number; values: number[] } {
  const span = max - min;
  if (!(span > 0) || !(count > 0)) return { step: 1, values: [] };
  const raw = span / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  const step = (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  const values: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max; k++) values.push(Number((k * step).toPrecision(12)));
  return { step, values };
}

/** Formats a tick value with just enough decimals for `step` ("−0.5", "2", "1e-4"). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) {
    const digits = Math.max(0, Math.floor(Math.log10(a) + 1e-9) - Math.floor(Math.log10(step) + 1e-9));
    return v.toExponential(Math.min(digits, 6)).replace(/-/g, '−');
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(decimals).replace(/-/g, '−');
}

/**
 * Position of trajectory i in a projection, from the SoA state (component c of trajectory i at c·n + i;
 * c = 0 is a, c = 1 + j is w_j; a component with j ≥ d reads as 0).
 * - 'beta': (a w₁, a w₂); 'wa': (w₁, a); 'ww': (w₁, w₂).
 */
export function projectTrajectory(mode: ViewMode, state: ArrayLike<number>, n: number, d: number, i: number): [number, number] {
  const a = state[i];
  const w1 = state[n + i];
  const w2 = d >= 2 ? state[2 * n + i] : 0;
  if (mode === 'beta') return [a * w1, a * w2];
  if (mode === 'wa') return [w1, a];
  return [w1, w2];
}

/** β = a w of trajectory i from the SoA state, length d. */
export function betaOf(state: ArrayLike<number>, n: number, d: number, i: number): number[] {
  const a = state[i];
  return Array.from({ length: d }, (_, j) => a * state[(1 + j) * n + i]);
}

/**
 * Log-spaced contour levels used by the background shader: log10 E ∈ {k · spacing : k ∈ ℤ}.
 * Exposed so the legend/tests can list the levels inside [lo, hi] (loss units, lo > 0).
 */
export function contourLevels(lo: number, hi: number, spacing = 0.5): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(Math.log10(lo) / spacing); k * spacing <= Math.log10(hi) + 1e-12; k++) out.push(10 ** (k * spacing));
  return out;
}

/**
 * What the affine set of interpolating solutions {β_ols + Σ_k c_k v_k : c ∈ ℝᵏ} (docs/theory.md §1.5) looks
 * like after projection onto the first two coordinates (β₁, β₂) (a component j ≥ d reads as 0):
 * - 'point': no null direction projects to a non-zero vector (full-rank XX, or a null space orthogonal to
 *   the β₁β₂ plane): the set projects to `point`;
 * - 'line': the projections span one direction: the line `point + s·direction`, s ∈ ℝ;
 * - 'plane': they span ℝ², so the projection is the whole plane (the view then tints the plane and says so).
 * `point` is always the projection of β_ols; `direction` is a unit vector with direction[0] ≥ 0 ([1, 0]
 * unless 'line').
 */
export interface InterpolantGeometry {
  kind: 'point' | 'line' | 'plane';
  point: [number, number];
  direction: [number, number];
}

/** Relative singular-value threshold of {@link projectInterpolants}. */
export const INTERPOLANT_REL_TOL = 1e-6;

/**
 * Projects the interpolating set onto (β₁, β₂): the rank of the 2×k matrix A of projected null vectors
 * decides (singular values of A from the 2×2 Gram matrix A Aᵀ; σ counts when σ > relTol·‖V‖_F, with
 * V the unprojected basis). The basis need not be orthonormal, only spanning.
 * @param betaOls β_ols (length d ≥ 1). @param nullBasis k ≥ 0 vectors of length d spanning null(XX).
 * @throws RangeError on a length mismatch or a non-finite entry.
 */
export function projectInterpolants(
  betaOls: readonly number[], nullBasis: readonly (readonly number[])[], relTol = INTERPOLANT_REL_TOL,
): InterpolantGeometry {
  const d = betaOls.length;
  if (d < 1 || !betaOls.every(Number.isFinite)) throw new RangeError(`projectInterpolants: betaOls must be d ≥ 1 finite numbers, got [${betaOls.join(', ')}].`);
  let gxx = 0, gxy = 0, gyy = 0, ref = 0;
  nullBasis.forEach((v, k) => {
    if (v.length !== d || !v.every(Number.isFinite)) throw new RangeError(`projectInterpolants: null vector ${k} must be ${d} finite numbers.`);
    const x = v[0];
    const y = d >= 2 ? v[1] : 0;
    gxx += x * x; gxy += x * y; gyy += y * y;
    for (const c of v) ref += c * c;
  });
  const point: [number, number] = [betaOls[0], d >= 2 ? betaOls[1] : 0];
  const half = (gxx + gyy) / 2;
  const l1 = half + Math.hypot((gxx - gyy) / 2, gxy);
  const l2 = l1 > 0 ? Math.max(0, gxx * gyy - gxy * gxy) / l1 : 0;
  const tol2 = relTol * relTol * ref;
  if (!(ref > 0) || !(l1 > tol2)) return { kind: 'point', point, direction: [1, 0] };
  if (l2 > tol2) return { kind: 'plane', point, direction: [1, 0] };
  // Eigenvector of the Gram matrix for l1 (two algebraically equal forms; take the better-conditioned).
  const ex: [number, number] = gxx >= gyy ? [l1 - gyy, gxy] : [gxy, l1 - gxx];
  const len = Math.hypot(ex[0], ex[1]);
  const direction: [number, number] = len > 0 ? [ex[0] / len, ex[1] / len] : [gxx >= gyy ? 1 : 0, gxx >= gyy ? 0 : 1];
  if (direction[0] < 0 || (direction[0] === 0 && direction[1] < 0)) { direction[0] = -direction[0]; direction[1] = -direction[1]; }
  return { kind: 'line', point, direction };
}
