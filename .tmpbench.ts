import { initGpu } from '/work/main/src/gpu/device.ts';
import { buildRelu2Grid, Relu2Sim } from '/work/main/src/models/relu2/index.ts';
const ctx = await initGpu();
console.log(ctx.adapterName);
async function time(label: string, spec: any, steps: number) {
  const sim = await Relu2Sim.create(ctx, spec);
  await sim.advance(1);
  let t = performance.now();
  await sim.advance(steps);
  const dt = performance.now() - t;
  t = performance.now();
  await sim.readMetrics();
  const dm = performance.now() - t;
  console.log(label, 'N', spec.networks.length, `${steps} steps ${dt.toFixed(0)} ms → ${(steps / dt * 1000).toFixed(1)} steps/s; metrics ${dm.toFixed(0)} ms`);
  sim.destroy();
}
const tau = Array.from({ length: 9 }, (_, i) => 10 ** (-1 + 1.3 * i / 8));
const col = buildRelu2Grid({ m: 50, taus: [tau[0]], deltas: Array.from({ length: 9 }, (_, i) => -1 + i / 4), seeds: [0, 1, 2, 3], teacher: { d: 20, n: 200, m0: 3, nTest: 1000 }, learningRate: { base: 5e-3, scaleByTauSquared: true } });
await time('tau column', col, 20);
const all = buildRelu2Grid({ m: 50, taus: tau, deltas: Array.from({ length: 9 }, (_, i) => -1 + i / 4), seeds: [0, 1, 2, 3], teacher: { d: 20, n: 200, m0: 3, nTest: 1000 }, learningRate: { base: 5e-3, scaleByTauSquared: true } });
await time('all 324', all, 10);
const f1a = buildRelu2Grid({ m: 50, taus: [0.1], deltas: [0, 0.5, -0.5, 0.01], seeds: [0], teacher: { d: 2, n: 20, m0: 3, nTest: 0 }, learningRate: { base: 1e-4, scaleByTauSquared: true } });
await time('fig1a', f1a, 20000);
process.exit(0);
