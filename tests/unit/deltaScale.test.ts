/**
 * The δ colour scale (src/views/deltaScale.ts): the symlog map against its closed form
 * t = ½ + ½ sign(δ) log10(1 + |δ|/c) / log10(1 + M/c) (computed here in f64), its symmetry and monotonicity,
 * the default threshold, the 'auto' rule, the uniforms the shader reads, and the legend's ticks.
 */
import { describe, expect, it } from 'vitest';
import {
  deltaColor, deltaScaleT, deltaScaleUniforms, makeDeltaScale, powerLabel, resolveDeltaScaleKind, symlogThreshold, symlogTicks,
} from '../../src/views/deltaScale.ts';
import { legendContent } from '../../src/views/legend.ts';
import { deltaInterpolator, lutIndex, parseColor } from '../../src/views/colormaps.ts';
import { portraitColorSpec } from '../../src/models/singleNeuron/views/portraitColoring.ts';
import { portraitUniforms } from '../../src/models/singleNeuron/views/portraitLayout.ts';
import { PARAMS_3D, surfaceTint, uniforms3d } from '../../src/models/singleNeuron/views/paramSpace3dLayout.ts';
import { packStruct } from '../../src/gpu/struct.ts';

import { buildEnsemble } from '../../src/models/singleNeuron/ensemble.ts';
import { defaults } from '../../src/params/schema.ts';
import { paramsFromHash, SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';

/** Default τ × α grid: τ ∈ [0.1, 2], α ∈ [0.1, 10]: max|δ| = 4(100 − 0.01) (docs/theory.md, τ × α grid). */
const TAU_ALPHA_MAX = 4 * (100 - 0.01);

describe('symlog δ scale: closed form and shape', () => {
  const s = makeDeltaScale('symlog', [-TAU_ALPHA_MAX, TAU_ALPHA_MAX]);
  it('picks c = 10^(⌊log10 M⌋ − 4): 0.01 for the default τ × α grid', () => {
    expect(s.c).toBeCloseTo(0.01, 15);
    expect(symlogThreshold(4)).toBeCloseTo(1e-4, 18);
    expect(symlogThreshold(1)).toBeCloseTo(1e-4, 18);
    expect(symlogThreshold(1000)).toBeCloseTo(0.1, 15);
  });
  it('maps 0 → ½, ±M → 1 and 0, and matches the closed form to 1e-14', () => {
    expect(deltaScaleT(0, s)).toBe(0.5);
    expect(deltaScaleT(TAU_ALPHA_MAX, s)).toBeCloseTo(1, 14);
    expect(deltaScaleT(-TAU_ALPHA_MAX, s)).toBeCloseTo(0, 14);
    const den = Math.log(1 + TAU_ALPHA_MAX / 0.01);
    for (const d of [0.003, 0.01, 0.3, 1, 7.5, 42, 399]) {
      expect(deltaScaleT(d, s)).toBeCloseTo(0.5 + (0.5 * Math.log(1 + d / 0.01)) / den, 14);
    }
    // c·10^k lands at equal steps in log10(1 + 10^k) / log10(1 + M/c): δ = c → ½ + ½·log10 2 / log10(40 000).
    expect(deltaScaleT(0.01, s)).toBeCloseTo(0.5 + (0.5 * Math.log10(2)) / Math.log10(1 + TAU_ALPHA_MAX / 0.01), 14);
  });
  it('deltaColor is the δ map at deltaScaleT, clamped at the ends', () => {
    expect(deltaColor(1, s)).toBe(deltaInterpolator(deltaScaleT(1, s)));
    expect(deltaColor(-1e6, s)).toBe(deltaInterpolator(0));
    expect(deltaColor(1e6, s)).toBe(deltaInterpolator(1));
  });
  it('is odd about ½ and strictly increasing', () => {
    let prev = -Infinity;
    for (let k = -400; k <= 400; k++) {
      const d = Math.sign(k) * 10 ** (Math.abs(k) / 100 - 2.6) * (k === 0 ? 0 : 1);
      const t = deltaScaleT(d, s);
      expect(deltaScaleT(-d, s) - 0.5).toBeCloseTo(0.5 - t, 15);
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
  });
  it('spreads the default τ × α grid over the colour map (linear puts almost all in the middle bins)', () => {
    const p = paramsFromHash('#v=1&g=tauAlpha&dirs=4');
    const e = buildEnsemble(p);
    const lin = makeDeltaScale('linear', e.deltaRange);
    const sym = makeDeltaScale('symlog', e.deltaRange);
    // 16 colour bins (LUT bin >> 4); linear: 91 % in the two middle bins, symlog: every bin 2–11 %.
    const hist = (sc: typeof s) => {
      const h = new Array<number>(16).fill(0);
      for (const d of e.delta0) h[lutIndex(deltaScaleT(d, sc)) >> 4] += 1 / e.n;
      return h;
    };
    const used = (h: number[]) => h.filter((x) => x >= 0.02).length;
    expect(used(hist(sym))).toBeGreaterThanOrEqual(14);
    expect(Math.max(...hist(sym))).toBeLessThan(0.15);
    expect(used(hist(lin))).toBeLessThanOrEqual(4);
    expect(Math.max(...hist(lin))).toBeGreaterThan(0.4);
    const mid = (sc: typeof s) => Array.from(e.delta0).filter((d) => Math.abs(deltaScaleT(d, sc) - 0.5) < 0.05).length / e.n;
    expect(mid(lin)).toBeGreaterThan(0.5);
    expect(mid(sym)).toBeLessThan(0.2);
  });
});

describe('linear δ scale and the auto rule', () => {
  it('linear is ½ + ½ δ/M (a zero range gives M = 1)', () => {
    const s = makeDeltaScale('linear', [-4, 2]);
    expect(s).toEqual({ kind: 'linear', maxAbs: 4, c: 0 });
    expect(deltaScaleT(-4, s)).toBe(0);
    expect(deltaScaleT(1, s)).toBe(0.625);
    expect(makeDeltaScale('linear', [0, 0]).maxAbs).toBe(1);
  });
  it("'auto' is symlog on τ × α and linear on δ grids; the param's default is auto and keeps the preset", () => {
    expect(resolveDeltaScaleKind('auto', 'tauAlpha')).toBe('symlog');
    expect(resolveDeltaScaleKind('auto', 'delta')).toBe('linear');
    expect(resolveDeltaScaleKind('linear', 'tauAlpha')).toBe('linear');
    expect(resolveDeltaScaleKind('symlog', 'delta')).toBe('symlog');
    expect(defaults(SINGLE_NEURON_SCHEMA).deltaScale).toBe('auto');
    const p = paramsFromHash('#v=1&p=fig8&dscale=symlog');
    expect(p.preset).toBe('fig8');
    expect(p.deltaScale).toBe('symlog');
  });
  it('rejects bad input naming the problem', () => {
    expect(() => makeDeltaScale('log' as never, [-1, 1])).toThrow(/unknown kind "log"/);
    expect(() => makeDeltaScale('symlog', [-1, NaN])).toThrow(/deltaRange/);
    expect(() => makeDeltaScale('symlog', [-1, 1], 0)).toThrow(/threshold c/);
    expect(() => paramsFromHash('#v=1&dscale=cubic')).toThrow(/dscale|deltaScale/);
  });
});

describe('uniforms and legend', () => {
  it('the uniforms reproduce deltaScaleT through the shader formula (f64 here)', () => {
    const s = makeDeltaScale('symlog', [-400, 10]);
    const u = deltaScaleUniforms(s);
    expect(u.deltaC).toBe(s.c);
    for (const d of [-400, -3, -0.001, 0, 0.02, 9.9]) {
      const shader = 0.5 + Math.sign(d) * Math.log2(1 + Math.abs(d) / u.deltaC) * 0.30102999566 * u.deltaScale;
      expect(shader).toBeCloseTo(deltaScaleT(d, s), 9);
    }
    const lin = deltaScaleUniforms(makeDeltaScale('linear', [-4, 4]));
    expect(lin).toEqual({ deltaScale: 0.125, deltaC: 0 });
  });
  it('portraitUniforms passes deltaC (0 without a δ colour scale: linear as before)', () => {
    const base = {
      n: 1, d: 2, view: 'beta' as const, colorBy: 'delta' as const, rect: { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, width: 100, height: 100, dpr: 1,
      pointSize: 1, deltaMaxAbs: 4, lossDomain: [1e-6, 1] as [number, number], gridStep: 0.5, betaOls: [0, 1], XX: [[1, 0], [0, 1]],
    };
    expect(portraitUniforms(base)).toMatchObject({ deltaScale: 0.125, deltaC: 0 });
    const sym = makeDeltaScale('symlog', [-400, 400]);
    expect(portraitUniforms({ ...base, deltaColor: sym })).toMatchObject(deltaScaleUniforms(sym));
  });
  it('the 3-D view packs deltaScale and deltaC, and tints the conserved surface on the same scale', () => {
    const sym = makeDeltaScale('symlog', [-400, 400]);
    const base = {
      n: 10, viewProj: new Float64Array(16), eye: [0, 0, 5] as [number, number, number], distance: 5, extent: 2, width: 100, height: 80,
      dpr: 1, pointSize: 1.5, deltaMaxAbs: 400, rates: { a: 1, w: 1 }, surfaceColor: [1, 1, 1, 1] as [number, number, number, number],
    };
    const f32 = new Float32Array(packStruct(PARAMS_3D, uniforms3d({ ...base, deltaColor: sym })));
    const u = deltaScaleUniforms(sym);
    expect(f32[PARAMS_3D.offsets.deltaC / 4]).toBe(Math.fround(u.deltaC));
    expect(f32[PARAMS_3D.offsets.deltaScale / 4]).toBe(Math.fround(u.deltaScale));
    expect(new Float32Array(packStruct(PARAMS_3D, uniforms3d(base)))[PARAMS_3D.offsets.deltaC / 4]).toBe(0);
    const c = parseColor(deltaInterpolator(deltaScaleT(1, sym)));
    expect(surfaceTint(1, 400, sym).slice(0, 3)).toEqual(c.slice(0, 3).map((x) => 0.35 + 0.65 * x));
    expect(surfaceTint(1, 400, sym)).not.toEqual(surfaceTint(1, 400));
  });
  it('symlog ticks: 0 and ±c·10^k with labels, at their t, within at most 9 ticks', () => {
    const s = makeDeltaScale('symlog', [-TAU_ALPHA_MAX, TAU_ALPHA_MAX]);
    const ticks = symlogTicks(s);
    expect(ticks.map((t) => t.label)).toEqual(['−100', '−1', '−0.01', '0', '0.01', '1', '100']);
    for (const t of ticks) expect(t.t).toBeCloseTo(deltaScaleT(t.value, s), 15);
    const all = symlogTicks(s, 11);
    expect(all.map((t) => t.label)).toEqual(['−100', '−10', '−1', '−0.1', '−0.01', '0', '0.01', '0.1', '1', '10', '100']);
    expect(powerLabel(1, -5)).toBe('1e−5');
    expect(powerLabel(-1, 2)).toBe('−100');
  });
  it('the portrait legend is symlog with the same ticks; linear stays linear', () => {
    const s = makeDeltaScale('symlog', [-TAU_ALPHA_MAX, TAU_ALPHA_MAX]);
    const spec = portraitColorSpec('delta', undefined, [1e-6, 1], s);
    expect(spec).toMatchObject({ scale: 'symlog', linthresh: s.c, domain: [-s.maxAbs, s.maxAbs], interpolator: deltaInterpolator });
    expect(legendContent(spec).bar).toEqual(symlogTicks(s));
    expect(portraitColorSpec('delta', undefined, [1e-6, 1], 4).scale).toBe('linear');
    expect(portraitColorSpec('delta', undefined, [1e-6, 1], makeDeltaScale('linear', [-4, 4])).scale).toBe('linear');
    expect(() => legendContent({ ...spec, linthresh: undefined })).toThrow(/linthresh/);
    expect(() => legendContent({ ...spec, domain: [-1, 2] })).toThrow(/symlog domain/);
  });
});
