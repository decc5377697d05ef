/**
 * Downloads of the linear2 app: every network's metrics at the shown time as CSV (one row per network, plan
 * order) and as JSON with the params, the CLI config of the same networks (params.ts linear2AppConfig, so a
 * run set up in the app can go to `lazyrich simulate`) and the recorded singular values of the followed networks.
 */
import { download } from '../../../app/download.ts';
import { linear2AppConfig } from '../params.ts';
import type { Linear2Experiment } from './experiment.ts';
import type { Linear2Metrics, SpectrumHistory } from './metrics.ts';

const METRIC_COLUMNS = ['loss', 'deltaDrift', 'kernelDistance', 'nuclearNorm', 'effectiveRank', 'distStar', 'distFrobenius', 'distNuclear'] as const;

/** CSV text: header, then one row per network: index, δ, τ, seed, init, t, step, the metrics, σ₁ … σ_r, diverged. */
export function linear2Csv(e: Linear2Experiment, metrics: readonly Linear2Metrics[], step: number): string {
  const t = step * e.cfg.step;
  const head = ['network', 'delta', 'tau', 'seed', 'init', 't', 'step', ...METRIC_COLUMNS, ...Array.from({ length: e.r }, (_, k) => `sigma${k + 1}`), 'diverged'];
  const rows = metrics.map((m, i) => {
    const n = e.networks[i];
    return [i, n.delta, n.tau, e.seeds[n.seedIndex], n.init, t, step, ...METRIC_COLUMNS.map((k) => m[k]), ...m.singularValues, m.diverged ? 1 : 0]
      .map((v) => (typeof v === 'number' && !Number.isFinite(v) ? '' : String(v))).join(',');
  });
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

/** The JSON document of {@link exportJson}. */
export function linear2Json(e: Linear2Experiment, metrics: readonly Linear2Metrics[], step: number, history: SpectrumHistory, followed: readonly number[], adapter: string): Record<string, unknown> {
  return {
    model: 'linear2', adapter, params: e.params, config: linear2AppConfig(e.params), t: step * e.cfg.step, step,
    networks: metrics.map((m, i) => ({ ...m, delta: e.networks[i].delta, tau: e.networks[i].tau, seed: e.seeds[e.networks[i].seedIndex], init: e.networks[i].init })),
    history: { times: history.times, followed: followed.map((i) => ({ network: i, singularValues: history.rows.map((row) => Array.from(row.subarray(i * e.r, (i + 1) * e.r))) })) },
  };
}

/** Saves `lazyrich-linear2.csv`. */
export function exportCsv(e: Linear2Experiment, metrics: readonly Linear2Metrics[], step: number): void {
  download(new Blob([linear2Csv(e, metrics, step)], { type: 'text/csv' }), 'lazyrich-linear2.csv');
}

/** Saves `lazyrich-linear2.json`. */
export function exportJson(e: Linear2Experiment, metrics: readonly Linear2Metrics[], step: number, history: SpectrumHistory, followed: readonly number[], adapter: string): void {
  download(new Blob([JSON.stringify(linear2Json(e, metrics, step, history, followed, adapter))], { type: 'application/json' }), 'lazyrich-linear2.json');
}
