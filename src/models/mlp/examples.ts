/**
 * Tiny runs and bad inputs of the mlp model for the conformance suite (src/models/plugin.ts ModelExamples).
 */
import type { ModelExamples } from '../plugin.ts';

// 3·3^(2²−1) = 81 distinct inputs of length 2²·4 = 16
const rhm = { levels: 2, classes: 3, synonyms: 3, branching: 2, vocabulary: 4, seed: 1, train: 24, test: 12 };

/** The conformance examples (tiny run, tolerance, diverging run, bad parameters and configs). */
export const mlpExamples: ModelExamples = {
  tiny: {
    model: 'mlp', layers: [16, 16, 16, 3], activation: 'relu', bias: false, loss: 'cross-entropy',
    data: { rhm },
    init: { grid: { alpha: [0.5, 2], seeds: [0, 1], trainSizes: [24] } },
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9, schedule: 'cosine', decayFraction: 0.8 },
    batchSize: 8, steps: 60, checkpoints: [0, 10, 60], probe: 8,
  },
  // the Done means (f32 vs f64 after 60 steps): losses 1e-3 relative, S 1e-3, Hamming 0.02, ‖θ − θ₀‖ 1e-3 relative;
  // accuracies may flip one sample near a tie (1/24 of the training set, 1/12 of the test set).
  tolerance: {
    default: { abs: 1e-9, rel: 0 },
    trainLoss: { abs: 1e-6, rel: 1e-3 }, testLoss: { abs: 1e-6, rel: 1e-3 },
    trainAccuracy: { abs: 1 / 24 + 1e-9, rel: 0 }, testAccuracy: { abs: 1 / 12 + 1e-9, rel: 0 },
    kernelDistance: { abs: 1e-3, rel: 0 }, hamming: { abs: 0.02, rel: 0 }, paramDistance: { abs: 1e-6, rel: 1e-3 },
  },
  diverging: {
    model: 'mlp', layers: [16, 16, 3], loss: 'mse', data: { rhm },
    init: { grid: { alpha: [1, 30], seeds: [0] } },
    optimizer: { name: 'sgd', lr: 0.5 }, batchSize: 'full', steps: 50, checkpoints: [0, 50], bound: 1e3,
  },
  divergedEntries: [false, true],
  badParams: [['width', 0], ['hidden', 6], ['lr', Number.NaN], ['optimizer', 'adam'], ['synonyms', 9], ['probe', 300]],
  badConfigs: [
    ['config.layers[1]', { layers: [16, 513, 3] }],
    ['config.layers', { layers: [16, 16, 16, 16, 16, 16, 16, 3] }],
    ['config.layers[0]', { layers: [10, 16, 3] }],
    ['config.loss', { loss: 'hinge' }],
    ['config.optimizer.name', { optimizer: { name: 'adam', lr: 0.1 } }],
    ['config.optimizer.momentum', { optimizer: { name: 'sgd', lr: 0.1, momentum: 1 } }],
    ['config.checkpoints[1]', { checkpoints: [10, 5] }],
    ['config.checkpoints[2]', { checkpoints: [0, 10, 61] }],
    ['config.data.rhm.synonyms', { data: { rhm: { ...rhm, synonyms: 5 } } }],
    ['config.data.rhm.train', { data: { rhm: { ...rhm, train: 40 } } }],
    ['config.init.grid.trainSizes[0]', { init: { grid: { alpha: [1], seeds: [0], trainSizes: [25] } } }],
    ['config.probe', { probe: 25 }],
    ['config.batchSize', { batchSize: 0 }],
  ],
};
