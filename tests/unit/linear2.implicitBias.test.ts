/**
 * Implicit bias of the two-layer linear model on the sensing preset (issue 13 "Done means", docs/theory.md §2):
 * d = c = 6, rank-1 β* of norm 2, n = 20 Gaussian measurements (data seed 2), h = 6, τ = 0.01, Δ = δI exactly,
 * gradient flow (f64 DOP853, rtol 1e-10) until the residual ‖(⟨M_i, β⟩ − y_i)_i‖ < 1e-4.
 * δ = 0 must end ≥ 3× closer to β* than δ = ±4, and δ = ±4 ≥ 3× closer to the minimum-Frobenius interpolant.
 */
import { describe, expect, it } from 'vitest';
import { buildLinear2Data } from '../../src/models/linear2/data.ts';
import { gridInit } from '../../src/models/linear2/init.ts';
import { LINEAR2_PRESETS } from '../../src/models/linear2/params.ts';
import { betaOfState, integrateLinear2Flow, linear2Loss, linear2Quadratic, packLinear2State, scalarDelta } from '../../src/theory/linear2.ts';
import { frobeniusDistance, minFrobeniusInterpolant, minNuclearInterpolant, nuclearNorm } from '../../src/theory/linear2Metrics.ts';

const UNIT = { W: 1, A: 1 };
const p = LINEAR2_PRESETS.sensing;

describe('linear2 implicit bias on the sensing preset (f64)', () => {
  it('δ = 0 ends near β* (low rank), δ = ±4 near the minimum-Frobenius interpolant', () => {
    const { data, betaStar } = buildLinear2Data({ kind: 'sensing', d: 6, c: 6, n: p.n!, rank: p.rank!, norm: p.norm!, noise: 0, seed: p.dataSeed! });
    const q = linear2Quadratic(data);
    const bs = Float64Array.from(betaStar.flat());
    const fro = minFrobeniusInterpolant(q);
    const nuc = minNuclearInterpolant(q);
    expect(nuc.feasibility).toBeLessThan(1e-8);
    const rows: Record<number, { toStar: number; toFro: number; toNuc: number; nuclear: number; t: number; residual: number }> = {};
    for (const delta of [-4, -1, 0, 1, 4]) {
      const init = gridInit(6, 6, 6, delta, 0.01, 0, UNIT);
      expect(init.kind).toBe('exact');
      let y = packLinear2State(init.W, init.A);
      expect(Math.abs(scalarDelta(y, 6, 6, 6, UNIT, 1e-9)! - delta)).toBeLessThan(1e-9);
      let t = 0, residual = Infinity;
      while (residual >= 1e-4 && t < 1000) {
        y = integrateLinear2Flow(q, UNIT, 6, y, [0, 5], 1e-10)[1];
        t += 5;
        residual = Math.sqrt(Math.max(0, 2 * linear2Loss(q, betaOfState(y, 6, 6, 6))));
      }
      expect(residual).toBeLessThan(1e-4);
      const b = betaOfState(y, 6, 6, 6);
      rows[delta] = { toStar: frobeniusDistance(b, bs), toFro: frobeniusDistance(b, fro), toNuc: frobeniusDistance(b, nuc.beta), nuclear: nuclearNorm(b, 6, 6), t, residual };
    }
    console.log(JSON.stringify({
      rows, nuclearOfBetaStar: nuclearNorm(bs, 6, 6), nuclearOfMinFrobenius: nuclearNorm(fro, 6, 6), nuclearOfMinNuclear: nuclearNorm(nuc.beta, 6, 6),
      minNuclearToBetaStar: frobeniusDistance(nuc.beta, bs), admmResidual: nuc.residual, admmIterations: nuc.iterations,
    }, null, 1));
    expect(3 * rows[0].toStar).toBeLessThanOrEqual(Math.min(rows[-4].toStar, rows[4].toStar));
    expect(3 * Math.max(rows[-4].toFro, rows[4].toFro)).toBeLessThanOrEqual(rows[0].toFro);
    // The nuclear norm orders as the mirror-flow picture says: δ = 0 smallest, |δ| = 4 largest.
    expect(rows[0].nuclear).toBeLessThan(Math.min(rows[-1].nuclear, rows[1].nuclear));
    expect(Math.max(rows[-1].nuclear, rows[1].nuclear)).toBeLessThan(Math.min(rows[-4].nuclear, rows[4].nuclear));
  });
});
