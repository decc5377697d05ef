/**
 * `npm run bench:device [-- --quick]`: one-command bench for a machine with a real GPU (issue 12): needs
 * nothing beyond `npm ci` and runs in ≤ 5 minutes on a GPU. Prints, for the adapter WebGPU picks:
 * - the adapter and its FMA peak (shaders/fmaPeak.wgsl.ts, FMA = 2 FLOP);
 * - single-neuron GD and RK4 (d = 2, XX = I, step 0.01, docs/theory.md §1) at N = 10⁶ and 10⁷ trajectories:
 *   trajectory-steps/s, FLOPs per step as generated (bench/checkCost.ts stepFlops) and the fraction of the peak;
 * - relu2 GD (docs/theory.md §3, the Fig. 1b grid of bench/relu2.ts: m = 50, n = 1000, d = 100) for every step
 *   kernel (src/models/relu2/layout.ts Relu2Kernel) at N = 289 and 4,624 networks, network-steps/s and the
 *   fraction of the peak at 4·m·n·dp FLOPs per network-step, and the projected full Fig. 1b time
 *   (4,624 networks × 10⁵ steps) with the fastest kernel;
 * - a correctness line: f32 on this adapter against f64 (src/theory): single-neuron RK4 vs the closed
 *   form (Fig. 8 grid, t = 1, bound 2e-4·(1 + |value|)) and relu2 GD on every kernel vs trainRelu2
 *   (Fig. 1a setting, d = 2, m = 50, n = 20, 1,000 steps, train loss within 1e-3 relative).
 * `--quick` (for CPU adapters such as SwiftShader): N = 10⁴ and 10⁵ trajectories, relu2 at 1 and 4 networks
 * for ≥ 1 step each; same output. Exit code 1 when the correctness line fails or WebGPU reported errors.
 * Units: steps are GD/RK4 steps (time = steps × step); rates per wall second including submission.
 */
import { Command } from 'commander';
import { initGpu, type GpuContext } from '../src/gpu/device.ts';
import { ensembleFromInits, initialDirections, linspace, type SingleNeuronEnsemble } from '../src/models/singleNeuron/ensemble.ts';
import { SingleNeuronSim } from '../src/models/singleNeuron/sim.ts';
import { Relu2Sim } from '../src/models/relu2/sim.ts';
import { defaultRelu2Kernel, RELU2_KERNELS, type Relu2Kernel } from '../src/models/relu2/layout.ts';
import { learningRateOf, seededSymmetrisedInit, teacherStudentData } from '../src/models/relu2/data.ts';
import { conservedDelta, exactSingleNeuron, initFromBetaDelta, trainRelu2, type SingleNeuronData } from '../src/theory/index.ts';
import { calibrated, fmt, fmtDuration, table } from './common.ts';
import { FmaPeakKernel, FMA_PEAK_WORKGROUP } from './fmaPeak.ts';
import { stepFlops } from './checkCost.ts';
import { fig1bPlan } from './relu2.ts';

const KERNELS = RELU2_KERNELS;
const DATA: SingleNeuronData = { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] };
const FULL_STEPS = 1e5;

/** N trajectories: 4,096 distinct inits (64 directions × 64 δ ∈ [−2, 2]) repeated, so building 10⁷ stays cheap. */
function tiledEnsemble(n: number): SingleNeuronEnsemble {
  const dirs = initialDirections(2, 64, 1);
  const base = ensembleFromInits(DATA, { a: 1, w: 1 }, linspace(-2, 2, 64).flatMap((delta) => dirs.map((b) => initFromBetaDelta(b, delta))));
  const b = base.n;
  const tile = (src: Float64Array, comps: number) => {
    const out = new Float64Array(comps * n);
    for (let c = 0; c < comps; c++) for (let i = 0; i < n; i++) out[c * n + i] = src[c * b + (i % b)];
    return out;
  };
  return { ...base, n, state0: tile(base.state0, 3), delta0: tile(base.delta0, 1), scale0: tile(base.scale0, 1) };
}

async function main(): Promise<void> {
  const opts = new Command('bench:device').option('--quick', 'small sizes for CPU adapters (SwiftShader)').parse(process.argv).opts<{ quick?: boolean }>();
  const quick = opts.quick === true;
  const start = performance.now();
  const errors: string[] = [];
  const ctx: GpuContext = await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const out: string[] = [`lazyrich device bench${quick ? ' (--quick)' : ''}`, `adapter: ${ctx.adapterName}${ctx.isSoftware ? ' (software: a CPU; quote ratios)' : ''}`];
  const target = quick ? 0.5 : 1.5;

  const peakKernel = new FmaPeakKernel(ctx, (quick ? 8192 : 131072) * FMA_PEAK_WORKGROUP);
  const peak = (await peakKernel.measure(quick ? 0.5 : 1, 3)).flopsPerSecond;
  peakKernel.destroy();
  out.push(`FMA peak: ${(peak / 1e9).toFixed(1)} GFLOP/s (${peakKernel.threads} threads, best of 3)`, '');
  const pct = (flops: number) => `${((100 * flops) / peak).toFixed(1)}%`;

  const snRows: string[][] = [];
  for (const n of quick ? [1e4, 1e5] : [1e6, 1e7]) {
    const sim = SingleNeuronSim.create(ctx, tiledEnsemble(n), { method: 'gd', step: 0.01, bound: 1e6 });
    for (const method of ['gd', 'rk4'] as const) {
      sim.setIntegrator({ method, step: 0.01, bound: 1e6 });
      await sim.advance(sim.stepsPerDispatch);
      const { steps, seconds } = await calibrated(async (k) => {
        const t0 = performance.now();
        await sim.advance(k);
        return (performance.now() - t0) / 1000;
      }, sim.stepsPerDispatch, target);
      const rate = (n * steps) / seconds;
      const flops = stepFlops(method, 2, sim.whitened);
      snRows.push([method.toUpperCase(), n.toExponential(0).replace('e+', 'e'), `${steps}`, seconds.toFixed(2), fmt(rate), `${flops}`, pct(rate * flops)]);
      log(`device bench: single neuron ${method} N=${n}: ${steps} steps in ${seconds.toFixed(2)} s`);
    }
    sim.destroy();
  }
  out.push('single neuron d=2, XX = I (whitened kernel), step 0.01', table(['method', 'N', 'steps', 's', 'traj-steps/s', 'FLOP/step', '% peak'], snRows, 2), '');

  const { cfg, plan } = fig1bPlan();
  const reluRows: string[][] = [];
  let best: { kernel: Relu2Kernel; N: number; each: number; flops: number } | null = null;
  for (const kernel of KERNELS) {
    for (const N of quick ? [1, 4] : [289, 4624]) {
      const sim = await Relu2Sim.create(ctx, plan.spec(0, N).spec, { kernel });
      try {
        await sim.advance(1);
        const { steps, seconds } = await calibrated(async (k) => {
          const t0 = performance.now();
          await sim.advance(k);
          return (performance.now() - t0) / 1000;
        }, 1, quick ? 0.3 : target);
        const each = steps / seconds;
        const flops = (2 * sim.workPerStep) / N;
        reluRows.push([kernel + (kernel === defaultRelu2Kernel(ctx.isSoftware) ? ' (default)' : ''), N.toLocaleString('en'), `${steps}`, seconds.toFixed(2), fmt(each), fmt(N * each), flops.toExponential(2), pct(N * each * flops)]);
        if (N === (quick ? 4 : 4624) && (!best || each > best.each)) best = { kernel, N, each, flops };
        log(`device bench: relu2 ${kernel} N=${N}: ${steps} steps in ${seconds.toFixed(2)} s`);
      } finally {
        sim.destroy();
      }
    }
  }
  out.push(`relu2 GD, m = ${cfg.m}, n = ${cfg.n}, d = ${cfg.d} (Fig. 1b grid; FLOPs per network-step 4·m·n·dp = ${(best!.flops).toExponential(2)})`,
    table(['kernel', 'N', 'steps', 's', 'steps/s each', 'net-steps/s', 'FLOP/step', '% peak'], reluRows, 1));
  // 4,624 networks at the network-steps/s measured with best.N networks (exact when best.N = 4,624).
  const projected = (4624 * FULL_STEPS) / (best!.N * best!.each);
  out.push(`Projected full Fig. 1b (4,624 networks × 10⁵ steps, ${best!.kernel} kernel, at the network-steps/s of the N = ${best!.N.toLocaleString('en')} row): ${fmtDuration(projected)}; checkpoint metrics not included.`, '');

  // Correctness: f32 on this adapter vs f64.
  const inits = [-2, -0.2, 0.2, 2].flatMap((delta) => [[0, -1], [0.6, 0.8], [-0.8, 0.6]].map((b) => initFromBetaDelta(b, delta)));
  const sn = SingleNeuronSim.create(ctx, ensembleFromInits(DATA, { a: 1, w: 1 }, inits), { method: 'rk4', step: 1e-3, bound: 1e6 });
  await sn.advance(1000);
  const { state } = await sn.readState();
  sn.destroy();
  let snErr = 0;
  inits.forEach((init, i) => {
    const ex = exactSingleNeuron(init.a, [...init.w], DATA.Xy, conservedDelta(init.a, [...init.w]), 1);
    [ex.a, ...ex.w].forEach((v, c) => { snErr = Math.max(snErr, Math.abs(state[c * inits.length + i] - v) / (1 + Math.abs(v))); });
  });
  const data = teacherStudentData({ seed: 0, d: 2, n: 20, m0: 3, nTest: 0 });
  const net = { init: seededSymmetrisedInit(0, 50, 2, { tau: 0.1, delta: 0 }), dataIndex: 0, eta: learningRateOf({ base: 1e-4, scaleByTauSquared: true }, 0.1) };
  const ref = trainRelu2(net.init, data, { eta: net.eta, slope: 0, checkpoints: [1000] }).records[0].trainLoss;
  const reluErr: Record<string, number> = {};
  for (const kernel of KERNELS) {
    const sim = await Relu2Sim.create(ctx, { datasets: [data], networks: [net] }, { kernel });
    await sim.advance(1000);
    reluErr[kernel] = Math.abs((await sim.readMetrics())[0].trainLoss - ref) / ref;
    sim.destroy();
  }
  const ok = snErr <= 2e-4 && Object.values(reluErr).every((e) => e <= 1e-3) && errors.length === 0;
  out.push(`correctness (f32 here vs f64): ${ok ? 'PASS' : 'FAIL'}: single-neuron RK4 vs closed form ${snErr.toExponential(1)} (≤ 2e-4); `
    + `relu2 train loss after 10³ steps ${KERNELS.map((k) => `${k} ${reluErr[k].toExponential(1)}`).join(', ')} (≤ 1e-3 relative)${errors.length ? `; WebGPU errors: ${errors.join('; ')}` : ''}`);
  out.push(`total ${((performance.now() - start) / 1000).toFixed(0)} s`);
  process.stdout.write(`${out.join('\n')}\n`);
  ctx.device.destroy();
  process.exit(ok ? 0 : 1);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:device failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
