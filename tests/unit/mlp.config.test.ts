/**
 * The mlp config parser (src/models/mlp/config.ts) and app params (params.ts): refusals name the JSON path or the
 * field before anything is allocated; the grid plan's order and defaults; the presets' app configs.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/validate.ts';
import { parseMlpConfig } from '../../src/models/mlp/config.ts';
import { checkMlpParams, evenCheckpoints, mlpAppConfig, MLP_PRESETS, MLP_SCHEMA } from '../../src/models/mlp/params.ts';
import { mlpPlugin } from '../../src/models/mlp/plugin.ts';
import { defaults, ParamError, validate } from '../../src/params/schema.ts';

const explicit = {
  model: 'mlp', layers: [2, 3, 2], loss: 'mse',
  data: { X: [[1, 0], [0, 1], [1, 1]], labels: [0, 1, 1] },
  init: { explicit: [{ weights: [[[1, 0], [0, 1], [1, 1]], [[1, 0, 0], [0, 1, 1]]] }] },
  optimizer: { name: 'sgd', lr: 0.1 }, batchSize: 'full', steps: 10, checkpoints: [0, 10],
};

function refusal(patch: Record<string, unknown>): string {
  try { parseMlpConfig({ ...structuredClone(explicit), ...patch }); } catch (e) { expect(e).toBeInstanceOf(ConfigError); return (e as Error).message; }
  throw new Error('not refused');
}

describe('mlp config', () => {
  it('explicit weights and data: θ₀ in layer order, row-major; no test set; probe defaults to min(32, n)', () => {
    const c = parseMlpConfig(structuredClone(explicit));
    expect(Array.from(c.networks[0].theta0!)).toEqual([1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1]);
    expect([c.trainRows, c.testRows, c.probe, c.batchSize, c.backend]).toEqual([3, 0, 3, null, 'cpu']);
    expect(c.optimizer).toEqual({ name: 'sgd', lr: 0.1, momentum: 0, schedule: 'constant', decayFraction: 1 });
  });

  it.each([
    [{ init: { explicit: [{ weights: [[[1, 0], [0, 1]], [[1, 0, 0], [0, 1, 1]]] }] } }, /^config\.init\.explicit\[0\]\.weights\[0\]: expected 3 rows, got 2/],
    [{ init: { explicit: [{ weights: [[[1, 0], [0, 1], [1, 1]]] }] } }, /^config\.init\.explicit\[0\]\.weights: expected L = 2 matrices, got 1/],
    [{ init: { explicit: [{ weights: [[[1, 0], [0, 1], [1, 1]], [[1, 0, 0], [0, 1, 1]]], biases: [[0, 0, 0], [0, 0]] }] } }, /^config\.init\.explicit\[0\]\.biases: biases given but config\.bias is false/],
    [{ data: { X: [[1, 0], [0, 1]], labels: [0, 2] } }, /^config\.data\.labels\[1\]: label 2 is not a class/],
    [{ data: { X: [[1, 0, 0]], labels: [0] } }, /^config\.data\.X\[0\]: expected 2 entries, got 3/],
    [{ data: { X: [[1, 0]], labels: [0], Xtest: [[1, 0]] } }, /^config\.data\.labelsTest: Xtest and labelsTest go together/],
    [{ data: { X: [[1e39, 0]], labels: [0] } }, /^config\.data\.X\[0\]\[0\]: 1e\+39 is Infinity in float32/],
    [{ data: { modular: { p: 5, trainFraction: 0.5, seed: 0 } } }, /^config\.layers\[0\]: modular addition's input one-hot\(a\) ⊕ one-hot\(b\) has 2p = 10 entries/],
    [{ data: { rhm: { levels: 3, classes: 8, synonyms: 4, branching: 2, vocabulary: 8, seed: 0, train: 60000, test: 20000 } } }, /^config\.data\.rhm\.train: train \+ test = 80,000 samples; at most half of the RHM's 131,072/],
    [{ optimizer: { name: 'adamw', lr: 0.1, betas: [0.9], weightDecay: 0 } }, /^config\.optimizer\.betas: expected two numbers/],
    [{ optimizer: { name: 'adamw', lr: 0.1, betas: [0.9, 0.99], weightDecay: 0, momentum: 0.9 } }, /^config\.optimizer\.momentum: unknown field/],
    [{ optimizer: { name: 'sgd', lr: 0.1, schedule: 'cosine', decayFraction: 1.5 } }, /^config\.optimizer\.decayFraction: expected a fraction in \(0, 1\]/],
    [{ steps: 1e8, checkpoints: [0] }, /^config\.steps: expected an integer ≤ 10,000,000/],
    [{ probe: 4 }, /^config\.probe: the probe set is the first P training rows; P = 4 is more than the smallest training set \(3\)/],
    [{ backend: 'tpu' }, /^config\.backend: expected one of "gpu", "cpu"/],
    [{ activation: 'tanh' }, /^config\.activation: expected one of "relu"/],
  ])('refuses %j naming the path', (patch, re) => {
    expect(refusal(patch)).toMatch(re);
  });

  it('a grid over 10⁵ networks, or 2²⁸ network-parameters, is refused before anything is built', () => {
    const grid = (g: Record<string, unknown>, layers = [2, 3, 2]) => refusal({ layers, init: { grid: { alpha: [1], seeds: [0], ...g } } });
    expect(grid({ alpha: Array.from({ length: 400 }, (_, i) => i + 1), seeds: Array.from({ length: 400 }, (_, i) => i) })).toMatch(/^config\.init\.grid: 160,000 networks; at most 100,000/);
    const wide = { layers: [512, 512, 512, 512, 512, 512, 2], data: { X: [Array(512).fill(0)], labels: [0] }, init: { grid: { alpha: Array.from({ length: 300 }, (_, i) => i + 1), seeds: [0] } } };
    expect(refusal(wide)).toMatch(/^config\.init\.grid: 300 networks × 1,311,744 parameters exceed the limit 268,435,456/);
  });

  it('grid order: τ outermost, then α, then trainSize, then seed', () => {
    const c = parseMlpConfig({ ...structuredClone(explicit), init: { grid: { alpha: [1, 2], tau: [0.5, 1], seeds: [7, 8], trainSizes: [2, 3] } } });
    expect(c.networks.map((n) => [n.tau, n.alpha, n.trainSize, n.seed])).toEqual(
      [0.5, 1].flatMap((t) => [1, 2].flatMap((a) => [2, 3].flatMap((s) => [7, 8].map((seed) => [t, a, s, seed])))));
  });
});

describe('mlp app params', () => {
  it('each preset gives a valid config; Fig. 6(c) is the paper\'s setting apart from η (docs/theory.md §4.1)', () => {
    const base = defaults(MLP_SCHEMA);
    for (const [name, p] of Object.entries(MLP_PRESETS)) {
      const params = validate(MLP_SCHEMA, { ...p, preset: name }, base);
      checkMlpParams(params);
      parseMlpConfig(mlpAppConfig(params));
    }
    const fig = parseMlpConfig(mlpAppConfig(validate(MLP_SCHEMA, { ...MLP_PRESETS['rhm-fig6c'], preset: 'rhm-fig6c' }, base)));
    expect(fig.arch.layers).toEqual([64, 64, 64, 64, 8]);
    expect(fig.optimizer).toEqual({ name: 'sgd', lr: 0.03, momentum: 0.9, schedule: 'cosine', decayFraction: 0.8 });
    expect([fig.batchSize, fig.testRows, fig.networks.length]).toEqual([128, 20000, 6 * 6 * 7]);
    expect(new Set(fig.networks.map((n) => n.alpha))).toEqual(new Set([0.03, 0.1, 0.3, 1, 3, 10]));
    expect(mlpPlugin.estimate!(validate(MLP_SCHEMA, { ...MLP_PRESETS['rhm-fig6c'], preset: 'rhm-fig6c' }, base))!.items).toBe(252);
  });

  it('cross-field refusals name the field', () => {
    const base = defaults(MLP_SCHEMA);
    const bad = (patch: Record<string, unknown>) => {
      try { checkMlpParams(validate(MLP_SCHEMA, patch, base)); } catch (e) { expect(e).toBeInstanceOf(ParamError); return (e as ParamError).field; }
      return undefined;
    };
    expect(bad({ synonyms: 9 })).toBe('synonyms');
    expect(bad({ trainSizes: [100000] })).toBe('trainSizes');
    expect(bad({ trainSizes: [10.5] })).toBe('trainSizes');
    expect(bad({ probe: 200, trainSizes: [100] })).toBe('probe');
    expect(bad({ task: 'modular', modulus: 5, probe: 21 })).toBe('probe'); // 20 training pairs
    expect(bad({ alphas: [] })).toBe('alphas');
  });

  it('evenly spaced checkpoints include 0 and T', () => {
    expect(evenCheckpoints(2000, 11)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
    expect(evenCheckpoints(3, 11)).toEqual([0, 1, 2, 3]);
  });
});
