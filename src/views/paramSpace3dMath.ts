/**
 * Pure camera maths of the 3-D parameter-space view (src/views/paramSpace3d.ts): a tiny column-major
 * mat4 (no dependency), look-at and perspective matrices in WebGPU conventions, an orbit camera
 * (rotate, zoom, pan) and the scene extent. No DOM and no GPU, so the unit tests run in Node.
 *
 * Conventions:
 * - World coordinates are (x, y, z) = (w₁, w₂, a): the readout a points up (+z), as in the paper's Fig. 2.
 * - Matrices are Float64Array(16), column-major (element (row r, column c) at [4c + r]), acting on
 *   column vectors: clip = P · V · world. This is the memory order WGSL's mat4x4f expects.
 * - Clip space is WebGPU's: x, y ∈ [−1, 1] with +y up, depth z ∈ [0, 1] (0 = near plane).
 * - Pixels have their origin top-left, +y down.
 */

/** A 4×4 matrix, column-major, 16 entries. */
export type Mat4 = Float64Array;
/** A 3-vector. */
export type Vec3 = readonly [number, number, number];

/** The 4×4 identity. */
export function mat4Identity(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/** The product a · b (apply b first). */
export function mat4Multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * k + r] * b[4 * c + k];
      out[4 * c + r] = s;
    }
  }
  return out;
}

/** m · (x, y, z, 1) as [x′, y′, z′, w′] (homogeneous; divide by w′ for a perspective matrix). */
export function transformPoint(m: Mat4, p: Vec3): [number, number, number, number] {
  const [x, y, z] = p;
  return [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
    m[3] * x + m[7] * y + m[11] * z + m[15],
  ];
}

const sub = (a: Vec3, b: Vec3): [number, number, number] => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): [number, number, number] =>
  [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function normalize(v: Vec3): [number, number, number] {
  const l = Math.hypot(v[0], v[1], v[2]);
  return l > 0 ? [v[0] / l, v[1] / l, v[2] / l] : [0, 0, 0];
}

/**
 * Right-handed view matrix: the eye goes to the origin, the direction to `target` to −z, `up` (projected)
 * to +y.
 * @throws Error when eye = target or up is parallel to the viewing direction.
 */
export function lookAt(eye: Vec3, target: Vec3, up: Vec3): Mat4 {
  const f = normalize(sub(target, eye));
  const s = normalize(cross(f, up));
  if (!(Math.hypot(...f) > 0) || !(Math.hypot(...s) > 0)) {
    throw new Error(`lookAt: degenerate camera (eye ${eye.join(',')}, target ${target.join(',')}, up ${up.join(',')})`);
  }
  const u = cross(s, f);
  const m = new Float64Array(16);
  m[0] = s[0]; m[4] = s[1]; m[8] = s[2]; m[12] = -dot(s, eye);
  m[1] = u[0]; m[5] = u[1]; m[9] = u[2]; m[13] = -dot(u, eye);
  m[2] = -f[0]; m[6] = -f[1]; m[10] = -f[2]; m[14] = dot(f, eye);
  m[15] = 1;
  return m;
}

/**
 * Perspective projection for a right-handed view space (camera looks down −z) into WebGPU clip space:
 * view depth −near → clip depth 0, −far → 1.
 * @param fovY vertical field of view in radians, in (0, π).
 * @param aspect width / height (> 0).
 * @throws Error unless 0 < near < far and the other arguments are in range.
 */
export function perspective(fovY: number, aspect: number, near: number, far: number): Mat4 {
  if (!(fovY > 0 && fovY < Math.PI && aspect > 0 && near > 0 && far > near && Number.isFinite(far))) {
    throw new Error(`perspective: invalid arguments fovY ${fovY}, aspect ${aspect}, near ${near}, far ${far}`);
  }
  const f = 1 / Math.tan(fovY / 2);
  const m = new Float64Array(16);
  m[0] = f / aspect;
  m[5] = f;
  m[10] = far / (near - far);
  m[11] = -1;
  m[14] = (near * far) / (near - far);
  return m;
}

/**
 * An orbit camera around `target`: the eye sits at distance `distance` in the direction
 * (cos el · cos az, cos el · sin az, sin el) from the target, with +z (the a axis) up.
 */
export interface OrbitCamera {
  /** The point looked at and orbited, world units (w₁, w₂, a). */
  target: [number, number, number];
  /** Azimuth about the a axis, radians, measured from +w₁ towards +w₂. */
  azimuth: number;
  /** Elevation above the w-plane, radians, |el| ≤ {@link MAX_ELEVATION}. */
  elevation: number;
  /** Eye–target distance, world units (> 0). */
  distance: number;
  /** Vertical field of view, radians. */
  fovY: number;
}

/** Elevation limit (just under 90°, so the up vector never aligns with the viewing direction). */
export const MAX_ELEVATION = Math.PI / 2 - 1e-3;
/** Default azimuth, −60° (matplotlib's 3-D default, as in the paper's figures). */
export const DEFAULT_AZIMUTH = (-60 * Math.PI) / 180;
/** Default elevation, 25° (matplotlib uses 30°; a little lower shows the two sheets of δ > 0 apart). */
export const DEFAULT_ELEVATION = (25 * Math.PI) / 180;
/** Default vertical field of view: 30°. */
export const DEFAULT_FOV_Y = Math.PI / 6;
/** Radians of orbit per CSS pixel dragged, relative to the canvas height (a full-height drag = 180°). */
export const ROTATE_RADIANS_PER_HEIGHT = Math.PI;
/** Zoom limit: the eye–target distance is at least this × the scene extent. */
export const MIN_DISTANCE_PER_EXTENT = 0.05;
/** Zoom limit: the eye–target distance is at most this × the scene extent. */
export const MAX_DISTANCE_PER_EXTENT = 200;

/** Fraction of the half-width and half-height of the canvas the default camera fills with the scene cube. */
export const DEFAULT_FILL = 0.92;

/**
 * The camera that frames the cube [−extent, extent]³ from the default direction: the closest distance
 * (found by bisection) at which all eight corners project inside ±{@link DEFAULT_FILL} of the canvas
 * for the given aspect (width / height).
 */
export function defaultCamera(extent: number, aspect = 1): OrbitCamera {
  const base: OrbitCamera = { target: [0, 0, 0], azimuth: DEFAULT_AZIMUTH, elevation: DEFAULT_ELEVATION, distance: 1, fovY: DEFAULT_FOV_Y };
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
  const fits = (distance: number): boolean => {
    const c = { ...base, distance };
    const view = lookAt(cameraEye(c), c.target, [0, 0, 1]);
    const f = 1 / Math.tan(c.fovY / 2);
    for (let k = 0; k < 8; k++) {
      const [x, y, z] = transformPoint(view, [k & 1 ? extent : -extent, k & 2 ? extent : -extent, k & 4 ? extent : -extent]);
      if (!(z < 0)) return false;
      if (Math.abs((f * x) / (a * -z)) > DEFAULT_FILL || Math.abs((f * y) / -z) > DEFAULT_FILL) return false;
    }
    return true;
  };
  let lo = extent;
  let hi = 1000 * extent;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(lo * hi);
    if (fits(mid)) hi = mid; else lo = mid;
  }
  return { ...base, distance: hi };
}

/** The eye position of an orbit camera. */
export function cameraEye(c: OrbitCamera): [number, number, number] {
  const ce = Math.cos(c.elevation);
  return [
    c.target[0] + c.distance * ce * Math.cos(c.azimuth),
    c.target[1] + c.distance * ce * Math.sin(c.azimuth),
    c.target[2] + c.distance * Math.sin(c.elevation),
  ];
}

/** View, projection and their product for a camera on a canvas of the given aspect, plus the depth range. */
export interface CameraMatrices {
  view: Mat4;
  proj: Mat4;
  /** proj · view: world → clip. */
  viewProj: Mat4;
  eye: [number, number, number];
  near: number;
  far: number;
}

/**
 * Matrices of `c` for a canvas of aspect width/height. The depth range covers a sphere of radius
 * 8·extent around the origin (where diverged points are pinned) and the target: near =
 * max(distance/1000, eye-to-sphere distance), far = eye-to-sphere far side.
 */
export function cameraMatrices(c: OrbitCamera, aspect: number, extent: number): CameraMatrices {
  const eye = cameraEye(c);
  const view = lookAt(eye, c.target, [0, 0, 1]);
  const r = 8 * extent + Math.hypot(...c.target);
  const d0 = Math.hypot(...eye);
  const near = Math.max(c.distance / 1000, d0 - r);
  const far = Math.max(d0 + r, near * 2, c.distance * 2);
  const proj = perspective(c.fovY, aspect, near, far);
  return { view, proj, viewProj: mat4Multiply(proj, view), eye, near, far };
}

/**
 * Orbits by a drag of (dx, dy) CSS pixels on a canvas `height` CSS pixels tall: dragging right turns
 * the scene to the right (azimuth decreases), dragging down tilts the top towards the viewer (elevation
 * increases). Elevation is clamped to ±{@link MAX_ELEVATION}; azimuth is wrapped to (−π, π].
 */
export function orbitRotate(c: OrbitCamera, dx: number, dy: number, height: number): OrbitCamera {
  const k = ROTATE_RADIANS_PER_HEIGHT / Math.max(height, 1);
  let az = c.azimuth - dx * k;
  az = az - 2 * Math.PI * Math.ceil((az - Math.PI) / (2 * Math.PI));
  const el = Math.min(MAX_ELEVATION, Math.max(-MAX_ELEVATION, c.elevation + dy * k));
  return { ...c, target: [...c.target], azimuth: az, elevation: el };
}

/**
 * Zooms by `factor` (> 1 moves away): distance × factor, clamped to
 * [{@link MIN_DISTANCE_PER_EXTENT}, {@link MAX_DISTANCE_PER_EXTENT}] × extent.
 */
export function orbitZoom(c: OrbitCamera, factor: number, extent: number): OrbitCamera {
  const f = factor > 0 && Number.isFinite(factor) ? factor : 1;
  const distance = Math.min(MAX_DISTANCE_PER_EXTENT * extent, Math.max(MIN_DISTANCE_PER_EXTENT * extent, c.distance * f));
  return { ...c, target: [...c.target], distance };
}

/**
 * The camera's unit right and up vectors in world coordinates (right × up = −viewing direction).
 */
export function cameraBasis(c: OrbitCamera): { right: [number, number, number]; up: [number, number, number] } {
  const ce = Math.cos(c.elevation);
  const se = Math.sin(c.elevation);
  const ca = Math.cos(c.azimuth);
  const sa = Math.sin(c.azimuth);
  return { right: [-sa, ca, 0], up: [-se * ca, -se * sa, ce] };
}

/**
 * Pans by a drag of (dx, dy) CSS pixels on a canvas `height` CSS pixels tall: the target moves in the
 * camera's right/up plane so that the scene at the target's depth follows the pointer.
 */
export function orbitPan(c: OrbitCamera, dx: number, dy: number, height: number): OrbitCamera {
  const perPx = (2 * c.distance * Math.tan(c.fovY / 2)) / Math.max(height, 1);
  const { right, up } = cameraBasis(c);
  const mx = -dx * perPx;
  const my = dy * perPx;
  const target: [number, number, number] = [
    c.target[0] + mx * right[0] + my * up[0],
    c.target[1] + mx * right[1] + my * up[1],
    c.target[2] + mx * right[2] + my * up[2],
  ];
  return { ...c, target };
}

/**
 * Projects a world point to pixels on a width × height canvas.
 * @returns [px, py, depth] (depth in [0, 1] inside the frustum), or null when the point is behind the
 *   near plane.
 */
export function projectToPixel(viewProj: Mat4, p: Vec3, width: number, height: number): [number, number, number] | null {
  const [x, y, z, w] = transformPoint(viewProj, p);
  if (!(w > 0) || z < 0) return null;
  return [((x / w + 1) / 2) * width, ((1 - y / w) / 2) * height, z / w];
}

/**
 * Half-size of the scene cube [−L, L]³: the largest |a| and ‖w‖ reached on the conserved surfaces of
 * δ ∈ deltaRange at ‖β‖ ≤ b = max(1.5, ‖β*‖) (with rates: √η_w a and √η_a w satisfy the unit-rate
 * relations with ‖β̃‖ = √(η_a η_w) b), padded by 10 % and rounded up to a multiple of a nice step.
 * Unit rates: a² = (δ + √(δ² + 4b²))/2, ‖w‖² = a² − δ.
 */
export function sceneExtent(deltaRange: readonly [number, number], betaStar: readonly number[], rates: { a: number; w: number }): number {
  const b = Math.max(1.5, Math.hypot(...betaStar)) * Math.sqrt(rates.a * rates.w);
  let m = 0;
  for (const delta of deltaRange) {
    const A = (delta + Math.hypot(delta, 2 * b)) / 2; // ã² on the surface, unit rates
    m = Math.max(m, Math.sqrt(A / rates.w), Math.sqrt((A - delta) / rates.a));
  }
  const raw = 1.1 * (Number.isFinite(m) && m > 0 ? m : 1);
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = raw / p < 2 ? p / 4 : raw / p < 5 ? p / 2 : p;
  return Math.ceil(raw / step) * step;
}
