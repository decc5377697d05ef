/**
 * The mlp app's panels (docs/theory.md §4, paper Fig. 6 and Fig. 12), each a small factory over the generic views of
 * src/views: curves per α over checkpoints with seed bands (timeSeries.ts), the sample-complexity plot of Fig. 6(c)
 * (test accuracy against training samples, log x), heatmaps over the grid (heatmap.ts: any metric at a checkpoint,
 * and the steps until test accuracy ≥ 0.99), and the first-layer weights of one network as images with their DFT over a.
 * Each panel has a PNG button (exportPng.ts) and a caption that states what the band is.
 */
import { interpolatePlasma } from 'd3-scale-chromatic';
import { createTimeSeries, type TimeSeries, type TimeSeriesSeries } from '../../../views/timeSeries.ts';
import { createHeatmap, type Heatmap } from '../../../views/heatmap.ts';
import { deltaInterpolator, DIVERGED_COLOR, lossInterpolator } from '../../../views/colormaps.ts';
import { addPngButton } from '../../../views/exportPng.ts';
import type { BandCurve } from './stats.ts';

/** Colour of α index i of n (plasma, light end for large α). */
export const alphaColor = (i: number, n: number): string => interpolatePlasma(0.3 + (0.65 * i) / Math.max(1, n - 1));

const fmtNum = (x: number): string => String(Number(x.toPrecision(3)));

function section(host: HTMLElement, title: string, onPng: () => void): { body: HTMLElement; caption: HTMLElement } {
  host.classList.add('mlp-panel');
  const h = Object.assign(document.createElement('h2'), { textContent: title });
  const body = Object.assign(document.createElement('div'), { className: 'mlp-body' });
  const caption = Object.assign(document.createElement('p'), { className: 'mlp-caption' });
  host.append(h, body, caption);
  addPngButton(host, `${title} → PNG`, onPng);
  return { body, caption };
}

/** uPlot series of band curves: per α a solid mean and dashed band edges (left out of the legend). */
function bandSeries(curves: readonly BandCurve[]): TimeSeriesSeries[] {
  return curves.flatMap((c, i) => {
    const color = alphaColor(i, curves.length);
    const div = c.diverged ? ` (${c.diverged} diverged)` : '';
    return [
      { label: `α = ${fmtNum(c.alpha)}${div}`, values: c.mean, color },
      { label: `α = ${fmtNum(c.alpha)} low`, values: c.lo, color, dash: true, legend: false },
      { label: `α = ${fmtNum(c.alpha)} high`, values: c.hi, color, dash: true, legend: false },
    ];
  });
}

/** A chart whose y scale may change (the chart is rebuilt then). */
class Chart {
  chart: TimeSeries | null = null;
  private key = '';
  constructor(private readonly body: HTMLElement, private readonly xLabel: string, private readonly xScale: 'linear' | 'log') {}

  /** Draws curves; rebuilds the chart when the title or y scale changed. */
  draw(title: string, yLabel: string, yScale: 'linear' | 'log', x: readonly number[], series: TimeSeriesSeries[]): void {
    const key = `${title}|${yScale}`;
    if (key !== this.key || !this.chart) {
      this.chart?.destroy();
      this.chart = createTimeSeries(this.body, { title, yLabel, yScale, xLabel: this.xLabel, xScale: this.xScale, height: 220 });
      this.key = key;
    }
    this.chart.setSeries(x, series);
  }

  /** Points drawn (all curves). */
  get points(): number { return this.chart?.drawn.reduce((s, d) => s + d.points, 0) ?? 0; }
}

/** Curves per α over the checkpoints (Fig. 6(a)'s kernel distance, or any metric), with seed bands. */
export class CurvesPanel {
  readonly chart: Chart;
  private readonly caption: HTMLElement;
  constructor(readonly host: HTMLElement, onPng: () => void) {
    const s = section(host, 'Curves per α over training', onPng);
    this.caption = s.caption;
    this.chart = new Chart(s.body, 'step', 'linear');
  }

  /** Draws `curves` (one per α) over checkpoint steps. */
  update(steps: readonly number[], curves: readonly BandCurve[], metric: string, yScale: 'linear' | 'log', band: string, slice: string): void {
    this.chart.draw(`${metric} per α (${slice})`, metric, yScale, steps, bandSeries(curves));
    this.caption.textContent = `Solid: ${(curves[0]?.seeds ?? 0) === 1 ? 'one seed' : `mean over ${curves[0]?.seeds ?? 0} seeds`}; dashed: ${band}. `
      + 'With the metric "kernel distance S(0, t)" this is the measure of the paper\'s Fig. 6(a): upstream α > 1 moves the NTK sooner. '
      + 'Diverged networks (frozen at their last finite state) are counted in the legend and left out of the means.';
  }
}

/** Fig. 6(c): test accuracy at a checkpoint against the number of training samples (log x), one curve per α. */
export class SampleComplexityPanel {
  readonly chart: Chart;
  private readonly caption: HTMLElement;
  constructor(readonly host: HTMLElement, onPng: () => void) {
    const s = section(host, 'Sample complexity (Fig. 6c)', onPng);
    this.caption = s.caption;
    this.chart = new Chart(s.body, 'training samples', 'log');
  }

  /** Draws `curves` over the training sizes. */
  update(sizes: readonly number[], curves: readonly BandCurve[], step: number, band: string, slice: string): void {
    this.chart.draw(`test accuracy at step ${step.toLocaleString('en')} (${slice})`, 'test accuracy', 'linear', sizes, bandSeries(curves));
    this.caption.textContent = `Random hierarchy model: test accuracy against the training-set size, one curve per α (solid: mean over seeds; dashed: ${band}). `
      + 'The paper (Fig. 6c) finds that upstream α > 1 needs fewer samples; compare the curves left to right.';
  }
}

/** Heatmaps over the grid: a metric at a checkpoint, and the steps until test accuracy ≥ 0.99 (Fig. 12's measure). */
export class GridPanel {
  readonly metricMap: Heatmap;
  readonly stepsMap: Heatmap;
  private readonly caption: HTMLElement;
  constructor(readonly host: HTMLElement, onCell: (row: number, col: number) => void, onPng: () => void) {
    const s = section(host, 'Heatmaps over the grid', onPng);
    this.caption = s.caption;
    const left = Object.assign(document.createElement('div'), { className: 'mlp-map', id: 'mlp-map-metric' });
    const right = Object.assign(document.createElement('div'), { className: 'mlp-map', id: 'mlp-map-steps' });
    s.body.classList.add('mlp-maps');
    s.body.append(left, right);
    this.metricMap = createHeatmap(left, { height: 280 });
    this.stepsMap = createHeatmap(right, { height: 280, emptyLabel: 'not yet ≥ 0.99' });
    this.metricMap.onCellClick(onCell);
    this.stepsMap.onCellClick(onCell);
  }

  /**
   * Draws both maps: rows = α (log), columns = τ or training size (log); values row-major (NaN = not computed / not yet).
   */
  update(args: {
    alphas: readonly number[]; cols: readonly number[]; colLabel: string; metric: string; metricScale: 'linear' | 'log'; step: number;
    values: Float32Array; steps: Float32Array; selected: [number, number] | null; slice: string; mlp: boolean;
    /** Colour the metric over [0, 1] (accuracies) instead of its range; the steps map spans [0, totalSteps]. */
    unitDomain: boolean; totalSteps: number;
    /** Per cell: 1 when some seed's network diverged (marked in both maps), else 0. */
    diverged: Uint8Array;
  }): void {
    const axes = { x: { label: args.colLabel, values: args.cols, scale: 'log' as const }, y: { label: 'α', values: args.alphas, scale: 'log' as const } };
    const R = args.alphas.length, C = args.cols.length;
    this.metricMap.setAxes(axes);
    this.metricMap.setTitle(`${args.metric} at step ${args.step.toLocaleString('en')}, mean over seeds (${args.slice})`);
    this.metricMap.setColor({ title: args.metric, interpolator: lossInterpolator, scale: args.metricScale, domain: args.unitDomain ? [0, 1] : 'auto' });
    this.metricMap.update(args.values, R, C);
    this.stepsMap.setAxes(axes);
    this.stepsMap.setTitle(`steps until test accuracy ≥ 0.99, mean over seeds (${args.slice})`);
    this.stepsMap.setColor({ title: 'steps', interpolator: (t) => lossInterpolator(1 - t), scale: 'linear', domain: [0, Math.max(1, args.totalSteps)] });
    this.stepsMap.update(args.steps, R, C);
    const marks = args.diverged.some((d) => d) ? args.diverged : null;
    const style = [{ label: 'a seed diverged (frozen)', color: DIVERGED_COLOR, style: 'mark' as const }];
    this.metricMap.setCategories(marks, style);
    this.stepsMap.setCategories(marks, style);
    this.metricMap.highlightCell(args.selected?.[0] ?? null, args.selected?.[1]);
    this.stepsMap.highlightCell(args.selected?.[0] ?? null, args.selected?.[1]);
    this.caption.textContent = 'Right: the first checkpoint at which test (validation) accuracy reaches 0.99, averaged over seeds; hatched cells are '
      + '"not yet" (some seed has not reached it at the checkpoints so far). '
      + (args.mlp ? 'This is the measure of the paper\'s Fig. 12 (grokking, steps to 0.99 per (τ, α)), here with an MLP, not the paper\'s transformer. ' : '')
      + 'Click a cell to choose its first seed\'s network.';
  }
}

/** First-layer weights W_1 of the chosen network, and |DFT over a| of their a-half (modular addition). */
export class WeightsPanel {
  readonly weightsMap: Heatmap;
  readonly dftMap: Heatmap;
  private readonly caption: HTMLElement;
  constructor(readonly host: HTMLElement, onPng: () => void) {
    const s = section(host, 'First-layer weights (embedding)', onPng);
    this.caption = s.caption;
    const left = Object.assign(document.createElement('div'), { className: 'mlp-map', id: 'mlp-weights' });
    const right = Object.assign(document.createElement('div'), { className: 'mlp-map', id: 'mlp-dft' });
    s.body.classList.add('mlp-maps');
    s.body.append(left, right);
    this.weightsMap = createHeatmap(left, { height: 320 });
    this.dftMap = createHeatmap(right, { height: 320 });
  }

  /** Draws W [width][2p] and its DFT magnitude [width][p] (row 0 = unit 0 at the bottom). */
  update(W: Float32Array, dft: Float32Array, width: number, p: number, label: string, step: number): void {
    const units = Array.from({ length: width }, (_, j) => j);
    let M = 0;
    for (const w of W) if (Number.isFinite(w)) M = Math.max(M, Math.abs(w));
    this.weightsMap.setAxes({ x: { label: 'input: a (0 … p−1), then b', values: Array.from({ length: 2 * p }, (_, j) => j), scale: 'linear' }, y: { label: 'hidden unit', values: units, scale: 'linear' } });
    this.weightsMap.setTitle(`W₁ of ${label}, step ${step.toLocaleString('en')}`);
    this.weightsMap.setColor({ title: 'weight', interpolator: deltaInterpolator, scale: 'linear', domain: M > 0 ? [-M, M] : 'auto' });
    this.weightsMap.update(W, width, 2 * p);
    this.dftMap.setAxes({ x: { label: 'frequency k', values: Array.from({ length: p }, (_, k) => k), scale: 'linear' }, y: { label: 'hidden unit', values: units, scale: 'linear' } });
    this.dftMap.setTitle(`|DFT over a| of W₁ (${label})`);
    this.dftMap.setColor({ title: '|Ŵ₁|', interpolator: lossInterpolator, scale: 'linear', domain: 'auto' });
    this.dftMap.update(dft, width, p);
    this.caption.textContent = 'Left: W₁ of the chosen network (rows: hidden units; columns: one-hot(a) then one-hot(b); red–blue: sign), read back at the last checkpoint. '
      + 'Right: |Σₐ W₁[j][a] e^{−2πika/p}|. When the network groks, each unit concentrates on a few frequencies k (Fourier-like features).';
  }

  /** Shows why there is nothing to draw. */
  empty(why: string): void { this.caption.textContent = why; }
}
