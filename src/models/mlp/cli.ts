/** The CLI half of the mlp plugin: `lazyrich simulate` with the config of config.ts, run by run.ts; sweep shards. */
import { createHash } from 'node:crypto';
import type { ModelCli, SweepSupport } from '../plugin.ts';
import { parseMlpConfig, type MlpConfig } from './config.ts';
import { simulateMlp } from './run.ts';
import { estimateMlpConfig } from './estimate.ts';
import { refuseOverHost } from '../estimateHost.ts';

const HELP = `\nmlp: deep ReLU MLPs f(x) = τ·W_L σ(⋯ σ(W_1 x)) (docs/theory.md §4–§5, paper Part III)
config: { "model": "mlp", "layers": [d_0, …, d_L], "activation": "relu", "bias": false, "loss": "cross-entropy" | "mse",
  "data": { "X": [n][d_0], "labels": [n], "Xtest"?, "labelsTest"? }
        | { "rhm": { "levels", "classes", "synonyms", "branching", "vocabulary", "seed", "train", "test" } }
        | { "modular": { "p", "trainFraction", "seed" } },
  "init": { "explicit": [ { "weights": [L][out][in], "biases"?: [L][out] } ] }
        | { "grid": { "alpha": [..], "seeds": [..], "tau"?: [..], "trainSizes"?: [..], "scaleReadout"?: true } },
  "optimizer": { "name": "sgd", "lr", "momentum"?: 0, "schedule"?: "cosine", "decayFraction"?: 1 }
             | { "name": "adamw", "lr", "betas": [0.9, 0.98], "weightDecay" },
  "batchSize": 128 | "full", "steps": T, "checkpoints": [0, …], "probe"?: 32, "bound"?: 1e6, "backend"?: "cpu" | "gpu" }
limits: 1..6 weight layers, widths 1..512, probe P ≤ min(256, smallest training set), ≤ 1e5 networks, ≤ 1e7 steps.
init: He (N(0, 2/fan_in), readout N(0, 1/fan_in)) from the seed, first layer ÷ α, readout × α (scaleReadout); explicit
weights as given. τ: logits × τ, learning rate ÷ τ². Grid order: τ, α, trainSize, seed. Minibatches: a fresh permutation of
the first trainSize rows per epoch, consecutive slices of b, the rest dropped. Checkpoints: steps ≤ T (T sets the cosine).
output: { model, backend, adapter, layers, loss, optimizer, batchSize, steps, checkpoints, probe, data,
  networks: [ { alpha?, tau, seed?, trainSize, trainLoss[C], trainAccuracy[C], testLoss[C], testAccuracy[C],
  kernelDistance[C], hamming[C], paramDistance[C], diverged } ] }   (null: no test set)
backend: "cpu" (f64 reference; the default while the GPU trainer is being wired in)\n`;

/** Shards of the plan (networks in init order); networks are independent, so any range runs alone on the shared data. */
export const mlpSweep: SweepSupport<MlpConfig> = {
  count: (cfg) => cfg.networks.length,
  defaultChunk: (cfg) => Math.min(cfg.networks.length, 64),
  backend: (cfg) => cfg.backend,
  configHash: (cfg) => createHash('sha256').update(JSON.stringify({
    arch: cfg.arch, loss: cfg.loss, data: cfg.data, networks: cfg.networks.map((n) => [n.alpha, n.tau, n.seed, n.trainSize, n.theta0 ? Array.from(n.theta0) : null]),
    scaleReadout: cfg.scaleReadout, optimizer: cfg.optimizer, batchSize: cfg.batchSize, steps: cfg.steps, checkpoints: cfg.checkpoints,
    probe: cfg.probe, bound: cfg.bound,
  })).digest('hex'),
  runRange: (cfg, start, end, options) => {
    refuseOverHost({ ...estimateMlpConfig(cfg, end - start, options.backend ?? cfg.backend), fields: ['--chunk'] }, 'pass a smaller --chunk');
    return simulateMlp(cfg, options, start, end);
  },
  checkEntry(entry, header) {
    const C = Array.isArray(header.checkpoints) ? header.checkpoints.length : -1;
    for (const key of ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'kernelDistance', 'hamming', 'paramDistance']) {
      const v = entry[key];
      if (!Array.isArray(v) || v.length !== C || !v.every((x) => x === null || typeof x === 'number')) return `${key}: expected ${C} numbers (one per checkpoint)`;
    }
    if (typeof entry.diverged !== 'boolean') return 'diverged: expected true or false';
    if (typeof entry.tau !== 'number' || typeof entry.trainSize !== 'number') return 'tau, trainSize: expected numbers';
    return undefined;
  },
};

/** The mlp ModelCli: help text, config parser (ConfigError paths), simulate (run.ts) and sweep shards. */
export const mlpCli: ModelCli<MlpConfig> = {
  help: HELP,
  progressUnit: 'network-steps',
  parseConfig: parseMlpConfig,
  estimate: (cfg) => estimateMlpConfig(cfg),
  simulate: (cfg, options) => {
    refuseOverHost(estimateMlpConfig(cfg, cfg.networks.length, options.backend ?? cfg.backend), 'use fewer networks, or lazyrich sweep --chunk');
    return simulateMlp(cfg, options);
  },
  sweep: mlpSweep,
};
