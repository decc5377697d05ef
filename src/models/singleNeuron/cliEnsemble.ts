/**
 * Builds a {@link SingleNeuronEnsemble} (the object SingleNeuronSim uploads) from a validated CLI config:
 * explicit initial states as given, or a (δ, β₀) grid initialised with initFromBetaDelta (docs/theory.md §1).
 * Packing (f64 SoA, δ₀, scale₀, β_ols) is ensemble.ts's `ensembleFromInits`.
 */
import { initFromBetaDelta, norm } from '../../theory/index.ts';
import { ConfigError, type SimulateConfig } from './config.ts';
import { EnsemblePacker, type InitialState, type SingleNeuronEnsemble } from './ensemble.ts';

/**
 * The initial states of a config, in trajectory order. Grid order: i = iδ · (#β₀) + iβ₀, each from
 * initFromBetaDelta(β₀, δ, rates) (docs/theory.md §1, a > 0 branch).
 * @returns config.n states (a, w with w of length d).
 * @throws ConfigError (path `config.init.grid`) if initFromBetaDelta rejects a grid point.
 */
export function expandInits(config: SimulateConfig): InitialState[] {
  const out: InitialState[] = [];
  forEachInit(config, (s) => out.push({ a: s.a, w: [...s.w] }));
  return out;
}

/** Calls `visit` with each initial state of a config, in trajectory order (see {@link expandInits}), keeping none. */
function forEachInit(config: SimulateConfig, visit: (s: InitialState) => void): void {
  const { init, rates } = config;
  if (init.kind === 'explicit') {
    for (const p of init.points) visit({ a: p.a, w: p.w });
    return;
  }
  for (const delta of init.delta) {
    for (const beta0 of init.beta0) {
      let state: InitialState;
      try {
        state = initFromBetaDelta(beta0, delta, rates);
      } catch (e) {
        throw new ConfigError('config.init.grid', (e as Error).message);
      }
      visit(state);
    }
  }
}

/**
 * The ensemble of a validated config: n = config.n trajectories, d = config.d, state0 f64 SoA (d+1)·n.
 * Packed one state at a time (no array of n states: issue 11 defect 3).
 * @throws ConfigError as {@link expandInits}.
 */
export function ensembleFromConfig(config: SimulateConfig): SingleNeuronEnsemble {
  const packer = new EnsemblePacker(config.data, config.rates, config.n);
  const { init, rates } = config;
  if (init.kind === 'explicit') {
    forEachInit(config, (s) => packer.push(s));
    return packer.finish();
  }
  // A grid: initFromBetaDelta's a₀ inline, bit for bit (as ensemble.ts buildEnsemble), without its per-point
  // arrays (issue 12: set-up of a 10⁵-trajectory CLI run); its edge cases (a₀ = 0) go through it.
  const norms = init.beta0.map(norm);
  const c = 2 * Math.sqrt(rates.a * rates.w);
  for (const delta of init.delta) {
    init.beta0.forEach((beta0, k) => {
      const b = norms[k], root = Math.hypot(delta, c * b);
      const A = delta >= 0 ? (delta + root) / (2 * rates.w) : (2 * rates.a * b * b) / (root - delta);
      if (A === 0 || !Number.isFinite(A)) {
        try {
          packer.push(initFromBetaDelta(beta0, delta, rates));
        } catch (e) {
          throw new ConfigError('config.init.grid', (e as Error).message);
        }
      } else {
        packer.pushBeta(Math.sqrt(A), beta0);
      }
    });
  }
  return packer.finish();
}
