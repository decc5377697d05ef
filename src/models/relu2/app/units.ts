/**
 * The relu2 app's unit panels (docs/theory.md §3.1, issue 13 item 3): the unit scatter (unitsView.ts) and,
 * for the XOR data, the Fig. 5(a) parity pictures (parityView.ts), for the compared cells (unitsMath.ts
 * peerCells: the selected cell's τ column, downstream to upstream). Everything is computed on the host
 * from the θ read back at each checkpoint (results.params), at the map's checkpoint (−1: the latest).
 */
import { composePng } from '../../../app/download.ts';
import { dataIndexOf, fmt, type Relu2Experiment } from '../grid.ts';
import type { Relu2Results } from '../results.ts';
import { ParityPanel } from './parityView.ts';
import { UnitsScatter, type UnitSeries } from './unitsView.ts';
import { checkpointIndex, networkUnits, parityPlane, peerCells, summarise, type NetworkUnits } from './unitsMath.ts';
import './units.css';

const DEG = 180 / Math.PI;

/** The regime word of a start (docs/theory.md §3.1): δ < 0 downstream, δ > 0 upstream, δ = 0 balanced. */
export function regimeWord(delta: number): string { return delta < 0 ? 'downstream' : delta > 0 ? 'upstream' : 'balanced'; }

/** Both panels. */
export class UnitsPanels {
  private readonly scatter: UnitsScatter;
  private readonly parityHost: HTMLElement;
  private readonly unitsNote: HTMLElement;
  private parity: ParityPanel[] = [];
  private experiment: Relu2Experiment | null = null;
  private cells: number[] = [];
  private selected: number | null = null;

  /** @param units the scatter's section; @param parity the parity pictures' section (hidden unless the data are XOR). */
  constructor(private readonly units: HTMLElement, private readonly paritySection: HTMLElement, onPng: () => void) {
    units.classList.add('r2-panel', 'r2-units');
    paritySection.classList.add('r2-panel', 'r2-parity');
    const head = (title: string) => {
      const h = document.createElement('header');
      const png = Object.assign(document.createElement('button'), { type: 'button', textContent: 'PNG', title: 'save the unit panels as PNG', className: 'r2-png' });
      png.addEventListener('click', onPng);
      h.append(Object.assign(document.createElement('h2'), { textContent: title }), png);
      return h;
    };
    const scatterHost = Object.assign(document.createElement('div'), { id: 'r2-units-scatter' });
    this.unitsNote = Object.assign(document.createElement('p'), { className: 'r2-caption' });
    units.append(head('Each unit: direction vs size (eqs. 9–10)'), scatterHost, this.unitsNote);
    this.scatter = new UnitsScatter(scatterHost);
    this.parityHost = Object.assign(document.createElement('div'), { className: 'r2-parity-row', id: 'r2-parity-row' });
    const parityNote = Object.assign(document.createElement('p'), {
      className: 'r2-caption',
      textContent: 'The input plane (x₁, x₂) of the XOR task, coloured by whether an even (dark) or odd (teal) number of units is '
        + 'active. Colour changes only across a unit\'s boundary w_kᵀx = 0 (lines: blue a_k ≥ 0, red a_k < 0), so the picture '
        + 'shows the network\'s linear pieces. Dots: training points (filled y = +1, hollow y = −1). At t = 0 every boundary is '
        + 'doubled (the symmetrised start pairs the units), so the plane is one colour. The upstream network splits its '
        + 'boundaries and turns them onto the clusters within a few steps; the downstream one keeps them almost where they started.',
    });
    paritySection.append(head('Fig. 5a · parity of the active units, as the networks train'), this.parityHost, parityNote);
    paritySection.hidden = true;
  }

  /** Shows the unit panels of these compared cells (a grid's selected cell, or Fig. 1a's four). */
  show(e: Relu2Experiment, results: Relu2Results, selected: number | null): void {
    this.experiment = e;
    this.selected = selected;
    this.cells = peerCells(e, selected);
    for (const p of this.parity) p.destroy();
    this.parity = [];
    const plane = parityPlane(e);
    this.paritySection.hidden = !plane;
    if (plane) {
      this.parityHost.style.setProperty('--cols', String(Math.max(1, this.cells.length)));
      this.parity = this.cells.map(() => {
        const slot = Object.assign(document.createElement('div'), { className: 'r2-parity-slot' });
        this.parityHost.append(slot);
        return new ParityPanel(slot);
      });
    }
    this.refresh(results, e.params.at);
  }

  /** Redraws at checkpoint `at` (−1: the latest computed), after each checkpoint or a change of the map's checkpoint. */
  refresh(results: Relu2Results, at: number): void {
    const e = this.experiment;
    if (!e) return;
    const seedsText = e.seeds.length > 1 ? `all ${e.seeds.length} seeds` : `seed ${e.seeds[0]}`;
    const compared = e.kind === 'fig1a' ? 'the four Fig. 1a settings' : 'the selected cell and the others of its τ column';
    this.unitsNote.textContent = 'Each dot is one hidden unit (' + seedsText + ') of ' + compared + ', one marker shape each. Left: how far the unit\'s direction β̂_k = w_k/‖w_k‖ has turned since t = 0 (up) '
      + 'against how much its size μ_k = ±|a_k|‖w_k‖ changed (right). Right: how fast each changes now, from eqs. 9–10. Colour: the '
      + 'fraction of training inputs on which the unit switched on or off (its Hamming distance H_k). Upstream (α > 1, δ > 0) units '
      + 'turn fast, and the activation pattern with them, while the parameters barely move (‖θ − θ₀‖/‖θ₀‖ in the legend); downstream '
      + '(α < 1) units keep their direction. Computed on the host from the parameters read back at each checkpoint.';
    if (!this.cells.length) { this.scatter.clear('Click a cell of the regime map to compare its units with the rest of its τ column.'); return; }
    if (!results.params) {
      this.scatter.clear('Unit views are off: the grid is too large to keep every network\'s parameters at every checkpoint.');
      for (const p of this.parity) p.clear('too large to keep');
      return;
    }
    const c = checkpointIndex(e, at);
    const series: UnitSeries[] = [];
    const firstSeed: (NetworkUnits | null)[] = [];
    for (const cell of this.cells) {
      const nets = e.seeds.map((_, s) => networkUnits(e, results, cell, s, c)).filter((n): n is NetworkUnits => n !== null);
      firstSeed.push(nets.find((n) => n.seedIndex === 0) ?? null);
      if (!nets.length) continue;
      const sum = summarise(nets);
      const step = e.checkpoints[Math.min(...nets.map((n) => n.c))];
      series.push({
        label: `${e.cells[cell].short} (${regimeWord(e.cells[cell].delta)})`, selected: cell === this.selected,
        summary: `step ${step.toLocaleString('en')} · mean angle ${(sum.meanAngle * DEG).toFixed(1)}° · ‖θ − θ₀‖/‖θ₀‖ = ${fmt(sum.relParamDistance)} · H = ${fmt(sum.hamming)}`
          + ` · mean |μ̇_k| = ${fmt(sum.muSpeed)}, ‖β̂̇_k‖ = ${fmt(sum.dirSpeed)}`,
        dots: nets.flatMap((n) => Array.from(n.motion.angle, (ang, k) => ({
          moved: [n.motion.radial[k], ang * DEG] as [number, number],
          speed: [Math.abs(n.rates.muDot[k] / n.rates.mu[k]), n.rates.dirSpeed[k]] as [number, number],
          hamming: n.motion.hamming[k],
        }))),
      });
    }
    if (series.length) this.scatter.update(series); else this.scatter.clear('not computed yet');
    const plane = parityPlane(e);
    this.parity.forEach((panel, i) => {
      const cell = e.cells[this.cells[i]], net = firstSeed[i];
      const p = net ? results.params!.get(net.q, net.c) : null;
      if (!net || !p || !plane) { panel.clear('not computed yet', cell.short); return; }
      const data = e.datasets[dataIndexOf(e, 0)];
      panel.update({
        params: p, X: data.X, y: data.y, plane, title: `${cell.short} · ${regimeWord(cell.delta)}`,
        subtitle: `step ${e.checkpoints[net.c].toLocaleString('en')} · H = ${fmt(net.motion.hamming.reduce((s, h) => s + h, 0))} · ‖θ − θ₀‖/‖θ₀‖ = ${fmt(net.motion.relParamDistance)}`,
      });
    });
  }

  /** The parity row (when shown) and the scatter as one PNG. */
  toPng(): Promise<Blob> {
    const rows = [this.paritySection.hidden ? [] : this.parity.map((p) => p.canvas), [this.scatter.canvas]].filter((r) => r.length);
    return composePng(rows);
  }
}
