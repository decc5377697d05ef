/**
 * linear2 rows of `npm run bench` (issue 13 item 5): network-steps per second of the two-layer linear step kernel
 * (shaders/linear2/linear2.wgsl.ts, Linear2Sim, f32) for N ∈ {10³, 10⁴, 10⁵} networks at d = c = 4, h = 8, GD and RK4,
 * against the f64 reference (src/theory/linear2.ts linear2GdStep / linear2Rk4 on one network, one JS thread), with the
 * kernel's FLOPs per network-step ({@link linear2StepFlops}) and the achieved fraction of the adapter's FMA peak. Plus one
 * row for the metrics pass (Linear2Sim.readMetricsArray) at the largest N.
 * Data: the regression preset "teacher" (docs/theory.md §2: Gaussian X, rank-2 teacher, noise 0.1, seed 0) at d = c = 4;
 * inits: a δ ∈ [−1, 1] × τ = 0.1 × seeds grid (exact Δ = δI where h allows, else Gaussian), step 1e-3 (no network diverges).
 */
import type { GpuContext } from '../src/gpu/device.ts';
import { buildLinear2Data } from '../src/models/linear2/data.ts';
import { gridInit } from '../src/models/linear2/init.ts';
import { Linear2Sim } from '../src/models/linear2/sim.ts';
import { linear2FlowRhs, linear2GdStep, linear2Quadratic, linear2Rk4, packLinear2State } from '../src/theory/linear2.ts';
import { calibrated, fmt, type BenchRow } from './common.ts';

/** Network counts of the rows. */
export const LINEAR2_SIZES = [1e3, 1e4, 1e5];
const D = 4, C = 4, H = 8, STEP = 1e-3;
/** Seconds per timed GPU row / f64 row. */
const GPU_TARGET_S = 1.5, CPU_TARGET_S = 1;
/** Networks of the comparison rows with the loop kernel and the general (dc)² gradient (the kernel before this bench). */
const GENERAL_N = 1e4;
/** Networks of the timed metrics pass (at 10⁵ it takes about a minute on SwiftShader). */
const METRICS_N = 1e4;

/**
 * FLOPs of one network-step of the step kernel as generated (FMA = 2, mul/add = 1): one velocity is β = WᵀA (hdc FMA),
 * G = Hβ − b ((dc)² FMA; d²c for regression data, H = XX ⊗ I_c, `kron`), Ẇ and Ȧ (2hdc FMA + h(d + c) mul); GD adds η·v (S mul) and the Kahan sum (4S add);
 * RK4 adds 3 axpy (S FMA each), the combination (5S) and the Kahan sum (4S); S = h(d + c). The divergence test
 * (S compares per step) is not counted.
 */
export function linear2StepFlops(method: 'gd' | 'rk4', d: number, c: number, h: number, kron: boolean): number {
  const S = h * (d + c);
  const velocity = 2 * (3 * h * d * c + (kron ? d * d * c : (d * c) ** 2)) + S;
  return method === 'gd' ? velocity + S + 4 * S : 4 * velocity + 3 * 2 * S + 5 * S + 4 * S;
}

/** N initial states (y = [W, A]) of the δ × seed grid. */
function initials(n: number): Float64Array[] {
  const perDelta = Math.ceil(n / 16);
  return Array.from({ length: n }, (_, i) => {
    const delta = -1 + (2 * Math.floor(i / perDelta)) / 15;
    const g = gridInit(D, C, H, delta, 0.1, i % perDelta, { W: 1, A: 1 });
    return packLinear2State(g.W, g.A);
  });
}

/** Result of {@link benchLinear2}: table rows and footer lines. */
export interface Linear2BenchResult { rows: BenchRow[]; notes: string[] }

/**
 * Runs the linear2 rows on `ctx`.
 * @param peakFlops the adapter's FMA peak in FLOP/s (bench/fmaPeak.ts), measured earlier in the same run.
 * @param log progress lines (stderr).
 */
export async function benchLinear2(ctx: GpuContext, peakFlops: number, log: (s: string) => void): Promise<Linear2BenchResult> {
  const { data } = buildLinear2Data({ kind: 'teacher', d: D, c: C, n: 64, rank: 2, norm: 2, noise: 0.1, seed: 0 });
  const q = linear2Quadratic(data);
  const rates = { W: 1, A: 1 };
  const model = `linear2 d=${D} c=${C} h=${H}`;
  const all = initials(Math.max(...LINEAR2_SIZES));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  let diverged = 0;
  let metricsLine = '';
  for (const method of ['gd', 'rk4'] as const) {
    // f64 reference: one network, one JS thread; N networks take N times as long.
    let y: Float64Array = Float64Array.from(all[0]);
    const f = (x: Float64Array) => linear2FlowRhs(q, rates, H, x);
    const cpuRun = async (steps: number) => {
      const start = performance.now();
      for (let s = 0; s < steps; s++) y = method === 'gd' ? linear2GdStep(q, rates, H, y, STEP) : linear2Rk4(f, y, STEP);
      return (performance.now() - start) / 1000;
    };
    await cpuRun(100); // warm-up: JIT
    const cpu = await calibrated(cpuRun, 100, CPU_TARGET_S);
    const cpuRate = cpu.steps / cpu.seconds;
    const variants = [...LINEAR2_SIZES.map((n) => ({ n, general: false })), { n: GENERAL_N, general: true }];
    for (const { n, general } of variants) {
      const sim = Linear2Sim.create(ctx, { d: D, c: C, h: H, method, step: STEP, bound: 1e6, rates, quadratic: q, initial: all.slice(0, n), generalGradient: general, unroll: !general });
      try {
        await sim.advance(1); // warm-up: pipeline first use
        const gpu = await calibrated(async (steps) => {
          const start = performance.now();
          await sim.advance(steps);
          return (performance.now() - start) / 1000;
        }, Math.max(1, Math.round(1e5 / n)), GPU_TARGET_S);
        diverged += (await sim.readStates()).diverged.filter(Boolean).length;
        rows.push({
          model, method: `${method.toUpperCase()}${general ? ', loops + (dc)² gradient' : ''}`, n, gpuSteps: gpu.steps, gpuSeconds: gpu.seconds, gpuStepsPerSecond: gpu.steps / gpu.seconds,
          gpuRate: (n * gpu.steps) / gpu.seconds, flopsPerStep: linear2StepFlops(method, D, C, H, !general),
          cpuSteps: cpu.steps, cpuSeconds: cpu.seconds, cpuRate, cpuNote: '†',
        });
        log(`bench: linear2 ${method}${general ? ' (loops, general gradient)' : ''} N=${n}: GPU ${gpu.steps} steps in ${gpu.seconds.toFixed(2)} s; f64 ${cpu.steps} steps of 1 network in ${cpu.seconds.toFixed(2)} s`);
        if (method === 'rk4' && n === METRICS_N && !general) {
          await sim.readMetricsArray(); // warm-up: builds the pass (f64 factor, ADMM when under-determined)
          const start = performance.now();
          const reps = 1;
          for (let r = 0; r < reps; r++) await sim.readMetricsArray();
          const seconds = (performance.now() - start) / 1000 / reps;
          const stepSeconds = gpu.seconds / gpu.steps;
          metricsLine = `linear2 metrics pass (Linear2Sim.readMetricsArray: β, σ, loss, Δ drift, S, ‖β‖_*, effective rank, with the read-back of ${sim.metricsRecordLength} floats per network) at N = ${fmt(n)}: `
            + `${(1000 * seconds).toFixed(1)} ms per read (${reps === 1 ? 'one read' : `mean of ${reps}`}), ${(seconds / stepSeconds).toFixed(1)} RK4 steps' worth.`;
        }
      } finally {
        sim.destroy();
      }
    }
  }
  notes.push(
    `linear2 rows (docs/theory.md §2): d = c = ${D}, h = ${H}, teacher data (n = 64, rank 2, noise 0.1, seed 0), ${fmt(LINEAR2_SIZES[2])} inits on a δ ∈ [−1, 1] (16 values) × seeds grid at τ = 0.1, step ${STEP}; `
      + 'GPU Linear2Sim.advance (one thread per network, chunked dispatches, awaits onSubmittedWorkDone), calibrated to ~1.5 s per row.',
    `linear2 FLOPs per network-step as generated (bench/linear2.ts linear2StepFlops, FMA = 2), regression data (H = XX ⊗ I_c: the gradient reads XX, d²c FMAs): `
      + `GD ${linear2StepFlops('gd', D, C, H, true)}, RK4 ${linear2StepFlops('rk4', D, C, H, true)} (sensing data, (dc)² FMAs per gradient: GD ${linear2StepFlops('gd', D, C, H, false)}, RK4 ${linear2StepFlops('rk4', D, C, H, false)}).`,
    `linear2 kernel forms (shaders/linear2/linear2.wgsl.ts): the default rows use the regression gradient G = XXβ − XY (H = XX ⊗ I_c) and the unrolled (W, A) velocity (constant indices: the private arrays stay in registers); `
      + `the "loops + (dc)² gradient" rows run the same networks with Linear2SimSpec.generalGradient and unroll: false, the kernel before both changes (all forms give bit-identical states, tests/gpu/linear2.test.ts); their FLOPs count the (dc)² gradient.`,
    `† linear2 f64 reference (linear2GdStep / linear2Rk4 on one network, one JS thread, allocating per step) timed once per method and reused: its network-steps/s does not depend on N.`,
    ...(metricsLine ? [metricsLine] : []),
  );
  if (diverged > 0) notes.push(`WARNING: ${diverged} timed linear2 networks diverged and froze; frozen networks skip work and inflate the GPU rate.`);
  return { rows, notes };
}
