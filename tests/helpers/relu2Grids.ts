/**
 * Shared relu2 test grids (src/models/relu2/data.ts buildRelu2Grid), so the GPU suites that compare the
 * metrics kernels against f64 (trainRelu2) run on one definition.
 */
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';

/** Leaky-ReLU slope of {@link leakyMultiTileGrid}. */
export const LEAKY_SLOPE = 0.1;

/**
 * The multi-tile leaky case of tests/gpu/relu2.test.ts: m = 10, d = 40, n = 70 (5 tile rows, 18 thread
 * row blocks), nTest = 37, τ ∈ {0.5, 1} × δ ∈ {−0.5, 0.5} × seeds {1, 2}: 8 networks, η = 0.05.
 */
export const leakyMultiTileGrid = () => buildRelu2Grid({
  m: 10, taus: [0.5, 1], deltas: [-0.5, 0.5], seeds: [1, 2], teacher: { d: 40, n: 70, m0: 3, nTest: 37 },
  learningRate: 0.05, slope: LEAKY_SLOPE,
});

/** |x − ref| / |ref|. */
export const rel = (x: number, ref: number) => Math.abs(x - ref) / Math.abs(ref);
