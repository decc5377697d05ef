/**
 * The pure helpers of the heatmap view (axes in data units, colour domain, hit testing) and of the
 * time-series and neuron-portrait views.
 */
import { describe, expect, it } from 'vitest';
import {
  autoDomain, axisPosition, axisTicks, axisValue, cellAt, colorT, formatValue, heatmapLayout, HEATMAP_MARGIN,
} from '../../src/views/heatmap.ts';
import { alignSeries, axisRange } from '../../src/views/timeSeries.ts';
import { portraitExtent, teacherPoints } from '../../src/views/neuronPortrait.ts';
import { logspace, linspace } from '../../src/models/relu2/params.ts';
import { gridShape } from '../../src/models/singleNeuron/app/panels.ts';
import { paramsFromHash } from '../../src/models/singleNeuron/params.ts';

const tauAxis = { label: 'τ', values: logspace(-1, 0.3, 9), scale: 'log' as const };
const deltaAxis = { label: 'δ', values: linspace(-1, 1, 9), scale: 'linear' as const };

describe('heatmap axes', () => {
  it('maps cell centres to i + ½ on log and linear axes, and back', () => {
    tauAxis.values.forEach((v, i) => expect(axisPosition(tauAxis, v)).toBeCloseTo(i + 0.5, 12));
    deltaAxis.values.forEach((v, i) => expect(axisPosition(deltaAxis, v)).toBeCloseTo(i + 0.5, 12));
    expect(axisPosition(deltaAxis, -1.125)).toBeCloseTo(0, 12);
    expect(axisValue(tauAxis, 9)).toBeCloseTo(10 ** (0.3 + 1.3 / 16), 12);
    expect(axisValue(deltaAxis, 4.5)).toBeCloseTo(0, 12);
    expect(Number.isNaN(axisPosition(tauAxis, 0))).toBe(true);
    expect(axisPosition({ values: [3], scale: 'linear' }, 3)).toBe(0.5);
  });

  it('places nice ticks in the paper’s units: 0.1, 0.2, 0.5, 1, 2 on log τ; −1 … 1 by 0.5 on δ', () => {
    expect(axisTicks(tauAxis).map((t) => t.label)).toEqual(['0.1', '0.2', '0.5', '1', '2']);
    expect(axisTicks(tauAxis)[0].pos).toBeCloseTo(0.5, 12);
    expect(axisTicks(deltaAxis).map((t) => t.label)).toEqual(['−1.0', '−0.5', '0', '0.5', '1.0']);
    expect(axisTicks({ values: logspace(-3, 3, 7), scale: 'log' }).map((t) => t.label)).toEqual(['0.001', '0.01', '0.1', '1', '10', '100', '1000']);
  });

  it('the single-neuron map\'s angle axis (directions from 180°, unwrapped past 360°) labels its ticks in [0°, 360°)', () => {
    const p = paramsFromHash('#v=1&p=fig2&dn=33&dirs=66');
    const x = gridShape(p).axes.x;
    expect(x.values[0]).toBeCloseTo(180, 9);
    expect(x.values[x.values.length - 1]).toBeGreaterThan(360); // monotone for the cell positions
    const labels = axisTicks(x).map((t) => Number(t.label.replace('−', '-')));
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (const v of labels) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThan(360); }
    expect(labels).toContain(0); // 360° is written 0°
  });

  it('formats values compactly', () => {
    expect([formatValue(0.1), formatValue(2), formatValue(-0.25), formatValue(1e-4), formatValue(32000), formatValue(0)])
      .toEqual(['0.1', '2', '−0.25', '1e−4', '3.2e+4', '0']);
  });
});

describe('heatmap colour', () => {
  it('auto domain: finite (positive for log) range; NaN cells ignored; constant and empty ranges widened', () => {
    expect(autoDomain(Float32Array.from([NaN, 2, 5, NaN]), 'linear')).toEqual([2, 5]);
    expect(autoDomain([0, -1, 1e-3, 10], 'log')).toEqual([1e-3, 10]);
    expect(autoDomain([NaN], 'linear')).toEqual([0, 1]);
    expect(autoDomain([NaN], 'log')).toEqual([1e-3, 1]);
    const [lo, hi] = autoDomain([4, 4], 'log');
    expect(lo).toBeLessThan(4);
    expect(hi).toBeGreaterThan(4);
  });

  it('colorT is clamped and log-aware; NaN stays NaN (drawn hatched)', () => {
    expect(colorT(5, [0, 10], 'linear')).toBe(0.5);
    expect(colorT(1e-2, [1e-4, 1], 'log')).toBeCloseTo(0.5, 12);
    expect(colorT(-3, [0, 10], 'linear')).toBe(0);
    expect(colorT(0, [1e-4, 1], 'log')).toBe(0);
    expect(Number.isNaN(colorT(NaN, [0, 1], 'linear'))).toBe(true);
  });
});

describe('heatmap hit testing', () => {
  it('finds the cell under a point, row 0 at the bottom; null outside the plot', () => {
    const W = 500, H = 400;
    const p = heatmapLayout(W, H);
    expect(p).toEqual({ x: HEATMAP_MARGIN.left, y: HEATMAP_MARGIN.top, w: W - HEATMAP_MARGIN.left - HEATMAP_MARGIN.right, h: H - HEATMAP_MARGIN.top - HEATMAP_MARGIN.bottom });
    expect(cellAt(p.x + 1, p.y + p.h - 1, W, H, 9, 9)).toEqual({ row: 0, col: 0 });
    expect(cellAt(p.x + p.w - 1, p.y + 1, W, H, 9, 9)).toEqual({ row: 8, col: 8 });
    expect(cellAt(p.x + p.w / 2, p.y + p.h / 2, W, H, 9, 9)).toEqual({ row: 4, col: 4 });
    expect(cellAt(p.x - 1, p.y + 5, W, H, 9, 9)).toBeNull();
    expect(cellAt(p.x + 5, p.y + p.h + 1, W, H, 9, 9)).toBeNull();
  });
});

describe('time series and neuron portrait helpers', () => {
  it('axisRange: a (near-)constant series gets a window of positive width around it; wider spans are kept', () => {
    // uPlot's own range for y = [0.4, 0.40000001, 0.40000002] is [0.4, 0.4] (zero width: nothing is drawn).
    for (const [lo, hi] of [[0.4, 0.40000002], [0.4, 0.4], [-3e-9, -3e-9], [0, 0], [1e-30, 1e-30]]) {
      const [a, b] = axisRange(lo, hi, 'linear', true);
      expect(b - a).toBeGreaterThan(0.09 * Math.max(Math.abs(lo), Math.abs(hi)));
      expect(a < lo && hi < b).toBe(true);
    }
    expect(axisRange(0, 0, 'linear', true)).toEqual([-1, 1]);
    expect(axisRange(2, 5, 'linear', false)).toEqual([2, 5]);
    const [a, b] = axisRange(2, 5, 'linear', true);
    expect(a <= 2 && b >= 5 && b - a < 6).toBe(true);
    const [la, lb] = axisRange(1e-9, 1e-9, 'log', true);
    expect(la).toBeCloseTo(1e-9 / Math.sqrt(10), 20);
    expect(lb).toBeCloseTo(1e-9 * Math.sqrt(10), 20);
    expect(axisRange(null, null, 'linear', true)).toEqual([0, 1]);
    expect(axisRange(-1, 1, 'log', true)).toEqual([0.1, 10]);
  });

  it('alignSeries drops x ≤ 0 on a log x axis, gaps non-positive y on a log y axis, checks lengths', () => {
    const { x, ys } = alignSeries([0, 1, 10, 100], [{ label: 'a', values: [1, 0, 0.5, NaN] }], 'log', 'log');
    expect(x).toEqual([1, 10, 100]);
    expect(ys).toEqual([[null, 0.5, null]]);
    expect(alignSeries([0, 1], [{ label: 'a', values: [0, -1] }], 'linear', 'linear').ys).toEqual([[0, -1]]);
    expect(() => alignSeries([1, 2, 3], [{ label: 'loss', values: [1, 2] }], 'linear', 'linear')).toThrow(/series "loss" has 2 values for 3 x values/);
  });

  it('portraitExtent covers every unit over all frames and the initial circle (not the teacher)', () => {
    const points = Float32Array.from([0.01, 0, 1, 0, 0.01, -1, 0.6, 0.8, 1, 0, -2, -1]);
    expect(portraitExtent({ m: 2, frames: 2, points, initRadius: 0.01 })).toBeCloseTo(2.24, 6);
    expect(portraitExtent({ m: 2, frames: 1, points, initRadius: 4 })).toBeCloseTo(4.48, 6);
    const teacher = teacherPoints({ m: 1, d: 2, W: [0, 1], a: [-3] })!;
    expect(Array.from(teacher)).toEqual([0, 3, -3]);
    // The teacher (norm 3) is far outside, but the extent ignores it: the portrait frames the student.
    const withTeacher = { m: 2, frames: 1, points, initRadius: 0.01, teacher };
    expect(portraitExtent(withTeacher)).toBeCloseTo(0.0112, 6);
    expect(teacherPoints({ m: 1, d: 3, W: [0, 1, 0], a: [1] })).toBeNull();
  });
});
