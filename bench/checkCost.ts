/**
 * Single-neuron GD rows of `npm run bench` for issue 12: the cost of the divergence check and the effect
 * of the whitened-data specialisation (shaders/singleNeuron/singleNeuron.wgsl.ts, docs/theory.md §1). At d = 2 and one N,
 * GD is timed on whitened data (XX = I, Fig. 8) and on a general SPD XX, each with the block check (the
 * default: blocks under the growth bound of src/models/singleNeuron/growthBound.ts unchecked, others tracked),
 * the per-step check and no check (never freezes: only to price the check). FLOPs per trajectory-step are
 * those of the update ({@link stepFlops}); GD runs 4 trajectories per thread (singleNeuronGdLanes.wgsl.ts).
 */
import type { GpuContext } from '../src/gpu/device.ts';
import { ensembleFromInits, initialDirections, linspace } from '../src/models/singleNeuron/ensemble.ts';
import { SingleNeuronSim } from '../src/models/singleNeuron/sim.ts';
import type { DivergenceCheck } from '../shaders/singleNeuron/singleNeuron.wgsl.ts';
import { initFromBetaDelta, type SingleNeuronData } from '../src/theory/index.ts';
import { calibrated, type BenchRow } from './common.ts';

/** Whitened (Fig. 8) and general SPD data at d = 2 (eigenvalues 0.7 and 1.3). */
export const CHECK_DATA: Record<'whitened' | 'SPD', SingleNeuronData> = {
  whitened: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
  SPD: { XX: [[1, 0.3], [0.3, 1]], Xy: [0.5, 0.5] },
};

/**
 * FLOPs per trajectory-step of the generated GD or RK4 kernel (shaders/singleNeuron/singleNeuron.wgsl.ts; FMA = 2,
 * mul/add = 1). Residual r = XXβ − Xy: 2d² general, 2d whitened (XX = σ²I).
 * GD (gdStep, η folded into the rates): β = a w (d) + residual + a update fma(−ηη_a, wᵀr, a) (2d + 2)
 * + c = −ηη_w a (1) + w update (2d) = residual + 5d + 3 (17 whitened, 21 general at d = 2).
 * RK4: velocity = β (d) + residual + wᵀr (2d) + −η_a·wᵀr (1) + −η_w a (1) + c·r (d); 4 velocities + 3 axpy
 * (2(d + 1) each) + combination 6(d + 1). Loop-invariant products and the divergence check (a² + ‖w‖² per
 * step: d + 1 FMAs and a max) are not counted.
 */
export function stepFlops(method: 'gd' | 'rk4', d: number, whitened: boolean): number {
  const residual = whitened ? 2 * d : 2 * d * d;
  if (method === 'gd') return residual + 5 * d + 3;
  const velocity = residual + 4 * d + 2;
  return 4 * velocity + 3 * 2 * (d + 1) + 6 * (d + 1);
}

/** Times GD on one N-trajectory grid (directions × δ ∈ [−2, 2], step 0.01, as bench.ts) per data and check. */
export async function benchCheckCost(ctx: GpuContext, n: number, target: number, log: (s: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dirs = initialDirections(2, Math.ceil(Math.sqrt(n)), 1);
  const deltas = linspace(-2, 2, Math.ceil(n / dirs.length));
  const inits = Array.from({ length: n }, (_, i) => initFromBetaDelta(dirs[i % dirs.length], deltas[Math.floor(i / dirs.length)]));
  for (const kind of ['whitened', 'SPD'] as const) {
    const ensemble = ensembleFromInits(CHECK_DATA[kind], { a: 1, w: 1 }, inits);
    for (const check of ['block', 'step', 'none'] as DivergenceCheck[]) {
      const sim = SingleNeuronSim.create(ctx, ensemble, { method: 'gd', step: 0.01, bound: 1e6 }, { check });
      await sim.advance(1);
      const { steps, seconds } = await calibrated(async (k) => {
        const start = performance.now();
        await sim.advance(k);
        return (performance.now() - start) / 1000;
      }, Math.max(1, Math.round(2e5 / n)), target);
      const whitened = sim.whitened;
      sim.destroy();
      rows.push({
        model: `single neuron d=2, XX ${kind}${whitened ? ' (σ²I kernel)' : ''}`, method: `GD, ${check} check`, n,
        gpuSteps: steps, gpuSeconds: seconds, gpuStepsPerSecond: steps / seconds, gpuRate: (n * steps) / seconds,
        flopsPerStep: stepFlops('gd', 2, whitened), cpuSteps: 0, cpuSeconds: 0, cpuRate: NaN,
      });
      log(`bench: GD ${kind} ${check} check N=${n}: ${steps} steps in ${seconds.toFixed(2)} s`);
    }
  }
  return rows;
}
