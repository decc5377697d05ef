/**
 * The width map of the linear2 page (Theorem 4.1's regime table, docs/theory.md §2): the kernel distance S at t = tEnd
 * over (hidden width h, δ) for the page's data, one ensemble per h (h = 1 … min(32, 2·max(d, c))), at the grid's smallest
 * τ and first seed, with uniform or mixed-sign δ_k (the params' deltaSigns). Narrowing nets (d > c) with
 * min(d, c) ≤ h < max(d, c) are lazy (small S) for δ ≫ 0, widening ones (d < c) for δ ≪ 0; h ≥ max(d, c) is lazy at
 * large |δ| and rich near δ = 0; mixed-sign δ_k is delayed rich. Computed on demand, column by column, on the
 * page's backend (beta-flow runs as rk4 here: Δ is not δI for every h).
 */
import { interpolateMagma } from 'd3-scale-chromatic';
import { createHeatmap, type Heatmap } from '../../../views/heatmap.ts';
import { buildLinear2Experiment, type Linear2AppParams } from './experiment.ts';
import { InitialKernels, networkMetrics } from './metrics.ts';
import { panelFrame } from './panels.ts';
import type { Linear2Stepper } from './cpuBackend.ts';
import type { Linear2Experiment } from './experiment.ts';

/** Steps per advance of a width-map ensemble (between cancellation checks). */
const CHUNK = 2000;

/** The h values of the map for d, c. */
export function widthValues(d: number, c: number): number[] {
  return Array.from({ length: Math.min(32, 2 * Math.max(d, c)) }, (_, k) => k + 1);
}

/** The params of the width map's ensemble at width h: one τ (the smallest), one seed, grid init, rk4 for beta-flow. */
export function widthParams(p: Linear2AppParams, h: number): Linear2AppParams {
  return { ...p, h, tauCount: 1, logTauMax: p.logTauMin, seeds: 1, init: 'grid', method: p.method === 'beta-flow' ? 'rk4' : p.method };
}

/**
 * Computes S at tEnd for every (δ, h) cell, column by column. Values are rows = δ, cols = h, row-major; NaN until computed.
 * @param onColumn after each column. @param signal aborts between chunks (rejects with its reason).
 */
export async function computeWidthMap(
  p: Linear2AppParams, factory: (e: Linear2Experiment) => Linear2Stepper, onColumn: (values: Float32Array, done: number) => void, signal: AbortSignal,
): Promise<Float32Array> {
  const hs = widthValues(p.d, p.c);
  const rows = p.deltaCount, cols = hs.length;
  const values = new Float32Array(rows * cols).fill(NaN);
  for (let col = 0; col < cols; col++) {
    signal.throwIfAborted();
    const e = buildLinear2Experiment(widthParams(p, hs[col]));
    const backend = factory(e);
    try {
      while (backend.stepCount < e.endStep) {
        signal.throwIfAborted();
        await backend.advance(Math.min(CHUNK, e.endStep - backend.stepCount));
      }
      const { states, diverged } = await backend.readStates();
      const kernels = new InitialKernels(e);
      states.forEach((s, i) => {
        const m = networkMetrics(e, i, s, diverged[i], kernels.get(i));
        values[e.networks[i].row * cols + col] = diverged[i] ? NaN : m.kernelDistance;
      });
    } finally {
      backend.destroy();
    }
    onColumn(values, col + 1);
  }
  return values;
}

/** The panel: a heatmap over (h, δ) with a compute button and a caption. */
export class WidthMapPanel {
  readonly heatmap: Heatmap;
  private readonly caption: HTMLElement;
  private readonly button: HTMLButtonElement;
  private abort: AbortController | null = null;
  private params: Linear2AppParams | null = null;
  /** Columns computed of the current map (tests read it). */
  done = 0;

  constructor(host: HTMLElement, private readonly factory: () => (e: Linear2Experiment) => Linear2Stepper, onPng: () => void) {
    const f = panelFrame(host, 'Width map (Theorem 4.1)', onPng);
    this.button = Object.assign(document.createElement('button'), { type: 'button', textContent: 'compute', id: 'l2-width-run', title: 'run one ensemble per width h to t = tEnd' });
    this.button.addEventListener('click', () => { if (this.params) this.start(this.params); });
    f.head.insertBefore(this.button, f.head.lastChild);
    f.body.id = 'l2-width-map';
    this.caption = f.caption;
    this.heatmap = createHeatmap(f.body, { title: '', height: 280 });
  }

  /** Shows the (empty) map of params p and cancels a running computation. */
  reset(p: Linear2AppParams): void {
    this.abort?.abort(new Error('width map replaced'));
    this.abort = null;
    this.params = p;
    this.done = 0;
    const hs = widthValues(p.d, p.c);
    this.heatmap.setAxes({
      x: { label: 'h  (hidden width)', values: hs, scale: 'linear' },
      y: { label: `δ${p.deltaSigns === 'mixed' ? ' (δ_k = ±δ)' : ''}`, values: Array.from({ length: p.deltaCount }, (_, k) => (p.deltaCount === 1 ? p.deltaMin : p.deltaMin + ((p.deltaMax - p.deltaMin) * k) / (p.deltaCount - 1))), scale: 'linear' },
    });
    this.draw(new Float32Array(p.deltaCount * hs.length).fill(NaN), 0);
  }

  /** Starts computing the map of p (one ensemble per h). */
  start(p: Linear2AppParams): void {
    this.reset(p);
    const abort = new AbortController();
    this.abort = abort;
    this.button.disabled = true;
    computeWidthMap(p, this.factory(), (v, done) => { if (this.abort === abort) this.draw(v, done); }, abort.signal)
      .catch((e: unknown) => { if (!abort.signal.aborted) this.caption.textContent = `Width map failed: ${e instanceof Error ? e.message : String(e)}`; })
      .finally(() => { if (this.abort === abort) this.button.disabled = false; });
  }

  private draw(values: Float32Array, done: number): void {
    const p = this.params!;
    const cols = widthValues(p.d, p.c).length;
    this.done = done;
    this.heatmap.setColor({ title: 'kernel distance S', interpolator: (x) => interpolateMagma(0.12 + 0.86 * x), scale: 'linear', domain: 'auto' });
    this.heatmap.setTitle(`S at t = ${p.tEnd} over (h, δ), d = ${p.d}, c = ${p.c}, ${p.deltaSigns} δ_k, τ = ${(10 ** p.logTauMin).toPrecision(2)}`);
    this.heatmap.update(values, p.deltaCount, cols);
    const shape = p.d > p.c ? `narrowing (d = ${p.d} > c = ${p.c}): for ${p.c} ≤ h < ${p.d} expect lazy (small S) at δ ≫ 0`
      : p.d < p.c ? `widening (d = ${p.d} < c = ${p.c}): for ${p.d} ≤ h < ${p.c} expect lazy (small S) at δ ≪ 0` : `square (d = c = ${p.d})`;
    this.caption.textContent = `${done}/${cols} widths computed${done < cols && this.abort ? ' …' : done === 0 ? ' (press compute)' : ''}. ${shape}; `
      + `h ≥ ${Math.max(p.d, p.c)}: lazy at large |δ|, rich near δ = 0; mixed-sign δ_k: delayed rich.`;
    this.caption.dataset.done = String(done);
  }

  /** Stops a running computation. */
  destroy(): void { this.abort?.abort(new Error('width map closed')); this.heatmap.destroy(); }
}
