/**
 * One plan for the single-neuron app and CLI: the app's ensemble (ensemble.ts buildEnsemble) and the
 * CLI's ensemble of the app's config (appConfig.ts → config.ts → cliEnsemble.ts) hold the same
 * trajectories in the same order (docs/theory.md §5): exactly equal f64 initial states, δ₀ and data.
 */
import { describe, expect, it } from 'vitest';
import { defaults, validate } from '../../src/params/schema.ts';
import { singleNeuronAppConfig } from '../../src/models/singleNeuron/appConfig.ts';
import { ensembleFromConfig } from '../../src/models/singleNeuron/cliEnsemble.ts';
import { validateConfig } from '../../src/models/singleNeuron/config.ts';
import { buildEnsemble } from '../../src/models/singleNeuron/ensemble.ts';
import { PRESETS, SINGLE_NEURON_SCHEMA as S } from '../../src/models/singleNeuron/params.ts';

const base = defaults(S);

describe('single-neuron app and CLI plans', () => {
  const cases = {
    'fig2, reduced': { ...PRESETS.fig2, deltaCount: 7, directions: 5 },
    'fig4b, reduced': { ...PRESETS.fig4b, deltaCount: 4, directions: 3 },
    'gaussian data, d = 3, GD': { d: 3, dataset: 'gaussian', target: [0, 1, 0], sample: [1, 0, 0], deltaCount: 3, directions: 4, seed: 5, method: 'gd' },
    'τ × α grid': { grid: 'tauAlpha', tauCount: 3, alphaCount: 2, directions: 4 },
  } as const;
  it.each(Object.entries(cases))('%s: same initial states, in the same order', (_name, change) => {
    const p = validate(S, change as Record<string, unknown>, base);
    const app = buildEnsemble(p);
    const cli = ensembleFromConfig(validateConfig(singleNeuronAppConfig(p)));
    expect(cli.n).toBe(app.n);
    expect(Array.from(cli.state0)).toEqual(Array.from(app.state0));
    expect(Array.from(cli.delta0)).toEqual(Array.from(app.delta0));
    expect(cli.data).toEqual(app.data);
  });
});
