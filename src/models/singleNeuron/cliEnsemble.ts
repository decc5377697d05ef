/**
 * Builds a {@link SingleNeuronEnsemble} (the object SingleNeuronSim uploads) from a validated CLI config:
 * explicit initial states as given, or a (δ, β₀) grid initialised with initFromBetaDelta (docs/theory.md §1).
 * Packing (f64 SoA, δ₀, scale₀, β_ols) is ensemble.ts's `ensembleFromInits`.
 */
import { initFromBetaDelta } from '../../theory/index.ts';
import { ConfigError, type SimulateConfig } from './config.ts';
import { ensembleFromInits, type InitialState, type SingleNeuronEnsemble } from './ensemble.ts';

/**
 * The initial states of a config, in trajectory order. Grid order: i = iδ · (#β₀) + iβ₀, each from
 * initFromBetaDelta(β₀, δ, rates) (docs/theory.md §1, a > 0 branch).
 * @returns config.n states (a, w with w of length d).
 * @throws ConfigError (path `config.init.grid`) if initFromBetaDelta rejects a grid point.
 */
export function expandInits(config: SimulateConfig): InitialState[] {
  const { init, rates } = config;
  if (init.kind === 'explicit') return init.points.map((p) => ({ a: p.a, w: [...p.w] }));
  const out: InitialState[] = [];
  for (const delta of init.delta) {
    for (const beta0 of init.beta0) {
      try {
        out.push(initFromBetaDelta(beta0, delta, rates));
      } catch (e) {
        throw new ConfigError('config.init.grid', (e as Error).message);
      }
    }
  }
  return out;
}

/**
 * The ensemble of a validated config: n = config.n trajectories, d = config.d, state0 f64 SoA (d+1)·n.
 * @throws ConfigError as {@link expandInits}.
 */
export function ensembleFromConfig(config: SimulateConfig): SingleNeuronEnsemble {
  return ensembleFromInits(config.data, config.rates, expandInits(config));
}
