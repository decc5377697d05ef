/**
 * The linear2 metrics kernel (shaders/linear2/linear2Metrics.wgsl.ts via Linear2Sim.readMetrics, f32) against the f64
 * metrics of src/theory (linear2Metrics.ts, linear2.ts) evaluated on the SAME state read back from the GPU, so the
 * difference is the kernel's f32 arithmetic alone. Cases: the fixture's regression (d = 3, c = 2), under-determined
 * regression (d = 4, c = 2, rank 2) and sensing (d = c = 6, n = 20) problems with rk4 and, on the Δ = δI cases,
 * beta-flow; a lazy case with S ≤ 1e-5 (the stable S formula); a wide case d = 2 < c = 5 (the SVD of βᵀ); a mixed-sign
 * δ_k init (config deltaSigns). Runtime on SwiftShader: ~80 s.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Linear2Sim, type Linear2MetricRecord, type Linear2Method } from '../../src/models/linear2/sim.ts';
import { gridInitPerUnit, unitDeltas } from '../../src/models/linear2/init.ts';
import {
  betaOfState, linear2DeltaDrift, linear2Loss, linear2Quadratic, packLinear2State, scalarDelta, type Linear2Data, type Linear2Quadratic,
} from '../../src/theory/linear2.ts';
import {
  effectiveRank, frobeniusDistance, kernelBlocksOfBeta, kernelBlocksOfState, kernelFactor, linear2KernelDistance, minFrobeniusInterpolant,
  minNuclearInterpolant, ntkGram, nuclearNorm, singularValues,
} from '../../src/theory/linear2Metrics.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

interface FixtureCase {
  dataset: string; label: string; DeltaIsScalar: boolean;
  XX?: number[][]; XY?: number[][]; sensing?: { M: number[][][]; y: number[] };
  W0: number[][]; A0: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/linear2_flow.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };
const dataOf = (k: FixtureCase): Linear2Data =>
  k.sensing ? { kind: 'sensing', M: k.sensing.M, y: k.sensing.y } : { kind: 'regression', XX: k.XX!, XY: k.XY! };
const UNIT = { W: 1, A: 1 };

/**
 * Stated tolerances, GPU f32 metrics vs f64 metrics of the same f32 state (|gpu − f64| ≤ abs + rel·|f64|):
 * β, σ, ‖β‖_*, distances: the issue's 2e-4·(1 + |v|); loss 1e-6·(1 + |L|) (formed as ½‖Fβ − z‖² − b⊥ᵀβ + Lmin);
 * effective rank 1e-5·(1 + r); Δ drift 1e-6 + 1e-3·drift: Δ − Δ₀ is formed from the differences (no cancellation of
 * Δ₀'s O(1) entries), but its entries are sums of f32 products whose rounding, a few ε₃₂ = 6e-8 of ‖y − y₀‖‖y‖/den,
 * sets a floor near 1e-7 (a conserved Δ cancels these terms); S 1e-8 + 1e-4·S, formed from D = K − K₀ with no 1 − cos
 * cancellation (1 − cos in f32 would be off by ~1e-7 at small S and fail the 1e-8).
 */
const TOL = {
  beta: [2e-4, 2e-4], singularValues: [2e-4, 2e-4], nuclearNorm: [2e-4, 2e-4], minFrobeniusDistance: [2e-4, 2e-4], minNuclearDistance: [2e-4, 2e-4],
  loss: [1e-6, 1e-6], effectiveRank: [1e-5, 1e-5], deltaDrift: [1e-6, 1e-3], kernelDistance: [1e-8, 1e-4],
} as const;
type Field = keyof typeof TOL;
/** Worst |gpu − ref| / (abs + rel·|ref|) per field over every case (printed for the report; must stay < 1). */
const worst: Record<string, number> = {};
/** Largest f64 value seen per field (so a test whose values are all 0 is visible). */
const largest: Record<string, number> = {};

function compare(field: Field, gpu: number | number[] | null, ref: number | number[] | null, where: string): void {
  expect(gpu === null, `${where} ${field} null`).toBe(ref === null);
  if (gpu === null || ref === null) return;
  const g = ([] as number[]).concat(gpu), r = ([] as number[]).concat(ref);
  expect(g.length).toBe(r.length);
  const [abs, rel] = TOL[field];
  r.forEach((x, i) => {
    const ratio = Math.abs(g[i] - x) / (abs + rel * Math.abs(x));
    worst[field] = Math.max(worst[field] ?? 0, ratio);
    largest[field] = Math.max(largest[field] ?? 0, Math.abs(x));
    expect(ratio, `${where} ${field}[${i}]: gpu ${g[i]} vs f64 ${x}`).toBeLessThan(1);
  });
}

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => {
  console.log(JSON.stringify({ worstRatioToTolerance: worst, largestValue: largest }, null, 1));
  expect(gpuErrors(ctx)).toEqual([]);
  ctx?.device.destroy();
});

/** f64 metrics of one f32 state read back (y0: the f32-rounded initial state the GPU holds). */
function f64Metrics(q: Linear2Quadratic, data: Linear2Data, h: number, method: Linear2Method, delta: number, y0: Float64Array, s: Float64Array) {
  const { d, c } = q;
  const isBeta = method === 'beta-flow';
  const beta = isBeta ? s : betaOfState(s, h, d, c);
  const blocks = (y: Float64Array) => (isBeta ? kernelBlocksOfBeta(y, d, c, delta, UNIT) : kernelBlocksOfState(y, h, d, c, UNIT));
  const F = kernelFactor(data);
  const b0 = blocks(y0), bt = blocks(s);
  const rankH = minFrobeniusInterpolant(q); // for the distances below
  return {
    beta: Array.from(beta), singularValues: singularValues(beta, d, c), loss: linear2Loss(q, beta),
    deltaDrift: isBeta ? 0 : linear2DeltaDrift(y0, s, h, d, c, UNIT),
    kernelDistance: linear2KernelDistance(ntkGram(F, b0.P, b0.Q, d, c), ntkGram(F, bt.P, bt.Q, d, c)),
    nuclearNorm: nuclearNorm(beta, d, c), effectiveRank: effectiveRank(beta, d, c), frob: frobeniusDistance(beta, rankH),
  };
}

/** Runs `initial` on the GPU, reading metrics and states at each checkpoint, and compares every field. */
async function check(name: string, data: Linear2Data, h: number, method: Linear2Method, initial: Float64Array[], deltas: number[], checkpoints: number[], dt = 1e-3): Promise<void> {
  const q = linear2Quadratic(data);
  const { d, c } = q;
  const sim = Linear2Sim.create(ctx, { d, c, h, method, step: dt, bound: 1e6, rates: UNIT, quadratic: q, initial, deltas });
  const under = sim.interpolants;
  const nuclear = under ? minNuclearInterpolant(q).beta : null;
  try {
    for (const target of checkpoints) {
      await sim.advance(target - sim.stepCount);
      const metrics: Linear2MetricRecord[] = await sim.readMetrics();
      const { states, diverged } = await sim.readStates();
      expect(metrics.length).toBe(initial.length);
      metrics.forEach((m, i) => {
        const where = `${name} network ${i} step ${target}`;
        expect(m.diverged).toBe(diverged[i]);
        const y0 = Float64Array.from(Float32Array.from(initial[i]));
        const ref = f64Metrics(q, data, h, method, deltas[i], y0, states[i]);
        compare('beta', m.beta.flat(), ref.beta, where);
        for (let k = 1; k < m.singularValues.length; k++) expect(m.singularValues[k]).toBeLessThanOrEqual(m.singularValues[k - 1]);
        for (const f of ['singularValues', 'loss', 'deltaDrift', 'kernelDistance', 'nuclearNorm', 'effectiveRank'] as const) compare(f, m[f], ref[f], where);
        compare('minFrobeniusDistance', m.minFrobeniusDistance, under ? ref.frob : null, where);
        compare('minNuclearDistance', m.minNuclearDistance, nuclear ? frobeniusDistance(ref.beta, nuclear) : null, where);
      });
    }
  } finally {
    sim.destroy();
  }
}

const CHECKPOINTS = [0, 300, 3000];

describe('linear2 GPU metrics vs f64 metrics of the same state', () => {
  for (const k of fixture.cases) {
    const data = dataOf(k);
    const h = k.W0.length;
    const y0 = packLinear2State(k.W0, k.A0);
    // a second network (W₀, A₀)·1.3 checks the indexing of several networks
    const nets = [y0, y0.map((x) => 1.3 * x)];
    it(`rk4, ${k.dataset}, ${k.label}: every field within its stated tolerance at steps ${CHECKPOINTS.join(', ')}`, async () => {
      await check(`rk4 ${k.dataset} ${k.label}`, data, h, 'rk4', nets, [0, 0], CHECKPOINTS);
    });
    if (k.DeltaIsScalar) {
      it(`beta-flow, ${k.dataset}, ${k.label}`, async () => {
        const q = linear2Quadratic(data);
        const delta = scalarDelta(y0, h, q.d, q.c, UNIT)!;
        await check(`beta-flow ${k.dataset} ${k.label}`, data, h, 'beta-flow', [betaOfState(y0, h, q.d, q.c)], [delta], CHECKPOINTS);
      });
    }
  }
  it('lazy (δ = 8, τ = 2, one step of dt = 1e-4): S ≤ 1e-5 keeps its digits (1 − cos in f32 would not)', async () => {
    const full = fixture.cases[0];
    const nets = [0, 1].map((s) => { const n = gridInitPerUnit(3, 2, [8, 8], 2, s, UNIT); return packLinear2State(n.W, n.A); });
    const before = largest.kernelDistance;
    largest.kernelDistance = 0;
    await check('rk4 lazy', dataOf(full), 2, 'rk4', nets, [0, 0], [1, 3], 1e-4);
    expect(largest.kernelDistance).toBeGreaterThan(1e-10);
    expect(largest.kernelDistance).toBeLessThan(1e-5);
    largest.kernelDistance = Math.max(before ?? 0, largest.kernelDistance);
  });
  it('gd, wide d = 2 < c = 5, h = 3 (the SVD runs on βᵀ), three networks', async () => {
    const data: Linear2Data = { kind: 'regression', XX: [[1, 0.3], [0.3, 0.8]], XY: [[0.5, -0.2, 0.1, 0.4, 0], [0.1, 0.3, -0.6, 0, 0.2]] };
    const nets = [0, 1, 2].map((s) => { const n = gridInitPerUnit(2, 5, [0.5, 0.5, 0.5], 0.3, s, UNIT); return packLinear2State(n.W, n.A); });
    await check('gd wide', data, 3, 'gd', nets, [0, 0, 0], [0, 100, 2000], 1e-2);
  });
  it('rk4, mixed-sign δ_k = (1, 1, −1, −1) on the sensing fixture problem (h = 4, d = c = 6)', async () => {
    const sensing = fixture.cases.find((c) => c.sensing)!;
    const nets = [0, 1].map((s) => { const n = gridInitPerUnit(6, 6, unitDeltas(1, 4, 'mixed'), 0.1, s, UNIT); return packLinear2State(n.W, n.A); });
    await check('rk4 mixed sensing', dataOf(sensing), 4, 'rk4', nets, [0, 0], CHECKPOINTS);
  });
  it('a diverged network is flagged in its record and its metrics are those of its frozen, finite state; an aborted signal rejects', async () => {
    const q = linear2Quadratic({ kind: 'regression', XX: [[1, 0], [0, 1]], XY: [[1], [0.5]] });
    const small = packLinear2State([[0.1, 0.2]], [[0.3]]), big = packLinear2State([[3, 3]], [[3]]);
    const sim = Linear2Sim.create(ctx, { d: 2, c: 1, h: 1, method: 'gd', step: 0.5, bound: 1e3, rates: UNIT, quadratic: q, initial: [small, big] });
    try {
      await sim.advance(200);
      const m = await sim.readMetrics();
      expect(m.map((r) => r.diverged)).toEqual([false, true]);
      for (const r of m) for (const x of [...r.beta.flat(), ...r.singularValues, r.loss, r.deltaDrift, r.kernelDistance]) expect(Number.isFinite(x)).toBe(true);
      expect(m[0].minFrobeniusDistance).toBeNull(); // XX = I: the data determine β
      const ac = new AbortController();
      ac.abort(new Error('stop'));
      await expect(sim.readMetrics(ac.signal)).rejects.toThrow('stop');
    } finally {
      sim.destroy();
    }
  });
});
