/**
 * The linear2 step kernels (shaders/linear2/linear2.wgsl.ts, f32) against the f64 references: the scipy DOP853
 * fixture tests/fixtures/linear2_flow.json and src/theory/linear2.ts. Bounds of issue 13's "Done means".
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Linear2Sim, type Linear2Method } from '../../src/models/linear2/sim.ts';
import {
  betaOfState, linear2DeltaDrift, linear2GdStep, linear2Quadratic, packLinear2State, runFixedSteps, scalarDelta,
  type Linear2Data, type Linear2Quadratic,
} from '../../src/theory/linear2.ts';
import { singularValues } from '../../src/theory/linear2Metrics.ts';
import { isKronecker } from '../../src/models/linear2/layout.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

interface FixtureCase {
  dataset: string; label: string; DeltaIsScalar: boolean;
  XX?: number[][]; XY?: number[][]; sensing?: { M: number[][][]; y: number[] };
  W0: number[][]; A0: number[][];
  records: { t: number; beta: number[][]; singularValues: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/linear2_flow.json', import.meta.url), 'utf8')) as { times: number[]; cases: FixtureCase[] };
const dataOf = (k: FixtureCase): Linear2Data =>
  k.sensing ? { kind: 'sensing', M: k.sensing.M, y: k.sensing.y } : { kind: 'regression', XX: k.XX!, XY: k.XY! };
const UNIT = { W: 1, A: 1 };
/** The bound: |gpu − ref| ≤ 2e-4·(1 + |ref|), as max of |gpu − ref| / (1 + |ref|). */
const BOUND = 2e-4;
function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(x[i] - ref[i]) / (1 + Math.abs(ref[i])));
  return m;
}

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

/** Runs one network on the GPU and returns its state at each checkpoint (step counts). */
async function runGpu(
  q: Linear2Quadratic, h: number, method: Linear2Method, step: number, y0: ArrayLike<number>, checkpoints: number[], delta = 0,
): Promise<{ states: Float64Array[]; diverged: boolean }> {
  const sim = Linear2Sim.create(ctx, { d: q.d, c: q.c, h, method, step, bound: 1e6, rates: UNIT, quadratic: q, initial: [y0], deltas: [delta] });
  const states: Float64Array[] = [];
  let diverged = false;
  for (const target of checkpoints) {
    await sim.advance(target - sim.stepCount);
    const r = await sim.readStates();
    states.push(r.states[0]);
    diverged = r.diverged[0];
  }
  sim.destroy();
  return { states, diverged };
}

const steps = fixture.times.map((t) => Math.round(t / 1e-3));
const measured: Record<string, number> = {};

describe('linear2 GPU rk4 (dt = 1e-3) vs the scipy DOP853 fixture, t ≤ 10', () => {
  for (const k of fixture.cases) {
    it(`${k.dataset}, ${k.label}: β and singular values within 2e-4·(1+|v|); relative Δ drift at t = 10 ≤ 1e-4`, async () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const y0 = packLinear2State(k.W0, k.A0);
      const { states, diverged } = await runGpu(q, h, 'rk4', 1e-3, y0, steps);
      expect(diverged).toBe(false);
      let worst = 0;
      states.forEach((y, t) => {
        const beta = betaOfState(y, h, q.d, q.c);
        worst = Math.max(worst, relErr(beta, k.records[t].beta.flat()), relErr(singularValues(beta, q.d, q.c), k.records[t].singularValues));
      });
      const drift = linear2DeltaDrift(y0, states[states.length - 1], h, q.d, q.c, UNIT);
      measured[`rk4 ${k.dataset} ${k.label}`] = worst;
      measured[`rk4 drift ${k.dataset} ${k.label}`] = drift;
      expect(worst).toBeLessThan(BOUND);
      expect(drift).toBeLessThan(1e-4);
    });
  }
});

describe('linear2 GPU beta-flow (RK4 on Theorem 4.2) vs the fixture on the Δ = δI cases', () => {
  for (const k of fixture.cases.filter((c) => c.DeltaIsScalar)) {
    // δ = 0 with h = 2 < min(d, c) = 6 (sensing): β stays on the rank-2 set, where √(ββᵀ) is not differentiable, so
    // RK4 drops to order 2: even f64 RK4 at dt = 1e-3 is 1.1e-3 off DOP853 at t = 10 (5e-4: 3.1e-4, 2.5e-4: 8.2e-5).
    // That case runs at dt = 2.5e-4; every other case at dt = 1e-3.
    const rankDeficient = k.dataset.startsWith('sensing') && k.label === 'Delta=0, h=2';
    const dt = rankDeficient ? 2.5e-4 : 1e-3;
    it(`${k.dataset}, ${k.label}: β and singular values within 2e-4·(1+|v|) (dt = ${dt})`, async () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const y0 = packLinear2State(k.W0, k.A0);
      const delta = scalarDelta(y0, h, q.d, q.c, UNIT, 1e-6)!;
      const at = fixture.times.map((t) => Math.round(t / dt));
      const { states, diverged } = await runGpu(q, h, 'beta-flow', dt, betaOfState(y0, h, q.d, q.c), at, delta);
      expect(diverged).toBe(false);
      let worst = 0;
      states.forEach((b, t) => {
        worst = Math.max(worst, relErr(b, k.records[t].beta.flat()), relErr(singularValues(b, q.d, q.c), k.records[t].singularValues));
      });
      measured[`beta-flow ${k.dataset} ${k.label}`] = worst;
      expect(worst).toBeLessThan(BOUND);
    });
  }
});

describe('linear2 GPU gd vs f64 gd', () => {
  for (const k of fixture.cases.filter((_, i) => i % 2 === 1)) {
    it(`${k.dataset}, ${k.label}: after 10⁴ steps (η = 1e-3) β within 2e-4·(1+|v|)`, async () => {
      const q = linear2Quadratic(dataOf(k));
      const h = k.W0.length;
      const y0 = packLinear2State(k.W0, k.A0);
      const checkpoints = [0, 1000, 10000];
      const ref = runFixedSteps((y) => linear2GdStep(q, UNIT, h, y, 1e-3), y0, checkpoints);
      const { states } = await runGpu(q, h, 'gd', 1e-3, y0, checkpoints);
      let worst = 0;
      states.forEach((y, t) => { worst = Math.max(worst, relErr(betaOfState(y, h, q.d, q.c), betaOfState(ref[t], h, q.d, q.c))); });
      measured[`gd ${k.dataset} ${k.label}`] = worst;
      measured[`gd drift ${k.dataset} ${k.label}`] = linear2DeltaDrift(y0, states[2], h, q.d, q.c, UNIT);
      expect(worst).toBeLessThan(BOUND);
    });
  }
});

describe('linear2 GPU kernel forms: regression gradient G = XXβ − XY (H = XX ⊗ I_c, d²c FMAs) and the unrolled velocity', () => {
  it('H = XX ⊗ I_c is detected for regression data only; every form gives bit-identical states to the general loop kernel (gd and rk4, 2000 steps)', async () => {
    const reg = fixture.cases.find((k) => k.dataset.startsWith('low-rank') && !k.DeltaIsScalar)!;
    const sensing = fixture.cases.find((k) => k.sensing)!;
    const q = linear2Quadratic(dataOf(reg));
    expect(isKronecker(q.H, q.d, q.c)).toBe(true);
    expect(isKronecker(linear2Quadratic(dataOf(sensing)).H, 6, 6)).toBe(false);
    const h = reg.W0.length;
    const y0 = packLinear2State(reg.W0, reg.A0);
    for (const method of ['gd', 'rk4'] as const) {
      const run = async (generalGradient: boolean, unroll: boolean) => {
        const sim = Linear2Sim.create(ctx, { d: q.d, c: q.c, h, method, step: 1e-3, bound: 1e6, rates: UNIT, quadratic: q, initial: [y0, y0.map((x) => -0.7 * x)], generalGradient, unroll });
        await sim.advance(2000);
        const { states } = await sim.readStates();
        sim.destroy();
        return states;
      };
      const general = await run(true, false);
      for (const [g, u] of [[false, false], [false, true], [true, true]]) {
        const fast = await run(g, u);
        expect(fast.map((x) => Array.from(x)), `generalGradient ${g}, unroll ${u}`).toEqual(general.map((x) => Array.from(x)));
      }
      const fast = await run(false, true);
      expect(fast[0]).not.toEqual(Float64Array.from(Float32Array.from(y0)));
    }
  });
});

describe('linear2 GPU divergence', () => {
  it('a GD step that would leave the bound is not taken: the network freezes in bound and is flagged; the other runs on', async () => {
    const q = linear2Quadratic({ kind: 'regression', XX: [[1, 0], [0, 1]], XY: [[1], [0.5]] });
    const small = packLinear2State([[0.1, 0.2]], [[0.3]]), big = packLinear2State([[3, 3]], [[3]]);
    const sim = Linear2Sim.create(ctx, { d: 2, c: 1, h: 1, method: 'gd', step: 0.5, bound: 1e3, rates: UNIT, quadratic: q, initial: [small, big] });
    await sim.advance(200);
    const { states, diverged } = await sim.readStates();
    sim.destroy();
    expect(diverged).toEqual([false, true]);
    for (const x of states[1]) expect(Number.isFinite(x) && Math.abs(x) <= 1e3).toBe(true);
    const ref = runFixedSteps((y) => linear2GdStep(q, UNIT, 1, y, 0.5), small, [200])[0];
    expect(relErr(states[0], ref)).toBeLessThan(1e-5);
  });
  it('reports measured errors', () => {
    // Printed for the closing note; the assertions are in the tests above.
    console.log(JSON.stringify(measured, null, 1));
  });
});
