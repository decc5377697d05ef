/**
 * Pure helpers of the views: colour maps and LUTs, view transforms, ticks, the portrait uniform layout and
 * the legend ticks. (No DOM, no GPU; the WebGPU portrait itself is checked in the browser.)
 */
import { describe, expect, it } from 'vitest';
import {
  buildLut, deltaInterpolator, deltaToT, lossInterpolator, lossToT, LUT_SIZE, lutHex, lutIndex, parseColor, toHex,
} from '../../src/views/colormaps.ts';
import {
  centredRect, clipToWorld, clipTransform, contourLevels, defaultViewRect, fitRect, formatTick, niceTicks,
  panRect, pixelToClip, projectTrajectory, resizeRect, worldToClip, zoomRect, type ViewRect,
} from '../../src/views/viewMath.ts';
import { COLOR_SLOTS, PORTRAIT_PARAMS, portraitUniforms } from '../../src/models/singleNeuron/views/portraitLayout.ts';
import { legendTicks } from '../../src/views/legend.ts';
import { gridStepFor, ticksWithStep } from '../../src/models/singleNeuron/views/portraitLabels.ts';
import { wheelFactor } from '../../src/models/singleNeuron/views/portraitInput.ts';
import { validatePortraitSource } from '../../src/models/singleNeuron/views/portraitSource.ts';
import { portraitShader } from '../../shaders/singleNeuron/portrait.wgsl.ts';
import { initFromBetaDelta } from '../../src/theory/index.ts';
import { packStruct } from '../../src/gpu/struct.ts';

const rect: ViewRect = { xMin: -2, xMax: 3, yMin: -1, yMax: 1.5 };

describe('colour maps', () => {
  it('parses the CSS forms d3-scale-chromatic emits', () => {
    expect(parseColor('#ff8000')).toEqual([1, 128 / 255, 0, 1]);
    expect(parseColor('#f80')).toEqual([1, 136 / 255, 0, 1]);
    expect(parseColor('rgb(10, 20, 30)')).toEqual([10 / 255, 20 / 255, 30 / 255, 1]);
    expect(parseColor('rgba(255, 0, 0, 0.5)')).toEqual([1, 0, 0, 0.5]);
    expect(() => parseColor('hsl(0, 0%, 0%)')).toThrow(/unsupported/);
    expect(toHex('rgb(255, 0, 16)')).toBe('#ff0010');
  });

  it('δ map: downstream blue, balanced near-white, upstream red', () => {
    const [r0, , b0] = parseColor(deltaInterpolator(0));
    const [r1, , b1] = parseColor(deltaInterpolator(1));
    const mid = parseColor(deltaInterpolator(0.5));
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    expect(Math.min(mid[0], mid[1], mid[2])).toBeGreaterThan(0.85);
    expect(Math.max(...mid.slice(0, 3)) - Math.min(...mid.slice(0, 3))).toBeLessThan(0.06);
  });

  it('LUT samples bin centres, 4 floats per entry, and agrees with the hex list', () => {
    const lut = buildLut(lossInterpolator);
    expect(lut.length).toBe(4 * LUT_SIZE);
    const hex = lutHex(lossInterpolator);
    for (const k of [0, 17, 128, 255]) {
      const c = parseColor(lossInterpolator((k + 0.5) / LUT_SIZE));
      expect(Array.from(lut.subarray(4 * k, 4 * k + 4))).toEqual(Array.from(new Float32Array(c)));
      expect(hex[k]).toBe(toHex(lossInterpolator((k + 0.5) / LUT_SIZE)));
    }
  });

  it('bin index and normalisations match the shader (clamped, NaN → 0)', () => {
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(1)).toBe(255);
    expect(lutIndex(0.5)).toBe(128);
    expect(lutIndex(-3)).toBe(0);
    expect(lutIndex(Number.NaN)).toBe(0);
    expect(deltaToT(-4, 4)).toBe(0);
    expect(deltaToT(0, 4)).toBe(0.5);
    expect(deltaToT(2, 4)).toBe(0.75);
    expect(deltaToT(1, 0)).toBe(1);
    expect(lossToT(1e-6, [1e-6, 1])).toBeCloseTo(0, 12);
    expect(lossToT(1e-3, [1e-6, 1])).toBeCloseTo(0.5, 12);
    expect(lossToT(0, [1e-6, 1])).toBeLessThan(0);
  });
});

describe('view transforms', () => {
  it('world ↔ clip round-trips and maps the rect corners to ±1', () => {
    expect(worldToClip(rect, -2, -1)).toEqual([-1, -1]);
    expect(worldToClip(rect, 3, 1.5)).toEqual([1, 1]);
    const [cx, cy] = worldToClip(rect, 0.7, -0.3);
    const [x, y] = clipToWorld(rect, cx, cy);
    expect(x).toBeCloseTo(0.7, 14);
    expect(y).toBeCloseTo(-0.3, 14);
    const { scale, offset } = clipTransform(rect);
    expect(0.7 * scale[0] + offset[0]).toBeCloseTo(cx, 14);
    expect(-0.3 * scale[1] + offset[1]).toBeCloseTo(cy, 14);
    expect(pixelToClip(0, 0, 200, 100)).toEqual([-1, 1]);
    expect(pixelToClip(200, 100, 200, 100)).toEqual([1, -1]);
  });

  it('fitRect grows to the canvas aspect about the centre and never shrinks', () => {
    const f = fitRect(rect, 800, 200);
    expect((f.xMax - f.xMin) / (f.yMax - f.yMin)).toBeCloseTo(4, 12);
    expect(f.xMin).toBeLessThanOrEqual(rect.xMin);
    expect(f.yMin).toBeCloseTo(rect.yMin, 12);
    expect((f.xMin + f.xMax) / 2).toBeCloseTo(0.5, 12);
    expect(() => fitRect(rect, 0, 100)).toThrow(/positive/);
    expect(() => fitRect({ xMin: 1, xMax: 1, yMin: 0, yMax: 1 }, 10, 10)).toThrow(/empty/);
  });

  it('zoom keeps the anchor fixed on screen; pan and resize behave', () => {
    const z = zoomRect(rect, 1, 0.5, 0.5);
    expect(worldToClip(z, 1, 0.5)).toEqual(worldToClip(rect, 1, 0.5).map((v) => expect.closeTo(v, 12)));
    expect(z.xMax - z.xMin).toBeCloseTo(2.5, 12);
    expect(panRect(rect, 1, -1)).toEqual({ xMin: -1, xMax: 4, yMin: -2, yMax: 0.5 });
    const r = resizeRect(centredRect(0, 0, 4, 2), 400, 200, 800, 200);
    expect(r).toEqual({ xMin: -4, xMax: 4, yMin: -1, yMax: 1 });
    expect(wheelFactor(400, 0)).toBeCloseTo(2, 12);
    expect(wheelFactor(-50, 1)).toBeCloseTo(0.25, 12);
    expect(wheelFactor(1e6, 0)).toBe(4);
  });

  it('default views contain the initial cloud and β_ols (docs/theory.md §1 initialisation)', () => {
    const betaOls = [0.4, 1.2];
    const range: [number, number] = [-4, 4];
    const views = { beta: defaultViewRect('beta', betaOls, range), wa: defaultViewRect('wa', betaOls, range), ww: defaultViewRect('ww', betaOls, range) };
    const inside = (r: ViewRect, x: number, y: number) => x >= r.xMin && x <= r.xMax && y >= r.yMin && y <= r.yMax;
    expect(inside(views.beta, betaOls[0], betaOls[1])).toBe(true);
    for (const delta of [-4, -1, 0, 2, 4]) {
      for (let k = 0; k < 16; k++) {
        const beta0 = [Math.cos(k), Math.sin(k)];
        const { a, w } = initFromBetaDelta(beta0, delta);
        const state = [a, w[0], w[1]];
        for (const mode of ['beta', 'wa', 'ww'] as const) {
          const [x, y] = projectTrajectory(mode, state, 1, 2, 0);
          expect(inside(views[mode], x, y), `${mode} δ=${delta} k=${k}`).toBe(true);
        }
      }
    }
  });

  it('projects SoA state; missing components read 0 (d = 1)', () => {
    const n = 2;
    const state = [2, 3, /* w1 */ 0.5, -1];
    expect(projectTrajectory('beta', state, n, 1, 1)).toEqual([-3, 0]);
    expect(projectTrajectory('wa', state, n, 1, 0)).toEqual([0.5, 2]);
    expect(projectTrajectory('ww', state, n, 1, 0)).toEqual([0.5, 0]);
  });

  it('nice ticks and labels', () => {
    expect(niceTicks(-1.1, 1.1, 5)).toEqual({ step: 0.5, values: [-1, -0.5, 0, 0.5, 1] });
    expect(niceTicks(0, 0, 5).values).toEqual([]);
    expect(ticksWithStep(-0.35, 0.35, 0.1)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(formatTick(-0.5, 0.5)).toBe('−0.5');
    expect(formatTick(2, 1)).toBe('2');
    expect(formatTick(1.5e-5, 5e-6)).toBe('1.5e−5');
    expect(formatTick(0, 0.1)).toBe('0');
    expect(gridStepFor({ xMin: -2, xMax: 2, yMin: -1, yMax: 1 }, 900)).toBe(0.5);
    expect(contourLevels(1e-2, 1)).toEqual([1e-2, 10 ** -1.5, 1e-1, 10 ** -0.5, 1].map((v) => expect.closeTo(v, 12)));
  });
});

describe('portrait uniforms and shader', () => {
  it('layout: 16-byte aligned arrays, size a multiple of 16, WGSL names every member', () => {
    expect(PORTRAIT_PARAMS.size % 16).toBe(0);
    for (const name of ['colors', 'betaOls', 'xx']) expect(PORTRAIT_PARAMS.offsets[name] % 16).toBe(0);
    for (const m of PORTRAIT_PARAMS.members) expect(PORTRAIT_PARAMS.wgsl).toContain(`${m.name}:`);
  });

  it('values: sizes in clip units, δ scale, XX block (d = 1 pads with 0), packable', () => {
    const u = portraitUniforms({
      n: 10, d: 1, view: 'beta', colorBy: 'loss', rect, width: 500, height: 250, dpr: 2, pointSize: 1.5,
      deltaMaxAbs: 4, lossDomain: [1e-6, 1], gridStep: 0.5, betaOls: [0.3], XX: [[2]],
    });
    expect(u.halfX).toBeCloseTo(3 / 500, 12);
    expect(u.halfY).toBeCloseTo(3 / 250, 12);
    expect(u.round).toBe(1);
    expect(u.deltaScale).toBe(0.125);
    expect(u.lossLog0).toBeCloseTo(-6, 12);
    expect(u.lossInvSpan).toBeCloseTo(1 / 6, 12);
    expect([u.xx00, u.xx01, u.xx11, u.targetX, u.targetY]).toEqual([2, 0, 0, 0.3, 0]);
    expect(u.showContours).toBe(1);
    expect((u.colors as number[]).length).toBe(4 * COLOR_SLOTS.length);
    expect(() => packStruct(PORTRAIT_PARAMS, u)).not.toThrow();
    const tiny = portraitUniforms({ ...{ n: 1, d: 2, view: 'ww', colorBy: 'delta', rect, width: 100, height: 100, dpr: 1 },
      pointSize: 0.2, deltaMaxAbs: 0, lossDomain: [1e-6, 1], gridStep: 1, betaOls: [0, 1], XX: [[1, 0], [0, 1]] });
    expect(tiny.halfX).toBeCloseTo(1 / 100, 12);
    expect(tiny.round).toBe(0);
    expect(tiny.deltaScale).toBe(0.5);
    expect(tiny.showContours).toBe(0);
  });

  it('WGSL has every entry point and compiles d and the primitive in', () => {
    for (const primitive of ['instanced', 'list', 'points'] as const) {
      const code = portraitShader({ d: 3, primitive });
      for (const entry of ['vsPoints', 'fsPoints', 'vsHighlight', 'vsHighlightOutline', 'fsHighlight', 'vsFullscreen', 'fsFade', 'fsComposite']) {
        expect(code).toContain(`fn ${entry}(`);
      }
      expect(code).toContain('const D: u32 = 3u;');
      expect(code).not.toContain('#if');
      expect(code.includes('vi / 6u')).toBe(primitive !== 'instanced');
    }
  });
});

describe('legend ticks', () => {
  it('linear: nice values with positions along the bar', () => {
    const t = legendTicks([-4, 4], 'linear', 4);
    expect(t.map((x) => x.value)).toEqual([-4, -2, 0, 2, 4]);
    expect(t.map((x) => x.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(t[0].label).toBe('−4');
  });

  it('log: powers of ten, thinned', () => {
    const t = legendTicks([1e-6, 10], 'log', 5);
    expect(t.map((x) => x.label)).toEqual(['1e−6', '1e−4', '1e−2', '1']);
    expect(t[0].t).toBeCloseTo(0, 12);
    expect(legendTicks([1e-3, 1e-1], 'log').map((x) => x.value)).toEqual([1e-3, 1e-2, 1e-1]);
  });

  it('rejects bad domains', () => {
    expect(() => legendTicks([1, 1], 'linear')).toThrow(RangeError);
    expect(() => legendTicks([0, 1], 'log')).toThrow(/positive/);
    expect(() => legendTicks([Number.NaN, 1], 'linear')).toThrow(RangeError);
  });
});

describe('portrait source checks', () => {
  const buf = (size: number, usage = 0x80 | 0x8) => ({ size, usage }) as unknown as GPUBuffer;
  const info = { betaOls: [0, 1], XX: [[1, 0], [0, 1]], deltaRange: [-1, 1] as [number, number] };
  const ok = { state: buf(4 * 3 * 10), flags: buf(40), info: buf(80), n: 10, d: 2 };
  it('accepts a matching source and names each mismatch', () => {
    expect(() => validatePortraitSource(ok, info)).not.toThrow();
    expect(() => validatePortraitSource({ ...ok, state: buf(100) }, info)).toThrow(/state holds 100 bytes/);
    expect(() => validatePortraitSource({ ...ok, flags: buf(40, 0x8) }, info)).toThrow(/flags lacks STORAGE/);
    expect(() => validatePortraitSource({ ...ok, d: 17 }, info)).toThrow(/d = 17/);
    expect(() => validatePortraitSource({ ...ok, n: 0 }, info)).toThrow(/n = 0/);
    expect(() => validatePortraitSource(ok, { ...info, betaOls: [1] })).toThrow(/betaOls/);
    expect(() => validatePortraitSource(ok, { ...info, XX: [[1, 0]] })).toThrow(/XX/);
    expect(() => validatePortraitSource(ok, { ...info, deltaRange: [1, -1] })).toThrow(/deltaRange/);
  });
});
