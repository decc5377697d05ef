/**
 * Resource estimates of mlp runs (src/models/estimate.ts), from a validated config or the app's params, before the run
 * allocates. The CPU backend holds per network θ, θ₀, one or two optimiser moments and a step's copy (f64), the probe's
 * K₀ (P² f64) and patterns; the data set as f64 (train + test rows × inputs); the output 7 series × checkpoints.
 * The GPU column assumes the same per-network state in f32 plus activations of one batch. Set-up time (±2×): the data
 * and θ₀ are built at ~1e7 numbers/s; training time is not part of the estimate.
 */
import type { EstimateAdapter, ResourceEstimate } from '../estimate.ts';
import { resolveMlpBackend } from './app/backend.ts';
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

/**
 * The app's estimate: the app config's (the app runs that plan), with the URL keys that set its size; none for task 'csv'.
 * @param adapter the page's adapter (null: no WebGPU): the estimate is that of the backend app/backend.ts resolves
 *   (auto on a software adapter or without WebGPU: the f64 CPU backend, nothing on the device). Undefined (not known):
 *   auto and gpu are estimated on the GPU trainer, the larger device use.
 */
export function estimateMlpParams(p: Params<MlpSchema>, adapter?: EstimateAdapter | null): ResourceEstimate | undefined {
  if (p.task === 'csv') return undefined; // the upload's size is checked when it is parsed (app/csv.ts)
  return { ...estimateMlpConfig(parseMlpConfig(mlpAppConfig(p)), undefined, appBackend(p.backend, adapter)), fields: ['a', 't', 'n', 'sn', 'w', 'hl'] };
}

/** The backend the page trains on (app/backend.ts; backend = gpu without WebGPU runs auto, i.e. cpu). */
function appBackend(choice: string, adapter: EstimateAdapter | null | undefined): 'gpu' | 'cpu' {
  if (adapter === undefined) return choice === 'cpu' ? 'cpu' : 'gpu';
  try {
    return resolveMlpBackend(choice, adapter).kind;
  } catch {
    return 'cpu';
  }
}
