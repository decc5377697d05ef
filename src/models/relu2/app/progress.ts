/**
 * The run bar of the relu2 app: run / cancel / resume buttons, a progress bar and one status line
 * (batch, step, throughput, time left, projected total). Formatting is pure and unit-tested.
 */
import type { Relu2Experiment } from '../grid.ts';
import type { RunProgress } from '../runner.ts';

/** "0.4 s", "45 s", "3 min 20 s", "2 h 05 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${String(s).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "950", "12.3 k", "4.5 M", "1.2 G". */
export function formatRate(x: number): string {
  if (x < 1e3) return x.toFixed(x < 10 ? 1 : 0);
  if (x < 1e6) return `${(x / 1e3).toFixed(1)} k`;
  if (x < 1e9) return `${(x / 1e6).toFixed(1)} M`;
  return `${(x / 1e9).toFixed(1)} G`;
}

const STATE_TEXT: Record<RunProgress['state'], string> = {
  idle: 'ready', running: 'running', cancelled: 'cancelled — resume continues from here', done: 'done', error: 'failed',
};

/** The status line, e.g. "running · batch 3/9 · step 4,000/10,000 · 90 network-steps/s · ETA 3 min 10 s · projected 5 min" (+ "reading checkpoint metrics …" during a metrics pass). */
export function formatProgress(p: RunProgress): string {
  const parts = [STATE_TEXT[p.state]];
  if (p.batches > 1) parts.push(`batch ${Math.min(p.batch + 1, p.batches)}/${p.batches}`);
  parts.push(`step ${p.step.toLocaleString('en')}/${p.lastStep.toLocaleString('en')}`);
  parts.push(`${(100 * p.fraction).toFixed(p.fraction < 0.1 ? 1 : 0)} %`);
  if (p.networkStepsPerSecond > 0) parts.push(`${formatRate(p.networkStepsPerSecond)} network-steps/s`);
  parts.push(`elapsed ${formatDuration(p.elapsedSeconds)}`);
  if (p.state !== 'done' && p.etaSeconds !== null) {
    parts.push(`ETA ${formatDuration(p.etaSeconds)}`, `projected total ${formatDuration(p.elapsedSeconds + p.etaSeconds)}`);
  } else if (p.state === 'running') {
    parts.push('ETA after the first chunk');
  }
  if (p.state === 'running' && p.phase === 'metrics') parts.push('reading checkpoint metrics (kernel distance)');
  if (p.error) parts.push(p.error);
  return parts.join(' · ');
}

/** One-line description of an experiment for the summary row. */
export function describeExperiment(e: Relu2Experiment, adapter: string): string {
  const p = e.params;
  const shape = e.kind === 'fig1a' ? 'the 4 Fig. 1a settings' : `${e.cols} τ × ${e.rows} ${e.shapeKind === 'delta' ? 'δ' : 'α'}`;
  const data = e.dataName ? `uploaded ${e.dataName} (d = ${e.d}, n = ${e.n}${e.nTest ? `, ${e.nTest} test` : ''})`
    : p.data === 'xor' ? `XOR clusters (x₁, x₂, 1), n = ${e.n}, ${e.nTest} test`
      : `teacher m₀ = ${p.m0}, d = ${e.d}, n = ${e.n}, ${e.nTest} test`;
  const eta = p.etaScale ? `η = ${p.etaBase}/τ²` : `η = ${p.etaBase}`;
  const last = e.checkpoints[e.checkpoints.length - 1];
  const batch = e.batches.length > 1 ? ` · ${e.batches.length} batches of ≤ ${(e.batches[0].end - e.batches[0].start) * e.seeds.length}` : '';
  return `${e.networkCount.toLocaleString('en')} networks = ${shape} × ${e.seeds.length} seed${e.seeds.length > 1 ? 's' : ''} · m = ${e.m} `
    + `${p.activation === 'leaky' ? `leaky ReLU (${p.slope})` : 'ReLU'} · ${data} · ${eta} · ${last.toLocaleString('en')} GD steps, `
    + `${e.checkpoints.length} checkpoints${batch} · ${adapter}`;
}

/** Handlers of the run bar's buttons. */
export interface RunBarActions { run(): void; cancel(): void; resume(): void }

/** The run bar DOM. */
export class RunBar {
  private readonly fill: HTMLElement;
  private readonly status: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly buttons: Record<'run' | 'cancel' | 'resume', HTMLButtonElement>;

  constructor(host: HTMLElement, actions: RunBarActions) {
    host.classList.add('r2-run');
    const row = document.createElement('div');
    row.className = 'r2-run-row';
    const button = (id: string, text: string, title: string, fn: () => void) => {
      const b = Object.assign(document.createElement('button'), { id, type: 'button', textContent: text, title });
      b.addEventListener('click', fn);
      return b;
    };
    this.buttons = {
      run: button('r2-run-btn', '▶ run from start', 'rebuild the networks at θ₀ and run every batch', actions.run),
      cancel: button('r2-cancel-btn', '■ cancel', 'stop at the next chunk; the GPU state is kept', actions.cancel),
      resume: button('r2-resume-btn', '⟳ resume', 'continue the cancelled run', actions.resume),
    };
    const bar = document.createElement('div');
    bar.className = 'r2-bar';
    bar.setAttribute('role', 'progressbar');
    this.fill = document.createElement('div');
    this.fill.className = 'r2-bar-fill';
    bar.append(this.fill);
    row.append(this.buttons.run, this.buttons.cancel, this.buttons.resume, bar);
    this.status = Object.assign(document.createElement('div'), { id: 'r2-status', className: 'r2-status' });
    this.status.setAttribute('aria-live', 'polite');
    this.summary = Object.assign(document.createElement('div'), { id: 'r2-summary', className: 'r2-summary' });
    host.append(row, this.status, this.summary);
  }

  /** Shows a progress snapshot and enables the buttons that apply. */
  update(p: RunProgress): void {
    this.fill.style.width = `${(100 * p.fraction).toFixed(2)}%`;
    this.fill.dataset.state = p.state;
    this.fill.parentElement?.setAttribute('aria-valuenow', (100 * p.fraction).toFixed(1));
    this.status.textContent = formatProgress(p);
    this.status.dataset.state = p.state;
    this.status.dataset.phase = p.phase ?? '';
    this.buttons.cancel.disabled = p.state !== 'running';
    this.buttons.resume.disabled = p.state !== 'cancelled' && p.state !== 'error';
  }

  /** Sets the experiment summary line. */
  describe(text: string): void { this.summary.textContent = text; }
}
