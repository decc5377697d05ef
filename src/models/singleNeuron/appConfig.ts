/**
 * The app's params as a `lazyrich simulate` config (config.ts), for the same trajectories in the same
 * order (docs/theory.md §5 "grid order"): δ grid as {delta: {from, to, count}, beta0: {directions, norm,
 * seed}}; the τ × α grid as its explicit initial states (the CLI has no τ × α grid). Output times: 0 and
 * one step (the app runs live, without a time limit).
 */
import { initFromTauAlpha } from '../../theory/index.ts';
import { buildData, initialDirections, logspace } from './ensemble.ts';
import type { SingleNeuronParams } from './params.ts';

/**
 * The config JSON of app params.
 * @throws ParamError from buildData (a d-vector of the wrong length).
 */
export function singleNeuronAppConfig(p: SingleNeuronParams): Record<string, unknown> {
  const init = p.grid === 'delta'
    ? { grid: { delta: { from: p.deltaMin, to: p.deltaMax, count: p.deltaCount }, beta0: { directions: p.directions, norm: p.beta0Norm, seed: p.seed } } }
    : {
      explicit: logspace(p.tauMin, p.tauMax, p.tauCount).flatMap((tau) => logspace(p.alphaMin, p.alphaMax, p.alphaCount)
        .flatMap((alpha) => initialDirections(p.d, p.directions, p.seed).map((dir) => initFromTauAlpha(tau, alpha, dir, 1)))),
    };
  return {
    model: 'single-neuron', data: buildData(p), learningRates: { a: p.etaA, w: p.etaW }, init,
    method: p.method, ...(p.method === 'exact' ? {} : { step: p.step }), times: [0, p.step], bound: p.bound,
  };
}
