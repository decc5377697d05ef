/**
 * The relu2 `simulate`/`sweep` config (src/models/relu2/config.ts) and its network plan (src/models/relu2/plan.ts):
 * every malformed input gives one ConfigError whose message starts with the JSON path of the bad field;
 * valid configs expand to the networks of buildRelu2Grid, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/validate.ts';
import { linRange, logRange, validateRelu2Config } from '../../src/models/relu2/config.ts';
import { Relu2Plan } from '../../src/models/relu2/plan.ts';
import { relu2ConfigHash } from '../../src/models/relu2/run.ts';
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';

type Json = Record<string, unknown>;

/** A valid tiny teacher-grid config; tests patch one field at a time. */
function base(): Json {
  return {
    model: 'relu2',
    data: { teacher: { seed: 0, d: 3, n: 16, m0: 3, nTest: 8 } },
    init: { grid: { m: 8, tau: { from: 0.5, to: 2, count: 3, log: true }, delta: { from: -1, to: 1, count: 3 }, seeds: [0, 1] } },
    learningRate: { base: 0.01, scaleByTauSquared: true },
    checkpoints: [0, 10, 100],
  };
}

const explicitData = { X: [[1, 0], [0, 1], [0.6, 0.8]], y: [1, 0, 0.5] };
const explicitInit = { explicit: [{ W: [[0.1, 0.2], [0.3, -0.1]], a: [0.5, -0.5] }] };

/** base() with `value` set at a dotted path (`undefined` deletes the key). */
function patched(path: string, value: unknown, root: Json = base()): Json {
  const keys = path.split('.');
  let o = root;
  for (const k of keys.slice(0, -1)) o = o[k] as Json;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return root;
}

function errorOf(raw: unknown): string {
  try {
    validateRelu2Config(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

const explicitBase = () => ({ ...base(), data: explicitData, init: explicitInit, learningRate: 0.1 });

describe('relu2 config: every malformed input names its field', () => {
  it.each([
    ['top level an array', () => errorOf([1]), /^config: expected an object, got an array$/],
    ['unknown top-level key', () => errorOf(patched('steps', 3)), /^config\.steps: unknown field \(allowed here: model, activation, data/],
    ['wrong model', () => errorOf(patched('model', 'relu3')), /^config\.model: expected "relu2", got "relu3"$/],
    ['activation string', () => errorOf(patched('activation', 'tanh')), /^config\.activation: expected "relu" or \{"leaky": slope\}, got "tanh"$/],
    ['leaky slope < 0', () => errorOf(patched('activation', { leaky: -0.1 })), /^config\.activation\.leaky: expected a slope ≥ 0, got -0\.1$/],
    ['leaky unknown key', () => errorOf(patched('activation', { slope: 0.1 })), /^config\.activation\.slope: unknown field/],
    ['missing data', () => errorOf(patched('data', undefined)), /^config\.data: missing required field$/],
    ['teacher and X', () => errorOf(patched('data.X', [[1]])), /^config\.data\.X: give either "teacher" or explicit "X", "y"/],
    ['teacher seed missing', () => errorOf(patched('data.teacher.seed', undefined)), /^config\.data\.teacher\.seed: missing required field$/],
    ['teacher seed ≥ 2³¹', () => errorOf(patched('data.teacher.seed', 2 ** 31)), /^config\.data\.teacher\.seed: expected an integer < 2³¹/],
    ['teacher d > 128', () => errorOf(patched('data.teacher.d', 129)), /^config\.data\.teacher\.d: d \(inputs\) = 129 exceeds the limit of 128/],
    ['teacher n > limit', () => errorOf(patched('data.teacher.n', 70000)), /^config\.data\.teacher\.n: n \(training samples\) = 70,000 exceeds the limit of 65,536/],
    ['teacher n 0', () => errorOf(patched('data.teacher.n', 0)), /^config\.data\.teacher\.n: expected an integer ≥ 1, got 0$/],
    ['teacher nTest fractional', () => errorOf(patched('data.teacher.nTest', 1.5)), /^config\.data\.teacher\.nTest: expected an integer ≥ 0, got 1\.5$/],
    ['teacher m0 huge', () => errorOf(patched('data.teacher.m0', 1e6)), /^config\.data\.teacher\.m0: m0 \(teacher units\) = 1,000,000 exceeds the limit/],
    ['X row wrong length', () => errorOf({ ...explicitBase(), data: { X: [[1, 0], [0]], y: [1, 0] } }), /^config\.data\.X\[1\]: expected length d = 2, got 1$/],
    ['X entry a string', () => errorOf({ ...explicitBase(), data: { X: [[1, 'a']], y: [1] } }), /^config\.data\.X\[0\]\[1\]: expected a finite number, got "a"$/],
    ['X empty', () => errorOf({ ...explicitBase(), data: { X: [], y: [] } }), /^config\.data\.X: expected at least one row/],
    ['X d > 128', () => errorOf({ ...explicitBase(), data: { X: [new Array(129).fill(0)], y: [0] } }), /^config\.data\.X\[0\]: d \(inputs\) = 129 exceeds the limit of 128/],
    ['y wrong length', () => errorOf({ ...explicitBase(), data: { ...explicitData, y: [1] } }), /^config\.data\.y: expected length n = 3, got 1$/],
    ['Xtest without ytest', () => errorOf({ ...explicitBase(), data: { ...explicitData, Xtest: [[1, 0]] } }), /^config\.data\.ytest: missing: give both "Xtest" and "ytest"/],
    ['Xtest wrong width', () => errorOf({ ...explicitBase(), data: { ...explicitData, Xtest: [[1, 0, 0]], ytest: [1] } }), /^config\.data\.Xtest\[0\]: expected length d = 2, got 3$/],
    ['init both forms', () => errorOf(patched('init', { ...explicitInit, grid: {} })), /^config\.init: expected exactly one of "explicit", "grid" or "points", got explicit and grid$/],
    ['points: a setting with δ and α', () => errorOf(patched('init', { points: { m: 4, settings: [{ tau: 1, delta: 0, alpha: 1 }], seeds: [0] } })), /^config\.init\.points\.settings\[0\]\.delta: expected exactly one of "delta" or "alpha", got both$/],
    ['points: odd m', () => errorOf(patched('init', { points: { m: 3, settings: [{ tau: 1, delta: 0 }], seeds: [0] } })), /^config\.init\.points\.m: expected an even m/],
    ['grid m odd', () => errorOf(patched('init.grid.m', 7)), /^config\.init\.grid\.m: expected an even m/],
    ['grid m > 256', () => errorOf(patched('init.grid.m', 300)), /^config\.init\.grid\.m: m \(hidden units\) = 300 exceeds the limit of 256/],
    ['grid m missing', () => errorOf(patched('init.grid.m', undefined)), /^config\.init\.grid\.m: missing required field$/],
    ['tau ≤ 0 in a list', () => errorOf(patched('init.grid.tau', [0.1, 0])), /^config\.init\.grid\.tau\[1\]: expected a finite number > 0, got 0$/],
    ['tau range count 0', () => errorOf(patched('init.grid.tau', { from: 0.1, to: 1, count: 0, log: true })), /^config\.init\.grid\.tau\.count: expected an integer ≥ 1, got 0$/],
    ['tau log not boolean', () => errorOf(patched('init.grid.tau', { from: 0.1, to: 1, count: 2, log: 'yes' })), /^config\.init\.grid\.tau\.log: expected true or false, got "yes"$/],
    ['tau a string', () => errorOf(patched('init.grid.tau', 'logspace')), /^config\.init\.grid\.tau: expected a list of τ values or/],
    ['tau list empty', () => errorOf(patched('init.grid.tau', [])), /^config\.init\.grid\.tau: expected at least one τ, got an empty array$/],
    ['delta with log', () => errorOf(patched('init.grid.delta', { from: -1, to: 1, count: 3, log: true })), /^config\.init\.grid\.delta\.log: unknown field/],
    ['delta entry null', () => errorOf(patched('init.grid.delta', [0, null])), /^config\.init\.grid\.delta\[1\]: expected a finite number, got null$/],
    ['delta and alpha', () => errorOf(patched('init.grid.alpha', [1])), /^config\.init\.grid\.delta: expected exactly one of "delta" or "alpha", got both$/],
    ['neither delta nor alpha', () => errorOf(patched('init.grid.delta', undefined)), /^config\.init\.grid\.delta: expected exactly one of "delta" or "alpha", got neither$/],
    ['alpha ≤ 0', () => errorOf(patched('init.grid', { m: 8, tau: [1], alpha: [10, -1], seeds: [0] })), /^config\.init\.grid\.alpha\[1\]: expected a finite number > 0, got -1$/],
    ['seeds empty', () => errorOf(patched('init.grid.seeds', [])), /^config\.init\.grid\.seeds: expected at least one seed/],
    ['seed negative', () => errorOf(patched('init.grid.seeds', [0, -1])), /^config\.init\.grid\.seeds\[1\]: expected an integer ≥ 0, got -1$/],
    ['seed duplicate', () => errorOf(patched('init.grid.seeds', [3, 3])), /^config\.init\.grid\.seeds\[1\]: duplicate seed 3/],
    ['teacher.seed + seed ≥ 2³¹', () => errorOf(patched('init.grid.seeds', [2 ** 31 - 1], patched('data.teacher.seed', 5))), /^config\.init\.grid\.seeds\[0\]: seed 2147483647 \+ config\.data\.teacher\.seed 5 must be < 2³¹$/],
    ['grid too large', () => errorOf(patched('init.grid.tau', { from: 0.1, to: 1, count: 1000, log: true }, patched('init.grid.delta', { from: -1, to: 1, count: 1000 }))),
      /^config\.init\.grid: 2 seeds × 1000 τ × 1000 δ = 2,000,000 networks; at most 1,048,576/],
    ['explicit empty', () => errorOf({ ...explicitBase(), init: { explicit: [] } }), /^config\.init\.explicit: expected at least one network/],
    ['explicit W wrong width', () => errorOf({ ...explicitBase(), init: { explicit: [{ W: [[0.1, 0.2, 0.3]], a: [1] }] } }), /^config\.init\.explicit\[0\]\.W\[0\]: expected length d = 2, got 3$/],
    ['explicit m differs', () => errorOf({ ...explicitBase(), init: { explicit: [explicitInit.explicit[0], { W: [[0.1, 0.2]], a: [1] }] } }), /^config\.init\.explicit\[1\]\.W: expected m = 2 rows/],
    ['explicit a wrong length', () => errorOf({ ...explicitBase(), init: { explicit: [{ W: [[0.1, 0.2], [0, 1]], a: [1] }] } }), /^config\.init\.explicit\[0\]\.a: expected length m = 2, got 1$/],
    ['explicit m > 256', () => errorOf({ ...explicitBase(), init: { explicit: [{ W: Array.from({ length: 257 }, () => [0, 1]), a: [] }] } }), /^config\.init\.explicit\[0\]\.W: m \(hidden units\) = 257 exceeds the limit of 256/],
    ['learningRate missing', () => errorOf(patched('learningRate', undefined)), /^config\.learningRate: missing required field$/],
    ['learningRate ≤ 0', () => errorOf(patched('learningRate', 0)), /^config\.learningRate: expected a finite number > 0, got 0$/],
    ['learningRate a string', () => errorOf(patched('learningRate', '0.1')), /^config\.learningRate: expected a number or \{"base", "scaleByTauSquared"\}, got "0\.1"$/],
    ['learningRate base missing', () => errorOf(patched('learningRate', { scaleByTauSquared: true })), /^config\.learningRate\.base: missing required field$/],
    ['scaleByTauSquared not boolean', () => errorOf(patched('learningRate', { base: 0.1, scaleByTauSquared: 1 })), /^config\.learningRate\.scaleByTauSquared: expected true or false, got 1$/],
    ['τ scaling with explicit init', () => errorOf({ ...explicitBase(), learningRate: { base: 0.1, scaleByTauSquared: true } }), /^config\.learningRate\.scaleByTauSquared: η = base\/τ² needs τ/],
    ['checkpoints empty', () => errorOf(patched('checkpoints', [])), /^config\.checkpoints: expected at least one checkpoint/],
    ['checkpoint negative', () => errorOf(patched('checkpoints', [-1, 2])), /^config\.checkpoints\[0\]: expected an integer ≥ 0, got -1$/],
    ['checkpoint fractional', () => errorOf(patched('checkpoints', [0, 2.5])), /^config\.checkpoints\[1\]: expected an integer ≥ 0, got 2\.5$/],
    ['checkpoints not ascending', () => errorOf(patched('checkpoints', [0, 10, 10])), /^config\.checkpoints\[2\]: checkpoints must be strictly ascending, got 10 after 10$/],
    ['checkpoint huge', () => errorOf(patched('checkpoints', [1e12])), /^config\.checkpoints\[0\]: 1,000,000,000,000 steps exceeds the limit/],
    ['unknown backend', () => errorOf(patched('backend', 'cuda')), /^config\.backend: expected one of "gpu", "cpu", got "cuda"$/],
  ])('%s', (_name, run, pattern) => {
    expect(run()).toMatch(pattern);
  });
});

describe('relu2 config: valid inputs', () => {
  it('fills defaults and sizes; ranges are linspace / numpy logspace', () => {
    const c = validateRelu2Config(base());
    expect(c).toMatchObject({ slope: 0, backend: 'gpu', m: 8, d: 3, n: 16, nTest: 8, networks: 2 * 3 * 3 });
    expect(linRange(-1, 1, 3)).toEqual([-1, 0, 1]);
    const fig1b = logRange(0.1, 10 ** 0.3, 17);
    expect(fig1b[0]).toBeCloseTo(0.1, 15);
    expect(fig1b[16]).toBeCloseTo(10 ** 0.3, 14);
    expect(fig1b[8]).toBeCloseTo(10 ** -0.35, 14);
  });

  it('explicit data and init (leaky), with a test set', () => {
    const c = validateRelu2Config({ ...explicitBase(), activation: { leaky: 0.1 }, data: { ...explicitData, Xtest: [[1, 1]], ytest: [2] }, backend: 'cpu' });
    expect(c).toMatchObject({ slope: 0.1, backend: 'cpu', m: 2, d: 2, n: 3, nTest: 1, networks: 1 });
    const { spec, labels } = new Relu2Plan(c).spec(0, 1);
    expect(labels).toEqual([{}]);
    expect(Array.from(spec.networks[0].init.W)).toEqual([0.1, 0.2, 0.3, -0.1]);
    expect(spec.networks[0].eta).toBe(0.1);
    expect(Array.from(spec.datasets[0].Xtest!)).toEqual([1, 1]);
  });

  it('grid networks equal buildRelu2Grid (teacher.seed = 0), in the same order; chunks materialise only their seeds', () => {
    const c = validateRelu2Config(base());
    const plan = new Relu2Plan(c);
    const init = c.init as Extract<typeof c.init, { kind: 'grid' }>;
    const grid = buildRelu2Grid({
      m: 8, taus: init.taus, deltas: init.deltas, seeds: [0, 1], teacher: { d: 3, n: 16, m0: 3, nTest: 8 },
      learningRate: { base: 0.01, scaleByTauSquared: true },
    });
    const { spec, labels } = plan.spec(0, plan.count);
    expect(spec.datasets).toHaveLength(2);
    grid.networks.forEach((net, q) => {
      expect(labels[q]).toEqual({ tau: net.tau, delta: net.delta, alpha: net.alpha, seed: net.seed });
      expect(spec.networks[q].eta).toBe(net.eta);
      expect(spec.networks[q].dataIndex).toBe(net.dataIndex);
      expect(Array.from(spec.networks[q].init.W)).toEqual(Array.from(net.init.W));
      expect(Array.from(spec.networks[q].init.a)).toEqual(Array.from(net.init.a));
    });
    expect(Array.from(spec.datasets[1].X)).toEqual(Array.from(grid.datasets[1].X));
    const second = plan.spec(9, 12); // seed 1 only
    expect(second.spec.datasets).toHaveLength(1);
    expect(second.spec.networks.every((n) => n.dataIndex === 0)).toBe(true);
    expect(Array.from(second.spec.datasets[0].y)).toEqual(Array.from(grid.datasets[1].y));
  });

  it('teacher.seed offsets the data seed of every grid seed; α grids resolve δ', () => {
    const shifted = new Relu2Plan(validateRelu2Config(patched('data.teacher.seed', 1)));
    const plain = new Relu2Plan(validateRelu2Config(base()));
    expect(Array.from(shifted.spec(0, 1).spec.datasets[0].X)).toEqual(Array.from(plain.spec(9, 10).spec.datasets[0].X));
    const alpha = new Relu2Plan(validateRelu2Config(patched('init.grid', { m: 4, tau: [0.1], alpha: [10, 0.1], seeds: [2] })));
    const [up, down] = alpha.spec(0, 2).labels;
    expect(up.alpha).toBe(10);
    expect(up.delta).toBeCloseTo(0.01 * (100 - 0.01), 12);
    expect(down.delta).toBeCloseTo(0.01 * (0.01 - 100), 12);
  });

  it('the config hash ignores the backend and range spelling, and changes with the data', () => {
    const h = relu2ConfigHash(validateRelu2Config(base()));
    expect(relu2ConfigHash(validateRelu2Config({ ...base(), backend: 'cpu' }))).toBe(h);
    expect(relu2ConfigHash(validateRelu2Config(patched('init.grid.delta', [-1, 0, 1])))).toBe(h);
    expect(relu2ConfigHash(validateRelu2Config(patched('data.teacher.seed', 1)))).not.toBe(h);
    expect(relu2ConfigHash(validateRelu2Config(patched('checkpoints', [0, 10])))).not.toBe(h);
  });
});
