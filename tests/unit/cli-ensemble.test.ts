/**
 * The CLI's grid ensemble (src/models/singleNeuron/cliEnsemble.ts ensembleFromConfig) packs initFromBetaDelta's
 * states inline (issue 12): bitwise the same a₀, w₀, δ₀ and scale as packing initFromBetaDelta(β₀, δ) point by
 * point (ensemble.ts ensembleFromInits), including δ = 0, β₀ = 0 with δ ≥ 0, unequal rates and extreme scales.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/models/singleNeuron/config.ts';
import { ensembleFromConfig } from '../../src/models/singleNeuron/cliEnsemble.ts';
import { ensembleFromInits } from '../../src/models/singleNeuron/ensemble.ts';
import { initFromBetaDelta } from '../../src/theory/index.ts';

const bits = (a: Float64Array) => Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length));

describe('ensembleFromConfig on a grid', () => {
  it.each([
    ['Fig. 8 grid', { delta: { from: -2, to: 2, count: 41 }, beta0: { directions: 12, norm: 1 } }, undefined],
    ['δ = 0 and β₀ = 0 (δ ≥ 0)', { delta: [0, 0.5, 3], beta0: [[0, 0], [1e-3, -2], [0.3, 0.4]] }, { a: 0.7, w: 2.5 }],
    ['extreme scales', { delta: [-1e6, -1e-9, 1e-9, 1e6], beta0: [[1e5, 1], [1e-6, 3e-7]] }, { a: 3, w: 0.1 }],
  ])('%s: bitwise the point-by-point packing', (_name, grid, learningRates) => {
    const cfg = validateConfig({
      model: 'single-neuron', data: { XX: [[1, 0.3], [0.3, 1]], Xy: [0.5, 0.5] }, method: 'gd', step: 0.01, times: [0],
      init: { grid }, ...(learningRates ? { learningRates } : {}),
    });
    if (cfg.init.kind !== 'grid') throw new Error('grid expected');
    const { delta, beta0 } = cfg.init;
    const reference = ensembleFromInits(cfg.data, cfg.rates, delta.flatMap((dl) => beta0.map((b) => initFromBetaDelta(b, dl, cfg.rates))));
    const fast = ensembleFromConfig(cfg);
    expect(fast.n).toBe(reference.n);
    expect(bits(fast.state0)).toEqual(bits(reference.state0));
    expect(bits(fast.delta0)).toEqual(bits(reference.delta0));
    expect(bits(fast.scale0)).toEqual(bits(reference.scale0));
    expect(fast.deltaRange).toEqual(reference.deltaRange);
  });
});
