/** The CLI half of the linear2 plugin: `lazyrich simulate` with the config of config.ts, run by run.ts; sweep shards. */
import { createHash } from 'node:crypto';
import type { ModelCli, SweepSupport } from '../plugin.ts';
import { parseLinear2Config, type Linear2Config } from './config.ts';
import { simulateLinear2 } from './run.ts';
import { estimateLinear2Config } from './estimate.ts';
import { refuseOverHost } from '../estimateHost.ts';
import { checkLinear2Entry } from './entryCheck.ts';

const HELP = `linear2: two-layer linear networks f(x) = AᵀWx (docs/theory.md §2)
config: { "model": "linear2",
  "data": { "XX": [[..d..]..d], "XY": [[..c..]..d] } | { "sensing": { "M": [n][d][c], "y": [n] } },
  "learningRates": { "W": 1, "A": 1 },            (optional)
  "init": { "explicit": [ { "W": [h][d], "A": [h][c] } ] }
        | { "grid": { "h": 6, "delta": [..] | {"from","to","count"}, "tau": [..] | {..}, "seeds": [0, 1],
                    "deltaSigns": "uniform" | "mixed" | [h factors] } },
  "method": "gd" | "rk4" | "beta-flow", "step": 0.001, "times": [0, 1, 10], "backend": "gpu" | "cpu", "bound": 1e6 }
limits: 1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32. times: multiples of step (flow time). beta-flow needs Δ = δI
(δ = 0, δ > 0 with h = c, or δ < 0 with h = d). Grid (δ outermost, then τ, then seeds): Δ = δI exactly where h
allows (h ≤ c for δ > 0, h ≤ d for δ < 0), else Gaussian N(0, σ_a²/c), N(0, σ_w²/d) with δ = σ_a² − σ_w² ("init" says which).
deltaSigns (Theorem 4.1, delayed rich): "mixed" gives δ_k = δ to the first ⌈h/2⌉ units and −δ to the rest, a list
gives δ_k = s_k·δ; Δ = diag(δ_k) exactly when the units with δ_k > 0 fit c and those with δ_k < 0 fit d (zeros join
either side), else the Gaussian init per unit; the output then has "unitDeltas" and "delta": null.
loss: ½ tr(βᵀXXβ) − tr(βᵀXY) for regression (no constant: it can be negative), ½ Σ(⟨M_i, β⟩ − y_i)² for sensing.
output: { model, method, backend, adapter, times, networks: [ { beta[T][d][c], singularValues[T][min(d,c)],
  loss[T], deltaDrift[T], kernelDistance[T], W, A (final; null for beta-flow), diverged, init, delta, tau?, seed?, unitDeltas? } ] }`;

/** Shards of the plan (networks in init order); every network is independent, so any range runs alone. */
export const linear2Sweep: SweepSupport<Linear2Config> = {
  count: (cfg) => cfg.networks.length,
  defaultChunk: (cfg) => Math.min(cfg.networks.length, 4096),
  backend: (cfg) => cfg.backend,
  configHash: (cfg) => createHash('sha256').update(JSON.stringify({
    data: cfg.data, rates: cfg.rates, networks: cfg.networks.map((n) => [n.W, n.A]), method: cfg.method,
    step: cfg.step, times: cfg.times, bound: cfg.bound,
  })).digest('hex'),
  runRange: (cfg, start, end, options) => {
    refuseOverHost({ ...estimateLinear2Config(cfg, end - start, options.backend ?? cfg.backend), fields: ['--chunk'] }, 'pass a smaller --chunk');
    return simulateLinear2({ ...cfg, networks: cfg.networks.slice(start, end) }, options);
  },
  checkEntry: checkLinear2Entry,
};

/** The linear2 ModelCli: help text, config parser (ConfigError paths), simulate (run.ts) and sweep shards. */
export const linear2Cli: ModelCli<Linear2Config> = {
  help: HELP,
  progressUnit: 'steps',
  parseConfig: parseLinear2Config,
  estimate: (cfg) => estimateLinear2Config(cfg),
  simulate: (cfg, options) => {
    // every output is held until the document is written: refuse what cannot fit (issue 11 defect 3)
    refuseOverHost(estimateLinear2Config(cfg, cfg.networks.length, options.backend ?? cfg.backend), 'use fewer networks or output times, or lazyrich sweep --chunk');
    return simulateLinear2(cfg, options);
  },
  sweep: linear2Sweep,
};
