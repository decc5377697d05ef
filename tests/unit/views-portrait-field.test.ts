/**
 * Pure parts of the portrait's field colouring, regime palette, predicted-limit sampling and
 * interpolant overlay (docs/theory.md §1.5): uniform packing, LUTs, the shader's value → colour rule mirrored
 * in TS, the legend content, the projection geometry of the interpolating set, and the input checks.
 */
import { describe, expect, it } from 'vitest';
import {
  BACKGROUND_COLOR, buildCategoryLut, categoryInterpolator, DIVERGED_COLOR, fieldColorIndex, INTERPOLANT_COLOR,
  lutIndex, LUT_SIZE, MISSING_COLOR, parseColor, REGIME_COLORS,
} from '../../src/views/colormaps.ts';
import {
  COLOR_BY_CODE, COLOR_SLOTS, FIELD_SCALE_CODE, hashU32, INTERPOLANT_KIND_CODE, limitSampleIndex, limitStride,
  PORTRAIT_PARAMS, portraitUniforms, type PortraitUniformInput,
} from '../../src/models/singleNeuron/views/portraitLayout.ts';
import { validatePortraitField, validatePredictedLimits, type PortraitField } from '../../src/models/singleNeuron/views/portraitSource.ts';
import { INTERPOLANT_REL_TOL, projectInterpolants } from '../../src/views/viewMath.ts';
import { DIVERGED_TEXT, legendContent } from '../../src/views/legend.ts';
import { PORTRAIT_BINDINGS, portraitShader } from '../../shaders/singleNeuron/portrait.wgsl.ts';
import { REGIMES } from '../../src/models/singleNeuron/regimes.ts';
import { nullSpaceProjector, pseudoInverseSolve, symmetricEigen } from '../../src/theory/index.ts';
import { packStruct } from '../../src/gpu/struct.ts';

const base: PortraitUniformInput = {
  n: 100, d: 2, view: 'beta', colorBy: 'field', rect: { xMin: -2, xMax: 2, yMin: -1, yMax: 1 }, width: 400, height: 200,
  dpr: 2, pointSize: 1.5, deltaMaxAbs: 4, lossDomain: [1e-6, 1], gridStep: 0.5, betaOls: [0.44, 0.88],
  XX: [[0.25, 0.5], [0.5, 1]],
};
const f32 = (v: number) => Math.fround(v);

describe('field colour rule (mirror of the shader)', () => {
  it('linear: LUT bin of (v − lo)/(hi − lo), clamped', () => {
    expect(fieldColorIndex(0, 'linear', [0, 1])).toBe(0);
    expect(fieldColorIndex(0.5, 'linear', [0, 1])).toBe(128);
    expect(fieldColorIndex(2, 'linear', [0, 1])).toBe(LUT_SIZE - 1);
    expect(fieldColorIndex(3, 'linear', [2, 4])).toBe(lutIndex(0.5));
  });

  it('log: bin of log10 v over the log domain', () => {
    expect(fieldColorIndex(1e-4, 'log', [1e-6, 1e-2])).toBe(128);
    expect(fieldColorIndex(1e-9, 'log', [1e-6, 1e-2])).toBe(0);
  });

  it('not available: negative, non-finite, ≤ 0 on log, out-of-range category', () => {
    for (const v of [-1, -1e-30, Number.NaN, Infinity, -Infinity]) {
      for (const scale of ['linear', 'log', 'category'] as const) expect(fieldColorIndex(v, scale, [1e-3, 1], 4), `${v} ${scale}`).toBe(-1);
    }
    expect(fieldColorIndex(0, 'log', [1e-3, 1])).toBe(-1);
    expect(fieldColorIndex(0, 'linear', [0, 1])).toBe(0);
    expect(fieldColorIndex(4, 'category', [0, 0], 4)).toBe(-1);
  });

  it('category: rounded index (small integers stored as f32)', () => {
    expect([0, 1, 2, 3].map((k) => fieldColorIndex(f32(k), 'category', [0, 0], 4))).toEqual([0, 1, 2, 3]);
    expect(fieldColorIndex(2.4, 'category', [0, 0], 4)).toBe(2);
    expect(fieldColorIndex(2.6, 'category', [0, 0], 4)).toBe(3);
  });
});

describe('categorical LUT and palette', () => {
  it('category LUT: entry k is colour k, the rest zero; bounds checked', () => {
    const lut = buildCategoryLut(REGIME_COLORS);
    expect(lut.length).toBe(4 * LUT_SIZE);
    REGIME_COLORS.forEach((c, k) => expect(Array.from(lut.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(new Float32Array(parseColor(c)))));
    expect(lut.subarray(4 * REGIME_COLORS.length).every((v) => v === 0)).toBe(true);
    expect(() => buildCategoryLut([])).toThrow(RangeError);
    expect(() => buildCategoryLut(new Array(LUT_SIZE + 1).fill('#000'))).toThrow(RangeError);
  });

  it('category interpolator steps through the classes over [0, 1]', () => {
    const f = categoryInterpolator(['#000000', '#ff0000', '#00ff00']);
    expect([0, 0.3, 0.34, 0.7, 1].map(f)).toEqual(['#000000', '#000000', '#ff0000', '#00ff00', '#00ff00']);
  });

  it('regime palette: one colour per REGIMES entry, diverged = the diverged colour, all distinct', () => {
    expect(REGIME_COLORS.length).toBe(REGIMES.length);
    expect(REGIME_COLORS[REGIMES.indexOf('diverged')]).toBe(DIVERGED_COLOR);
    expect(new Set(REGIME_COLORS).size).toBe(REGIME_COLORS.length);
  });

  // Machado, Oliveira & Fernandes (2009) full-severity dichromacy matrices, on linear sRGB; CIELAB ΔE76.
  const CVD: Record<string, number[][]> = {
    normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    protan: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    deutan: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
    tritan: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
  };
  const lab = (css: string, m: number[][]): number[] => {
    const lin = parseColor(css).slice(0, 3).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const s = m.map((row) => Math.min(1, Math.max(0, row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2])));
    const X = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
    const Y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
    const Z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
    return [116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))];
  };
  const dE = (p: number[], q: number[]) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);

  it('regime palette stays apart under simulated protan/deutan/tritan vision and off the background', () => {
    for (const [name, m] of Object.entries(CVD)) {
      const labs = REGIME_COLORS.map((c) => lab(c, m));
      const bg = lab(BACKGROUND_COLOR, m);
      for (let i = 0; i < labs.length; i++) {
        expect(dE(labs[i], bg), `${name}: ${REGIME_COLORS[i]} vs background`).toBeGreaterThan(35);
        for (let j = i + 1; j < labs.length; j++) {
          expect(dE(labs[i], labs[j]), `${name}: ${REGIME_COLORS[i]} vs ${REGIME_COLORS[j]}`).toBeGreaterThan(20);
        }
      }
    }
  });

  it('missing grey is achromatic and differs from the background and the interpolant colour', () => {
    const [r, g, b] = parseColor(MISSING_COLOR);
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(0.06);
    expect(dE(lab(MISSING_COLOR, CVD.normal), lab(BACKGROUND_COLOR, CVD.normal))).toBeGreaterThan(30);
    expect(dE(lab(MISSING_COLOR, CVD.normal), lab(INTERPOLANT_COLOR, CVD.normal))).toBeGreaterThan(30);
  });
});

describe('portrait uniforms: field, limits, interpolants', () => {
  it('layout keeps arrays aligned and names every new member in WGSL', () => {
    expect(PORTRAIT_PARAMS.size % 16).toBe(0);
    for (const name of ['colors', 'betaOls', 'xx']) expect(PORTRAIT_PARAMS.offsets[name] % 16).toBe(0);
    for (const m of ['fieldScale', 'fieldOffset', 'fieldCount', 'fieldLo', 'fieldInvSpan', 'showLimits', 'limitStride', 'interpKind']) {
      expect(PORTRAIT_PARAMS.wgsl).toContain(`${m}:`);
    }
  });

  it('colorBy field without a field falls back to δ; new colour slots are packed', () => {
    const u = portraitUniforms(base);
    expect(u.colorBy).toBe(COLOR_BY_CODE.delta);
    expect([u.showLimits, u.interpKind, u.fieldCount]).toEqual([0, 0, 0]);
    const colors = u.colors as number[];
    expect(colors.length).toBe(4 * COLOR_SLOTS.length);
    const at = (slot: (typeof COLOR_SLOTS)[number]) => colors.slice(4 * COLOR_SLOTS.indexOf(slot), 4 * COLOR_SLOTS.indexOf(slot) + 4);
    expect(at('missing')).toEqual(parseColor(MISSING_COLOR));
    expect(at('interpolant')).toEqual(parseColor(INTERPOLANT_COLOR));
    expect(() => packStruct(PORTRAIT_PARAMS, u)).not.toThrow();
  });

  it('linear, log and category fields', () => {
    const lin = portraitUniforms({ ...base, field: { scale: 'linear', offset: 300, domain: [2, 6], count: 0 } });
    expect([lin.colorBy, lin.fieldScale, lin.fieldOffset, lin.fieldLo, lin.fieldInvSpan]).toEqual([COLOR_BY_CODE.field, FIELD_SCALE_CODE.linear, 300, 2, 0.25]);
    const log = portraitUniforms({ ...base, field: { scale: 'log', offset: 0, domain: [1e-8, 1e-2], count: 0 } });
    expect(log.fieldScale).toBe(FIELD_SCALE_CODE.log);
    expect(log.fieldLo).toBeCloseTo(-8, 12);
    expect(log.fieldInvSpan).toBeCloseTo(1 / 6, 12);
    const cat = portraitUniforms({ ...base, field: { scale: 'category', offset: 0, domain: [0, 1], count: 4 } });
    expect([cat.fieldScale, cat.fieldCount]).toEqual([FIELD_SCALE_CODE.category, 4]);
    // The shader's t for a value equals the TS rule.
    const v = 4.5;
    expect(lutIndex((v - (lin.fieldLo as number)) * (lin.fieldInvSpan as number))).toBe(fieldColorIndex(v, 'linear', [2, 6]));
    for (const u of [lin, log, cat]) expect(() => packStruct(PORTRAIT_PARAMS, u)).not.toThrow();
    expect(portraitUniforms({ ...base, colorBy: 'loss', field: { scale: 'linear', offset: 0, domain: [0, 1], count: 0 } }).colorBy).toBe(COLOR_BY_CODE.loss);
  });

  it('limits and interpolants only in the β view; ring sizes in units of the marker half size', () => {
    const interpolants = projectInterpolants([0.44, 0.88], [[2 / Math.sqrt(5), -1 / Math.sqrt(5)]]);
    const u = portraitUniforms({ ...base, limits: { stride: 3 }, interpolants });
    expect([u.showLimits, u.limitStride, u.interpKind]).toEqual([1, 3, INTERPOLANT_KIND_CODE.line]);
    expect([u.interpX, u.interpY]).toEqual([0.44, 0.88]);
    expect(u.interpDirX as number).toBeCloseTo(2 / Math.sqrt(5), 12);
    // 3.5 CSS px ring at dpr 2 → 7 px radius, half size 10 px → 20/400 and 20/200 clip units.
    expect(u.limitHalfX).toBeCloseTo(20 / 400, 12);
    expect(u.limitHalfY).toBeCloseTo(20 / 200, 12);
    expect(u.ringRadius).toBeCloseTo(7 / 10, 12);
    expect(u.ringHalfWidth).toBeCloseTo(1.6 / 10, 12);
    expect((u.ringRadius as number) + (u.ringHalfWidth as number)).toBeLessThanOrEqual(1);
    const ww = portraitUniforms({ ...base, view: 'ww', limits: { stride: 3 }, interpolants });
    expect([ww.showLimits, ww.interpKind]).toEqual([0, 0]);
  });
});

describe('predicted-limit subsampling', () => {
  it('stride keeps ⌈n / stride⌉ within the budget', () => {
    expect(limitStride(100, 1000)).toBe(1);
    expect(limitStride(262144, 1 << 14)).toBe(16);
    expect(limitStride(262145, 1 << 14)).toBe(17);
    expect(Math.ceil(262145 / 17)).toBeLessThanOrEqual(1 << 14);
    expect(limitStride(10, 0)).toBe(10);
  });

  it('samples one member of each block, spread over positions, never repeating', () => {
    const n = 512 * 512;
    const s = limitStride(n, 1 << 14);
    const m = Math.ceil(n / s);
    const seen = new Set<number>();
    const offsets = new Uint32Array(s);
    for (let k = 0; k < m; k++) {
      const i = limitSampleIndex(k, s);
      expect(Math.floor(i / s)).toBe(k);
      seen.add(i);
      offsets[i % s]++;
    }
    expect(seen.size).toBe(m);
    // Every offset in the block is used about m/s times (the grid's direction index is not aliased).
    for (const c of offsets) expect(Math.abs(c - m / s)).toBeLessThan(0.25 * (m / s));
    expect(limitSampleIndex(7, 1)).toBe(7);
  });

  it('hash: 32-bit arithmetic equals a BigInt reference, and the WGSL uses the same constants', () => {
    const ref = (k: number) => {
      const M = (1n << 32n) - 1n;
      const s = (BigInt(k) * 747796405n + 2891336453n) & M;
      const w = (((s >> ((s >> 28n) + 4n)) ^ s) * 277803737n) & M;
      return Number((w >> 22n) ^ w);
    };
    for (const k of [0, 1, 2, 12345, 2 ** 24 - 1, 2 ** 32 - 1]) expect(hashU32(k)).toBe(ref(k));
    const code = portraitShader({ d: 2, primitive: 'list' });
    for (const c of ['747796405u', '2891336453u', '277803737u', '(s >> 28u) + 4u', '(w >> 22u) ^ w']) expect(code).toContain(c);
  });
});

describe('interpolating set projected onto (β₁, β₂)', () => {
  const close = (v: number[], w: number[]) => v.forEach((x, k) => expect(x).toBeCloseTo(w[k], 10));

  it('Fig. 4b (d = 2, XX = x xᵀ, x = (0.5, 1)): the line through β_ols along (2, −1)/√5', () => {
    const x = [0.5, 1];
    const XX = x.map((a) => x.map((b) => a * b));
    const betaOls = pseudoInverseSolve(XX, x.map((v) => 1.1 * v));
    close(betaOls, [0.44, 0.88]);
    const { values, vectors } = symmetricEigen(XX);
    const nullBasis = vectors.filter((_, k) => Math.abs(values[k]) < 1e-10);
    const g = projectInterpolants(betaOls, nullBasis);
    expect(g.kind).toBe('line');
    close(g.point, [0.44, 0.88]);
    close(g.direction, [2 / Math.sqrt(5), -1 / Math.sqrt(5)]);
    // Every point of the line interpolates: x·β = y.
    for (const s of [-3, 0.5, 10]) expect(x[0] * (g.point[0] + s * g.direction[0]) + x[1] * (g.point[1] + s * g.direction[1])).toBeCloseTo(1.1, 10);
  });

  it('any spanning basis of the same null space gives the same line (sign normalised: direction[0] ≥ 0)', () => {
    const a = projectInterpolants([1, 2], [[-4, 2]]);
    const b = projectInterpolants([1, 2], [[2, -1], [-6, 3]]);
    close(a.direction, b.direction);
    expect(a.direction[0]).toBeGreaterThan(0);
    close(projectInterpolants([0, 0], [[0, -3]]).direction, [0, 1]);
  });

  it('d = 3: rank-1 data projects to the plane, rank-2 to a line or a point', () => {
    // XX = x xᵀ: null space is 2-D, it projects onto all of (β₁, β₂) unless x ⟂ that plane.
    const plane = projectInterpolants([0.1, 0.2, 0.3], [[1, 0, -1 / 3], [0, 1, -2 / 3]]);
    expect(plane.kind).toBe('plane');
    close(plane.point, [0.1, 0.2]);
    // Null space along e3: projects to the point β_ols[0..1].
    expect(projectInterpolants([0.1, 0.2, 0.3], [[0, 0, 1]]).kind).toBe('point');
    // Null space along (1, 1, 1)/√3: a line of slope 1.
    const line = projectInterpolants([0.1, 0.2, 0.3], [[1, 1, 1].map((v) => v / Math.sqrt(3))]);
    expect(line.kind).toBe('line');
    close(line.direction, [Math.SQRT1_2, Math.SQRT1_2]);
    // Two null vectors whose projections are parallel: still a line.
    expect(projectInterpolants([0, 0, 0, 0], [[1, 2, 0, 0], [0, 0, 1, 0], [-2, -4, 0, 5]]).kind).toBe('line');
  });

  it('from the theory module\'s null-space projector, for random low-rank XX in d = 2..6', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (let d = 2; d <= 6; d++) {
      for (let rank = 1; rank < d; rank++) {
        const X = Array.from({ length: rank }, () => Array.from({ length: d }, rnd));
        const XX = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, r) => s + r[i] * r[j], 0)));
        const P = nullSpaceProjector(XX);
        const g = projectInterpolants(new Array(d).fill(0), P);
        // null(XX) has dimension d − rank; its projection onto two coordinates has rank min(2, d − rank)
        // for generic data.
        expect(g.kind, `d=${d} rank=${rank}`).toBe(d - rank >= 2 ? 'plane' : 'line');
      }
    }
  });

  it('d = 1, empty basis, tolerance and bad input', () => {
    expect(projectInterpolants([0.5], [[1]])).toEqual({ kind: 'line', point: [0.5, 0], direction: [1, 0] });
    expect(projectInterpolants([0.5, 1], []).kind).toBe('point');
    expect(projectInterpolants([0, 0, 0], [[0.1 * INTERPOLANT_REL_TOL, 0, 1]]).kind).toBe('point');
    expect(projectInterpolants([0, 0, 0], [[10 * INTERPOLANT_REL_TOL, 0, 1]]).kind).toBe('line');
    expect(() => projectInterpolants([0, 1], [[1]])).toThrow(RangeError);
    expect(() => projectInterpolants([0, Number.NaN], [])).toThrow(RangeError);
    expect(() => projectInterpolants([], [])).toThrow(RangeError);
  });
});

describe('field and limit checks', () => {
  const buf = (size: number, usage = 0x80 | 0x8) => ({ size, usage }) as unknown as GPUBuffer;
  const interpolator = () => '#000000';
  it('accepts a fitting field and names each problem', () => {
    const ok: PortraitField = { buffer: buf(4 * 70), offset: 30, title: 't', domain: [0, 1], scale: 'linear', interpolator };
    expect(validatePortraitField(ok, 40)).toBe(30);
    expect(validatePortraitField({ ...ok, offset: undefined }, 70)).toBe(0);
    expect(() => validatePortraitField(ok, 41)).toThrow(/needs 284/);
    expect(() => validatePortraitField({ ...ok, offset: 1.5 }, 4)).toThrow(/offset/);
    expect(() => validatePortraitField({ ...ok, buffer: buf(400, 0x8) }, 4)).toThrow(/STORAGE/);
    expect(() => validatePortraitField({ ...ok, domain: [1, 1] }, 4)).toThrow(/increasing/);
    expect(() => validatePortraitField({ ...ok, scale: 'log', domain: [0, 1] }, 4)).toThrow(/positive/);
    expect(() => validatePortraitField({ ...ok, scale: 'bogus' } as unknown as PortraitField, 4)).toThrow(/unknown scale/);
    const cats: PortraitField = { buffer: buf(16), title: 'regime', scale: 'category', categories: [{ label: 'lazy', color: '#56b4e9' }] };
    expect(validatePortraitField(cats, 4)).toBe(0);
    expect(() => validatePortraitField({ ...cats, categories: [] }, 4)).toThrow(/categories/);
    expect(() => validatePortraitField({ ...cats, categories: [{ label: 'x', color: 'hsl(1,2%,3%)' }] }, 4)).toThrow(/colour/);
  });

  it('limits must match d and hold d·n floats', () => {
    expect(() => validatePredictedLimits({ buffer: buf(4 * 2 * 10), d: 2 }, 10, 2)).not.toThrow();
    expect(() => validatePredictedLimits({ buffer: buf(4 * 2 * 10), d: 3 }, 10, 2)).toThrow(/d = 3/);
    expect(() => validatePredictedLimits({ buffer: buf(4 * 2 * 10 - 4), d: 2 }, 10, 2)).toThrow(/needs 80/);
    expect(() => validatePredictedLimits({ buffer: buf(80, 0x8), d: 2 }, 10, 2)).toThrow(/STORAGE/);
  });
});

describe('legend content for field modes', () => {
  const interpolator = () => '#000000';
  it('continuous field: bar, then not-available and diverged swatches', () => {
    const c = legendContent({ title: 'S', interpolator, domain: [0, 1], scale: 'linear', missing: 'n/a' });
    expect(c.bar?.map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(c.swatches).toEqual([]);
    expect(c.extras).toEqual([{ label: 'n/a', color: MISSING_COLOR }, { label: DIVERGED_TEXT, color: DIVERGED_COLOR }]);
    expect(legendContent({ title: 'δ', interpolator, domain: [-1, 1], scale: 'linear' }).extras.map((e) => e.color)).toEqual([DIVERGED_COLOR]);
  });

  it('categories: swatches instead of a bar; no second diverged swatch when a class has its colour', () => {
    const categories = REGIMES.map((label, k) => ({ label, color: REGIME_COLORS[k] }));
    const c = legendContent({ title: 'regime', interpolator, domain: [0, 4], scale: 'category', categories, missing: 'n/a' });
    expect(c.bar).toBeNull();
    expect(c.swatches).toEqual(categories);
    expect(c.extras).toEqual([{ label: 'n/a', color: MISSING_COLOR }]);
    const two = legendContent({ title: 'x', interpolator, domain: [0, 2], scale: 'category', categories: categories.slice(0, 2) });
    expect(two.extras.map((e) => e.label)).toEqual([DIVERGED_TEXT]);
    expect(() => legendContent({ title: 'x', interpolator, domain: [0, 1], scale: 'category' })).toThrow(/categories/);
  });
});

describe('portrait shader: new bindings and entry points', () => {
  it('declares the field and limits buffers and the limit entry points for every primitive', () => {
    for (const primitive of ['instanced', 'list', 'points'] as const) {
      const code = portraitShader({ d: 2, primitive });
      expect(code).toContain(`@binding(${PORTRAIT_BINDINGS.field}) var<storage, read> field: array<f32>;`);
      expect(code).toContain(`@binding(${PORTRAIT_BINDINGS.limits}) var<storage, read> limits: array<f32>;`);
      for (const entry of ['vsLimit', 'fsLimit', 'vsLimitSegment', 'fsLimitSegment', 'vsInterpolantLine', 'fsInterpolantLine']) expect(code).toContain(`fn ${entry}(`);
      expect(code).toContain(`const C_MISSING: u32 = ${COLOR_SLOTS.indexOf('missing')}u;`);
      expect(code).not.toContain('#if');
    }
  });
});
