/**
 * Resource estimates of mlp runs (src/models/estimate.ts), from a validated config or the app's params, before the run
 * allocates. The CPU backend holds per network θ, θ₀, one or two optimiser moments and a step's copy (f64), the probe's
 * K₀ (P² f64) and patterns; the data set as f64 (train + test rows × inputs); the output 7 series × checkpoints.
 * The GPU column assumes the same per-network state in f32 plus activations of one batch. Times (±2×): the CPU does
 * 6·b·Σ(in·out) flops per network-step at ~3e8 flop/s (one core, f64), the setup builds the data and θ₀ at ~1e7 numbers/s.
 */
import type { ResourceEstimate } from '../estimate.ts';
import type { Params } from '../../params/schema.ts';
import { mlpLayout } from '../../theory/mlp.ts';
import type { MlpConfig } from './config.ts';
import { mlpAppConfig, type MlpSchema } from './params.ts';
import { parseMlpConfig } from './config.ts';

/** V8 costs (bytes): one number in a packed double array, an array's header, a small object. */
const NUM = 8, ARR = 32, OBJ = 200;
/** Host numbers built per second (data, θ₀). */
const SETUP_RATE = 1e7;

/** The estimate of networks [0, count) of a validated config (default: all). */
export function estimateMlpConfig(cfg: MlpConfig, count = cfg.networks.length, backend: 'gpu' | 'cpu' = cfg.backend): ResourceEstimate {
  const { size } = mlpLayout(cfg.arch);
  const d0 = cfg.arch.layers[0], T = cfg.checkpoints.length, P = cfg.probe;
  const hidden = cfg.arch.layers.slice(1, -1).reduce((s, w) => s + w, 0);
  const dataNumbers = (cfg.trainRows + cfg.testRows) * d0;
  const perNet = (5 * size + P * P) * NUM + P * hidden;
  const b = cfg.batchSize ?? cfg.trainRows;
  const activations = b * cfg.arch.layers.reduce((s, w) => s + w, 0);
  return {
    items: count, itemName: 'networks',
    heapBytes: count * (OBJ + 7 * (ARR + T * NUM)),
    bufferBytes: 2 * dataNumbers * NUM + (backend === 'cpu' ? count * perNet : count * size * NUM),
    deviceBytes: backend === 'gpu' ? 4 * (dataNumbers + count * (5 * size + P * P + 2 * activations)) : 0,
    largestBuffer: backend === 'gpu' ? 4 * Math.max(dataNumbers, count * size, count * 2 * activations) : 0,
    setupSeconds: (dataNumbers + count * size) / SETUP_RATE,
    fields: [cfg.networks.some((n) => n.theta0) ? 'config.init.explicit' : 'config.init.grid', 'config.layers', 'config.data'],
  };
}

/** CPU seconds of a whole config on the f64 backend (±2×): 6·b·Σ(in·out) flops per network-step at 3e8 flop/s. */
export function mlpCpuSeconds(cfg: MlpConfig): number {
  const macs = cfg.arch.layers.slice(1).reduce((s, w, l) => s + w * cfg.arch.layers[l], 0);
  const b = Math.min(cfg.batchSize ?? cfg.trainRows, cfg.trainRows);
  return (cfg.networks.length * cfg.checkpoints[cfg.checkpoints.length - 1] * 6 * b * macs) / 3e8;
}

/** The app's estimate: the app config's (the app runs that plan), with the URL keys that set its size. */
export function estimateMlpParams(p: Params<MlpSchema>): ResourceEstimate {
  return { ...estimateMlpConfig(parseMlpConfig(mlpAppConfig(p)), undefined, 'gpu'), fields: ['a', 't', 'n', 'sn', 'w', 'hl'] };
}
