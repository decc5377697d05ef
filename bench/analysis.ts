/**
 * Bench rows for the single-neuron analysis passes (issue 3): evaluating the exact solution (docs/theory.md
 * §1.3) for every trajectory, and the theory-error reduction (exact evaluation + |simulated − exact| per
 * trajectory + max/median histogram). Rates are trajectories per second, GPU (f32) against the f64
 * TypeScript closed form on one JS thread.
 */
import type { GpuContext } from '../src/gpu/device.ts';
import { ExactEvaluator } from '../src/models/singleNeuron/exact.ts';
import { ensembleFromInits, initialDirections, linspace, type SingleNeuronEnsemble } from '../src/models/singleNeuron/ensemble.ts';
import { SingleNeuronSim } from '../src/models/singleNeuron/sim.ts';
import { TheoryErrorPass } from '../src/models/singleNeuron/theoryError.ts';
import { exactSingleNeuronGeneral, initFromBetaDelta } from '../src/theory/index.ts';
import { calibrated, fmt, table } from './common.ts';

const SIZES = [1e5, 1e6];
const DATA = { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] };
/** Time at which the exact solution is evaluated (time units). */
const T = 3;

function ensemble(n: number): SingleNeuronEnsemble {
  const dirs = initialDirections(2, Math.ceil(Math.sqrt(n)), 1);
  const deltas = linspace(-2, 2, Math.ceil(n / dirs.length));
  return ensembleFromInits(DATA, { a: 1, w: 1 },
    Array.from({ length: n }, (_, i) => initFromBetaDelta(dirs[i % dirs.length], deltas[Math.floor(i / dirs.length)])));
}

/** Times `repeat` GPU passes, awaiting completion; returns seconds per pass. */
async function timeGpu(ctx: GpuContext, pass: () => void): Promise<number> {
  pass();
  await ctx.device.queue.onSubmittedWorkDone(); // warm-up
  const { steps, seconds } = await calibrated(async (k) => {
    const start = performance.now();
    for (let i = 0; i < k; i++) pass();
    await ctx.device.queue.onSubmittedWorkDone();
    return (performance.now() - start) / 1000;
  }, 1, 1);
  return seconds / steps;
}

/** f64 closed form on the first `count` trajectories: seconds per trajectory. */
function timeCpu(e: SingleNeuronEnsemble, count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    exactSingleNeuronGeneral(e.state0[i], [e.state0[e.n + i], e.state0[2 * e.n + i]], e.data, e.rates, T);
  }
  return (performance.now() - start) / 1000 / count;
}

/** Runs the rows and returns the lines of a second table plus its footnote. */
export async function benchAnalysis(ctx: GpuContext, log: (s: string) => void): Promise<string[]> {
  const rows: string[][] = [];
  for (const n of SIZES) {
    const e = ensemble(n);
    const sim = SingleNeuronSim.create(ctx, e, { method: 'rk4', step: 0.01, bound: 1e6 });
    sim.time = T;
    const exact = new ExactEvaluator(ctx, e, { initial: sim.initial, info: sim.info });
    const errors = new TheoryErrorPass(ctx, sim);
    const cpu = timeCpu(e, Math.min(n, 20_000));
    const exactGpu = await timeGpu(ctx, () => exact.evaluate(T, sim.state));
    const errorGpu = await timeGpu(ctx, () => errors.run());
    for (const [what, gpu] of [['exact solution', exactGpu], ['theory error (exact, abs. difference, histogram)', errorGpu]] as const) {
      rows.push([what, n.toExponential(0).replace('e+', 'e'), fmt(n / gpu), fmt(1 / cpu), `${(cpu * n / gpu).toFixed(1)}×`]);
      log(`bench: ${what} N=${n}: GPU ${(gpu * 1e3).toFixed(1)} ms per pass`);
    }
    errors.destroy();
    exact.destroy();
    sim.destroy();
  }
  return [
    table(['pass', 'N', 'GPU trajectories/s', 'CPU f64 trajectories/s', 'GPU/CPU'], rows, 1),
    '',
    `Analysis passes: closed form at t = ${T} on Fig. 8 data (XX = I); the CPU column is exactSingleNeuronGeneral (f64, one JS thread) on up to 20,000 trajectories, per trajectory. `
      + 'The theory-error pass includes its own exact evaluation.',
  ];
}
