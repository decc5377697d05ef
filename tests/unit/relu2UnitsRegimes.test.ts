/**
 * Issue 13's "Done means" for the ReLU unit view, in f64 (docs/theory.md §3.1): on a small grid at small τ,
 * the upstream setting's units turn further (mean angle moved by β̂_k) with a smaller relative ‖θ − θ₀‖
 * than the downstream setting's. Grids: the app's XOR preset (Fig. 5a: 3 τ × α ∈ {0.1, 1, 10}, m = 10,
 * η = 1e-5/τ², 2·10⁴ steps, run through the app's plan) and a small teacher–student grid. Plus the unit
 * panels' pure parts (unitsMath.ts) and the θ store (unitParams.ts).
 */
import { describe, expect, it } from 'vitest';
import { defaults, validate } from '../../src/params/schema.ts';
import { RELU2_PRESETS, RELU2_SCHEMA as S } from '../../src/models/relu2/params.ts';
import { buildExperiment, networkIndex } from '../../src/models/relu2/grid.ts';
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';
import { trainRelu2, type Relu2Data, type Relu2Params } from '../../src/theory/index.ts';
import { relu2UnitMotion, type Relu2UnitMotion } from '../../src/theory/relu2Units.ts';
import { Relu2ParamStore } from '../../src/models/relu2/unitParams.ts';
import { Relu2Results } from '../../src/models/relu2/results.ts';
import { Relu2Runner } from '../../src/models/relu2/runner.ts';
import { CpuRelu2Backend } from '../../src/models/relu2/cpu.ts';
import { hammingColor, logRange } from '../../src/models/relu2/app/unitsView.ts';
import { describeExperiment } from '../../src/models/relu2/app/progress.ts';
import { checkpointIndex, networkUnits, parityCounts, parityPlane, peerCells } from '../../src/models/relu2/app/unitsMath.ts';

const xorParams = () => validate(S, { ...RELU2_PRESETS.xor, preset: 'xor' }, defaults(S));
const deg = (r: number) => (r * 180) / Math.PI;

/** Trains θ₀ on data to each checkpoint (f64 GD) and returns the unit motion and train loss there. */
function motions(init: Relu2Params, data: Relu2Data, eta: number, slope: number, checkpoints: number[]): (Relu2UnitMotion & { loss: number })[] {
  const { records, divergedAtStep } = trainRelu2(init, data, { eta, slope, checkpoints });
  expect(divergedAtStep).toBeNull();
  return records.map((r) => ({ ...relu2UnitMotion(r.params, init, data.X, slope), loss: r.trainLoss }));
}

describe('upstream units turn further with a smaller relative ‖θ − θ₀‖ than downstream (f64)', () => {
  // Compared once both networks have fit the data (train loss < 0.05, from 1 at t = 0; the final loss is
  // 0.02–0.03, the clusters' spread): early on the downstream network has hardly started, so both its
  // angle and its ‖θ − θ₀‖ are small; the claim is about where training takes each one.
  it('the XOR preset (Fig. 5a): every τ column, at every checkpoint where both have fit (loss < 0.05)', () => {
    const e = buildExperiment(xorParams(), null);
    expect({ rows: e.rows, cols: e.cols, m: e.m, d: e.d, n: e.n, shapes: e.shapes.map((a) => Number(a.toPrecision(6))) })
      .toEqual({ rows: 3, cols: 3, m: 10, d: 3, n: 40, shapes: [0.1, 1, 10] });
    const { spec } = e.plan.specOf(Array.from({ length: e.networkCount }, (_, q) => q));
    const report: string[] = [];
    for (let col = 0; col < e.cols; col++) {
      const down = e.cells.find((c) => c.col === col && c.row === 0)!, up = e.cells.find((c) => c.col === col && c.row === e.rows - 1)!;
      expect(down.delta).toBeLessThan(0);
      expect(up.delta).toBeGreaterThan(0);
      const run = (cell: typeof up) => {
        const net = spec.networks[networkIndex(e, cell.index, 0)];
        return motions(net.init, spec.datasets[net.dataIndex], net.eta, e.slope, e.checkpoints);
      };
      const md = run(down), mu = run(up);
      let compared = 0;
      e.checkpoints.forEach((step, c) => {
        if (!(md[c].loss < 0.05 && mu[c].loss < 0.05)) return;
        compared++;
        expect(mu[c].meanAngle, `τ = ${up.tau} step ${step}`).toBeGreaterThan(md[c].meanAngle);
        expect(mu[c].relParamDistance, `τ = ${up.tau} step ${step}`).toBeLessThan(md[c].relParamDistance);
      });
      expect(compared, `τ = ${up.tau}: checkpoints where both fit`).toBeGreaterThanOrEqual(5);
      const last = e.checkpoints.length - 1;
      report.push(`τ = ${up.tau.toFixed(3)}: upstream angle ${deg(mu[last].meanAngle).toFixed(1)}°, rel ${mu[last].relParamDistance.toFixed(3)}; `
        + `downstream angle ${deg(md[last].meanAngle).toFixed(1)}°, rel ${md[last].relParamDistance.toFixed(3)} (${compared} checkpoints compared)`);
    }
    console.log(`XOR preset at step ${e.checkpoints[e.checkpoints.length - 1]}:\n${report.join('\n')}`);
  });

  it('a small teacher–student grid (d = 5, n = 60, m = 10; τ ∈ {0.05, 0.1}, α ∈ {0.1, 10}; 3 seeds), at step 2·10⁴', () => {
    const { datasets, networks } = buildRelu2Grid({
      m: 10, taus: [0.05, 0.1], alphas: [0.1, 10], seeds: [0, 1, 2], teacher: { d: 5, n: 60, m0: 3, nTest: 0 },
      learningRate: { base: 1e-4, scaleByTauSquared: true },
    });
    const report: string[] = [];
    for (const tau of [0.05, 0.1]) {
      const mean = (alpha: number) => {
        const ms = networks.filter((n) => n.tau === tau && n.alpha === alpha)
          .map((n) => motions(n.init, datasets[n.dataIndex], n.eta, 0, [20_000])[0]);
        return { angle: ms.reduce((s, x) => s + x.meanAngle, 0) / ms.length, rel: ms.reduce((s, x) => s + x.relParamDistance, 0) / ms.length };
      };
      const up = mean(10), down = mean(0.1);
      report.push(`τ = ${tau}: upstream angle ${deg(up.angle).toFixed(1)}°, rel ${up.rel.toFixed(3)}; downstream angle ${deg(down.angle).toFixed(1)}°, rel ${down.rel.toFixed(3)}`);
      expect(up.angle).toBeGreaterThan(down.angle);
      expect(up.rel).toBeLessThan(down.rel);
    }
    console.log(`teacher grid:\n${report.join('\n')}`);
  });
});

describe('unit panels: compared cells, θ store, host-side unit motion', () => {
  it('peerCells: the selected cell\'s τ column, downstream to upstream; at most 5 rows; [] with no selection', () => {
    const e = buildExperiment(xorParams(), null);
    expect(peerCells(e, null)).toEqual([]);
    expect(peerCells(e, 5).map((c) => [e.cells[c].col, e.cells[c].row])).toEqual([[1, 0], [1, 1], [1, 2]]);
    const big = buildExperiment({ ...xorParams(), alphaCount: 9 }, null);
    const sel = big.cells.find((c) => c.col === 2 && c.row === 6)!.index;
    expect(peerCells(big, sel).map((c) => big.cells[c].row)).toEqual([0, 4, 6, 8]);
    expect(parityPlane(e)).toEqual({ extent: 2, bias: true });
    expect(parityPlane(buildExperiment({ ...xorParams(), data: 'teacher', d: 2 }, null))).toBeNull();
    expect(checkpointIndex(e, -1)).toBe(e.checkpoints.length - 1);
    expect(checkpointIndex(e, 3)).toBe(3);
  });

  it('the θ store round-trips W and a (f32), refuses bad indices by name, and is off above its size limit', () => {
    const s = Relu2ParamStore.create(2, 3, 2, 3)!;
    const p = { m: 2, d: 3, W: Float64Array.from([1, 2, 3, 4, 5, 6.1]), a: Float64Array.from([-1, 0.5]) };
    expect(s.get(1, 2)).toBeNull();
    s.set(1, 2, p);
    expect(s.get(1, 2)!.W).toEqual(Float64Array.from(Float32Array.from(p.W)));
    expect(s.get(1, 2)!.a).toEqual(p.a);
    expect(s.latest(1)).toBe(2);
    expect(s.latest(1, 1)).toBe(-1);
    expect(() => s.set(2, 0, p)).toThrow(/network 2 outside \[0, 2\)/);
    expect(() => s.set(0, 0, { ...p, m: 3 })).toThrow(/expected \(2, 3\)/);
    expect(Relu2ParamStore.create(4096, 101, 50, 100)).toBeNull();
    expect(() => Relu2ParamStore.create(0, 1, 1, 1)).toThrow(/networks must be/);
  });

  it('networkUnits from the store = relu2UnitMotion of the f32-rounded θ, θ₀ (what the view shows)', () => {
    const e = buildExperiment(xorParams(), null);
    const results = new Relu2Results(e);
    const { spec } = e.plan.specOf([5]);
    const net = spec.networks[0], data = spec.datasets[0];
    const { records } = trainRelu2(net.init, data, { eta: net.eta, slope: 0, checkpoints: [0, 50] });
    results.params!.set(5, 0, records[0].params);
    results.params!.set(5, 7, records[1].params);
    const u = networkUnits(e, results, 5, 0, e.checkpoints.length - 1)!;
    expect(u.c).toBe(7);
    const f32 = (p: Relu2Params): Relu2Params => ({ ...p, W: Float64Array.from(Float32Array.from(p.W)), a: Float64Array.from(Float32Array.from(p.a)) });
    const ref = relu2UnitMotion(f32(records[1].params), f32(net.init), data.X, 0);
    expect(u.motion.angle).toEqual(ref.angle);
    expect(u.motion.hamming).toEqual(ref.hamming);
    // f32 storage vs the f64 run: the angle moved agrees within 1e-5 rad (f32 rounding of W, relative 6e-8).
    const exact = relu2UnitMotion(records[1].params, net.init, data.X, 0);
    exact.angle.forEach((a, k) => expect(Math.abs(a - u.motion.angle[k])).toBeLessThan(1e-5));
    expect(networkUnits(e, results, 0, 0, 3)).toBeNull();
  });

  it('the app\'s runner keeps θ at every checkpoint (CPU backend): the view\'s unit motion = f64 GD\'s, rounded to f32', async () => {
    const e = buildExperiment({ ...xorParams(), steps: 200, checkpoints: 4 }, null);
    const results = new Relu2Results(e);
    await new Relu2Runner(e, results, (spec) => CpuRelu2Backend.create(spec)).run();
    const { spec } = e.plan.specOf(Array.from({ length: e.networkCount }, (_, q) => q));
    const last = e.checkpoints.length - 1;
    for (const cell of e.cells) {
      for (let c = 0; c <= last; c++) expect(results.params!.has(networkIndex(e, cell.index, 0), c)).toBe(true);
      const net = spec.networks[networkIndex(e, cell.index, 0)], data = spec.datasets[net.dataIndex];
      const ref = trainRelu2(net.init, data, { eta: net.eta, slope: 0, checkpoints: [e.checkpoints[last]] }).records[0].params;
      const f32 = (p: Relu2Params): Relu2Params => ({ ...p, W: Float64Array.from(Float32Array.from(p.W)), a: Float64Array.from(Float32Array.from(p.a)) });
      const view = networkUnits(e, results, cell.index, 0, -1 + e.checkpoints.length)!;
      expect(view.motion.angle).toEqual(relu2UnitMotion(f32(ref), f32(net.init), data.X, 0).angle);
    }
  });

  it('scatter axes: log ranges cover the positive values by whole decades; the Hamming colour saturates at 0.5', () => {
    expect(logRange([0, 0.05, 3, Number.NaN])).toEqual([0.01, 10]);
    expect(logRange([5])).toEqual([1, 10]);
    expect(logRange([])).toEqual([1e-3, 1]);
    expect(logRange([1e-30, 1])).toEqual([1e-8, 1]);
    expect(hammingColor(0.5)).toBe(hammingColor(0.9));
    expect(hammingColor(0)).not.toBe(hammingColor(0.25));
  });

  it('the run bar describes the XOR data as such (not as a teacher)', () => {
    const text = describeExperiment(buildExperiment(xorParams(), null), 'test adapter');
    expect(text).toContain('XOR clusters (x₁, x₂, 1), n = 40, 200 test');
    expect(text).not.toContain('teacher');
  });

  it('parityCounts: pixel centres of the plane, row 0 at the top; bias coordinate 1', () => {
    // Unit 0 active where x₁ > 0; unit 1 active where x₂ > 1 (w = (0, 1, −1) with the bias input 1).
    const counts = parityCounts([1, 0, 0, 0, 1, -1], 2, { extent: 2, bias: true }, 4);
    // x₁ centres −1.5, −0.5, 0.5, 1.5; x₂ centres 1.5, 0.5, −0.5, −1.5 (top to bottom).
    expect(Array.from(counts)).toEqual([1, 1, 2, 2, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(() => parityCounts([1, 0], 2, { extent: 2, bias: true }, 4)).toThrow(/expected m·d = 2·3/);
  });
});
