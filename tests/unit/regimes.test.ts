/** The regime rule and the cell aggregation used by the single-neuron regime map. */
import { describe, expect, it } from 'vitest';
import { cellMeans, cellRegimes, classify, classifyAll, defaultRegimeRule, isProvisional, REGIMES } from '../../src/models/singleNeuron/regimes.ts';

describe('regime rule', () => {
  const rule = defaultRegimeRule(0.5); // t_early = 4
  it('follows the documented thresholds', () => {
    expect(rule).toEqual({ kernelThreshold: 0.1, earlyTime: 4 });
    expect(classify(-1, false, rule, 7)).toBe('lazy');
    expect(classify(0.3, false, rule)).toBe('rich');
    expect(classify(4, false, rule)).toBe('rich');
    expect(classify(4.01, false, rule)).toBe('delayed-rich');
    expect(classify(0.3, true, rule)).toBe('diverged');
    expect(Array.from(classifyAll(Float32Array.from([-1, 1, 9]), Uint32Array.from([0, 0, 1]), rule, Float32Array.from([3, -1, -1])))).toEqual([0, 1, 3]);
    expect(() => classifyAll(new Float32Array(2), new Uint32Array(3), rule)).toThrow(/2 times vs 3 flags/);
  });

  // Issue 10, defect 5: S below S_th is only "lazy so far" until the trajectory has converged.
  it('is provisional while S < S_th and the trajectory has not converged (excess loss ≥ ε)', () => {
    expect(classify(-1, false, rule)).toBe('lazy so far');
    expect(classify(-1, false, rule, -1)).toBe('lazy so far');
    expect(isProvisional('lazy so far')).toBe(true);
    for (const r of ['lazy', 'rich', 'delayed-rich', 'diverged'] as const) expect(isProvisional(r)).toBe(false);
    // Fig. 2, δ = −4: S has not moved at t = 4 (lazy so far), moves at t ≈ 6 > t_early (delayed-rich).
    expect(classify(-1, false, defaultRegimeRule(1), -1)).toBe('lazy so far');
    expect(classify(6, false, defaultRegimeRule(1), -1)).toBe('delayed-rich');
    const lazySoFar = REGIMES.indexOf('lazy so far');
    expect(Array.from(classifyAll(Float32Array.from([-1, -1]), Uint32Array.from([0, 0]), rule))).toEqual([lazySoFar, lazySoFar]);
    expect(Array.from(classifyAll(Float32Array.from([-1, -1]), Uint32Array.from([0, 0]), rule, Float32Array.from([-1, 2])))).toEqual([lazySoFar, 0]);
    expect(() => classifyAll(new Float32Array(2), new Uint32Array(2), rule, new Float32Array(3))).toThrow(/3 t_ε vs 2 flags/);
  });

  it('averages groups into cells, skipping NaN, and takes the majority regime', () => {
    expect(Array.from(cellMeans([1, 3, NaN, 5, NaN, NaN], 1, 3, 2))).toEqual([2, 5, NaN]);
    expect(() => cellMeans([1, 2, 3], 1, 2, 2)).toThrow(/3 values for 1×2 cells × 2/);
    const r = Uint8Array.from([0, 1, 1, 2, 2, 2].map((x) => x));
    expect(Array.from(cellRegimes(r, 1, 2, 3))).toEqual([1, 2]);
    expect(REGIMES[Array.from(cellRegimes(Uint8Array.from([0, 1]), 1, 1, 2))[0]]).toBe('lazy');
  });
});
