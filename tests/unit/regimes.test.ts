/** The regime rule and the cell aggregation used by the single-neuron regime map. */
import { describe, expect, it } from 'vitest';
import { cellMeans, cellRegimes, classify, classifyAll, defaultRegimeRule, REGIMES } from '../../src/models/singleNeuron/regimes.ts';

describe('regime rule', () => {
  const rule = defaultRegimeRule(0.5); // t_early = 4
  it('follows the documented thresholds', () => {
    expect(rule).toEqual({ kernelThreshold: 0.1, earlyTime: 4 });
    expect(classify(-1, false, rule)).toBe('lazy');
    expect(classify(0.3, false, rule)).toBe('rich');
    expect(classify(4, false, rule)).toBe('rich');
    expect(classify(4.01, false, rule)).toBe('delayed-rich');
    expect(classify(0.3, true, rule)).toBe('diverged');
    expect(Array.from(classifyAll(Float32Array.from([-1, 1, 9]), Uint32Array.from([0, 0, 1]), rule))).toEqual([0, 1, 3]);
    expect(() => classifyAll(new Float32Array(2), new Uint32Array(3), rule)).toThrow(/2 times vs 3 flags/);
  });

  it('averages groups into cells, skipping NaN, and takes the majority regime', () => {
    expect(Array.from(cellMeans([1, 3, NaN, 5, NaN, NaN], 1, 3, 2))).toEqual([2, 5, NaN]);
    expect(() => cellMeans([1, 2, 3], 1, 2, 2)).toThrow(/3 values for 1×2 cells × 2/);
    const r = Uint8Array.from([0, 1, 1, 2, 2, 2].map((x) => x));
    expect(Array.from(cellRegimes(r, 1, 2, 3))).toEqual([1, 2]);
    expect(REGIMES[Array.from(cellRegimes(Uint8Array.from([0, 1]), 1, 1, 2))[0]]).toBe('lazy');
  });
});
