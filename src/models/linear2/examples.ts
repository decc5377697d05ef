/**
 * Tiny runs and bad inputs of the linear2 model for the conformance suite (src/models/plugin.ts ModelExamples).
 */
import type { ModelExamples } from '../plugin.ts';

const base = {
  model: 'linear2',
  data: { XX: [[1, 0.2, 0], [0.2, 1, 0], [0, 0, 0.5]], XY: [[0.5, 0], [0, 0.4], [0.3, 0.1]] },
  learningRates: { W: 1, A: 1 },
};

/** The conformance examples (tiny run, tolerance, diverging run, bad parameters and configs). */
export const linear2Examples: ModelExamples = {
  tiny: {
    ...base,
    init: { grid: { h: 2, delta: { from: -1, to: 1, count: 3 }, tau: [0.5], seeds: [0, 1] } },
    method: 'rk4', step: 0.01, times: [0, 0.1, 0.5],
  },
  // f32 vs f64 over 50 RK4 steps of a contracting flow: |gpu − cpu| ≤ 2e-4 (1 + |cpu|) (the bound).
  tolerance: { default: { abs: 2e-4, rel: 2e-4 } },
  diverging: {
    ...base, method: 'gd', step: 1.5, times: [0, 30], bound: 1e3,
    init: { explicit: [{ W: [[0.1, 0.2, 0]], A: [[0.3, 0.1]] }, { W: [[3, 3, 3]], A: [[3, 3]] }] },
  },
  divergedEntries: [false, true],
  badParams: [['d', 0], ['h', 33], ['step', Number.NaN], ['method', 'euler'], ['etaW', -1], ['c', 9]],
  badConfigs: [
    ['config.step', { step: -0.01 }],
    ['config.method', { method: 'euler' }],
    ['config.times[1]', { times: [0.5, 0.1] }],
    ['config.data.XY', { data: { XX: [[1, 0], [0, 1]], XY: [[1, 0], [0, 1], [1, 1]] } }],
    ['config.data.XX', { data: { XX: [[1, 0], [0, -1]], XY: [[1], [0]] } }],
    ['config.init.grid.h', { init: { grid: { h: 33, delta: [0], tau: [0.1], seeds: [0] } } }],
    ['config.method', { method: 'beta-flow', init: { explicit: [{ W: [[1, 0, 0], [0, 1, 0]], A: [[1, 0], [0, 3]] }] } }],
  ],
};
