/**
 * Shared relu2 test grids (src/models/relu2/data.ts buildRelu2Grid) and the comparison of a GPU run with the f64
 * reference (src/theory/relu2.ts trainRelu2, docs/theory.md §3), so the GPU suites that check the step and
 * metrics kernels (tests/gpu/relu2.test.ts, relu2Subgroups.test.ts) run on one definition and one set of tolerances.
 */
import { expect } from 'vitest';
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';
import type { Relu2NetworkMetrics, Relu2Sim } from '../../src/models/relu2/sim.ts';
import { trainRelu2 } from '../../src/theory/index.ts';

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

/** Leaky-ReLU slope of {@link paddedUnitsGrid}. */
export const PADDED_SLOPE = 0.05;

/**
 * The tiled kernel's padded-units case: m = 98 (padded to 100), d = 84, n = 40 (WG = 128, 3 sample tiles, the last
 * partial), nTest = 10, τ ∈ {0.5, 1}, δ = 0, seed 3: 2 networks. η = 0.002 keeps the loss ≥ 5e-3 over 100 steps
 * (at η = 0.02 it falls to 8e-6, where the f32 loss of the metrics kernel is off by 2e-5 relative).
 */
export const paddedUnitsGrid = () => buildRelu2Grid({
  m: 98, taus: [0.5, 1], deltas: [0], seeds: [3], teacher: { d: 84, n: 40, m0: 3, nTest: 10 }, learningRate: 0.002, slope: PADDED_SLOPE,
});

/** |x − ref| / |ref|. */
export const rel = (x: number, ref: number) => Math.abs(x - ref) / Math.abs(ref);

/** Advances `sim` to each checkpoint (steps, ascending) and reads the metrics there: result[c][q]. */
export async function runTo(sim: Relu2Sim, checkpoints: readonly number[]): Promise<Relu2NetworkMetrics[][]> {
  const out: Relu2NetworkMetrics[][] = [];
  for (const c of checkpoints) {
    await sim.advance(c - sim.stepCount);
    out.push(await sim.readMetrics());
  }
  return out;
}

/**
 * Expects a GPU (f32) run of `grid` to match trainRelu2 (f64) of every network at every checkpoint: train loss and
 * ‖θ − θ₀‖ (after step 0) within 1e-5 relative, Hamming distance H exact (toBeCloseTo, 5 digits), kernel distance S
 * within 1e-6 absolute, the steps taken exact; and the final W and a within 1e-6 absolute. Observed ≤ 3e-7 relative
 * and 5e-9 absolute (unit roundoff 6e-8). With `testLossAndDrift`, also the test loss (1e-5 relative) and the δ drift
 * (1e-5 absolute).
 * @param gpu metrics per checkpoint and network (gpu[c][q], as {@link runTo}); @param params readParams() after the last.
 */
export function expectMatchesF64(
  grid: ReturnType<typeof buildRelu2Grid>, slope: number, checkpoints: number[],
  gpu: Relu2NetworkMetrics[][], params: Awaited<ReturnType<Relu2Sim['readParams']>>, options: { testLossAndDrift?: boolean } = {},
): void {
  grid.networks.forEach((net, q) => {
    const ref = trainRelu2(net.init, grid.datasets[net.dataIndex], { eta: net.eta, slope, checkpoints }).records;
    ref.forEach((r, c) => {
      const g = gpu[c][q];
      expect(rel(g.trainLoss, r.trainLoss)).toBeLessThanOrEqual(1e-5);
      expect(g.hamming).toBeCloseTo(r.hamming, 5);
      if (c > 0) expect(rel(g.paramDistance, r.paramDistance)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(g.kernelDistance - r.kernelDistance)).toBeLessThanOrEqual(1e-6);
      expect(g.stepsTaken).toBe(checkpoints[c]);
      if (options.testLossAndDrift) {
        expect(rel(g.testLoss, r.testLoss)).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(g.deltaDrift - r.deltaDrift)).toBeLessThanOrEqual(1e-5);
      }
    });
    const last = ref[ref.length - 1].params;
    last.W.forEach((v, i) => expect(Math.abs(params[q].W[i] - v)).toBeLessThanOrEqual(1e-6));
    last.a.forEach((v, k) => expect(Math.abs(params[q].a[k] - v)).toBeLessThanOrEqual(1e-6));
  });
}
