/**
 * Resource estimates of linear2 runs (src/models/estimate.ts), from a validated config, before the run
 * allocates (issue 11 defect 3). run.ts keeps every network's state at every output time (f64, h(d+c)
 * floats) and builds each output's β[T][d][c], singular values, loss, Δ drift and S as JS arrays, all held
 * until the document is written; the GPU holds two f32 states per network (current and initial) and a staging copy.
 */
import type { ResourceEstimate } from '../estimate.ts';
import type { Linear2Config } from './config.ts';

/** V8 costs (bytes): one number in a packed double array, an array's header, a small object. */
const NUM = 8, ARR = 32, OBJ = 150;
/** Network-steps the host sets up per second (init packing, one f64 RK4 step is far slower: not counted). */
const SETUP_RATE = 1e6;

/** The estimate of running `count` networks (default: all) of a validated config. */
export function estimateLinear2Config(cfg: Linear2Config, count = cfg.networks.length, backend: 'gpu' | 'cpu' = cfg.backend): ResourceEstimate {
  const { h, d, c } = cfg;
  const T = cfg.times.length, state = h * (d + c), r = Math.min(d, c);
  const states = count * T * (state * NUM + 64);
  const perOutput = OBJ + ARR + T * (ARR + d * (ARR + c * NUM)) + ARR + T * (ARR + r * NUM) + 3 * (ARR + T * NUM)
    + 2 * (ARR + h * ARR) + h * (d + c) * NUM;
  return {
    items: count, itemName: 'networks',
    heapBytes: count * perOutput,
    bufferBytes: states,
    // state, its readback staging copy, and the initial state (sim.ts, read by the metrics pass)
    deviceBytes: backend === 'gpu' ? 4 * count * state * 3 : 0,
    largestBuffer: backend === 'gpu' ? 4 * count * state : 0,
    setupSeconds: count / SETUP_RATE,
    fields: [cfg.networks.some((n) => n.init !== 'explicit') ? 'config.init.grid' : 'config.init.explicit', 'config.times'],
  };
}
