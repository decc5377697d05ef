/**
 * The single-neuron research export (src/models/singleNeuron/app/export.ts) against the app's state and the
 * f64 closed form (docs/theory.md §1.3), on a 9 δ × 4 directions Fig. 2 grid run with RK4, dt = 0.01:
 * - t = steps × dt (relative 1e-12: t is a running f64 sum of 30 chunks of 10 × dt);
 * - δ₀ is the grid's linspace value exactly, and the f64 init's η_w a₀² − η_a‖w₀‖² within 1e-12;
 * - β₀ = a₀w₀ = ‖β₀‖ · the init direction within 1e-12;
 * - θ and S(t) match the closed form at t within 1e-4 (f32 RK4 over t = 3);
 * - t_S lies within one observables interval (0.1) of the closed form's first S ≥ S_th on the same time grid,
 *   and the regime follows the rule of regimes.ts from it;
 * - the history holds the recorded samples of the selection, and the CSV/JSON round-trip the numbers exactly.
 */
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { defaults, validate } from '../../src/params/schema.ts';
import { buildEnsemble, initialDirections, linspace } from '../../src/models/singleNeuron/ensemble.ts';
import { SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';
import { ObservablesPass } from '../../src/models/singleNeuron/observables.ts';
import { SelectionRecorder } from '../../src/models/singleNeuron/recorder.ts';
import { defaultRegimeRule } from '../../src/models/singleNeuron/regimes.ts';
import { SingleNeuronSim } from '../../src/models/singleNeuron/sim.ts';
import {
  exportBody, gridLabels, historyCsv, readExportInput, trajectoriesCsv, trajectoryRows,
} from '../../src/models/singleNeuron/app/export.ts';
import { exactSingleNeuronGeneral, kernelDistance, ntkMatrix } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('single-neuron research export', () => {
  it('carries t, δ₀, β₀, θ, S, t_S, the regime and the history, matching the grid and the closed form', async () => {
    const p = validate(SINGLE_NEURON_SCHEMA, { deltaCount: 9, directions: 4 }, defaults(SINGLE_NEURON_SCHEMA));
    const e = buildEnsemble(p);
    const dt = 0.01;
    const sim = SingleNeuronSim.create(ctx, e, { method: 'rk4', step: dt, bound: 1e6 });
    const obs = new ObservablesPass(ctx, sim);
    const rec = new SelectionRecorder(ctx, sim.n, obs);
    const selected = [0, 35, 17];
    rec.setSelection(Uint32Array.from(selected));
    const rule = { ...defaultRegimeRule(1), kernelThreshold: p.kernelThreshold, earlyTime: p.earlyTime };
    const chunks = 30, steps = 10;
    for (let k = 0; k < chunks; k++) {
      sim.queueSteps(steps);
      obs.run(p.epsilon, p.kernelThreshold);
      rec.record(sim.time);
    }
    const input = await readExportInput(sim, obs, rec, rule, gridLabels(p));
    const { n, d } = e;
    expect(n).toBe(36);
    expect(input.stepCount).toBe(chunks * steps);
    expect(Math.abs(input.time - input.stepCount * dt)).toBeLessThan(1e-12 * input.time);

    const rows = trajectoryRows(input);
    const deltas = linspace(-4, 4, 9);
    const dirs = initialDirections(2, 4, p.seed);
    const times = Array.from({ length: chunks }, (_, k) => (k + 1) * steps * dt);
    rows.forEach((r, i) => {
      expect(r.delta0).toBe(deltas[Math.floor(i / 4)]);
      expect(Math.abs(r.delta0 - e.delta0[i])).toBeLessThan(1e-12);
      r.beta0.forEach((b, j) => expect(Math.abs(b - dirs[i % 4][j] * p.beta0Norm)).toBeLessThan(1e-12));
      const a0 = e.state0[i], w0 = Array.from({ length: d }, (_, j) => e.state0[(1 + j) * n + i]);
      const exact = exactSingleNeuronGeneral(a0, w0, e.data, e.rates, input.time);
      expect(Math.abs(r.a - exact.a)).toBeLessThan(1e-4);
      r.w.forEach((w, j) => expect(Math.abs(w - exact.w[j])).toBeLessThan(1e-4));
      const M0 = ntkMatrix(a0, w0, e.rates);
      expect(Math.abs(r.S - kernelDistance(M0, ntkMatrix(exact.a, exact.w, e.rates), e.data.XX))).toBeLessThan(1e-4);
      // t_S on the observables' time grid from the closed form.
      const first = times.find((t) => {
        const s = exactSingleNeuronGeneral(a0, w0, e.data, e.rates, t);
        return kernelDistance(M0, ntkMatrix(s.a, s.w, e.rates), e.data.XX) >= p.kernelThreshold;
      });
      if (first === undefined) {
        expect(r.tS === null || r.tS >= times[times.length - 1] - 0.1 - 1e-6).toBe(true);
      } else {
        expect(r.tS).not.toBeNull();
        expect(Math.abs(r.tS! - first)).toBeLessThanOrEqual(0.1 + 1e-6);
      }
      const expected = r.diverged ? 'diverged' : r.tS !== null ? (r.tS <= rule.earlyTime ? 'rich' : 'delayed-rich') : r.tEpsilon !== null ? 'lazy' : 'lazy so far';
      expect(r.regime).toBe(expected);
    });
    // Not vacuous: over t = 3 some trajectories moved their kernel (rich) and some converged lazily.
    const counts = Object.fromEntries(["rich", "delayed-rich", "lazy", "lazy so far"].map((c) => [c, rows.filter((r) => r.regime === c).length]));
    expect(counts.rich).toBeGreaterThan(0);
    expect(counts.lazy).toBeGreaterThan(0);
    expect(rows.filter((r) => r.tS !== null).length).toBeGreaterThan(0);

    // History: every recorded sample of the selection, in order, t on the same grid.
    expect(input.series.map((s) => s.index)).toEqual(selected);
    for (const s of input.series) {
      let t = 0; // the sim's running sum of steps × dt, stored as f32 by the recorder
      expect(Array.from(s.time)).toEqual(times.map(() => Math.fround(t += steps * dt)));
      expect(s.time).toHaveLength(chunks);
    }
    const history = Papa.parse<string[]>(historyCsv(input).trim()).data;
    expect(history[0]).toEqual(['index', 'delta0', 't', 'nu', 'mu', 'excessLoss', 'S']);
    expect(history).toHaveLength(1 + selected.length * chunks);
    expect(Number(history[1 + chunks][0])).toBe(35);
    expect(Number(history[1 + chunks][1])).toBe(deltas[8]);

    // CSV and JSON round-trip the numbers exactly.
    const csv = Papa.parse<Record<string, string>>(trajectoriesCsv(input).trim(), { header: true }).data;
    expect(csv).toHaveLength(n);
    csv.forEach((row, i) => {
      expect(Number(row.t)).toBe(input.time);
      expect(Number(row.delta0)).toBe(rows[i].delta0);
      expect(Number(row.beta0_1)).toBe(rows[i].beta0[0]);
      expect(Number(row.S)).toBe(rows[i].S);
      expect(row.tS === '' ? null : Number(row.tS)).toBe(rows[i].tS);
      expect(row.regime).toBe(rows[i].regime);
    });
    const body = JSON.parse(JSON.stringify(exportBody(input, p, 'test'))) as { t: number; step: number; trajectories: typeof rows; history: { S: number[] }[] };
    expect(body.t).toBe(input.time);
    expect(body.step).toBe(chunks * steps);
    expect(body.trajectories.map((r) => r.delta0)).toEqual(rows.map((r) => r.delta0));
    expect(body.history[1].S).toEqual(Array.from(input.series[1].kernelDistance));
    rec.destroy();
    obs.destroy();
    sim.destroy();
  });
});
