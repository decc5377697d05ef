/**
 * Tiny runs and bad inputs of the single-neuron model for the conformance suite (tests/unit/conformance.test.ts, tests/gpu/conformance.test.ts),
 * which every registered model passes (docs/architecture.md "Conformance").
 */
import type { ModelExamples } from '../plugin.ts';

const base = {
  model: 'single-neuron',
  data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
  learningRates: { a: 1, w: 1 },
};

export const singleNeuronExamples: ModelExamples = {
  tiny: {
    ...base,
    init: { grid: { delta: { from: -2, to: 2, count: 3 }, beta0: { directions: 4, norm: 1 } } },
    method: 'gd', step: 0.01, times: [0, 0.1, 0.5],
  },
  // f32 vs f64 over 50 GD steps of a contracting flow: |gpu − cpu| ≤ 2e-4 (1 + |cpu|), as tests/gpu/cli.test.ts.
  tolerance: { default: { abs: 2e-4, rel: 2e-4 } },
  diverging: {
    ...base, method: 'gd', step: 1.5, times: [0, 30], bound: 1e3,
    init: { explicit: [{ a: 0.5, w: [0.1, 0.2] }, { a: 3, w: [3, 3] }] },
  },
  divergedEntries: [false, true],
  badParams: [['d', 0], ['deltaCount', 0], ['step', Number.NaN], ['method', 'euler'], ['etaA', -1], ['bound', Infinity]],
  badConfigs: [
    ['config.step', { step: -0.01 }],
    ['config.method', { method: 'euler' }],
    ['config.times', { times: [0.5, 0.1] }],
    ['config.data', { data: 'whitened' }],
  ],
};
