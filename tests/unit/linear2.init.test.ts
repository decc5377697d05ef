/**
 * Per-unit δ_k initialisation of linear2 grids (src/models/linear2/init.ts gridInitPerUnit; Theorem 4.1's mixed-sign,
 * delayed-rich case, docs/theory.md §2): Δ = η_W AAᵀ − η_A WWᵀ is diag(δ_k) to f64 round-off where h, d, c allow, and
 * the config's deltaSigns option (config.ts) with its refusals.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/validate.ts';
import { parseLinear2Config } from '../../src/models/linear2/config.ts';
import { gridInit, gridInitPerUnit, perUnitInitKind, unitDeltas } from '../../src/models/linear2/init.ts';
import { linear2Delta, packLinear2State } from '../../src/theory/linear2.ts';

/** max |Δ_kl − diag(δ)_kl| / (1 + max|δ_k| + η_W‖A‖²_max-row + η_A‖W‖²_max-row): round-off relative to the entries' scale. */
function deltaError(W: number[][], A: number[][], deltas: number[], rates: { W: number; A: number }): { diag: number; off: number } {
  const h = W.length, d = W[0].length, c = A[0].length;
  const D = linear2Delta(packLinear2State(W, A), h, d, c, rates);
  let scale = 1;
  for (let k = 0; k < h; k++) scale = Math.max(scale, Math.abs(deltas[k]), rates.W * A[k].reduce((s, x) => s + x * x, 0) + rates.A * W[k].reduce((s, x) => s + x * x, 0));
  let diag = 0, off = 0;
  for (let k = 0; k < h; k++) for (let l = 0; l < h; l++) {
    if (k === l) diag = Math.max(diag, Math.abs(D[k * h + k] - deltas[k]) / scale);
    else off = Math.max(off, Math.abs(D[k * h + l]) / scale);
  }
  return { diag, off };
}

const UNIT = { W: 1, A: 1 };
/** f64 round-off of a psdSqrt-built block (eigen-decomposition of an h×h matrix, entries O(scale)). */
const ROUND_OFF = 1e-13;

describe('gridInitPerUnit: Δ = diag(δ_k) exactly where h allows', () => {
  const cases: { name: string; d: number; c: number; deltas: number[]; rates: { W: number; A: number } }[] = [
    { name: 'mixed ±0.7, h = 4, d = c = 3', d: 3, c: 3, deltas: unitDeltas(0.7, 4, 'mixed'), rates: UNIT },
    { name: 'mixed ∓2, h = 6 = c + d, d = c = 3 (the τ parts vanish)', d: 3, c: 3, deltas: unitDeltas(-2, 6, 'mixed'), rates: UNIT },
    { name: 'list (1, −0.5, 0, 2)·1.5 with zeros, rates (2, 0.5), d = 4, c = 3', d: 4, c: 3, deltas: unitDeltas(1.5, 4, [1, -0.5, 0, 2]), rates: { W: 2, A: 0.5 } },
    { name: 'zeros joining the negative side: (1, 1, 0, 0, −1)·0.3, d = 5, c = 2', d: 5, c: 2, deltas: unitDeltas(0.3, 5, [1, 1, 0, 0, -1]), rates: UNIT },
    { name: 'h₋ = d: the positive units have W = 0, (1, −1, −1)·0.5, d = 2, c = 2', d: 2, c: 2, deltas: unitDeltas(0.5, 3, [1, -1, -1]), rates: UNIT },
  ];
  for (const k of cases) {
    it(`${k.name}: kind exact, diagonal = δ_k and off-diagonals 0 to ${ROUND_OFF} (relative to the entries)`, () => {
      for (const seed of [0, 1, 7]) {
        const n = gridInitPerUnit(k.d, k.c, k.deltas, 0.4, seed, k.rates);
        expect(n.kind).toBe('exact');
        const e = deltaError(n.W, n.A, k.deltas, k.rates);
        expect(e.diag, `seed ${seed}`).toBeLessThan(ROUND_OFF);
        expect(e.off, `seed ${seed}`).toBeLessThan(ROUND_OFF);
      }
    });
  }
  it('the τ part is not empty when the complements exist: ‖W_P‖, ‖A_N‖ > 0 (mixed ±0.7, h = 4, d = c = 3)', () => {
    const n = gridInitPerUnit(3, 3, unitDeltas(0.7, 4, 'mixed'), 0.4, 3, UNIT);
    expect(Math.hypot(...n.W[0], ...n.W[1])).toBeGreaterThan(0.05);
    expect(Math.hypot(...n.A[2], ...n.A[3])).toBeGreaterThan(0.05);
  });
  it('too many units of one sign (h₊ = 3 > c = 2): the per-unit Gaussian init, named "gaussian"', () => {
    expect(perUnitInitKind(unitDeltas(1, 6, 'mixed'), 2, 2)).toBe('gaussian');
    const n = gridInitPerUnit(2, 2, unitDeltas(1, 6, 'mixed'), 0.1, 0, UNIT);
    expect(n.kind).toBe('gaussian');
    expect(n.W.length).toBe(6);
    expect(n.A[0].length).toBe(2);
  });
  it('the per-row Gaussian has E[Δ_kk] = δ_k: the mean over 2000 seeds is within 5 standard errors', () => {
    const deltas = [1, -1, 0.5, -0.5, 0, 1, -1], d = 2, c = 2, tau = 0.3, N = 2000;
    const sum = new Float64Array(7), sq = new Float64Array(7);
    for (let s = 0; s < N; s++) {
      const n = gridInitPerUnit(d, c, deltas, tau, s, UNIT);
      const D = linear2Delta(packLinear2State(n.W, n.A), 7, d, c, UNIT);
      for (let k = 0; k < 7; k++) { sum[k] += D[k * 7 + k]; sq[k] += D[k * 7 + k] ** 2; }
    }
    deltas.forEach((dk, k) => {
      const mean = sum[k] / N, se = Math.sqrt((sq[k] / N - mean * mean) / N);
      expect(Math.abs(mean - dk), `unit ${k}`).toBeLessThan(5 * se);
    });
  });
  it('all δ_k equal: the same network as the uniform grid (gridInit)', () => {
    expect(gridInitPerUnit(3, 2, [0.5, 0.5], 0.2, 4, UNIT)).toEqual(gridInit(3, 2, 2, 0.5, 0.2, 4, UNIT));
  });
});

describe('config deltaSigns', () => {
  const base = {
    model: 'linear2', data: { XX: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], XY: [[1, 0], [0, 0.5], [0, 0]] },
    method: 'rk4', step: 0.01, times: [0, 0.1],
  };
  const grid = (extra: Record<string, unknown>, h = 4) => ({ ...base, init: { grid: { h, delta: [-1, 0.5], tau: [0.1], seeds: [0], ...extra } } });
  it('"mixed": unitDeltas (δ, δ, −δ, −δ), delta null, init exact for h = 4 ≤ c + d; Δ = diag(unitDeltas) to round-off', () => {
    const cfg = parseLinear2Config(grid({ deltaSigns: 'mixed' }));
    expect(cfg.networks.map((n) => n.unitDeltas)).toEqual([[-1, -1, 1, 1], [0.5, 0.5, -0.5, -0.5]]);
    for (const n of cfg.networks) {
      expect(n.delta).toBeNull();
      expect(n.init).toBe('exact');
      const e = deltaError(n.W, n.A, n.unitDeltas!, UNIT);
      expect(Math.max(e.diag, e.off)).toBeLessThan(ROUND_OFF);
    }
  });
  it('absent or "uniform": no unitDeltas and the same networks as before', () => {
    const a = parseLinear2Config(grid({})), b = parseLinear2Config(grid({ deltaSigns: 'uniform' }));
    expect(a.networks).toEqual(b.networks);
    expect(a.networks[0].unitDeltas).toBeUndefined();
    expect(a.networks[0].delta).toBeNull(); // h = 4 > c = 2 for δ = −1 < 0 needs h ≤ d = 3: Gaussian
  });
  it('a list of factors: δ_k = s_k·δ', () => {
    const cfg = parseLinear2Config(grid({ deltaSigns: [1, 0, -2, 1] }));
    expect(cfg.networks[1].unitDeltas).toEqual([0.5, 0, -1, 0.5]);
  });
  it('refuses a bad deltaSigns naming the field', () => {
    const cases: [unknown, string][] = [['half', 'config.init.grid.deltaSigns'], [[1, -1], 'config.init.grid.deltaSigns'],
      [[1, -1, 'x', 1], 'config.init.grid.deltaSigns[2]'], [[1, -1, Number.NaN, 1], 'config.init.grid.deltaSigns[2]']];
    for (const [v, path] of cases) {
      let err: unknown;
      try { parseLinear2Config(grid({ deltaSigns: v })); } catch (e) { err = e; }
      expect(err, String(v)).toBeInstanceOf(ConfigError);
      expect((err as Error).message.startsWith(path), (err as Error).message).toBe(true);
    }
  });
  it('beta-flow refuses a mixed grid at config.method (Δ is not δI)', () => {
    expect(() => parseLinear2Config({ ...grid({ deltaSigns: 'mixed' }), method: 'beta-flow' })).toThrow(/^config\.method.*non-scalar Δ/);
  });
  it('simulate (CPU) writes init, delta null and unitDeltas for a mixed grid, in grid order', async () => {
    const { linear2Cli } = await import('../../src/models/linear2/cli.ts');
    const doc = await linear2Cli.simulate(parseLinear2Config(grid({ deltaSigns: 'mixed' })), { backend: 'cpu' });
    const nets = [...(doc.entries as Iterable<Record<string, unknown>>)];
    expect(nets.map((n) => [n.init, n.delta, n.unitDeltas])).toEqual([['exact', null, [-1, -1, 1, 1]], ['exact', null, [0.5, 0.5, -0.5, -0.5]]]);
  });
});
