/**
 * `npm run bench [-- --only single-neuron|relu2|linear2|mlp]`: one table, measured in one run on the current adapter.
 * - single neuron: GPU (SingleNeuronSim, f32) throughput in trajectory-steps/s for N ∈ {10⁴, 10⁵, 10⁶},
 *   d = 2, GD and RK4, against the f64 TypeScript reference (advanceEnsembleF64) on the same ensembles;
 * - relu2 (bench/relu2.ts): GD steps per second per network at m = 50, n = 1000, d = 100 for 1, 64, 289
 *   and 4,624 networks against the f64 reference, and the projected time of the full Fig. 1b grid;
 * - linear2 (bench/linear2.ts): network-steps/s at d = c = 4, h = 8 for 10³, 10⁴, 10⁵ networks, GD and RK4, against
 *   the f64 reference, and the metrics pass;
 * - mlp (bench/mlp.ts): network-steps/s of the RHM MLP ensemble trainer at 36 and 216 networks, both product kernels;
 * - the adapter's peak FMA rate (shaders/fmaPeak.wgsl.ts) and each kernel's achieved fraction of it;
 * - single-neuron analysis passes (bench/analysis.ts): exact evaluation and theory-error reduction, trajectories/s;
 * - single-neuron divergence-check cost and whitened vs SPD GD (bench/checkCost.ts), relu2 metrics pass per
 *   metrics kernel and the step kernel at the browser size (bench/relu2Metrics.ts);
 * - the single-neuron GD path through the CLI against numpy's vectorised Euler loop on the same 10⁵
 *   trajectories, XX = I and a general SPD XX (bench/numpyCompare.ts, bench/numpy_euler.py).
 * Single-neuron rows: a warm-up and a calibration run size the step count so the timed run takes about
 * {@link GPU_TARGET_S} (GPU) or {@link CPU_TARGET_S} (CPU) seconds. relu2 rows: see bench/relu2.ts.
 */
import { loadavg } from 'node:os';
import { Command } from 'commander';
import { initGpu, type GpuContext } from '../src/gpu/device.ts';
import { ensembleFromInits, initialDirections, linspace, type SingleNeuronEnsemble } from '../src/models/singleNeuron/ensemble.ts';
import { SingleNeuronSim } from '../src/models/singleNeuron/sim.ts';
import { advanceEnsembleF64, initFromBetaDelta, type SingleNeuronData } from '../src/theory/index.ts';
import { calibrated, fmt, table, type BenchRow } from './common.ts';
import { FmaPeakKernel, FMA_PEAK_WORKGROUP } from './fmaPeak.ts';
import { benchRelu2 } from './relu2.ts';
import { benchLinear2 } from './linear2.ts';
import { benchMlp } from './mlp.ts';
import { benchAnalysis } from './analysis.ts';
import { benchCheckCost, stepFlops } from './checkCost.ts';
import { benchRelu2Metrics } from './relu2Metrics.ts';
import { benchNumpy, NUMPY_STEPS } from './numpyCompare.ts';

/** The two stepped methods benchmarked (GD with step η, RK4 with step dt). */
type Method = 'gd' | 'rk4';
/** The benchmarked models (`--only`). */
const MODELS = ['single-neuron', 'relu2', 'linear2', 'mlp'] as const;

/** Seconds per timed GPU row (SwiftShader on 2 cores: rows take 1–3 s with calibration). */
const GPU_TARGET_S = 1.5;
/** Seconds per timed CPU row. */
const CPU_TARGET_S = 1;
const SIZES = [1e4, 1e5, 1e6];
/** Trajectories of the divergence-check and whitened/SPD rows (bench/checkCost.ts). */
const CHECK_N = 1e5;
const METHODS: Method[] = ['gd', 'rk4'];
const D = 2;
/** Fig. 8 data (docs/theory.md §1.6): XX = I, Xy = (0.5, 0.5). */
const DATA: SingleNeuronData = { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] };
/** Step (η or dt): small enough that no trajectory diverges (frozen ones would skip work). */
const STEP = 0.01;

/** An N-trajectory grid: ⌈√N⌉ directions of β₀ (norm 1) × δ ∈ [−2, 2], truncated to N (grid order of the CLI). */
function buildEnsemble(n: number): SingleNeuronEnsemble {
  const dirs = initialDirections(D, Math.ceil(Math.sqrt(n)), 1);
  const deltas = linspace(-2, 2, Math.ceil(n / dirs.length));
  const inits = [];
  for (let i = 0; i < n; i++) inits.push(initFromBetaDelta(dirs[i % dirs.length], deltas[Math.floor(i / dirs.length)]));
  return ensembleFromInits(DATA, { a: 1, w: 1 }, inits);
}

/** Times `advance(steps)` on the GPU (warm-up first; advance awaits onSubmittedWorkDone). */
async function timeGpu(sim: SingleNeuronSim, method: Method): Promise<{ steps: number; seconds: number }> {
  sim.setIntegrator({ method, step: STEP, bound: 1e6 });
  await sim.advance(1); // warm-up: pipeline first use
  return calibrated(async (steps) => {
    const start = performance.now();
    await sim.advance(steps);
    return (performance.now() - start) / 1000;
  }, Math.max(1, Math.round(2e5 / sim.n)), GPU_TARGET_S);
}

/** Times advanceEnsembleF64 on a copy of the initial state (warm-up first). */
async function timeCpu(ensemble: SingleNeuronEnsemble, method: Method): Promise<{ steps: number; seconds: number }> {
  const { n, d } = ensemble;
  const state = Float64Array.from(ensemble.state0);
  const flags = new Uint32Array(n);
  const XX = Float64Array.from(DATA.XX.flat());
  const Xy = Float64Array.from(DATA.Xy);
  const run = async (steps: number): Promise<number> => {
    const start = performance.now();
    advanceEnsembleF64(state, flags, n, d, XX, Xy, ensemble.rates, method, STEP, steps, 1e6);
    return (performance.now() - start) / 1000;
  };
  await run(1); // warm-up: JIT
  return calibrated(run, 1, CPU_TARGET_S);
}

/** Single-neuron rows: GD and RK4 at each N, GPU vs the f64 reference on the same ensemble. */
async function benchSingleNeuron(ctx: GpuContext, log: (s: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of SIZES) {
    const ensemble = buildEnsemble(n);
    const sim = SingleNeuronSim.create(ctx, ensemble, { method: 'gd', step: STEP, bound: 1e6 });
    for (const method of METHODS) {
      const gpu = await timeGpu(sim, method);
      const cpu = await timeCpu(ensemble, method);
      rows.push({
        model: `single neuron d=${D}`, method: method.toUpperCase(), n, gpuSteps: gpu.steps, gpuSeconds: gpu.seconds,
        gpuStepsPerSecond: gpu.steps / gpu.seconds, gpuRate: (n * gpu.steps) / gpu.seconds, flopsPerStep: stepFlops(method, D, sim.whitened),
        cpuSteps: cpu.steps, cpuSeconds: cpu.seconds, cpuRate: (n * cpu.steps) / cpu.seconds,
      });
      log(`bench: ${method} N=${n}: GPU ${gpu.steps} steps in ${gpu.seconds.toFixed(2)} s, CPU ${cpu.steps} steps in ${cpu.seconds.toFixed(2)} s`);
    }
    const { flags } = await sim.readState();
    const frozen = flags.reduce((s, f) => s + (f & 1), 0);
    if (frozen > 0) log(`bench: warning: ${frozen} trajectories diverged at N=${n}; they skip work and inflate the GPU rate`);
    sim.destroy();
  }
  rows.push(...await benchCheckCost(ctx, CHECK_N, GPU_TARGET_S, log));
  return rows;
}

const fmtN = (r: BenchRow) => (r.n >= 1e4 ? r.n.toExponential(0).replace('e+', 'e') : r.n.toLocaleString('en')) + (r.measuredN !== undefined ? '*' : '');

async function main(): Promise<void> {
  const opts = new Command('bench')
    .option('--only <model>', `run only one model's rows: ${MODELS.join(' or ')}`)
    .parse(process.argv).opts<{ only?: string }>();
  if (opts.only !== undefined && !MODELS.includes(opts.only as (typeof MODELS)[number])) {
    throw new Error(`--only: expected ${MODELS.map((m) => `"${m}"`).join(' or ')}, got "${opts.only}"`);
  }
  const runs = (model: (typeof MODELS)[number]) => opts.only === undefined || opts.only === model;
  const benchStart = performance.now();
  const loadAtStart = loadavg()[0];
  const errors: string[] = [];
  const ctx: GpuContext = await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`bench: adapter ${ctx.adapterName}${ctx.isSoftware ? ' (software)' : ''}`);

  const peakKernel = new FmaPeakKernel(ctx, 8192 * FMA_PEAK_WORKGROUP);
  const peak = await peakKernel.measure(1, 3);
  peakKernel.destroy();
  log(`bench: peak ${(peak.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s (${peakKernel.threads} threads × ${peak.iterations} iterations × 32 FMA, best of 3: ${peak.seconds.toFixed(2)} s)`);

  const rows: BenchRow[] = runs('single-neuron') ? await benchSingleNeuron(ctx, log) : [];
  const analysis = runs('single-neuron') ? await benchAnalysis(ctx, log) : [];
  const numpy = runs('single-neuron') ? await benchNumpy(NUMPY_STEPS, log) : [];
  const relu2 = runs('relu2') ? await benchRelu2(ctx, peak.flopsPerSecond, log) : { rows: [], notes: [] };
  rows.push(...relu2.rows);
  const relu2Metrics = runs('relu2') ? await benchRelu2Metrics(ctx, peak.flopsPerSecond, log) : null;
  const linear2 = runs('linear2') ? await benchLinear2(ctx, peak.flopsPerSecond, log) : { rows: [], notes: [] };
  rows.push(...linear2.rows);
  const mlp = runs('mlp') ? await benchMlp(ctx, peak.flopsPerSecond, log) : { rows: [], notes: [] };
  rows.push(...mlp.rows);
  if (errors.length > 0) throw new Error(`WebGPU errors during the bench: ${errors.join('; ')}`);

  const body = rows.map((r) => {
    const gflops = (r.gpuRate * r.flopsPerStep) / 1e9;
    const note = r.cpuNote ?? '';
    return [
      r.model, r.method, fmtN(r), `${r.gpuSteps}`, `${r.gpuSeconds.toFixed(2)}`, fmt(r.gpuStepsPerSecond), fmt(r.gpuRate), gflops.toFixed(2),
      `${((100 * gflops * 1e9) / peak.flopsPerSecond).toFixed(1)}%`,
      ...(r.cpuSteps > 0
        ? [`${r.cpuSteps}${note}`, `${r.cpuSeconds.toFixed(2)}${note}`, `${fmt(r.cpuRate)}${note}`, `${(r.gpuRate / r.cpuRate).toFixed(1)}×`]
        : ['—', '—', '—', '—']),
    ];
  });
  const out = [
    `lazyrich bench${opts.only ? ` (--only ${opts.only})` : ''}; adapter: ${ctx.adapterName}`,
    ctx.isSoftware
      ? 'NOTE: software adapter (SwiftShader runs WGSL on the CPU): the "GPU" timings are CPU timings; quote the ratios, not the absolute rates.'
      : 'Hardware adapter.',
    `Host 1-min load average at start: ${loadAtStart.toFixed(1)} (anything else running on these CPUs slows both columns).`,
    '',
    table(
      ['model', 'method', 'N', 'GPU steps', 'GPU s', 'GPU steps/s each', 'GPU traj-steps/s', 'GPU GFLOP/s', '% FMA peak', 'CPU steps', 'CPU s', 'CPU traj-steps/s', 'GPU/CPU'],
      body, 3,
    ),
    '',
    `FMA peak of this adapter: ${(peak.flopsPerSecond / 1e9).toFixed(2)} GFLOP/s (shaders/fmaPeak.wgsl.ts: ${peakKernel.threads} threads × 8 vec4 fma chains × ${peak.iterations} iterations, 2 FLOP per FMA, best of 3), measured in this run.`,
    ...(runs('single-neuron') ? [
      `Single neuron (Fig. 8 data XX = I, step ${STEP}; the kernels use the whitened residual σ²β − Xy): FLOPs per trajectory-step at d = ${D} as generated (bench/checkCost.ts stepFlops): `
        + `GD ${stepFlops('gd', D, true)} whitened / ${stepFlops('gd', D, false)} general SPD (residual 2d or 2d², + 5d + 3 with η folded into the rates), RK4 ${stepFlops('rk4', D, true)} / ${stepFlops('rk4', D, false)} `
        + '(4 velocities + 3 axpy + combination 6(d+1)); FMA = 2 FLOP, mul/add = 1, so kernels with few FMAs cannot reach 100%. The divergence check is not counted: a block of 16 steps starting under the growth bound (src/models/singleNeuron/growthBound.ts) runs unchecked after one a² + ‖w‖² test, '
        + 'other blocks track a² + ‖w‖² per step (d + 1 FMAs and a max); GD runs 4 trajectories per thread (shaders/singleNeuron/singleNeuronGdLanes.wgsl.ts).',
      `Divergence-check rows (N = ${CHECK_N.toExponential(0).replace('e+', 'e')}): GD with the block check (default: unchecked blocks under the growth bound, else tracked), the per-step check and no check (never freezes; only to price the check), on XX = I and on XX = [[1, 0.3], [0.3, 1]]; the check costs 1 − (block rate / no-check rate).`,
      `Single neuron: GPU SingleNeuronSim.advance(steps) (awaits onSubmittedWorkDone), f32; CPU advanceEnsembleF64 (f64, one JS thread), timed on fewer steps than the GPU and reported per step. `
        + `Each row: warm-up, calibration, then one timed run sized to ~${GPU_TARGET_S} s (GPU) / ~${CPU_TARGET_S} s (CPU).`,
    ] : []),
    ...relu2.notes,
    ...linear2.notes,
    ...mlp.notes,
    ...(relu2Metrics ? ['', table(relu2Metrics.header, relu2Metrics.rows, 1), '', relu2Metrics.note] : []),
    ...(analysis.length ? ['', ...analysis] : []),
    ...(numpy.length ? ['', ...numpy] : []),
    `"traj-steps/s" counts trajectory-steps (single neuron) or network-steps (relu2) per second. Total bench time ${((performance.now() - benchStart) / 1000).toFixed(0)} s.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  ctx.device.destroy();
}

main().then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
