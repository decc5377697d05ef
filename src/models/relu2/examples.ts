/**
 * Tiny runs and bad inputs of the relu2 model for the conformance suite (tests/unit/conformance.test.ts, tests/gpu/conformance.test.ts), which
 * every registered model passes (docs/architecture.md "Conformance").
 */
import type { ModelExamples } from '../plugin.ts';

const teacher = { teacher: { seed: 0, d: 3, n: 16, m0: 3, nTest: 8 } };

export const relu2Examples: ModelExamples = {
  tiny: {
    model: 'relu2', data: teacher,
    init: { grid: { m: 8, tau: { from: 0.5, to: 1, count: 2, log: true }, delta: [-0.5, 0.5], seeds: [0, 1] } },
    learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 10, 100],
  },
  // f32 (Kahan-compensated) vs f64 over 100 GD steps, the tolerances of tests/gpu/relu2Cli.test.ts.
  tolerance: {
    default: { abs: 0, rel: 0 },
    trainLoss: { abs: 1e-7, rel: 1e-3 }, testLoss: { abs: 1e-7, rel: 1e-3 }, hamming: { abs: 0.5, rel: 0 },
    paramDistance: { abs: 1e-7, rel: 1e-3 }, kernelDistance: { abs: 1e-3, rel: 0 }, deltaDrift: { abs: 1e-5, rel: 0 },
    W: { abs: 1e-5, rel: 0 }, a: { abs: 1e-5, rel: 0 }, tau: { abs: 0, rel: 1e-15 }, alpha: { abs: 0, rel: 1e-15 },
  },
  // η = 40 blows the first network up at once; the second sits at θ = 0, a stationary point (σ(0) = 0).
  diverging: {
    model: 'relu2', data: teacher, learningRate: 40, checkpoints: [0, 200],
    init: { explicit: [{ W: [[1, 0, 0], [0, 1, 0]], a: [1.5, 1] }, { W: [[0, 0, 0], [0, 0, 0]], a: [0, 0] }] },
  },
  divergedEntries: [true, false],
  badParams: [['m', 3], ['d', 0], ['n', 1.5], ['etaBase', Number.NaN], ['preset', 'fig99'], ['steps', -1]],
  badConfigs: [
    ['config.checkpoints', { checkpoints: [10, 5] }],
    ['config.learningRate', { learningRate: -1 }],
    ['config.init', { init: { grid: { m: 8 } } }],
    ['config.data', { data: { teacher: { seed: 0, d: 0, n: 16, m0: 3 } } }],
  ],
};
