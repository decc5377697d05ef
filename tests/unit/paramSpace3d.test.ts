/**
 * Pure parts of the 3-D parameter-space view: camera maths (mat4, look-at, perspective, orbit), the
 * conserved-surface and minima-curve generators, axes, segment packing and the uniform packing.
 * Tolerances: generators are f64, so every vertex satisfies its equation to 1e-6 absolute with a wide
 * margin (the residuals are ~1e-14); camera identities hold to 1e-9.
 */
import { describe, expect, it } from 'vitest';
import { packStruct } from '../../src/gpu/struct.ts';
import {
  arcLengthSamples, axesGeometry, conservedSurface, floorGrid, minimaCurve, packSegments, SEGMENT_FLOATS,
  surfaceMeridians, surfaceMinima, surfaceResidual,
} from '../../src/models/singleNeuron/views/paramSpace3dGeometry.ts';
import { isPanDrag } from '../../src/models/singleNeuron/views/paramSpace3dInput.ts';
import { PARAMS_3D, uniforms3d } from '../../src/models/singleNeuron/views/paramSpace3dLayout.ts';
import {
  cameraBasis, cameraEye, cameraMatrices, DEFAULT_FILL, defaultCamera, lookAt, mat4Identity, mat4Multiply, MAX_ELEVATION,
  orbitPan, orbitRotate, orbitZoom, perspective, projectToPixel, sceneExtent, transformPoint, type OrbitCamera,
} from '../../src/views/paramSpace3dMath.ts';

const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);
const vertices = (f: Float64Array) => Array.from({ length: f.length / 3 }, (_, k) => [f[3 * k], f[3 * k + 1], f[3 * k + 2]]);

describe('mat4 and projection', () => {
  it('multiplies column-major matrices (identity, associativity with transformPoint)', () => {
    const a = Float64Array.from({ length: 16 }, (_, k) => Math.sin(k + 1));
    const b = Float64Array.from({ length: 16 }, (_, k) => Math.cos(2 * k));
    expect(Array.from(mat4Multiply(a, mat4Identity()))).toEqual(Array.from(a));
    const p = [0.3, -1.2, 2.5] as const;
    const lhs = transformPoint(mat4Multiply(a, b), p);
    const bp = transformPoint(b, p);
    // a · (b p) with b p homogeneous: apply a to (x, y, z, w) by linearity.
    const rhs = [0, 1, 2, 3].map((r) => a[r] * bp[0] + a[4 + r] * bp[1] + a[8 + r] * bp[2] + a[12 + r] * bp[3]);
    lhs.forEach((v, k) => close(v, rhs[k], 1e-12));
  });

  it('lookAt puts the eye at the origin, the target on −z and up on +y', () => {
    const eye = [3, -2, 1.5] as const;
    const target = [0.5, 0.2, -0.1] as const;
    const v = lookAt(eye, target, [0, 0, 1]);
    transformPoint(v, eye).slice(0, 3).forEach((x) => close(x, 0));
    const t = transformPoint(v, target);
    close(t[0], 0);
    close(t[1], 0);
    close(t[2], -Math.hypot(eye[0] - target[0], eye[1] - target[1], eye[2] - target[2]));
    const above = transformPoint(v, [target[0], target[1], target[2] + 1]);
    expect(above[1]).toBeGreaterThan(0);
    expect(() => lookAt([0, 0, 1], [0, 0, 0], [0, 0, 1])).toThrow(/degenerate/);
  });

  it('perspective maps near → depth 0, far → depth 1 and the fov edge → y = 1', () => {
    const fov = 0.8;
    const p = perspective(fov, 1.5, 0.5, 40);
    const depth = (z: number) => { const c = transformPoint(p, [0, 0, z]); return c[2] / c[3]; };
    close(depth(-0.5), 0);
    close(depth(-40), 1);
    const z = -7;
    const edge = transformPoint(p, [0, -z * Math.tan(fov / 2), z]);
    close(edge[1] / edge[3], 1);
    const side = transformPoint(p, [-z * Math.tan(fov / 2) * 1.5, 0, z]);
    close(side[0] / side[3], 1);
    expect(() => perspective(fov, 1, 0, 1)).toThrow();
    expect(() => perspective(fov, 1, 2, 1)).toThrow();
  });
});

describe('orbit camera', () => {
  const cam: OrbitCamera = { ...defaultCamera(2), target: [0.2, -0.1, 0.3] };

  it('keeps the eye at `distance` from the target, with a up', () => {
    const e = cameraEye(cam);
    close(Math.hypot(e[0] - 0.2, e[1] + 0.1, e[2] - 0.3), cam.distance);
    const { right, up } = cameraBasis(cam);
    close(Math.hypot(...right), 1);
    close(Math.hypot(...up), 1);
    close(right[0] * up[0] + right[1] * up[1] + right[2] * up[2], 0);
    expect(up[2]).toBeGreaterThan(0);
    expect(right[2]).toBe(0);
  });

  it('projects the target to the canvas centre, inside the depth range', () => {
    const m = cameraMatrices(cam, 900 / 700, 2);
    const px = projectToPixel(m.viewProj, cam.target, 900, 700)!;
    close(px[0], 450, 1e-7);
    close(px[1], 350, 1e-7);
    expect(px[2]).toBeGreaterThan(0);
    expect(px[2]).toBeLessThan(1);
    // The a axis points up on screen (pixel y decreases).
    const higher = projectToPixel(m.viewProj, [0.2, -0.1, 1.3], 900, 700)!;
    expect(higher[1]).toBeLessThan(px[1]);
    // A point behind the eye is rejected.
    const e = cameraEye(cam);
    const behind: [number, number, number] = [2 * e[0] - cam.target[0], 2 * e[1] - cam.target[1], 2 * e[2] - cam.target[2]];
    expect(projectToPixel(m.viewProj, behind, 900, 700)).toBeNull();
  });

  it('the default camera sees the whole scene cube', () => {
    for (const [L, aspect] of [[0.5, 1], [2, 1.5], [30, 0.6]]) {
      const c = defaultCamera(L, aspect);
      const m = cameraMatrices(c, aspect, L);
      let edge = 0;
      for (const x of [-L, L]) for (const y of [-L, L]) for (const z of [-L, L]) {
        const p = projectToPixel(m.viewProj, [x, y, z], 100, 100)!;
        expect(p).not.toBeNull();
        expect(p[0]).toBeGreaterThan(0);
        expect(p[0]).toBeLessThan(100);
        expect(p[1]).toBeGreaterThan(0);
        expect(p[1]).toBeLessThan(100);
        expect(p[2]).toBeGreaterThan(0);
        expect(p[2]).toBeLessThan(1);
        edge = Math.max(edge, Math.abs(p[0] / 50 - 1), Math.abs(p[1] / 50 - 1));
      }
      expect(edge).toBeCloseTo(DEFAULT_FILL, 6); // tight: some corner touches the fill margin
    }
  });

  it('rotates: keeps the distance, wraps azimuth, clamps elevation; a rightward drag turns the scene right', () => {
    const r = orbitRotate(cam, 120, -40, 600);
    expect(r.distance).toBe(cam.distance);
    expect(r.target).toEqual(cam.target);
    expect(r.azimuth).toBeLessThan(cam.azimuth);
    expect(r.elevation).toBeLessThan(cam.elevation);
    const spin = orbitRotate(cam, 10_000, 0, 100);
    expect(spin.azimuth).toBeGreaterThan(-Math.PI);
    expect(spin.azimuth).toBeLessThanOrEqual(Math.PI);
    expect(orbitRotate(cam, 0, 1e6, 100).elevation).toBe(MAX_ELEVATION);
    expect(orbitRotate(cam, 0, -1e6, 100).elevation).toBe(-MAX_ELEVATION);
    // A point on the +right side of the target moves right on screen after a rightward drag? The scene
    // turns with the pointer: the point in front of the target (towards the eye) moves right.
    const m0 = cameraMatrices(cam, 1, 2);
    const e = cameraEye(cam);
    const front: [number, number, number] = [
      cam.target[0] + 0.3 * (e[0] - cam.target[0]) / cam.distance, cam.target[1] + 0.3 * (e[1] - cam.target[1]) / cam.distance, cam.target[2],
    ];
    const m1 = cameraMatrices(orbitRotate(cam, 20, 0, 400), 1, 2);
    expect(projectToPixel(m1.viewProj, front, 400, 400)![0]).toBeGreaterThan(projectToPixel(m0.viewProj, front, 400, 400)![0]);
  });

  it('zooms within the limits and pans the target with the pointer', () => {
    close(orbitZoom(cam, 0.5, 2).distance, cam.distance * 0.5);
    expect(orbitZoom(cam, 1e-9, 2).distance).toBeCloseTo(0.1, 12);
    expect(orbitZoom(cam, 1e9, 2).distance).toBeCloseTo(400, 9);
    expect(orbitZoom(cam, Number.NaN, 2).distance).toBe(cam.distance);
    // Pan: a world point at the target's depth follows the pointer by the dragged pixels.
    const H = 600;
    const W = 800;
    const p = orbitPan(cam, 30, -20, H);
    const m0 = cameraMatrices(cam, W / H, 2);
    const m1 = cameraMatrices(p, W / H, 2);
    const before = projectToPixel(m0.viewProj, cam.target, W, H)!;
    const after = projectToPixel(m1.viewProj, cam.target, W, H)!;
    close(after[0] - before[0], 30, 1e-6);
    close(after[1] - before[1], -20, 1e-6);
    expect(p.distance).toBe(cam.distance);
    expect(p.azimuth).toBe(cam.azimuth);
  });

  it('pan drags are shift-left, middle or right', () => {
    expect(isPanDrag(0, false)).toBe(false);
    expect(isPanDrag(0, true)).toBe(true);
    expect(isPanDrag(1, false)).toBe(true);
    expect(isPanDrag(2, false)).toBe(true);
  });

  it('scene extent covers the conserved surfaces of the δ range at ‖β‖ ≤ max(1.5, ‖β*‖)', () => {
    const L = sceneExtent([-4, 4], [0, 1], { a: 1, w: 1 });
    // δ = 4, b = 1.5: a² = (4 + 5)/2 = 4.5 → a ≈ 2.12; padded 2.33 → 2.5.
    expect(L).toBe(2.5);
    expect(sceneExtent([0, 0], [0, 0], { a: 1, w: 1 })).toBeGreaterThanOrEqual(1.1 * Math.sqrt(1.5));
    const big = sceneExtent([-100, 100], [3, 4], { a: 2, w: 0.5 });
    expect(big).toBeGreaterThanOrEqual(1.1 * Math.sqrt(100 / 0.5));
  });
});

describe('conserved surface', () => {
  const cases: { delta: number; rates: { a: number; w: number }; sheets: number }[] = [
    { delta: 1, rates: { a: 1, w: 1 }, sheets: 2 },
    { delta: 4, rates: { a: 1, w: 1 }, sheets: 2 },
    { delta: 1e-6, rates: { a: 1, w: 1 }, sheets: 2 },
    { delta: -2, rates: { a: 1, w: 1 }, sheets: 1 },
    { delta: -1e-6, rates: { a: 1, w: 1 }, sheets: 1 },
    { delta: 0, rates: { a: 1, w: 1 }, sheets: 2 },
    { delta: 0.7, rates: { a: 0.3, w: 2.5 }, sheets: 2 },
    { delta: -3, rates: { a: 4, w: 0.25 }, sheets: 1 },
    { delta: 0, rates: { a: 2, w: 0.5 }, sheets: 2 },
  ];

  it.each(cases)('δ = $delta, rates $rates: every vertex satisfies η_w a² − η_a‖w‖² = δ to 1e-6', ({ delta, rates, sheets }) => {
    const R = 2.5;
    const mesh = conservedSurface(delta, rates, R);
    expect(mesh.sheets).toBe(sheets);
    expect(mesh.triangles.length % 9).toBe(0);
    expect(mesh.triangles.length).toBeGreaterThan(0);
    let maxRes = 0;
    for (let k = 0; k < mesh.triangles.length; k += 3) {
      maxRes = Math.max(maxRes, Math.abs(surfaceResidual(mesh.triangles, k, delta, rates)));
    }
    for (const line of mesh.wire) for (let k = 0; k < line.length; k += 3) maxRes = Math.max(maxRes, Math.abs(surfaceResidual(line, k, delta, rates)));
    expect(maxRes).toBeLessThanOrEqual(1e-6);
    // Inside the clipping cylinder, and reaching its boundary.
    const vs = vertices(mesh.triangles);
    const rMax = Math.max(...vs.map(([x, y]) => Math.hypot(x, y)));
    const aMax = Math.max(...vs.map(([, , a]) => Math.abs(a)));
    expect(rMax).toBeLessThanOrEqual(R * (1 + 1e-12));
    expect(aMax).toBeLessThanOrEqual(R * (1 + 1e-12));
    expect(Math.max(rMax, aMax)).toBeGreaterThan(R * (1 - 1e-9));
    expect(mesh.triangles.every(Number.isFinite)).toBe(true);
  });

  it('δ > 0 has two sheets, one with a > 0 and one with a < 0, never crossing a = 0', () => {
    const mesh = conservedSurface(1, { a: 1, w: 1 }, 2);
    const as = vertices(mesh.triangles).map((v) => v[2]);
    expect(Math.min(...as.filter((a) => a > 0))).toBeCloseTo(1, 12);
    expect(Math.max(...as.filter((a) => a < 0))).toBeCloseTo(-1, 12);
    expect(as.some((a) => Math.abs(a) < 0.999)).toBe(false);
  });

  it('δ < 0 is one sheet crossing a = 0 at its waist ‖w‖ = √(−δ/η_a)', () => {
    const mesh = conservedSurface(-2, { a: 1, w: 1 }, 2.5);
    const vs = vertices(mesh.triangles);
    expect(vs.some((v) => v[2] > 1)).toBe(true);
    expect(vs.some((v) => v[2] < -1)).toBe(true);
    const rMin = Math.min(...vs.map(([x, y]) => Math.hypot(x, y)));
    expect(rMin).toBeGreaterThanOrEqual(Math.sqrt(2) * (1 - 1e-12));
    expect(rMin).toBeLessThan(Math.sqrt(2) * 1.01);
  });

  it('δ = 0 is the double cone a = ±‖w‖ with its apex at the origin', () => {
    const mesh = conservedSurface(0, { a: 1, w: 1 }, 2);
    const vs = vertices(mesh.triangles);
    for (const [x, y, a] of vs) close(Math.abs(a), Math.hypot(x, y), 1e-12);
    expect(vs.some((v) => v[2] === 0)).toBe(true);
    // No degenerate triangles at the apex.
    for (let t = 0; t < mesh.triangles.length; t += 9) {
      const [p, q, r] = [0, 3, 6].map((o) => [mesh.triangles[t + o], mesh.triangles[t + o + 1], mesh.triangles[t + o + 2]]);
      const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
      const v = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
      expect(Math.hypot(u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])).toBeGreaterThan(0);
    }
  });

  it('is empty when the surface misses the scene, and rejects bad input', () => {
    expect(conservedSurface(100, { a: 1, w: 1 }, 2).sheets).toBe(0);
    expect(conservedSurface(-100, { a: 1, w: 1 }, 2).triangles.length).toBe(0);
    expect(() => conservedSurface(Number.NaN, { a: 1, w: 1 }, 2)).toThrow(RangeError);
    expect(() => conservedSurface(1, { a: 0, w: 1 }, 2)).toThrow(RangeError);
    expect(() => conservedSurface(1, { a: 1, w: 1 }, 0)).toThrow(RangeError);
    expect(() => conservedSurface(1, { a: 1, w: 1 }, 2, { along: 1, around: 8, rings: 0, meridians: 0 })).toThrow(RangeError);
  });

  it('counts: 2·(along−1)·around triangles a sheet minus the apex ring; rings + meridians polylines', () => {
    const res = { along: 10, around: 12, rings: 3, meridians: 5 };
    const two = conservedSurface(1, { a: 1, w: 1 }, 2, res);
    // δ > 0: the first ring is the vertex of the sheet (r = 0): its first triangles are skipped.
    expect(two.triangles.length / 9).toBe(2 * (2 * 9 * 12 - 12));
    expect(two.wire.length).toBe(2 * (3 + 1 + 5));
    const one = conservedSurface(-1, { a: 1, w: 1 }, 2, res);
    expect(one.triangles.length / 9).toBe(2 * 9 * 12);
    expect(one.wire.length).toBe(3 + 1 + 5);
  });

  it('samples meridians evenly in arc length', () => {
    const [m] = surfaceMeridians(0.01, { a: 1, w: 1 }, 3);
    const us = arcLengthSamples(m.at, m.u0, m.u1, 20);
    expect(us[0]).toBe(m.u0);
    expect(us[19]).toBe(m.u1);
    const steps = us.slice(1).map((u, k) => { const p = m.at(us[k]); const q = m.at(u); return Math.hypot(q[0] - p[0], q[1] - p[1]); });
    const mean = steps.reduce((s, x) => s + x, 0) / steps.length;
    for (const s of steps) expect(Math.abs(s - mean) / mean).toBeLessThan(0.02);
  });
});

describe('minima curve', () => {
  it.each([[[0, 1]], [[0.5, 0.5]], [[-2, 0.3]], [[1e-3, 0]]])('β* = %j: a w = β* to 1e-6 on both branches', (betaStar) => {
    const R = 2.5;
    const branches = minimaCurve(betaStar, R, 64);
    expect(branches).toHaveLength(2);
    const signs = branches.map((b) => Math.sign(b[2]));
    expect(signs.sort()).toEqual([-1, 1]);
    for (const b of branches) {
      expect(b.length).toBe(3 * 64);
      for (const [w1, w2, a] of vertices(b)) {
        expect(Math.abs(a * w1 - betaStar[0])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(betaStar[0])));
        expect(Math.abs(a * w2 - betaStar[1])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(betaStar[1])));
        expect(Math.hypot(w1, w2)).toBeLessThanOrEqual(R * (1 + 1e-12));
        expect(Math.abs(a)).toBeLessThanOrEqual(R * (1 + 1e-12));
        expect(Math.sign(a)).toBe(Math.sign(b[2]));
      }
    }
  });

  it('is empty for β* = 0 or a β* beyond the scene; rejects d ≠ 2', () => {
    expect(minimaCurve([0, 0], 2)).toEqual([]);
    expect(minimaCurve([5, 0], 2)).toEqual([]);
    expect(() => minimaCurve([1, 2, 3], 2)).toThrow(RangeError);
    expect(() => minimaCurve([1, 2], -1)).toThrow(RangeError);
  });

  it('meets each conserved surface where its trajectories converge (surfaceMinima)', () => {
    for (const rates of [{ a: 1, w: 1 }, { a: 0.5, w: 2 }]) {
      for (const delta of [-4, -1, 0, 1, 4]) {
        const pts = surfaceMinima(delta, [0, 1], rates);
        expect(pts).toHaveLength(2);
        for (const p of pts) {
          close(surfaceResidual(p, 0, delta, rates), 0, 1e-12);
          close(p[2] * p[0], 0, 1e-12);
          close(p[2] * p[1], 1, 1e-12);
        }
      }
    }
    // Unit rates: a² = r₊ = (δ + √(δ² + 4s²))/2 (docs/theory.md §1.3).
    close(surfaceMinima(1, [0, 1], { a: 1, w: 1 })[0][2] ** 2, (1 + Math.sqrt(5)) / 2, 1e-12);
  });
});

describe('axes, grid and segments', () => {
  it('axes span ±R along each world axis with labelled nice ticks', () => {
    const { lines, ticks, labels } = axesGeometry(2.5);
    expect(lines).toHaveLength(3);
    lines.forEach((l, axis) => {
      expect(l[axis]).toBe(-2.5);
      expect(l[3 + axis]).toBe(2.5);
    });
    expect(labels.step).toBe(1);
    expect(labels.ticks.map((t) => t.text).filter((_, k) => labels.ticks[k].axis === 2)).toEqual(['−2', '−1', '1', '2']);
    expect(ticks).toHaveLength(labels.ticks.length);
    expect(labels.names.map((n) => n.text)).toEqual(['w₁', 'w₂', 'a']);
    expect(labels.names[2].at).toEqual([0, 0, 2.75]);
  });

  it('floor grid lies on a = −R and covers the square', () => {
    const g = floorGrid(2.5, 1);
    for (const l of g) for (const [x, y, a] of vertices(l)) {
      expect(a).toBe(-2.5);
      expect(Math.abs(x)).toBeLessThanOrEqual(2.5);
      expect(Math.abs(y)).toBeLessThanOrEqual(2.5);
    }
    expect(g).toHaveLength(2 * 7); // −2.5, −2, −1, 0, 1, 2, 2.5
  });

  it('packs one segment per consecutive vertex pair with width and colour', () => {
    const l1 = new Float64Array([0, 0, 0, 1, 0, 0, 1, 1, 0]);
    const l2 = new Float64Array([5, 5, 5, 6, 6, 6]);
    const { data, count } = packSegments([
      { lines: [l1], color: [1, 0, 0, 1], width: 2 },
      { lines: [l2], color: [0, 0, 1, 0.5], width: 1 },
    ]);
    expect(count).toBe(3);
    expect(data.length).toBe(3 * SEGMENT_FLOATS);
    expect(Array.from(data.subarray(SEGMENT_FLOATS, 2 * SEGMENT_FLOATS))).toEqual([1, 0, 0, 2, 1, 1, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(data.subarray(2 * SEGMENT_FLOATS))).toEqual([5, 5, 5, 1, 6, 6, 6, 0, 0, 0, 1, 0.5]);
    expect(packSegments([]).count).toBe(0);
  });
});

describe('uniforms', () => {
  it('pack into the WGSL struct: viewProj columns first, then eye and extent', () => {
    const cam = defaultCamera(2);
    const m = cameraMatrices(cam, 1.25, 2);
    const values = uniforms3d({
      n: 10, viewProj: m.viewProj, eye: m.eye, distance: cam.distance, extent: 2, width: 1000, height: 800, dpr: 2,
      pointSize: 1.5, deltaMaxAbs: 4, rates: { a: 1, w: 1 }, surfaceColor: [0.5, 0.5, 0.5, 1],
    });
    const f32 = new Float32Array(packStruct(PARAMS_3D, values));
    expect(PARAMS_3D.offsets.viewProj).toBe(0);
    expect(Array.from(f32.subarray(0, 16))).toEqual(Array.from(new Float32Array(m.viewProj)));
    expect(f32[PARAMS_3D.offsets.eye / 4 + 3]).toBe(2);
    expect(f32[PARAMS_3D.offsets.halfX / 4]).toBeCloseTo(3 / 1000, 7);
    expect(f32[PARAMS_3D.offsets.deltaScale / 4]).toBeCloseTo(0.125, 7);
    expect(new Uint32Array(f32.buffer)[PARAMS_3D.offsets.round / 4]).toBe(1);
    expect(PARAMS_3D.size % 16).toBe(0);
  });
});
