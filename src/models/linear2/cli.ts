/** The CLI half of the linear2 plugin: `lazyrich simulate` with the config of config.ts, run by run.ts. */
import type { ModelCli } from '../plugin.ts';
import { parseLinear2Config, type Linear2Config } from './config.ts';
import { simulateLinear2 } from './run.ts';

const HELP = `linear2: two-layer linear networks f(x) = AᵀWx (docs/theory.md §2)
config: { "model": "linear2",
  "data": { "XX": [[..d..]..d], "XY": [[..c..]..d] } | { "sensing": { "M": [n][d][c], "y": [n] } },
  "learningRates": { "W": 1, "A": 1 },            (optional)
  "init": { "explicit": [ { "W": [h][d], "A": [h][c] } ] }
        | { "grid": { "h": 6, "delta": [..] | {"from","to","count"}, "tau": [..] | {..}, "seeds": [0, 1] } },
  "method": "gd" | "rk4" | "beta-flow", "step": 0.001, "times": [0, 1, 10], "backend": "gpu" | "cpu", "bound": 1e6 }
limits: 1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32. times: multiples of step (flow time). beta-flow needs Δ = δI
(δ = 0, δ > 0 with h = c, or δ < 0 with h = d). Grid: Δ = δI exactly where h allows (h ≤ c for δ > 0,
h ≤ d for δ < 0), else Gaussian N(0, σ_a²/c), N(0, σ_w²/d) with δ = σ_a² − σ_w² ("init" says which).
output: { model, method, backend, adapter, times, networks: [ { beta[T][d][c], singularValues[T][min(d,c)],
  loss[T], deltaDrift[T], kernelDistance[T], W, A (final; null for beta-flow), diverged, init, delta, tau?, seed? } ] }`;

export const linear2Cli: ModelCli<Linear2Config> = {
  help: HELP,
  progressUnit: 'steps',
  parseConfig: parseLinear2Config,
  simulate: simulateLinear2,
};
