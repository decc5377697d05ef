/**
 * The single-neuron analysis dock: the regime map (heatmap over the init grid) and the time series of the
 * selected trajectories (ν, μ, S and the excess loss, with the closed form dashed when it exists).
 * Narrow update methods; the app owns the data (analysis.ts).
 */
import type { SingleNeuronEnsemble } from '../ensemble.ts';
import { initialDirections, linspace, logspace } from '../ensemble.ts';
import type { ObservableTable } from '../observables.ts';
import type { SingleNeuronParams } from '../params.ts';
import type { RecordedSeries } from '../recorder.ts';
import { cellMeans, cellRegimes, classifyAll, REGIMES, type RegimeRule } from '../regimes.ts';
import { exactSingleNeuronGeneral, excessLoss, kernelDistance, ntkMatrix } from '../../../theory/index.ts';
import { lossInterpolator, REGIME_COLORS } from '../../../views/colormaps.ts';
import { deltaColor, makeDeltaScale, type DeltaScale } from '../../../views/deltaScale.ts';
import { createHeatmap, type Heatmap, type HeatmapAxes } from '../../../views/heatmap.ts';
import { createTimeSeries, type DrawnCurve, type TimeSeries } from '../../../views/timeSeries.ts';
import { formatDelta } from './featured.ts';

/** How the init grid maps onto heatmap cells: rows × cols cells of `group` consecutive trajectories. */
export interface GridShape { rows: number; cols: number; group: number; axes: HeatmapAxes }

/**
 * The regime-map grid of a params set: δ × angle of β₀ (grid "delta"; one trajectory per cell; the angle
 * is only meaningful for d = 2, otherwise the direction index) or α × τ (grid "tauAlpha"; each cell
 * averages its directions).
 */
export function gridShape(p: SingleNeuronParams): GridShape {
  if (p.grid === 'delta') {
    const angles = p.d === 2
      ? initialDirections(2, p.directions, p.seed).map(([x, y]) => ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360)
      : Array.from({ length: p.directions }, (_, k) => k);
    // Directions start at angle 180° and wrap; the axis needs monotone values, so unwrap past 360° (its labels wrap back).
    const monotone = angles.map((a, k) => (k > 0 && a < angles[0] ? a + 360 : a));
    return {
      rows: p.deltaCount, cols: p.directions, group: 1,
      axes: {
        x: { label: p.d === 2 ? 'angle of β₀ (degrees)' : 'direction of β₀ (index)', values: monotone, scale: 'linear', period: p.d === 2 ? 360 : undefined },
        y: { label: 'δ', values: linspace(p.deltaMin, p.deltaMax, p.deltaCount), scale: 'linear' },
      },
    };
  }
  return {
    rows: p.alphaCount, cols: p.tauCount, group: p.directions,
    axes: {
      x: { label: 'τ (initial scale)', values: logspace(p.tauMin, p.tauMax, p.tauCount), scale: 'log' },
      y: { label: 'α (layer ratio, w₀ = τŵ/α)', values: logspace(p.alphaMin, p.alphaMax, p.alphaCount), scale: 'log' },
    },
  };
}

/**
 * Trajectory indices of one cell. Grid "delta": cell (iδ, iDir) is trajectory iδ·directions + iDir.
 * Grid "tauAlpha": rows are α and columns τ, but trajectories are ordered (iτ·αCount + iα)·directions + iDir.
 */
export function cellTrajectories(p: SingleNeuronParams, row: number, col: number): Uint32Array {
  if (p.grid === 'delta') return Uint32Array.of(row * p.directions + col);
  const first = (col * p.alphaCount + row) * p.directions;
  return Uint32Array.from({ length: p.directions }, (_, k) => first + k);
}

/** Reorders per-trajectory values of a τ×α grid (τ-major) into α-major rows for the map. */
function toRowMajor(p: SingleNeuronParams, values: ArrayLike<number>): Float32Array {
  if (p.grid === 'delta') return Float32Array.from(values);
  const out = new Float32Array(values.length);
  const g = p.directions;
  for (let it = 0; it < p.tauCount; it++) {
    for (let ia = 0; ia < p.alphaCount; ia++) {
      for (let k = 0; k < g; k++) out[(ia * p.tauCount + it) * g + k] = values[(it * p.alphaCount + ia) * g + k];
    }
  }
  return out;
}

const METRIC_TITLES: Record<SingleNeuronParams['mapMetric'], string> = {
  regime: 'regime', kernelDistance: 'kernel distance S(t)', maxKernelDistance: 'max S so far',
  timeToEpsilon: 'time to excess loss < ε', timeToKernelMove: 'time S reached S_th',
};

/** The regime map. */
export class RegimePanel {
  readonly heatmap: Heatmap;
  private shape: GridShape | null = null;

  constructor(container: HTMLElement, onCell: (row: number, col: number) => void) {
    this.heatmap = createHeatmap(container, { title: 'regime map', height: 300 });
    this.heatmap.onCellClick(onCell);
  }

  /** Sets the grid (call after every rebuild). */
  setGrid(shape: GridShape): void {
    this.shape = shape;
    this.heatmap.setAxes(shape.axes);
    this.heatmap.setCategories(null);
    this.heatmap.update(new Float32Array(shape.rows * shape.cols).fill(Number.NaN), shape.rows, shape.cols);
    this.heatmap.highlightCell(null);
  }

  /**
   * Shows a metric of the latest observables, or the regime classes; `warning` (accuracy.ts) is appended to the title.
   * @throws RangeError when the table does not match the grid.
   */
  update(p: SingleNeuronParams, table: ObservableTable, flags: Uint32Array, rule: RegimeRule, time: number, warning: string | null = null): void {
    const shape = this.shape;
    if (!shape) return;
    const { rows, cols, group } = shape;
    if (p.mapMetric === 'regime') {
      const classes = cellRegimes(toRowMajorU8(p, classifyAll(table.timeToKernelMove, flags, rule, table.timeToEpsilon)), rows, cols, group);
      this.heatmap.setTitle(`regime, t = ${time.toFixed(2)}${warning ? `  ${warning}` : ''}`);
      this.heatmap.update(new Float32Array(rows * cols).fill(0), rows, cols);
      this.heatmap.setCategories(Uint8Array.from(classes, (c) => c + 1),
        REGIMES.map((label, k) => ({ label, color: REGIME_COLORS[k], style: 'fill' as const })));
      return;
    }
    const raw = table[p.mapMetric];
    const isTime = p.mapMetric === 'timeToEpsilon' || p.mapMetric === 'timeToKernelMove';
    const values = cellMeans(toRowMajor(p, isTime ? Array.from(raw, (t) => (t < 0 ? Number.NaN : t)) : raw), rows, cols, group);
    this.heatmap.setCategories(null);
    this.heatmap.setTitle(`${METRIC_TITLES[p.mapMetric]}, t = ${time.toFixed(2)}${warning ? `  ${warning}` : ''}`);
    this.heatmap.setColor({
      title: METRIC_TITLES[p.mapMetric], interpolator: lossInterpolator, scale: 'linear',
      domain: p.mapMetric.includes('ernel') && !isTime ? [0, 1] : 'auto',
    });
    this.heatmap.update(values, rows, cols);
  }

  highlight(row: number | null, col?: number): void { this.heatmap.highlightCell(row, col); }
  destroy(): void { this.heatmap.destroy(); }
}

function toRowMajorU8(p: SingleNeuronParams, values: Uint8Array): Uint8Array {
  return Uint8Array.from(toRowMajor(p, values));
}

const CHARTS = [
  { key: 'nu', title: 'ν = a‖w‖ (signed norm of β)', scale: 'linear' },
  { key: 'mu', title: 'μ = ŵ·β̂* (alignment)', scale: 'linear' },
  { key: 'kernelDistance', title: 'kernel distance S(t)', scale: 'linear' },
  { key: 'excessLoss', title: 'excess loss', scale: 'log' },
] as const;

/** Most curves drawn per chart (the recorder follows up to 64; more curves only clutter). */
export const MAX_CURVES = 12;

/**
 * Which of the recorded series to plot: all when at most `max`, else `max` spread evenly over δ (sorted
 * by δ₀, both ends kept), so a lasso over many δ still shows the range. Returns positions into `deltas`
 * in ascending δ. Pure; exported for tests.
 */
export function spreadOverDelta(deltas: ArrayLike<number>, max: number): number[] {
  const order = Array.from({ length: deltas.length }, (_, k) => k).sort((a, b) => deltas[a] - deltas[b]);
  if (order.length <= max) return order;
  if (max <= 1) return order.slice(0, max);
  const picked = new Set<number>();
  for (let k = 0; k < max; k++) picked.add(order[Math.round((k * (order.length - 1)) / (max - 1))]);
  return order.filter((k) => picked.has(k));
}

/**
 * Four time-series charts of the selected trajectories, simulation solid and closed form dashed. One key
 * above the charts names the curves by δ (colour = the portrait's δ colour map) instead of a legend per
 * chart, and says how many of the selected are shown.
 */
export class TimeSeriesPanel {
  private readonly charts: TimeSeries[];
  readonly key: HTMLElement;

  constructor(container: HTMLElement) {
    this.key = Object.assign(document.createElement('div'), { className: 'ts-key' });
    this.key.setAttribute('aria-label', 'time-series key');
    container.append(this.key);
    this.charts = CHARTS.map((c) => createTimeSeries(container, {
      title: c.title, yLabel: '', yScale: c.scale, xLabel: 't', height: 110,
    }));
  }

  /**
   * Draws the recorded series; `ensemble` gives δ₀ (coloured on `scale`, the portrait's δ scale; default
   * linear over its δ range) and, for XX = σ²I, the exact curves.
   */
  update(series: RecordedSeries[], ensemble: SingleNeuronEnsemble, exactAvailable: boolean,
    scale: DeltaScale = makeDeltaScale('linear', ensemble.deltaRange)): void {
    const withData = series.filter((s) => s.time.length > 0);
    const shown = spreadOverDelta(withData.map((s) => ensemble.delta0[s.index]), MAX_CURVES).map((k) => withData[k]);
    if (shown.length === 0) {
      for (const chart of this.charts) chart.setSeries([], []);
      this.key.replaceChildren();
      return;
    }
    const x = shown[0].time;
    const exact = exactAvailable ? shown.map((s) => exactCurves(ensemble, s.index, x)) : [];
    const colorOf = (s: RecordedSeries) => deltaColor(ensemble.delta0[s.index], scale);
    this.charts.forEach((chart, c) => {
      const key = CHARTS[c].key;
      chart.setSeries(x, shown.flatMap((s, k) => {
        const color = colorOf(s);
        const label = `#${s.index} δ=${ensemble.delta0[s.index].toFixed(2)}`;
        const sim = { label, values: s[key].length === x.length ? s[key] : new Float64Array(x.length).fill(Number.NaN), color, legend: false };
        return exactAvailable ? [sim, { label: `${label} exact`, values: exact[k][key], color, dash: true, legend: false }] : [sim];
      }));
    });
    this.drawKey(shown.map((s) => ({ delta: ensemble.delta0[s.index], color: colorOf(s) })), series.length, exactAvailable);
  }

  /** The key: one swatch per curve labelled by δ, the dashed closed form, "k of m shown" when spread. */
  private drawKey(curves: { delta: number; color: string }[], selected: number, exactAvailable: boolean): void {
    const items = curves.map(({ delta, color }) => {
      const item = Object.assign(document.createElement('span'), { className: 'ts-key-item' });
      const swatch = Object.assign(document.createElement('i'), { className: 'ts-swatch' });
      swatch.style.background = color;
      item.append(swatch, formatDelta(delta));
      return item;
    });
    const head = Object.assign(document.createElement('span'), { className: 'ts-key-head', textContent: 'δ:' });
    const notes: string[] = [];
    if (exactAvailable) notes.push('solid: simulated, dashed: closed form');
    if (curves.length < selected) notes.push(`${curves.length} of ${selected} selected shown, spread over δ`);
    const note = Object.assign(document.createElement('span'), { className: 'ts-key-note', textContent: notes.join(' · ') });
    this.key.replaceChildren(head, ...items, note);
  }

  /** Per chart (ν, μ, S, excess loss): its title and the curves it last drew. */
  get drawn(): { title: string; curves: readonly DrawnCurve[] }[] {
    return this.charts.map((chart, c) => ({ title: CHARTS[c].title, curves: chart.drawn }));
  }

  destroy(): void {
    for (const chart of this.charts) chart.destroy();
    this.key.remove();
  }
}

/** ν, μ, S and the excess loss of the closed form (f64, docs/theory.md §1.3) at the given times. */
function exactCurves(e: SingleNeuronEnsemble, i: number, times: Float64Array): Record<(typeof CHARTS)[number]['key'], Float64Array> {
  const d = e.d;
  const a0 = e.state0[i];
  const w0 = Array.from({ length: d }, (_, j) => e.state0[(1 + j) * e.n + i]);
  const M0 = ntkMatrix(a0, w0, e.rates);
  const bNorm = Math.hypot(...e.betaOls);
  const out = { nu: new Float64Array(times.length), mu: new Float64Array(times.length), kernelDistance: new Float64Array(times.length), excessLoss: new Float64Array(times.length) };
  times.forEach((t, k) => {
    const { a, w } = exactSingleNeuronGeneral(a0, w0, e.data, e.rates, t);
    const wn = Math.hypot(...w);
    out.nu[k] = a * wn;
    out.mu[k] = wn > 0 && bNorm > 0 ? w.reduce((s, x, j) => s + x * e.betaOls[j], 0) / (wn * bNorm) : 0;
    out.kernelDistance[k] = kernelDistance(M0, ntkMatrix(a, w, e.rates), e.data.XX);
    out.excessLoss[k] = excessLoss(w.map((x) => a * x), e.data.XX, e.betaOls);
  });
  return out;
}
