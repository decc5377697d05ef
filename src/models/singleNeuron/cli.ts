/**
 * The CLI half of the single-neuron plugin ({@link ModelCli}, src/models/plugin.ts): the config of
 * config.ts and the runs of run.ts (GD, RK4, β-flow or the closed form; docs/theory.md §1). No sweep: an
 * ensemble is one run. Progress counts steps (or output times for "exact"). The trajectories' JSON is written
 * from the run's arrays as it streams (run.ts simulateStream, outputJson.ts): GPU float32 values as their
 * shortest round-trip decimals.
 */
import type { ModelCli } from '../plugin.ts';
import { formatCount } from '../estimate.ts';
import { refuseOverHost } from '../estimateHost.ts';
import { ConfigError, validateConfig, type SimulateConfig } from './config.ts';
import { estimateSingleNeuronConfig, MAX_JSON_CHARS } from './estimate.ts';
import { simulateStream } from './run.ts';

/** `simulate --help` text of the single-neuron model: methods, times vs steps, and the output fields. */
export const SIMULATE_HELP = `
Model "single-neuron" config (JSON; all fields in src/models/singleNeuron/config.ts):
  "method": "gd"         gradient descent, step η (time per step)
            "rk4"        RK4 on the parameter flow (a, w), step dt
            "beta-flow"  RK4 on the function-space flow dβ/dt = −M(β, δ)(XXβ − Xy), step dt (docs/theory.md §1.1)
            "exact"      closed form at each output time (docs/theory.md §1.3); needs XX = σ²I, σ > 0
  "times":  output times t (flow time, not steps), ≥ 0 and strictly ascending; for the stepped methods
            each t / step must be an integer. For "exact" any times are allowed and "step" is optional.

Output (JSON): { model, method, backend, adapter, times[T], trajectories[n] }, each trajectory with
  a[T], w[T][d], delta[T], excessLoss[T], diverged, and (docs/theory.md §1.2)
  nu[T]              ν = a‖w‖ (signed β norm)
  mu[T]              μ = ŵ·β̂*, β* = XX⁺Xy (alignment with the target)
  kernelDistance[T]  S(t) = 1 − ⟨K₀,K_t⟩/(‖K₀‖‖K_t‖), K = X M Xᵀ, M = η_w a² I + η_a w wᵀ, from XX alone
  predictedLimit[d]  only for singular XX (λ_min ≤ 1e-10 λ_max): β∞ of docs/theory.md §1.5, with the sign of
                     a at the last output time
Numbers: on the GPU a, w, nu, mu, kernelDistance are float32, written as the shortest decimal that reads back
  as the same float32 (Math.fround of the parsed value is bitwise the GPU's); delta, excessLoss, predictedLimit
  (and every number of the cpu backend) are float64, as JSON.stringify writes them.
Exit codes: 0 ok; 2 bad config or usage (one "lazyrich: config.<field>: …" line on stderr); 1 other failure.
`;

/**
 * Validates a config, then refuses it (before the ensemble is built) when its estimate
 * ({@link estimateSingleNeuronConfig}) does not fit this process: the compact JSON output (streamed, but one JSON
 * text that a reader parses as one string) over V8's longest string, or the host limits of
 * src/models/estimateHost.ts (issue 11 defect 3).
 * @throws ConfigError naming the field (`config.init.grid` / `config.init.explicit`), the size and the limit.
 */
export function parseAndEstimate(raw: unknown): SimulateConfig {
  const cfg = validateConfig(raw);
  const e = estimateSingleNeuronConfig(cfg);
  const hint = 'use fewer trajectories or output times, or split the grid over several configs';
  if (e.jsonChars > MAX_JSON_CHARS) {
    throw new ConfigError(e.fields[0], `${formatCount(e.items)} trajectories × ${cfg.times.length} output times make ~${formatCount(e.jsonChars)} characters of JSON; `
      + `the limit is ${formatCount(MAX_JSON_CHARS)} (V8's longest string: the output is streamed, but as one JSON text, which JSON.parse reads back only as one string); ${hint}`);
  }
  refuseOverHost(e, hint);
  return cfg;
}

/** The single-neuron plugin's CLI half: one `simulate` run per config, written in the compact layout. */
export const singleNeuronCli: ModelCli<SimulateConfig> = {
  help: SIMULATE_HELP,
  progressUnit: 'steps',
  parseConfig: parseAndEstimate,
  estimate: estimateSingleNeuronConfig,
  async simulate(cfg, options) {
    const { output } = await simulateStream(cfg, options);
    return { header: output.head, entriesKey: 'trajectories', entries: output.texts(), layout: 'compact' };
  },
};
