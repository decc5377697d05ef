/** The parameter schema, URL-hash round trips and ensemble building (docs/architecture.md "One source of truth"). */
import { describe, expect, it } from 'vitest';
import { ParamError, defaults, validate } from '../../src/params/schema.ts';
import { fromHash, toHash, URL_VERSION } from '../../src/params/url.ts';
import { PRESETS, SINGLE_NEURON_SCHEMA as S } from '../../src/models/singleNeuron/params.ts';
import { buildEnsemble, ensembleSize } from '../../src/models/singleNeuron/ensemble.ts';
import { conservedDelta } from '../../src/theory/index.ts';

const base = defaults(S);

describe('URL hash', () => {
  it('round-trips every field, including vectors, booleans and non-default values', () => {
    const p = validate(S, { d: 3, target: [0.25, -1, 2.5e-7], trails: false, method: 'gd', step: 0.003, preset: 'custom' }, base);
    const back = fromHash(S, toHash(S, p));
    expect(back).toEqual(p);
    expect(toHash(S, p)).toMatch(new RegExp(`^#v=${URL_VERSION}&`));
  });

  it('every preset round-trips', () => {
    for (const [name, preset] of Object.entries(PRESETS)) {
      const p = validate(S, { ...preset, preset: name }, base);
      expect(fromHash(S, toHash(S, p))).toEqual(p);
    }
  });

  it('an empty hash gives the defaults; missing keys keep the base', () => {
    expect(fromHash(S, '')).toEqual(base);
    expect(fromHash(S, '#v=1&d=3').d).toBe(3);
    expect(fromHash(S, '#v=1&d=3').deltaCount).toBe(base.deltaCount);
  });

  const bad: [string, RegExp][] = [
    ['#v=1&d=0', /input dimension d \(d\) must be an integer in \[1, 16\]; got 0/],
    ['#v=1&d=17', /must be an integer in \[1, 16\]; got 17/],
    ['#v=1&dn=0', /δ count \(deltaCount\) must be an integer in \[1, 1048576\]; got 0/],
    ['#v=1&dmin=NaN', /δ min \(deltaMin\) must be a finite number in \[-100, 100\]; got "NaN"/],
    ['#v=1&dmax=Infinity', /got "Infinity"/],
    ['#v=1&h=-Infinity', /step \(η or dt\) \(step\) must be a finite number in \(0, 10\]/],
    ['#v=1&xy=0,abc', /target β\* = Xy \(target\).*got "0,abc"/],
    ['#v=1&p=fig99', /preset \(preset\) must be one of "fig2", "fig8", "fig4b", "custom"; got "fig99"/],
    ['#v=1&tr=maybe', /trails \(trails\) must be true or false/],
    ['#v=1&zzz=1', /Unknown URL parameter "zzz"/],
    ['#d=2', /no format version/],
    ['#v=99&d=2', /version v=99 is not supported/],
    ['#v=1&d', /Malformed URL parameter "d"/],
    ['#v=1&d=2&d=3', /appears twice/],
    ['#v=1&d=%E0%A4%A', /Malformed URL encoding/],
    ['#v=1&d=2.5', /must be an integer/],
    ['#v=1&d=', /input dimension d \(d\) must be an integer in \[1, 16\]; got ""/],
  ];
  for (const [hash, message] of bad) {
    it(`rejects ${hash} with a message naming the problem`, () => {
      expect(() => fromHash(S, hash)).toThrow(ParamError);
      expect(() => fromHash(S, hash)).toThrow(message);
    });
  }

  it('a rejected change leaves the base params untouched', () => {
    const before = structuredClone(base);
    expect(() => validate(S, { d: 2, deltaCount: 0 }, base)).toThrow(ParamError);
    expect(base).toEqual(before);
  });
});

describe('ensemble builder', () => {
  it('builds the default Fig. 2/3 grid of ≥ 262,144 trajectories in the documented order', () => {
    const p = validate(S, PRESETS.fig2, base);
    expect(ensembleSize(p)).toBeGreaterThanOrEqual(262_144);
    const e = buildEnsemble(p);
    expect(e.n).toBe(p.deltaCount * p.directions);
    // i = iδ·directions + iDir: trajectory 0 is δ = δmin with β₀ = (−1, 0) (Fig. 2's β₀).
    const a0 = e.state0[0];
    const w0 = [e.state0[e.n], e.state0[2 * e.n]];
    expect(a0 * w0[0]).toBeCloseTo(-1, 12);
    expect(a0 * w0[1]).toBeCloseTo(0, 12);
    expect(e.delta0[0]).toBeCloseTo(p.deltaMin, 12);
    expect(e.delta0[e.n - 1]).toBeCloseTo(p.deltaMax, 12);
    expect(conservedDelta(a0, w0)).toBeCloseTo(p.deltaMin, 12);
  });

  it('τ × α grid gives δ = τ²(α² − 1/α²) (docs/theory.md §1)', () => {
    const p = validate(S, { grid: 'tauAlpha', tauMin: 0.5, tauMax: 2, tauCount: 3, alphaMin: 0.5, alphaMax: 2, alphaCount: 3, directions: 4 }, base);
    const e = buildEnsemble(p);
    expect(e.n).toBe(36);
    const tau = 0.5;
    const alpha = 2;
    const i = (0 * 3 + 2) * 4; // iτ = 0, iα = 2, iDir = 0
    expect(e.delta0[i]).toBeCloseTo(tau * tau * (alpha * alpha - 1 / (alpha * alpha)), 12);
  });

  it('names the field for cross-field errors', () => {
    expect(() => buildEnsemble(validate(S, { deltaMin: 2, deltaMax: 1 }, base))).toThrow(/δ min \(2\) must not exceed δ max \(1\)/);
    expect(() => buildEnsemble(validate(S, { d: 3, target: [0, 1] }, base))).toThrow(/target β\* = Xy \(xy\) must have d = 3 entries; got 2/);
    expect(() => buildEnsemble(validate(S, { deltaCount: 1 << 20, directions: 1 << 20 }, base))).toThrow(/trajectories; at most/);
  });
});

describe('presets in the URL', () => {
  it('a preset named in the hash applies first, explicit fields override it', async () => {
    const { paramsFromHash } = await import('../../src/models/singleNeuron/params.ts');
    const p = paramsFromHash('#v=1&p=fig8&h=0.05');
    expect(p.preset).toBe('fig8');
    expect(p.target).toEqual([0.5, 0.5]);
    expect(p.method).toBe('gd');
    expect(p.step).toBe(0.05);
    // A full hash written by the app round-trips unchanged.
    const custom = validate(S, { ...PRESETS.fig4b, preset: 'fig4b', deltaCount: 7 }, base);
    expect(paramsFromHash(toHash(S, custom))).toEqual(custom);
    expect(() => paramsFromHash('#v=1&p=nope')).toThrow(/got "nope"/);
  });
});
