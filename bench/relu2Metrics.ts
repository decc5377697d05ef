/**
 * relu2 rows of `npm run bench` at the browser's size (issue 12): one batch of the fig1b-reduced preset (one τ
 * column: 9 δ × 4 seeds = 36 networks, m = 50, n = 200, nTest = 1,000, d = 20; docs/theory.md §3), the size of
 * tests/e2e/relu2.test.ts's long run:
 * - GD steps with the adapter's default step kernel: FLOPs per network-step and % of the FMA peak;
 * - one checkpoint-metrics pass (Relu2Sim.readMetrics: losses, Hamming, ‖θ − θ₀‖, δ drift and the O(n²(m + d))
 *   NTK kernel distance) with each metrics kernel: seconds, FLOPs, % of the FMA peak, cost in GD steps;
 * - the projected time of the whole reduced run (9 batches × 10⁴ steps and their checkpoint passes), split
 *   into steps and metrics (the browser adds its page, compile and wait overheads).
 */
import type { GpuContext } from '../src/gpu/device.ts';
import { buildRelu2Grid } from '../src/models/relu2/data.ts';
import { defaultRelu2Kernel, type Relu2MetricsKernel } from '../src/models/relu2/layout.ts';
import { checkpointSteps, RELU2_PRESETS } from '../src/models/relu2/params.ts';
import { Relu2Sim } from '../src/models/relu2/sim.ts';
import { fmtDuration } from './common.ts';

/** Batches of the fig1b-reduced run (one per τ), its GD steps and its checkpoints (params.ts RELU2_PRESETS). */
const PRESET = RELU2_PRESETS['fig1b-reduced'];
const BATCHES = PRESET.tauCount!;
const STEPS = PRESET.steps!;
const CHECKPOINTS = checkpointSteps(STEPS, PRESET.checkpoints!).length;

/**
 * FLOPs (2 per multiply–add) of one metrics pass of one network (shaders/relu2/relu2MetricsThread.wgsl.ts): z for θ_t
 * and θ₀ at every train sample (2·n·m·dp), z at every test sample (nTest·m·dp), and the n(n+1)/2 Gram pairs (4m feature
 * products + x_iᵀx_j); the workgroup kernel does the same products.
 */
export function metricsPassFlops(m: number, n: number, nTest: number, dp: number): number {
  return 2 * (2 * n * m * dp + nTest * m * dp + ((n * (n + 1)) / 2) * (4 * m + dp));
}

/** Table rows and a note: step kernel at the browser size, metrics kernels, the projected reduced run. */
export async function benchRelu2Metrics(ctx: GpuContext, peakFlops: number, log: (s: string) => void): Promise<{ header: string[]; rows: string[][]; note: string }> {
  const [m, n, d, nTest] = [PRESET.m!, PRESET.n!, PRESET.d!, PRESET.nTest!];
  const grid = buildRelu2Grid({
    m, taus: [1], deltas: Array.from({ length: PRESET.deltaCount! }, (_, i) => -1 + (2 * i) / (PRESET.deltaCount! - 1)), seeds: [0, 1, 2, 3],
    teacher: { d, n, m0: PRESET.m0!, nTest }, learningRate: { base: PRESET.etaBase!, scaleByTauSquared: true },
  });
  const spec = { datasets: grid.datasets, networks: grid.networks };
  const N = grid.networks.length;
  const kernel = defaultRelu2Kernel(ctx.isSoftware);
  const pct = (flopsPerSecond: number) => `${((100 * flopsPerSecond) / peakFlops).toFixed(1)}%`;
  const rows: string[][] = [];
  let stepSeconds = NaN;
  let passSeconds = NaN;
  for (const metricsKernel of (kernel === 'thread' ? ['thread', 'workgroup'] : ['workgroup', 'thread']) as Relu2MetricsKernel[]) {
    const sim = await Relu2Sim.create(ctx, spec, { kernel, metricsKernel });
    try {
      const dp = sim.sizes.shape.dp;
      if (Number.isNaN(stepSeconds)) {
        await sim.advance(1);
        const steps = 40;
        const t0 = performance.now();
        await sim.advance(steps);
        stepSeconds = (performance.now() - t0) / 1000 / steps;
        const flops = (2 * sim.workPerStep) / N;
        rows.push([`GD step, ${kernel} kernel (default)`, `${N}`, (stepSeconds * 1000).toFixed(1) + ' ms', `${flops.toExponential(2)}`, pct((N * flops) / stepSeconds), '1']);
        log(`bench: relu2 ${kernel} step kernel at m = ${m}, n = ${n}, d = ${d}, ${N} networks: ${(stepSeconds * 1000).toFixed(1)} ms per step`);
      }
      await sim.readMetrics(); // warm-up
      const t0 = performance.now();
      await sim.readMetrics();
      const s = (performance.now() - t0) / 1000;
      if (metricsKernel === (kernel === 'thread' ? 'thread' : 'workgroup')) passSeconds = s;
      const flops = metricsPassFlops(m, n, nTest, dp);
      rows.push([`metrics pass, ${metricsKernel} kernel${metricsKernel === (kernel === 'thread' ? 'thread' : 'workgroup') ? ' (default)' : ''}`, `${N}`, `${s.toFixed(2)} s`,
        `${flops.toExponential(2)}`, pct((N * flops) / s), (s / stepSeconds).toFixed(0)]);
      log(`bench: relu2 metrics pass (${metricsKernel} kernel, ${N} networks): ${s.toFixed(2)} s`);
    } finally {
      sim.destroy();
    }
  }
  const steps = BATCHES * STEPS * stepSeconds;
  const metrics = BATCHES * CHECKPOINTS * passSeconds;
  return {
    header: ['relu2 at the browser size', 'networks', 'time', 'FLOPs per network', '% FMA peak', 'in GD steps'],
    rows,
    note: `relu2 browser-size rows: one batch of the fig1b-reduced preset (${N} networks, m = ${m}, n = ${n}, nTest = ${nTest}, d = ${d}); FLOPs count multiply–adds as 2 `
      + `(GD step: 4·m·n·dp, as the relu2 rows; metrics pass: bench/relu2Metrics.ts metricsPassFlops). Projected reduced run on this adapter (${BATCHES} batches × ${STEPS.toLocaleString('en')} steps `
      + `and ${CHECKPOINTS} checkpoint passes each, default kernels): steps ${fmtDuration(steps)} + metrics ${fmtDuration(metrics)} = ${fmtDuration(steps + metrics)} `
      + `(${((100 * metrics) / (steps + metrics)).toFixed(0)}% metrics); the browser adds page start, kernel compiles and its submission waits.`,
  };
}
