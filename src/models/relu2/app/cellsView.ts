/**
 * Detail of one or more settings (cells): the neuron portrait of each (d = 2, first seed; small multiples
 * for the four Fig. 1a settings) and four curves over the checkpoints — loss (train solid, test dashed),
 * Hamming distance H, kernel distance S and ‖θ − θ₀‖ — each the mean over the cell's non-diverged seeds.
 */
import { createNeuronPortrait, teacherPoints, type NeuronPortrait } from '../../../views/neuronPortrait.ts';
import { createTimeSeries, type TimeSeries } from '../../../views/timeSeries.ts';
import type { Relu2AppParams, Relu2MetricName } from '../params.ts';
import { dataIndexOf, fmt, networkIndex, type Relu2Experiment } from '../grid.ts';
import { composePng, decode } from '../../../app/download.ts';
import type { Relu2Results } from '../results.ts';

/** Series colours, one per shown cell (bright on the dark background). */
export const CELL_COLORS = ['#5ab0f0', '#f5a35c', '#e8709a', '#6cd4a4', '#c59cf2', '#e6d56a'];

const CHARTS: { title: string; y: string; scale: 'linear' | 'log'; metrics: Relu2MetricName[] }[] = [
  { title: 'loss (train —, test - -)', y: 'loss', scale: 'log', metrics: ['trainLoss', 'testLoss'] },
  { title: 'Hamming distance H', y: 'H', scale: 'linear', metrics: ['hamming'] },
  { title: 'kernel distance S', y: 'S', scale: 'linear', metrics: ['kernelDistance'] },
  { title: 'parameter distance ‖θ − θ₀‖', y: '‖θ − θ₀‖', scale: 'linear', metrics: ['paramDistance'] },
];

/** The view. */
export class CellsView {
  private readonly title: HTMLElement;
  private readonly portraitsHost: HTMLElement;
  private readonly note: HTMLElement;
  private readonly chartsHost: HTMLElement;
  private portraits: NeuronPortrait[] = [];
  private charts: TimeSeries[] = [];
  private cells: number[] = [];
  private experiment: Relu2Experiment | null = null;

  constructor(host: HTMLElement, onPng: () => void) {
    host.classList.add('r2-panel', 'r2-cells');
    const head = document.createElement('header');
    this.title = Object.assign(document.createElement('h2'), { textContent: 'Setting' });
    const png = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title: 'save portraits and curves as PNG', className: 'r2-png' });
    png.addEventListener('click', onPng);
    head.append(this.title, png);
    this.portraitsHost = Object.assign(document.createElement('div'), { className: 'r2-portraits', id: 'r2-portraits' });
    this.note = Object.assign(document.createElement('p'), { className: 'r2-caption' });
    this.chartsHost = Object.assign(document.createElement('div'), { className: 'r2-charts', id: 'r2-charts' });
    host.append(head, this.portraitsHost, this.note, this.chartsHost);
    this.showEmpty('Click a cell of the regime map to see its curves.');
  }

  /** Shows a message instead of content. */
  showEmpty(message: string): void {
    this.clear();
    this.cells = [];
    this.title.textContent = 'Setting';
    this.note.textContent = message;
  }

  /** Shows these cells (indices into e.cells) and draws what `results` has so far. */
  show(e: Relu2Experiment, results: Relu2Results, cells: number[], title: string): void {
    this.clear();
    this.experiment = e;
    this.cells = cells;
    this.title.textContent = title;
    this.portraitsHost.style.setProperty('--cols', String(Math.min(4, cells.length)));
    if (results.trails) {
      this.portraits = cells.map(() => {
        const slot = Object.assign(document.createElement('div'), { className: 'r2-portrait' });
        this.portraitsHost.append(slot);
        return createNeuronPortrait(slot);
      });
      this.note.textContent = `|a_k| w_k of every unit (blue a_k ≥ 0, red a_k < 0, as in the paper) with trails over the checkpoints; dashed rays: teacher directions (coloured by the sign of a*_k), ◆ teacher units |a*_k| w*_k (at the edge when outside); dotted circle: the initial radius τ². First seed (${e.seeds[0]}).`
        + (paperAxes(e.params) ? ' Axes as in the paper: ±0.2 at τ = 0.1, ±5 at τ = 2.' : '');
    } else {
      this.note.textContent = e.d === 2 ? 'Neuron portraits are off: the grid is too large to keep every unit\'s trail.'
        : `Neuron portraits need d = 2 (here d = ${e.d}).`;
    }
    if (e.seeds.length > 1) this.note.textContent += ` Curves: mean over the ${e.seeds.length} seeds that did not diverge.`;
    const multi = cells.length > 1;
    // Log steps when the checkpoints span two decades or more (they are log-spaced); else linear, so that
    // step 0 (which a log axis cannot show) still anchors each curve.
    const nonzero = e.checkpoints.filter((s) => s > 0);
    const xScale = nonzero.length >= 3 && nonzero[nonzero.length - 1] / nonzero[0] >= 100 ? 'log' : 'linear';
    this.charts = CHARTS.map((c) => {
      const slot = Object.assign(document.createElement('div'), { className: 'r2-chart' });
      this.chartsHost.append(slot);
      return createTimeSeries(slot, { title: c.title, yLabel: c.y, yScale: c.scale, xLabel: 'GD step', xScale, height: multi ? 190 : 160 });
    });
    this.refresh(results);
  }

  /** Redraws with the latest results (call after each checkpoint). */
  refresh(results: Relu2Results): void {
    const e = this.experiment;
    if (!e || !this.cells.length) return;
    const S = e.seeds.length;
    this.cells.forEach((ci, i) => {
      const portrait = this.portraits[i];
      if (!portrait) return;
      const cell = e.cells[ci];
      const trail = results.trailOf(networkIndex(e, ci, 0));
      if (!trail || trail.frames === 0) { portrait.clear('not computed yet', cell.label); return; }
      portrait.update({
        m: e.m, frames: trail.frames, points: trail.points, initRadius: cell.tau * cell.tau,
        teacher: teacherPoints(e.teachers[dataIndexOf(e, 0)]), title: cell.label,
        ...(paperAxes(e.params) ? { extent: FIG1A_AXES[cell.tau] } : {}),
        subtitle: `δ = ${fmt(cell.delta)}, α = ${fmt(cell.alpha)} · step ${e.checkpoints[trail.frames - 1].toLocaleString('en')} · seed ${e.seeds[0]}`,
      });
    });
    const x = e.checkpoints;
    CHARTS.forEach((c, k) => {
      const series = this.cells.flatMap((ci, i) => c.metrics
        .filter((name) => name !== 'testLoss' || e.nTest > 0)
        .map((name) => ({
          label: this.cells.length > 1 ? `${e.cells[ci].short}${name === 'testLoss' ? ' (test)' : ''}`
            : name === 'testLoss' ? 'test' : name === 'trainLoss' ? 'train' : c.y,
          values: results.cellCurve(ci, name), color: CELL_COLORS[i % CELL_COLORS.length], dash: name === 'testLoss',
          legend: !(this.cells.length > 1 && name === 'testLoss'),
        })));
      this.charts[k].setSeries(x, series);
    });
  }

  /** Portraits (one row) and charts (two per row) as one PNG. */
  async toPng(): Promise<Blob> {
    const portraits = this.portraits.map((p) => p.canvas);
    const charts = await decode(await Promise.all(this.charts.map((c) => c.toPng())));
    const rows = [portraits, charts.slice(0, 2), charts.slice(2)].filter((r) => r.length);
    return composePng(rows);
  }

  private clear(): void {
    for (const p of this.portraits) p.destroy();
    for (const c of this.charts) c.destroy();
    this.portraits = [];
    this.charts = [];
    this.portraitsHost.replaceChildren();
    this.chartsHost.replaceChildren();
  }

  /** Removes the views. */
  destroy(): void { this.clear(); }
}

/** The half-width of the authors' plot_fig1a axes per τ: ±0.2 at τ = 0.1, ±5 at τ = 2 (their inset). */
export const FIG1A_AXES: Record<number, number> = { 0.1: 0.2, 2: 5 };

/** Whether the portraits use the paper's fixed axes: the Fig. 1a presets as set (a hand edit follows the units). */
export function paperAxes(p: Relu2AppParams): boolean { return p.preset === 'fig1a' || p.preset === 'fig1a-quick'; }
