/** Pure data preparation of the inspect mode (src/views/inspectData.ts). */
import { describe, expect, it } from 'vitest';
import {
  buildInspectPoints, DIVERGED_CATEGORY, maxAbs, positionsOf, subsampleIndices, tooltipText, trajectoriesOf,
  trajectoryInfo, validateSnapshot, type InspectSnapshot,
} from '../../src/models/singleNeuron/views/inspectData.ts';
import { deltaToT, lutIndex } from '../../src/views/colormaps.ts';
import { worldToClip } from '../../src/views/viewMath.ts';

/** n trajectories on a line, d = 2: a = 1, w = (x_i, −x_i), δ₀ = i − n/2; trajectory 3 diverged. */
function snapshot(n: number): InspectSnapshot {
  const d = 2;
  const state = new Float32Array((d + 1) * n);
  const state0 = new Float64Array((d + 1) * n);
  for (let i = 0; i < n; i++) {
    const x = -1 + (2 * i) / (n - 1);
    state[i] = 1;
    state[n + i] = x;
    state[2 * n + i] = -x;
    state0[i] = 2;
    state0[n + i] = 0.5;
    state0[2 * n + i] = 0;
  }
  const flags = new Uint32Array(n);
  flags[3] = 1;
  const delta0 = Float32Array.from({ length: n }, (_, i) => i - n / 2);
  return {
    n, d, state, flags, delta0, state0, betaOls: [0, 1], XX: [[1, 0], [0, 1]], view: 'beta',
    viewRect: { xMin: -0.5, xMax: 0.5, yMin: -0.5, yMax: 0.5 },
  };
}

describe('subsampleIndices', () => {
  it('keeps everything under the cap, else a deterministic constant stride', () => {
    expect(Array.from(subsampleIndices(5, 10))).toEqual([0, 1, 2, 3, 4]);
    const s = subsampleIndices(1000, 100);
    expect(s.length).toBe(100);
    expect(s[0]).toBe(0);
    expect(s[1]).toBe(10);
    expect(s[99]).toBe(990);
    expect(Array.from(subsampleIndices(1000, 100))).toEqual(Array.from(s));
  });

  it('filters by the predicate first and stays ascending', () => {
    const s = subsampleIndices(100, 10, (i) => i % 2 === 1);
    expect(Array.from(s)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
    expect(subsampleIndices(0, 10).length).toBe(0);
    expect(() => subsampleIndices(-1, 10)).toThrow(RangeError);
  });
});

describe('buildInspectPoints', () => {
  it('keeps only points in the view (5 % margin), at the portrait clip position × aspect, coloured by δ', () => {
    const s = snapshot(101);
    const aspect = 1.5;
    const p = buildInspectPoints(s, aspect);
    // β = (x, −x) with |x| ≤ 0.55 (5 % of the 1-wide rect) → x_i = −1 + i/50 → i ∈ [23, 77].
    expect(p.indices[0]).toBe(23);
    expect(p.indices[p.indices.length - 1]).toBe(77);
    const dMax = maxAbs(s.delta0);
    for (let k = 0; k < p.indices.length; k++) {
      const i = p.indices[k];
      const [cx, cy] = worldToClip(s.viewRect, s.state[s.n + i], -s.state[s.n + i]);
      expect(p.x[k]).toBeCloseTo(cx * aspect, 5);
      expect(p.y[k]).toBeCloseTo(cy, 5);
      expect(p.z[k]).toBe(lutIndex(deltaToT(s.delta0[i], dMax)));
      expect(p.w[k]).toBeCloseTo(deltaToT(s.delta0[i], dMax), 6);
    }
  });

  it('caps the count, marks diverged and excludes non-finite positions', () => {
    const s = snapshot(101);
    s.viewRect = { xMin: -2, xMax: 2, yMin: -2, yMax: 2 };
    s.state[s.n + 5] = Number.NaN;
    const p = buildInspectPoints(s, 1, 10);
    expect(p.indices.length).toBe(10);
    const all = buildInspectPoints(s, 1);
    expect(all.indices.length).toBe(100);
    expect(Array.from(all.indices)).not.toContain(5);
    expect(all.z[3]).toBe(DIVERGED_CATEGORY);
  });

  it('validates shapes', () => {
    const s = snapshot(10);
    expect(() => validateSnapshot({ ...s, flags: new Uint32Array(9) })).toThrow(/flags/);
    expect(() => validateSnapshot({ ...s, state: new Float32Array(3) })).toThrow(/state/);
    expect(() => validateSnapshot({ ...s, XX: [[1]] })).toThrow(/XX/);
    expect(() => validateSnapshot({ ...s, viewRect: { xMin: 0, xMax: 0, yMin: 0, yMax: 1 } })).toThrow(/viewRect/);
  });
});

describe('tooltip and selection mapping', () => {
  it('trajectory info: δ₀, β₀ from state0 or beta0(), β and excess loss', () => {
    const s = snapshot(11);
    const t = trajectoryInfo(s, 3);
    expect(t.beta0).toEqual([1, 0]);
    expect(t.beta[0]).toBeCloseTo(-0.4, 6);
    expect(t.excessLoss).toBeCloseTo(0.5 * (0.4 ** 2 + 0.6 ** 2), 6);
    expect(t.diverged).toBe(true);
    expect(trajectoryInfo({ ...s, state0: undefined, beta0: (i) => [i, 0] }, 4).beta0).toEqual([4, 0]);
    expect(() => trajectoryInfo(s, 11)).toThrow(RangeError);
    const text = tooltipText(t);
    expect(text).toContain('trajectory #3');
    expect(text).toContain('(diverged)');
    expect(text).toContain('δ₀ = −2.500');
  });

  it('maps point positions to trajectories and back', () => {
    const indices = Uint32Array.from([2, 5, 9, 14, 20]);
    expect(Array.from(trajectoriesOf(indices, [3, 0, 3, 1]))).toEqual([2, 5, 14]);
    expect(() => trajectoriesOf(indices, [5])).toThrow(RangeError);
    expect(positionsOf(indices, Uint32Array.from([20, 3, 5, 2]))).toEqual([0, 1, 4]);
  });
});
