/**
 * The panels of the linear2 page: the singular values of β over time with the mirror-flow prediction dashed
 * (Thm B.6), the spectrum against δ (spectrumView.ts), the regime map over (τ, δ) (the generic heatmap), and
 * the HUD text. Each panel is a header (title, PNG button) over its view and a caption.
 */
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { createHeatmap, type Heatmap } from '../../../views/heatmap.ts';
import { createTimeSeries, type TimeSeries, type TimeSeriesSeries } from '../../../views/timeSeries.ts';
import { LINEAR2_SCHEMA } from '../params.ts';
import { singularValues } from '../../../theory/linear2Metrics.ts';
import { SpectrumView } from './spectrumView.ts';
import type { Linear2Experiment } from './experiment.ts';

/** Colours of the followed networks (one per network; its singular values share it). */
export const NET_COLORS = ['#5ab0f0', '#f5a35c', '#e8709a', '#6cd4a4', '#c59cf2', '#e6d56a'];

/** Map metric names (the schema's `metric` options). */
export type Linear2MapMetric = (typeof LINEAR2_SCHEMA.metric.options)[number];

/** A panel's frame: header with a title and a PNG button, body, caption. */
export function panelFrame(host: HTMLElement, title: string, onPng: () => void): { head: HTMLElement; body: HTMLElement; caption: HTMLElement } {
  host.classList.add('l2-panel');
  const head = document.createElement('header');
  const h2 = Object.assign(document.createElement('h2'), { textContent: title });
  const png = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title: `save “${title}” as PNG`, className: 'l2-png' });
  png.addEventListener('click', onPng);
  head.append(h2, png);
  const body = document.createElement('div');
  const caption = Object.assign(document.createElement('p'), { className: 'l2-caption' });
  host.append(head, body, caption);
  return { head, body, caption };
}

/** A followed network's curves: simulated σ_k(t) and, when Thm B.6 applies, the predicted λ_k(t) (null entries: no prediction). */
export interface FollowedCurves { label: string; sim: Float64Array[]; predicted: (Float64Array | null)[] }

/** The singular-value chart panel. */
export class SingularValuePanel {
  readonly chart: TimeSeries;
  private readonly caption: HTMLElement;
  constructor(host: HTMLElement, onPng: () => void) {
    const f = panelFrame(host, 'Singular values of β over time', onPng);
    f.body.id = 'l2-sv-chart';
    this.caption = f.caption;
    this.chart = createTimeSeries(f.body, { title: 'σₖ(β): simulation —, mirror-flow prediction - -', yLabel: 'σₖ', yScale: 'linear', xLabel: 't', height: 260 });
  }

  /** Draws the followed networks' curves over the recorded times; `note` is the caption. */
  update(times: readonly number[], curves: readonly FollowedCurves[], note: string): void {
    const series: TimeSeriesSeries[] = [];
    curves.forEach((cv, j) => {
      const color = NET_COLORS[j % NET_COLORS.length];
      cv.sim.forEach((v, k) => series.push({ label: cv.label, values: v, color, legend: k === 0 }));
      cv.predicted.forEach((v) => { if (v) series.push({ label: `${cv.label} (prediction)`, values: v, color, dash: true, legend: false }); });
    });
    this.chart.setSeries(times, series);
    this.caption.textContent = note;
  }
}

/** The regime-map panel over (τ, δ): one metric, mean over seeds; a click follows that cell. */
export class RegimeMapPanel {
  readonly heatmap: Heatmap;
  private readonly select: HTMLSelectElement;
  private readonly caption: HTMLElement;
  private experiment: Linear2Experiment | null = null;

  constructor(host: HTMLElement, actions: { metric(m: Linear2MapMetric): void; cell(cell: number): void; png(): void }) {
    const f = panelFrame(host, 'Regime map over (τ, δ)', () => actions.png());
    this.select = Object.assign(document.createElement('select'), { id: 'l2-metric', title: 'metric' });
    const labels = LINEAR2_SCHEMA.metric.optionLabels!;
    for (const m of LINEAR2_SCHEMA.metric.options) this.select.append(new Option(labels[m], m));
    this.select.addEventListener('change', () => actions.metric(this.select.value as Linear2MapMetric));
    f.head.insertBefore(this.select, f.head.lastChild);
    f.body.id = 'l2-heatmap';
    this.caption = f.caption;
    this.heatmap = createHeatmap(f.body, { title: '', height: 300 });
    this.heatmap.onCellClick((row, col) => { if (this.experiment) actions.cell(row * this.experiment.cols + col); });
  }

  /** Sets the grid's axes. */
  setExperiment(e: Linear2Experiment): void {
    this.experiment = e;
    this.heatmap.setAxes({ x: { label: 'τ  (initial scale)', values: e.taus, scale: 'log' }, y: { label: 'δ  (layer imbalance)', values: e.deltas, scale: 'linear' } });
  }

  /** Shows the cell means of `metric` (rows × cols) at time t; `selected` outlines a cell. */
  render(metric: Linear2MapMetric, values: Float32Array | null, t: number, selected: number | null): void {
    const e = this.experiment;
    if (!e) return;
    this.select.value = metric;
    const label = LINEAR2_SCHEMA.metric.optionLabels![metric];
    const v = values ?? new Float32Array(e.rows * e.cols).fill(NaN);
    const positive = Array.from(v).filter(Number.isFinite);
    const log = (metric === 'loss' || metric === 'deltaDrift') && positive.length > 0 && positive.every((x) => x > 0);
    this.heatmap.setColor({ title: label, interpolator: metric === 'loss' ? (x) => interpolateViridis(0.1 + 0.9 * x) : (x) => interpolateMagma(0.12 + 0.86 * x), scale: log ? 'log' : 'linear', domain: 'auto' });
    this.heatmap.setTitle(`${label} at t = ${t.toPrecision(4)}, mean over ${e.seeds.length} seed${e.seeds.length > 1 ? 's' : ''}`);
    this.heatmap.update(v, e.rows, e.cols);
    this.heatmap.highlightCell(selected === null ? null : Math.floor(selected / e.cols), selected === null ? undefined : selected % e.cols);
    this.caption.textContent = `${e.rows} δ × ${e.cols} τ cells · click a cell to follow its networks in the singular-value chart`
      + ' and to show its τ column in the spectrum.';
  }
}

/** The spectrum-against-δ panel. */
export class SpectrumPanel {
  readonly view: SpectrumView;
  private readonly caption: HTMLElement;
  constructor(host: HTMLElement, onPng: () => void) {
    const f = panelFrame(host, 'Spectrum of β against δ', onPng);
    f.body.id = 'l2-spectrum-body';
    this.caption = f.caption;
    this.view = new SpectrumView(f.body, 280);
  }

  /** Draws the networks of τ column `col` (all seeds) at time t. */
  update(e: Linear2Experiment, sv: readonly (readonly number[])[] | null, col: number, t: number, end: boolean): void {
    const points = sv ? e.networks.filter((n) => n.col === col).flatMap((n) => sv[n.index].map((sigma, k) => ({ delta: n.delta, k, sigma }))) : [];
    const spectrum = (b: Float64Array | null) => (b ? singular(b, e) : null);
    this.view.update({
      title: `σₖ(β) at t = ${t.toPrecision(4)}${end ? ' (end)' : ''}, τ = ${e.taus[col].toPrecision(3)}`,
      points, deltaRange: [e.deltas[0], e.deltas[e.deltas.length - 1]],
      frobenius: e.underdetermined ? spectrum(e.minFrobenius) : null,
      nuclear: e.underdetermined ? spectrum(e.minNuclear?.beta ?? null) : spectrum(e.minFrobenius),
      nuclearLabel: e.underdetermined ? 'min-nuclear' : 'minimiser of L',
    });
    this.caption.textContent = e.underdetermined
      ? `${e.cfg.data.kind === 'sensing' ? `${e.cfg.data.M.length} measurements of a ${e.cfg.d}×${e.cfg.c} β` : 'Singular XX'}: many β fit the data. `
        + 'Small |δ| and τ pick the low-rank (min-nuclear) answer, large |δ| the min-Frobenius one (dashed lines).'
      : 'The data determine the minimiser of L (dashed): every δ ends there; δ changes the path, not the end.';
  }
}

/** σ of a reference matrix (d×c row-major), descending. */
function singular(b: Float64Array, e: Linear2Experiment): number[] {
  return singularValues(b, e.cfg.d, e.cfg.c);
}

/** The HUD lines (plain text, one per line). */
export interface HudState {
  t: number; step: number; endStep: number; state: string; networks: number; backend: string; adapter: string; stepsPerSecond: number;
  deltaDrift: number; flowGap: number; predictionGap: number; method: string; diverged: number;
}

/** Renders the HUD into `host`; a value above 0.05 is flagged "inaccurate" with advice, as on the single-neuron page. */
export function renderHud(host: HTMLElement, s: HudState): void {
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : '–');
  const flag = (x: number, advice: string) => (x > 0.05 ? ` ⚠ inaccurate: ${advice}` : '');
  const lines = [
    `t = ${s.t.toPrecision(5)} · step ${s.step.toLocaleString('en')} / ${s.endStep.toLocaleString('en')} · ${s.state} · ${s.networks.toLocaleString('en')} networks · ${s.method} on ${s.backend} (${s.adapter})`
      + (s.stepsPerSecond > 0 ? ` · ${Math.round(s.stepsPerSecond).toLocaleString('en')} steps/s` : ''),
    s.method === 'beta-flow' ? 'Δ drift: none (beta-flow integrates β with Δ = δI built in)'
      : `relative Δ drift (max over networks): ${fmt(s.deltaDrift)}${flag(s.deltaDrift, 'use a smaller step')}`,
    `GD-vs-flow gap ‖β − β_flow‖_F (followed networks, f64 flow): ${fmt(s.flowGap)}${flag(s.flowGap, 'use a smaller step')}`,
    `mirror-flow gap max |σₖ − λₖ| (followed, Δ = δI, since t = 0): ${fmt(s.predictionGap)}`
      + (s.diverged ? ` · ${s.diverged} diverged (frozen)` : ''),
  ];
  host.replaceChildren(...lines.map((l) => Object.assign(document.createElement('div'), { textContent: l })));
}
