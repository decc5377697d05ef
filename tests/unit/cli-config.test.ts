/**
 * `lazyrich simulate` config parsing (src/models/singleNeuron/config.ts) and the grid → ensemble expansion (src/models/singleNeuron/cliEnsemble.ts).
 * Every malformed input must give one ConfigError line that starts with the JSON path of the bad field.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, validateConfig } from '../../src/models/singleNeuron/config.ts';
import { ensembleFromConfig, expandInits } from '../../src/models/singleNeuron/cliEnsemble.ts';
import { initialDirections } from '../../src/models/singleNeuron/ensemble.ts';
import { conservedDelta } from '../../src/theory/index.ts';

type Json = Record<string, unknown>;

/** A valid Fig. 8 style config (docs/theory.md §1.6); tests patch one field at a time. */
function base(): Json {
  return {
    model: 'single-neuron',
    data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
    init: { grid: { delta: [-1, 0, 1], beta0: { directions: 4, norm: 1 } } },
    method: 'gd',
    step: 0.01,
    times: [0, 1, 10],
  };
}

/** base() with `value` set at a dotted path (`undefined` deletes the key). */
function patched(path: string, value: unknown): Json {
  const root = base();
  const keys = path.split('.');
  let o = root as Json;
  for (const k of keys.slice(0, -1)) o = o[k] as Json;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return root;
}

/** The ConfigError message of validating `raw` (fails the test if it validates). */
function errorOf(raw: unknown): string {
  try {
    validateConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

function textErrorOf(text: string): string {
  try {
    parseConfig(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('simulate config: errors name the field', () => {
  it.each([
    ['not JSON', () => textErrorOf('{ "model": '), /^config: not valid JSON/],
    ['top level not an object', () => errorOf([1, 2]), /^config: expected an object, got an array/],
    ['unknown model', () => errorOf(patched('model', 'two-layer')), /^config\.model: unknown model "two-layer"/],
    ['missing model', () => errorOf(patched('model', undefined)), /^config\.model: missing required field/],
    ['missing data.Xy', () => errorOf(patched('data.Xy', undefined)), /^config\.data\.Xy: missing required field/],
    ['missing step', () => errorOf(patched('step', undefined)), /^config\.step: missing required field/],
    ['missing times', () => errorOf(patched('times', undefined)), /^config\.times: missing required field/],
    ['missing init', () => errorOf(patched('init', undefined)), /^config\.init: missing required field/],
    ['string entry', () => errorOf(patched('data.XX', [[1, 0], ['x', 1]])), /^config\.data\.XX\[1\]\[0\]: expected a finite number, got "x"$/],
    ['null entry', () => errorOf(patched('data.Xy', [0.5, null])), /^config\.data\.Xy\[1\]: expected a finite number, got null$/],
    ['1e999 → Infinity', () => textErrorOf(JSON.stringify(base()).replace('"step":0.01', '"step":1e999')), /^config\.step: expected a finite number, got Infinity$/],
    ['-1e999 in XX', () => textErrorOf(JSON.stringify(base()).replace('[[1,0],[0,1]]', '[[1,0],[0,-1e999]]')), /^config\.data\.XX\[1\]\[1\]: expected a finite number, got -Infinity$/],
    ['"NaN" string', () => errorOf(patched('init.grid.delta', [0, 'NaN'])), /^config\.init\.grid\.delta\[1\]: expected a finite number, got "NaN"$/],
    ['d = 0', () => errorOf(patched('data', { XX: [], Xy: [] })), /^config\.data\.XX: .*d = 0/],
    ['d > MAX_D', () => {
      const I = Array.from({ length: 17 }, (_, i) => Array.from({ length: 17 }, (_, j) => (i === j ? 1 : 0)));
      return errorOf(patched('data', { XX: I, Xy: new Array(17).fill(0) }));
    }, /^config\.data\.XX: d = 17 exceeds .*MAX_D = 16/],
    ['XX row too long', () => errorOf(patched('data.XX', [[1, 0], [0, 1, 0]])), /^config\.data\.XX\[1\]: expected length d = 2, got 3$/],
    ['XX row not an array', () => errorOf(patched('data.XX', [[1, 0], 3])), /^config\.data\.XX\[1\]: expected an array of 2 numbers, got 3$/],
    ['Xy wrong length', () => errorOf(patched('data.Xy', [1])), /^config\.data\.Xy: expected length d = 2, got 1$/],
    ['XX not symmetric', () => errorOf(patched('data.XX', [[1, 0.5], [0, 1]])), /^config\.data\.XX: XX is not symmetric/],
    ['XX not PSD', () => errorOf(patched('data.XX', [[1, 2], [2, 1]])), /^config\.data\.XX: XX is not positive semi-definite/],
    ['unknown top-level key', () => errorOf(patched('stepp', 0.01)), /^config\.stepp: unknown field \(allowed here: model, data/],
    ['unknown data key', () => errorOf(patched('data.xx', 1)), /^config\.data\.xx: unknown field/],
    ['unknown beta0 key', () => errorOf(patched('init.grid.beta0', { directions: 4, norm: 1, dirs: 2 })), /^config\.init\.grid\.beta0\.dirs: unknown field/],
    ['unknown rate key', () => errorOf(patched('learningRates', { a: 1, b: 1 })), /^config\.learningRates\.b: unknown field/],
    ['rate ≤ 0', () => errorOf(patched('learningRates', { a: 0 })), /^config\.learningRates\.a: expected a finite number > 0, got 0$/],
    ['δ count 0', () => errorOf(patched('init.grid.delta', { from: -1, to: 1, count: 0 })), /^config\.init\.grid\.delta\.count: expected an integer ≥ 1, got 0$/],
    ['δ count not integer', () => errorOf(patched('init.grid.delta', { from: -1, to: 1, count: 2.5 })), /^config\.init\.grid\.delta\.count: expected an integer ≥ 1, got 2\.5$/],
    ['δ list empty', () => errorOf(patched('init.grid.delta', [])), /^config\.init\.grid\.delta: expected at least one δ/],
    ['β₀ list empty', () => errorOf(patched('init.grid.beta0', [])), /^config\.init\.grid\.beta0: expected at least one β₀/],
    ['β₀ wrong length', () => errorOf(patched('init.grid.beta0', [[1, 0], [1]])), /^config\.init\.grid\.beta0\[1\]: expected length d = 2, got 1$/],
    ['β₀ norm 0', () => errorOf(patched('init.grid.beta0', { directions: 4, norm: 0 })), /^config\.init\.grid\.beta0\.norm: expected a finite number > 0, got 0$/],
    ['β₀ = 0 with δ < 0', () => errorOf(patched('init.grid.beta0', [[0, 0]])), /^config\.init\.grid\.beta0\[0\]: β₀ = 0 with δ = -1 < 0/],
    ['δ count huge', () => errorOf(patched('init.grid.delta', { from: -1, to: 1, count: 1e12 })), /^config\.init\.grid\.delta\.count: at most 16777216 values/],
    ['grid too large', () => errorOf(patched('init.grid', { delta: { from: -1, to: 1, count: 5000 }, beta0: { directions: 5000, norm: 1 } })),
      /^config\.init\.grid: 5000 δ × 5000 β₀ = 25000000 trajectories; at most 16777216/],
    ['empty init object', () => errorOf(patched('init', {})), /^config\.init: expected exactly one of "explicit" or "grid", got neither$/],
    ['both init forms', () => errorOf(patched('init', { explicit: [{ a: 1, w: [0, 1] }], grid: { delta: [0], beta0: [[1, 0]] } })),
      /^config\.init: expected exactly one of "explicit" or "grid", got both$/],
    ['empty explicit list', () => errorOf(patched('init', { explicit: [] })), /^config\.init\.explicit: expected at least one initial state/],
    ['explicit w wrong length', () => errorOf(patched('init', { explicit: [{ a: 1, w: [0, 1] }, { a: 1, w: [0, 1, 2] }] })),
      /^config\.init\.explicit\[1\]\.w: expected length d = 2, got 3$/],
    ['explicit missing a', () => errorOf(patched('init', { explicit: [{ w: [0, 1] }] })), /^config\.init\.explicit\[0\]\.a: missing required field$/],
    ['unknown method', () => errorOf(patched('method', 'adam')), /^config\.method: expected one of "gd", "rk4", "beta-flow", "exact", got "adam"$/],
    ['unknown backend', () => errorOf(patched('backend', 'cuda')), /^config\.backend: expected one of "gpu", "cpu", got "cuda"$/],
    ['step 0', () => errorOf(patched('step', 0)), /^config\.step: expected a finite number > 0, got 0$/],
    ['step < 0', () => errorOf(patched('step', -0.1)), /^config\.step: expected a finite number > 0, got -0\.1$/],
    ['step a string', () => errorOf(patched('step', '0.01')), /^config\.step: expected a finite number, got "0\.01"$/],
    ['bound ≤ 0', () => errorOf(patched('bound', 0)), /^config\.bound: expected a finite number > 0, got 0$/],
    ['times empty', () => errorOf(patched('times', [])), /^config\.times: expected at least one output time/],
    ['times not ascending', () => errorOf(patched('times', [0, 2, 1])), /^config\.times\[2\]: times must be strictly ascending, got 1 after 2$/],
    ['times repeated', () => errorOf(patched('times', [0, 1, 1])), /^config\.times\[2\]: times must be strictly ascending/],
    ['negative time', () => errorOf(patched('times', [-1, 0])), /^config\.times\[0\]: expected a time ≥ 0, got -1$/],
    ['time off the step grid', () => errorOf(patched('times', [0, 0.015])), /^config\.times\[1\]: t = 0\.015 is not on the step grid/],
    ['too many steps', () => errorOf(patched('times', [1e9])), /^config\.times\[0\]: t = 1000000000 needs 100000000000 steps; at most/],
  ])('%s', (_name, run, pattern) => {
    expect(run()).toMatch(pattern);
  });
});

describe('simulate config: valid inputs', () => {
  it('fills defaults and converts times to step counts', () => {
    const c = validateConfig(base());
    expect(c.rates).toEqual({ a: 1, w: 1 });
    expect(c.backend).toBe('gpu');
    expect(c.bound).toBe(1e6);
    expect(c.d).toBe(2);
    expect(c.n).toBe(12);
    expect(c.stepCounts).toEqual([0, 100, 1000]);
  });

  it('accepts times that are integers of steps up to rounding (t/step within 1e-9 relative)', () => {
    const c = validateConfig({ ...base(), method: 'rk4', step: 0.1, times: [0.3, 0.7, 1.1, 2.9] });
    expect(c.stepCounts).toEqual([3, 7, 11, 29]);
  });

  it('parses explicit inits, rates, bound and backend', () => {
    const c = parseConfig(JSON.stringify({
      ...base(), learningRates: { a: 2, w: 0.5 }, bound: 10, backend: 'cpu',
      init: { explicit: [{ a: 1, w: [0, 1] }, { a: -0.5, w: [2, 3] }] },
    }));
    expect(c.rates).toEqual({ a: 2, w: 0.5 });
    expect(c.bound).toBe(10);
    expect(c.backend).toBe('cpu');
    const e = ensembleFromConfig(c);
    expect(e.n).toBe(2);
    expect(Array.from(e.state0)).toEqual([1, -0.5, 0, 2, 1, 3]); // SoA: a | w_0 | w_1
    expect(e.delta0[1]).toBeCloseTo(0.5 * 0.25 - 2 * 13, 12);
  });

  it('orders the grid as i = iδ · #β₀ + iβ₀ with β₀ = norm · initialDirections', () => {
    const c = validateConfig(patched('init.grid', { delta: { from: -1, to: 1, count: 3 }, beta0: { directions: 4, norm: 0.5 } }));
    const dirs = initialDirections(2, 4, 1);
    const inits = expandInits(c);
    expect(inits).toHaveLength(12);
    [-1, 0, 1].forEach((delta, id) => dirs.forEach((dir, ib) => {
      const { a, w } = inits[id * 4 + ib];
      expect(conservedDelta(a, [...w])).toBeCloseTo(delta, 12);
      expect(a * w[0]).toBeCloseTo(0.5 * dir[0], 12);
      expect(a * w[1]).toBeCloseTo(0.5 * dir[1], 12);
      expect(a).toBeGreaterThan(0);
    }));
  });

  it('initialises with the layer rates (δ = η_w a² − η_a‖w‖²)', () => {
    const c = validateConfig({ ...base(), learningRates: { a: 2, w: 3 }, init: { grid: { delta: [0.7], beta0: [[0.3, -0.4]] } } });
    const [{ a, w }] = expandInits(c);
    expect(conservedDelta(a, [...w], { a: 2, w: 3 })).toBeCloseTo(0.7, 12);
    expect([a * w[0], a * w[1]]).toEqual([expect.closeTo(0.3, 12), expect.closeTo(-0.4, 12)]);
  });
});

describe('simulate config: methods "beta-flow" and "exact" (issue 3 item 9)', () => {
  it('"beta-flow" is a stepped method: step required, times on its grid', () => {
    const c = validateConfig({ ...base(), method: 'beta-flow', step: 1e-3, times: [0, 1, 10] });
    expect(c.method).toBe('beta-flow');
    expect(c.step).toBe(1e-3);
    expect(c.stepCounts).toEqual([0, 1000, 10000]);
  });

  it('"exact" needs no step and takes any times (no step grid)', () => {
    const raw = { ...base(), method: 'exact', times: [0, 0.015, Math.PI, 1e4] };
    delete (raw as Json).step;
    const c = validateConfig(raw);
    expect(c.method).toBe('exact');
    expect(c.step).toBeNull();
    expect(c.stepCounts).toBeNull();
    expect(c.times).toEqual([0, 0.015, Math.PI, 1e4]);
  });

  it('"exact" keeps a given step but does not put the times on its grid', () => {
    const c = validateConfig({ ...base(), method: 'exact', step: 0.01, times: [0, 0.015] });
    expect(c.step).toBe(0.01);
    expect(c.stepCounts).toBeNull();
  });

  it('"exact" accepts XX = σ²I (the §1 rescaling) and any layer rates', () => {
    const c = validateConfig({ ...base(), method: 'exact', data: { XX: [[2.5, 0], [0, 2.5]], Xy: [1, 0] }, learningRates: { a: 2, w: 0.5 } });
    expect(c.method).toBe('exact');
  });

  const fig4b = { XX: [[0.25, 0.5], [0.5, 1]], Xy: [0.55, 1.1] };
  it.each([
    ['exact on XX = x xᵀ (no closed form)', () => errorOf({ ...base(), method: 'exact', data: fig4b }),
      /^config\.method: "exact" is unavailable for config\.data\.XX: no closed form for this data: XX must be a multiple of the identity \(docs\/theory\.md §1\.3\); use "rk4" or "beta-flow"$/],
    ['exact on anisotropic diagonal XX', () => errorOf({ ...base(), method: 'exact', data: { XX: [[1, 0], [0, 2]], Xy: [0, 1] } }),
      /^config\.method: "exact" is unavailable for config\.data\.XX: no closed form/],
    ['exact on XX = 0', () => errorOf({ ...base(), method: 'exact', data: { XX: [[0, 0], [0, 0]], Xy: [0, 0] } }),
      /^config\.method: "exact" is unavailable for config\.data\.XX: .*σ > 0/],
    ['exact with step 0', () => errorOf({ ...base(), method: 'exact', step: 0 }), /^config\.step: expected a finite number > 0, got 0$/],
    ['exact with step null', () => errorOf({ ...base(), method: 'exact', step: null }), /^config\.step: expected a finite number, got null$/],
    ['exact with a negative time', () => errorOf({ ...base(), method: 'exact', times: [-0.5, 1] }), /^config\.times\[0\]: expected a time ≥ 0, got -0\.5$/],
    ['exact with descending times', () => errorOf({ ...base(), method: 'exact', times: [0, 2, 1.5] }), /^config\.times\[2\]: times must be strictly ascending/],
    ['beta-flow without step', () => errorOf({ ...patched('step', undefined), method: 'beta-flow' }),
      /^config\.step: missing required field \(method "beta-flow" needs the time per step; only "exact" may omit it\)$/],
    ['beta-flow off the step grid', () => errorOf({ ...base(), method: 'beta-flow', times: [0, 0.015] }), /^config\.times\[1\]: t = 0\.015 is not on the step grid/],
    ['beta-flow from a = 0, w ≠ 0 (β₀ = 0, δ < 0)', () => errorOf({ ...base(), method: 'beta-flow', init: { explicit: [{ a: 1, w: [0, 1] }, { a: 0, w: [0.3, 0] }] } }),
      /^config\.init\.explicit\[1\]\.a: a = 0 with w ≠ 0 gives β₀ = 0 with δ < 0, which "beta-flow" cannot leave/],
  ])('%s: one line naming the field', (_name, run, pattern) => {
    expect(run()).toMatch(pattern);
  });

  it('the same a = 0 init is fine for "rk4" (the parameter flow leaves β = 0)', () => {
    expect(validateConfig({ ...base(), method: 'rk4', init: { explicit: [{ a: 0, w: [0.3, 0] }] } }).n).toBe(1);
  });
});
