/**
 * relu2 checkpoint-metrics rows of `npm run bench` (issue 12): the wall time of one metrics pass
 * (Relu2Sim.readMetrics: losses, Hamming, ‖θ − θ₀‖, δ drift and the O(n²(m + d)) NTK kernel distance,
 * docs/theory.md §3) with each metrics kernel, on one batch of the browser's fig1b-reduced preset (one τ column:
 * 9 δ × 4 seeds = 36 networks, m = 50, n = 200, nTest = 1,000, d = 20), and its cost in GD steps of the
 * adapter's default step kernel on the same batch.
 */
import type { GpuContext } from '../src/gpu/device.ts';
import { buildRelu2Grid } from '../src/models/relu2/data.ts';
import { defaultRelu2Kernel, type Relu2MetricsKernel } from '../src/models/relu2/layout.ts';
import { Relu2Sim } from '../src/models/relu2/sim.ts';

/** Table rows: metrics kernel, networks, seconds per pass, pass / GD step of the default step kernel. */
export async function benchRelu2Metrics(ctx: GpuContext, log: (s: string) => void): Promise<{ header: string[]; rows: string[][]; note: string }> {
  const grid = buildRelu2Grid({
    m: 50, taus: [1], deltas: Array.from({ length: 9 }, (_, i) => -1 + i / 4), seeds: [0, 1, 2, 3],
    teacher: { d: 20, n: 200, m0: 3, nTest: 1000 }, learningRate: { base: 5e-3, scaleByTauSquared: true },
  });
  const spec = { datasets: grid.datasets, networks: grid.networks };
  const kernel = defaultRelu2Kernel(ctx.isSoftware);
  const rows: string[][] = [];
  let stepSeconds = NaN;
  for (const metricsKernel of (kernel === 'thread' ? ['thread', 'workgroup'] : ['workgroup', 'thread']) as Relu2MetricsKernel[]) {
    const sim = await Relu2Sim.create(ctx, spec, { kernel, metricsKernel });
    try {
      if (Number.isNaN(stepSeconds)) {
        await sim.advance(1);
        const t0 = performance.now();
        await sim.advance(10);
        stepSeconds = (performance.now() - t0) / 1000 / 10;
      }
      await sim.readMetrics(); // warm-up
      const t0 = performance.now();
      await sim.readMetrics();
      const s = (performance.now() - t0) / 1000;
      rows.push([`${metricsKernel}${metricsKernel === kernel ? ' (default)' : ''}`, `${grid.networks.length}`, s.toFixed(2), (s / stepSeconds).toFixed(0)]);
      log(`bench: relu2 metrics pass (${metricsKernel} kernel, ${grid.networks.length} networks): ${s.toFixed(2)} s`);
    } finally {
      sim.destroy();
    }
  }
  return {
    header: ['relu2 metrics kernel', 'networks', 's per pass', 'pass in GD steps'],
    rows,
    note: `relu2 metrics rows: one readMetrics pass on one batch of the fig1b-reduced preset (36 networks, m = 50, n = 200, nTest = 1,000, d = 20), `
      + `against one GD step of the ${kernel} step kernel on the same batch (${(stepSeconds * 1000).toFixed(0)} ms).`,
  };
}
