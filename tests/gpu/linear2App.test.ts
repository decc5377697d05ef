/**
 * The linear2 page's GPU path in Node (Dawn): the app's experiment (src/models/linear2/app/experiment.ts) on
 * Linear2Sim (f32), read back as the page does, against the f64 mirror-flow prediction (Thm B.6, DOP853): on the
 * aligned preset every singular value is within 1e-3 (the bound) at every read-back to t = 12; on the
 * not-aligned preset the prediction misses by more than 0.05 (so the check above can fail).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Linear2Sim } from '../../src/models/linear2/sim.ts';
import { defaults, validate } from '../../src/params/schema.ts';
import { LINEAR2_PRESETS, LINEAR2_SCHEMA } from '../../src/models/linear2/params.ts';
import { buildLinear2Experiment } from '../../src/models/linear2/app/experiment.ts';
import { InitialKernels, MirrorFlowPrediction, networkMetrics } from '../../src/models/linear2/app/metrics.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

/** max_k,t |σ_k − λ_k| per network over read-backs every `every` steps, on the GPU. */
async function gpuGaps(name: string, every: number): Promise<number[]> {
  const p = validate(LINEAR2_SCHEMA, { ...LINEAR2_PRESETS[name], preset: name }, defaults(LINEAR2_SCHEMA));
  const e = buildLinear2Experiment(p);
  const { d, c, h, method, step, bound, rates, quadratic } = e.cfg;
  const sim = Linear2Sim.create(ctx, { d, c, h, method, step, bound, rates, quadratic, initial: e.initial, deltas: e.networks.map((n) => n.scalarDelta ?? 0) });
  const kernels = new InitialKernels(e);
  const preds = e.networks.map((_, i) => new MirrorFlowPrediction(e, i));
  const gaps = e.networks.map(() => 0);
  try {
    while (sim.stepCount < e.endStep) {
      await sim.advance(Math.min(every, e.endStep - sim.stepCount));
      const t = sim.stepCount * step;
      const { states, diverged } = await sim.readStates();
      states.forEach((s, i) => {
        const m = networkMetrics(e, i, s, diverged[i], kernels.get(i));
        const lam = Array.from(preds[i].at(t)!, Math.abs).sort((a, b) => b - a);
        m.singularValues.forEach((sv, k) => { gaps[i] = Math.max(gaps[i], Math.abs(sv - lam[k])); });
      });
    }
  } finally {
    sim.destroy();
  }
  return gaps;
}

describe('linear2 page on the GPU: the mirror-flow prediction against the sim\'s read-back', () => {
  it('aligned preset: within 1e-3 at every read-back to t = 12; not-aligned: misses by more than 0.05', async () => {
    const aligned = await gpuGaps('aligned', 100);
    const rotated = await gpuGaps('not-aligned', 100);
    console.log(`GPU max |σ − λ| per network (δ = 0, 2, 4): aligned ${aligned.map((g) => g.toExponential(2)).join(', ')}; not aligned ${rotated.map((g) => g.toExponential(2)).join(', ')}`);
    for (const g of aligned) expect(g).toBeLessThan(1e-3);
    for (const g of rotated) expect(g).toBeGreaterThan(0.05);
  });
});
