/**
 * Configs that used to pass validation and then fail with exit 1 and an internal message (issue 11,
 * defect 6) are refused at validation: exit 2, one line naming the field, no internal function names.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { capture } from '../helpers/cliCapture.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-refuse-'));

const teacher = { teacher: { seed: 0, d: 3, n: 16, m0: 3, nTest: 8 } };
const relu2 = (init: object, learningRate: unknown = 0.02) => ({ model: 'relu2', data: teacher, init, learningRate, checkpoints: [0, 10], backend: 'cpu' });
const grid = (tau: number[], shape: Record<string, number[]>) => ({ grid: { m: 8, tau, ...shape, seeds: [0] } });
const single = (init: object, method = 'rk4') => ({
  model: 'single-neuron', data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] }, learningRates: { a: 1, w: 1 }, init, method,
  ...(method === 'exact' ? {} : { step: 0.01 }), times: [0, 0.1], backend: 'cpu',
});
const beta0 = { directions: 2, norm: 1 };

const CASES: [string, object, RegExp][] = [
  ['relu2 τ = 1e200 with η = base/τ²', relu2(grid([1e200], { delta: [0.5] }), { base: 0.02, scaleByTauSquared: true }),
    /^lazyrich: config\.init\.grid\.tau: τ = 1e\+200, δ = 0\.5 gives η = base\/τ² = 0 \(0 in float32\)/],
  ['relu2 points τ = 1e-30 with η = base/τ² (η overflows float32)', relu2({ points: { m: 8, settings: [{ tau: 1, delta: 0 }, { tau: 1e-30, delta: 0 }], seeds: [0] } }, { base: 0.02, scaleByTauSquared: true }),
    /^lazyrich: config\.init\.points\.settings\[1\]\.tau: τ = 1e-30, δ = 0 gives η = base\/τ² = 2e\+58 \(Infinity in float32\)/],
  ['relu2 δ = 1e308', relu2(grid([1], { delta: [1e308] })),
    /^lazyrich: config\.init\.grid\.delta: τ = 1, δ = 1e\+308 gives α = Infinity, .* each must be a positive float32/],
  ['relu2 α = 1e30 (|a| = τα beyond float32 at τ = 1e10)', relu2(grid([1e10], { alpha: [1e30] })),
    /^lazyrich: config\.init\.grid\.alpha: τ = 10000000000, α = 1e\+30 gives α = 1e\+30/],
  ['relu2 η = 1e-50 (0 in float32)', relu2(grid([1], { delta: [0] }), 1e-50),
    /^lazyrich: config\.learningRate: η = 1e-50 is 0 in float32/],
  ['single-neuron δ = 1e308 (exact)', single({ grid: { delta: [1, 1e308], beta0 } }, 'exact'),
    /^lazyrich: config\.init\.grid\.delta\[1\]: δ = 1e\+308 with ‖β₀‖ = 1 gives a₀ = Infinity/],
  ['single-neuron δ = -1e308', single({ grid: { delta: [-1e308], beta0 } }),
    /^lazyrich: config\.init\.grid\.delta\[0\]: δ = -1e\+308 with ‖β₀‖ = 1 gives a₀ = 0/],
  ['single-neuron explicit a = 1e200', single({ explicit: [{ a: 1, w: [0, 1] }, { a: 1e200, w: [1e200, 0] }] }),
    /^lazyrich: config\.init\.explicit\[1\]\.a: 1e\+200 is Infinity in float32/], // refused as an entry float32 cannot hold
];

describe('configs that would fail inside the run are refused at validation', () => {
  it.each(CASES)('%s: exit 2, one line naming the field', async (name, config, pattern) => {
    const path = join(dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(path, JSON.stringify(config));
    const c = capture();
    const code = await main(['node', 'lazyrich', 'simulate', path], c.io);
    expect(c.err()).toMatch(pattern);
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(c.out()).toBe('');
    expect(c.err().trimEnd().split('\n')).toHaveLength(1);
    expect(c.err()).not.toMatch(/deltaFromTauAlpha|alphaFromDeltaTau|initFromBetaDelta|exactSingleNeuron|learningRateForTau/);
  });

  it('sweep refuses them the same way before writing anything', async () => {
    const path = join(dir, 'sweep-tau.json');
    writeFileSync(path, JSON.stringify(CASES[0][1]));
    const c = capture();
    expect(await main(['node', 'lazyrich', 'sweep', path, '--out', join(dir, 'sweep-out')], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err()).toMatch(/^lazyrich: config\.init\.grid\.tau: /);
  });
});
