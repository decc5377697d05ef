/**
 * URL-hash messages name the key the user typed (issue 11 task: `dn`, not only `deltaCount`), a first load
 * keeps a hash's valid keys and refuses only the bad ones, and a malformed `model=` does not throw.
 */
import { describe, expect, it } from 'vitest';
import { ParamError, defaults, validate } from '../../src/params/schema.ts';
import { fromHash, modelFromHash, modelFromHashKeeping, inUrlTerms } from '../../src/params/url.ts';
import { singleNeuronPlugin } from '../../src/models/singleNeuron/plugin.ts';
import { relu2Plugin } from '../../src/models/relu2/plugin.ts';
import { SINGLE_NEURON_SCHEMA as S } from '../../src/models/singleNeuron/params.ts';
import { modelOfHash } from '../../src/models/registry.ts';

const sn = singleNeuronPlugin;
const base = defaults(S);
const message = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(ParamError); return (e as Error).message; }
  throw new Error('accepted');
};

describe('URL messages name the URL key', () => {
  it.each([
    ['#v=1&dn=0', /^URL key dn: δ count \(deltaCount\) must be an integer in \[1, 1048576\]; got 0\.$/],
    ['#v=1&dmin=abc', /^URL key dmin: δ min \(deltaMin\) must be a finite number in \[-100, 100\]; got "abc"\.$/],
    ['#v=1&h=5e-324', /^URL key h: step \(η or dt\) \(step\) must be/],
    ['#v=1&tr=maybe', /^URL key tr: trails \(trails\) must be true or false/],
  ])('%s', (hash, pattern) => {
    expect(message(() => fromHash(S, hash))).toMatch(pattern);
    expect(message(() => modelFromHash(sn, hash))).toMatch(pattern);
  });

  it('relu2: model= hashes too', () => {
    expect(message(() => modelFromHash(relu2Plugin, '#model=relu2&v=1&m=300'))).toMatch(/^URL key m: hidden units m \(even\) \(m\) must be/);
  });

  it('inUrlTerms names the key of a cross-field error (checkParams) and keeps the field', () => {
    const e = inUrlTerms(S, new ParamError('deltaMin', 'δ min (5) must not exceed δ max (1).')) as ParamError;
    expect(e.message).toBe('URL key dmin: δ min (5) must not exceed δ max (1).');
    expect(e.field).toBe('deltaMin');
    expect((inUrlTerms(S, e) as ParamError).message).toBe(e.message); // once
  });

  it('modelOfHash: a malformed model= names no model instead of throwing URIError', () => {
    expect(() => modelOfHash('#model=%E0%A4%A&v=1')).not.toThrow();
    expect(modelOfHash('#model=%E0%A4%A&v=1').plugin).toBeUndefined();
  });
});

describe('first load keeps the valid keys', () => {
  it('one bad value: the other keys apply, the bad one takes its default, one error names the key', () => {
    const { params, errors } = modelFromHashKeeping(sn, '#v=1&p=custom&d=3&xy=1,2,3&dn=0&dirs=16');
    expect(params).toEqual(validate(S, { preset: 'custom', d: 3, target: [1, 2, 3], directions: 16 }, base));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^URL key dn: δ count \(deltaCount\) must be an integer/)]);
  });

  it('unknown, duplicate, malformed and badly encoded pairs are refused one by one', () => {
    const { params, errors } = modelFromHashKeeping(sn, '#v=1&p=custom&zzz=1&dirs=16&dirs=32&d&dn=%E0%A4%A&spf=3');
    expect(params).toEqual(validate(S, { preset: 'custom', directions: 16, stepsPerFrame: 3 }, base));
    expect(errors.map((e) => e.message)).toEqual([
      'Unknown URL parameter "zzz".', 'URL parameter "dirs" appears twice.', 'Malformed URL parameter "d": expected key=value.',
      'Malformed URL encoding in "dn=%E0%A4%A".',
    ]);
  });

  it('a cross-field conflict (checkParams) drops the key it names', () => {
    const { params, errors } = modelFromHashKeeping(sn, '#v=1&p=custom&d=3&xy=1,2,3&view=3d&dirs=16', sn.checkParams);
    expect(params).toEqual(validate(S, { preset: 'custom', d: 3, target: [1, 2, 3], directions: 16 }, base));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^URL key view: The 3-D parameter view \(view = 3d\) shows/)]);
  });

  it('a missing or unsupported version refuses the whole hash (its keys may mean something else)', () => {
    for (const hash of ['#d=3&dirs=16', '#v=2&d=3']) {
      const { params, errors } = modelFromHashKeeping(sn, hash);
      expect(params).toEqual(base);
      expect(errors).toHaveLength(1);
    }
  });

  it('a valid hash gives what modelFromHash gives, with no errors', () => {
    for (const hash of ['', '#v=1&p=fig8', '#v=1&p=fig2&dn=8', '#v=1&p=custom&d=3&xy=1,2,3']) {
      expect(modelFromHashKeeping(sn, hash)).toEqual({ params: modelFromHash(sn, hash), errors: [] });
    }
  });
});
