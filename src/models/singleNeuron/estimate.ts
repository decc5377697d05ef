/**
 * Resource estimates of single-neuron runs (src/models/estimate.ts), from a CLI config or the app's params,
 * before anything is allocated (issue 11 defect 3, issue 10 defect 9). Byte counts follow the layouts of
 * layout.ts (f32 SoA on the GPU), ensemble.ts (f64 SoA on the host) and run.ts (the CLI's output objects).
 * Times are rough (±2×): {@link SETUP_RATE} was measured with buildEnsemble on one core.
 */
import type { ResourceEstimate } from '../estimate.ts';
import type { SimulateConfig } from './config.ts';
import { ensembleSize } from './ensemble.ts';
import { OBSERVABLES } from './layout.ts';
import type { SingleNeuronParams } from './params.ts';

/** Trajectory-components (d+1 per trajectory) the host packs and uploads per second (buildEnsemble, f32 copy, upload). */
export const SETUP_RATE = 2e7;
/** V8 costs (bytes) used for result objects: one number in a packed double array, an array's header, an object. */
const NUM = 8, ARR = 32, OBJ = 120;
/** Characters of one number in the JSON output ("-0.12345678901234567," is 20). */
const CHARS_PER_NUMBER = 20;
/**
 * V8's longest string (characters): the compact layout streams the document in pieces, but as one JSON text,
 * which JSON.parse reads back only as one string.
 */
export const MAX_JSON_CHARS = 2 ** 29 - 24;

/** The GPU buffers of one ensemble of n trajectories in d dimensions (sim, observables, analyses). */
function device(n: number, d: number): { deviceBytes: number; largestBuffer: number } {
  const state = 4 * (d + 1) * n;
  const buffers = [state, state, state /* exact state */, 4 * n, 8 * n, 4 * OBSERVABLES * n, 4 * n, 4 * d * n, 4 * n];
  return { deviceBytes: buffers.reduce((s, b) => s + b, 0), largestBuffer: Math.max(...buffers) };
}

/** An estimate plus the size of the compact JSON output (characters). */
export interface SingleNeuronCliEstimate extends ResourceEstimate { jsonChars: number }

/**
 * What `lazyrich simulate` needs for a validated config: the ensemble (f64 SoA plus the f32 upload), the
 * T read-backs, the output objects (T values of a, δ, excess loss, ν, μ, S and T arrays w of d per
 * trajectory) and the compact JSON text as one string. Both are counted whole: a bound above what the CLI holds,
 * which streams the text and builds no output objects (outputJson.ts).
 */
export function estimateSingleNeuronConfig(cfg: SimulateConfig): SingleNeuronCliEstimate {
  const { n, d } = cfg;
  const T = cfg.times.length;
  const perTrajectory = OBJ + 7 * ARR + 6 * T * NUM + T * (ARR + d * NUM) + (ARR + d * NUM);
  const jsonChars = n * (150 + T * (6 + d) * CHARS_PER_NUMBER);
  const gpu = cfg.backend === 'gpu' ? device(n, d) : { deviceBytes: 0, largestBuffer: 0 };
  return {
    items: n, itemName: 'trajectories',
    heapBytes: n * perTrajectory + jsonChars,
    bufferBytes: n * ((d + 3) * 12 + T * (d + 4) * 8),
    ...gpu,
    setupSeconds: (n * (d + 1)) / SETUP_RATE,
    fields: [cfg.init.kind === 'grid' ? 'config.init.grid' : 'config.init.explicit', 'config.times'],
    jsonChars,
  };
}

/**
 * What the app needs for params p: the ensemble on the host (f64 SoA, f32 upload copies, one state
 * read-back) and every GPU buffer of the page's passes. Fields: the URL keys of the grid's counts.
 */
export function estimateSingleNeuronParams(p: SingleNeuronParams): ResourceEstimate {
  const n = ensembleSize(p), d = p.d;
  return {
    items: n, itemName: 'trajectories',
    heapBytes: 0,
    bufferBytes: n * ((d + 3) * 12 + 4 * (d + 1)),
    ...device(n, d),
    setupSeconds: (n * (d + 1)) / SETUP_RATE,
    fields: p.grid === 'delta' ? ['dn', 'dirs'] : ['tn', 'an', 'dirs'],
  };
}
