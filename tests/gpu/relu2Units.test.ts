/**
 * The ReLU unit view on the GPU backend (docs/theory.md §3.1, issue 13 item 3): the app's XOR preset
 * (Fig. 5a) runs through the app's runner on Relu2Sim, which stores the read-back θ at each checkpoint
 * (results.params); the unit motion the view computes from it on the host (unitsMath.ts networkUnits)
 * agrees with the f64 reference run, and upstream units turn further with a smaller relative ‖θ − θ₀‖
 * than downstream ones in every τ column, as in f64 (tests/unit/relu2UnitsRegimes.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { defaults, validate } from '../../src/params/schema.ts';
import { RELU2_PRESETS, RELU2_SCHEMA as S } from '../../src/models/relu2/params.ts';
import { buildExperiment, networkIndex } from '../../src/models/relu2/grid.ts';
import { Relu2Results } from '../../src/models/relu2/results.ts';
import { Relu2Runner } from '../../src/models/relu2/runner.ts';
import { Relu2Sim } from '../../src/models/relu2/sim.ts';
import { networkUnits } from '../../src/models/relu2/app/unitsMath.ts';
import { trainRelu2 } from '../../src/theory/index.ts';
import { relu2UnitMotion } from '../../src/theory/relu2Units.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('unit motion from the GPU read-back (XOR preset, 9 networks, 2·10⁴ GD steps)', () => {
  it('matches f64 per unit; upstream turns further with a smaller relative ‖θ − θ₀‖ than downstream', async () => {
    const e = buildExperiment(validate(S, { ...RELU2_PRESETS.xor, preset: 'xor' }, defaults(S)), null);
    const results = new Relu2Results(e);
    const runner = new Relu2Runner(e, results, (spec) => Relu2Sim.create(ctx, spec));
    await runner.run();
    expect(runner.progress.state).toBe('done');
    const last = e.checkpoints.length - 1;
    const { spec } = e.plan.specOf(Array.from({ length: e.networkCount }, (_, q) => q));
    // f32 GD (compensated sums) vs f64 GD over 2·10⁴ steps: every unit's angle within 1e-5 rad and its relative
    // radial change within 1e-5 relative, ‖θ − θ₀‖/‖θ₀‖ within 1e-5 relative (measured on SwiftShader: 3.4e-7 rad
    // and 4.4e-7, printed below).
    let worstAngle = 0, worstRadial = 0;
    for (const cell of e.cells) {
      const gpu = networkUnits(e, results, cell.index, 0, last)!;
      expect(gpu.c).toBe(last);
      const net = spec.networks[networkIndex(e, cell.index, 0)], data = spec.datasets[net.dataIndex];
      const ref = relu2UnitMotion(trainRelu2(net.init, data, { eta: net.eta, slope: 0, checkpoints: [e.checkpoints[last]] }).records[0].params, net.init, data.X, 0);
      ref.angle.forEach((a, k) => { worstAngle = Math.max(worstAngle, Math.abs(a - gpu.motion.angle[k])); });
      ref.radial.forEach((r, k) => { worstRadial = Math.max(worstRadial, Math.abs(r - gpu.motion.radial[k]) / r); });
      expect(Math.abs(gpu.motion.relParamDistance - ref.relParamDistance)).toBeLessThan(1e-5 * ref.relParamDistance);
    }
    console.log(`GPU vs f64 at step ${e.checkpoints[last]}: worst angle ${worstAngle.toExponential(2)} rad, worst relative radial ${worstRadial.toExponential(2)}`);
    expect(worstAngle).toBeLessThan(1e-5);
    expect(worstRadial).toBeLessThan(1e-5);
    const report: string[] = [];
    for (let col = 0; col < e.cols; col++) {
      const down = e.cells.find((c) => c.col === col && c.row === 0)!, up = e.cells.find((c) => c.col === col && c.row === e.rows - 1)!;
      let compared = 0;
      for (let c = 0; c <= last; c++) {
        const lossOf = (cell: typeof up) => results.get(networkIndex(e, cell.index, 0), c, 'trainLoss');
        if (!(lossOf(down) < 0.05 && lossOf(up) < 0.05)) continue;
        compared++;
        const u = networkUnits(e, results, up.index, 0, c)!, d = networkUnits(e, results, down.index, 0, c)!;
        expect(u.motion.meanAngle, `τ = ${up.tau}, step ${e.checkpoints[c]}`).toBeGreaterThan(d.motion.meanAngle);
        expect(u.motion.relParamDistance, `τ = ${up.tau}, step ${e.checkpoints[c]}`).toBeLessThan(d.motion.relParamDistance);
      }
      expect(compared).toBeGreaterThanOrEqual(5);
      const u = networkUnits(e, results, up.index, 0, last)!, d = networkUnits(e, results, down.index, 0, last)!;
      report.push(`τ = ${up.tau.toFixed(3)}: upstream ${(u.motion.meanAngle * 180 / Math.PI).toFixed(1)}°, rel ${u.motion.relParamDistance.toFixed(3)}; `
        + `downstream ${(d.motion.meanAngle * 180 / Math.PI).toFixed(1)}°, rel ${d.motion.relParamDistance.toFixed(3)}`);
    }
    console.log(`GPU, step ${e.checkpoints[last]}:\n${report.join('\n')}`);
  });
});
