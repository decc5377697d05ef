/**
 * The regime-map panel (paper Fig. 1b): a heatmap over (τ, δ|α) of one metric at one checkpoint, averaged
 * over seeds, with metric and checkpoint selectors, a PNG button and a caption. Cells stay hatched until
 * every seed of the cell has reached the checkpoint; clicking a cell selects it.
 */
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { DIVERGED_COLOR } from '../../../views/colormaps.ts';
import { createHeatmap, type Heatmap } from '../../../views/heatmap.ts';
import { RELU2_SCHEMA, type Relu2MetricName } from '../params.ts';
import { fmt, type Relu2Experiment } from '../grid.ts';
import { CELL_ALL_DIVERGED, METRIC_INFO, type Relu2Results } from '../results.ts';

/** Handlers of the panel's controls. */
export interface MapPanelActions {
  metric(name: Relu2MetricName): void;
  checkpoint(index: number): void;
  cell(cellIndex: number): void;
  png(): void;
}

/** Colour map per metric: distances and H on magma (more feature learning = brighter), losses on viridis. */
export function metricInterpolator(metric: Relu2MetricName): (t: number) => string {
  return metric === 'trainLoss' || metric === 'testLoss' ? (t) => interpolateViridis(0.1 + 0.9 * t) : (t) => interpolateMagma(0.12 + 0.86 * t);
}

/** "10⁴"-style labels for step counts that are powers of ten, else grouped digits. */
export function stepLabel(step: number): string {
  const k = Math.log10(step);
  if (step >= 100 && Number.isInteger(k)) return `10${String(k).split('').map((c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)]).join('')}`;
  return step.toLocaleString('en');
}

/** The panel. */
export class MapPanel {
  readonly heatmap: Heatmap;
  private readonly metricSelect: HTMLSelectElement;
  private readonly checkpointSelect: HTMLSelectElement;
  private readonly caption: HTMLElement;
  private experiment: Relu2Experiment | null = null;

  constructor(host: HTMLElement, private readonly actions: MapPanelActions) {
    host.classList.add('r2-panel', 'r2-map');
    const head = document.createElement('header');
    const title = Object.assign(document.createElement('h2'), { textContent: 'Regime map' });
    this.metricSelect = document.createElement('select');
    this.metricSelect.id = 'r2-metric';
    this.metricSelect.title = 'metric';
    const labels = RELU2_SCHEMA.metric.optionLabels!;
    for (const name of RELU2_SCHEMA.metric.options) this.metricSelect.append(new Option(labels[name], name));
    this.metricSelect.addEventListener('change', () => actions.metric(this.metricSelect.value as Relu2MetricName));
    this.checkpointSelect = document.createElement('select');
    this.checkpointSelect.id = 'r2-checkpoint';
    this.checkpointSelect.title = 'checkpoint (GD steps)';
    this.checkpointSelect.addEventListener('change', () => actions.checkpoint(Number(this.checkpointSelect.value)));
    const png = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title: 'save the map as PNG', className: 'r2-png' });
    png.addEventListener('click', () => actions.png());
    head.append(title, this.metricSelect, document.createTextNode(' at '), this.checkpointSelect, png);
    const body = document.createElement('div');
    body.id = 'r2-heatmap';
    this.caption = Object.assign(document.createElement('p'), { className: 'r2-caption' });
    host.append(head, body, this.caption);
    this.heatmap = createHeatmap(body, { title: '' });
    this.heatmap.onCellClick((row, col) => {
      const e = this.experiment;
      const cell = e?.cells.find((c) => c.row === row && c.col === col);
      if (cell) actions.cell(cell.index);
    });
  }

  /** Sets the grid (axes and checkpoint choices). */
  setExperiment(e: Relu2Experiment): void {
    this.experiment = e;
    this.heatmap.setAxes({
      x: { label: 'τ  (initial scale)', values: e.taus, scale: 'log' },
      y: e.shapeKind === 'delta'
        ? { label: 'δ  (layer imbalance)', values: e.shapes, scale: 'linear' }
        : { label: 'α  (first-layer divisor)', values: e.shapes, scale: 'log' },
    });
    this.checkpointSelect.replaceChildren(...e.checkpoints.map((s, i) => new Option(`step ${stepLabel(s)}${i === e.checkpoints.length - 1 ? ' (last)' : ''}`, String(i))));
  }

  /** Redraws the map for `metric` at checkpoint index `at` (−1 = last). */
  render(results: Relu2Results, metric: Relu2MetricName, at: number): void {
    const e = this.experiment;
    if (!e) return;
    const c = at < 0 || at >= e.checkpoints.length ? e.checkpoints.length - 1 : at;
    this.metricSelect.value = metric;
    this.checkpointSelect.value = String(c);
    const info = METRIC_INFO[metric];
    const { values, classes } = results.cellMap(metric, c);
    const scale = info.scale === 'log' && values.some((v) => v > 0) ? 'log' : 'linear';
    this.heatmap.setColor({ title: info.label, interpolator: metricInterpolator(metric), scale, domain: 'auto' });
    this.heatmap.setTitle(`${info.short} at step ${e.checkpoints[c].toLocaleString('en')}, mean over ${e.seeds.length} seed${e.seeds.length > 1 ? 's' : ''}`);
    this.heatmap.update(values, e.rows, e.cols);
    const anyDiverged = classes.some((k) => k > 0);
    this.heatmap.setCategories(anyDiverged ? classes : null, [
      { label: 'some seeds diverged', color: DIVERGED_COLOR, style: 'mark' },
      { label: 'all diverged', color: DIVERGED_COLOR, style: 'fill' },
    ]);
    const done = results.cellsDone(c);
    const allDiv = classes.filter((k) => k === CELL_ALL_DIVERGED).length;
    this.caption.textContent = `${done}/${e.cells.length} cells computed at this checkpoint${allDiv ? ` · ${allDiv} fully diverged` : ''}`
      + ` · τ from ${fmt(e.taus[0])} to ${fmt(e.taus[e.taus.length - 1])} · click a cell for its curves${e.d === 2 ? ' and neuron portrait' : ''}`;
    this.caption.dataset.done = String(done);
  }

  /** Outlines the selected cell (or none). */
  select(cellIndex: number | null): void {
    const cell = cellIndex === null ? null : this.experiment?.cells[cellIndex];
    this.heatmap.highlightCell(cell ? cell.row : null, cell?.col);
  }

  /** Removes the panel's views. */
  destroy(): void { this.heatmap.destroy(); }
}
