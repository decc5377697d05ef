/**
 * The mlp app's exports: CSV of per-network metrics at every recorded checkpoint (one row per network × checkpoint,
 * with α, τ, trainSize, seed), and JSON of the result in the CLI's output shape (run.ts: header, `networks[]` in plan
 * order) plus the `config` that reproduces the run with `lazyrich simulate`. Pure text builders and the downloads.
 */
import { download } from '../../../app/download.ts';
import { MLP_SERIES, type MlpNetworkOutput } from '../run.ts';

/** Columns of the CSV export. */
export const MLP_CSV_COLUMNS = ['network', 'alpha', 'tau', 'trainSize', 'seed', 'step', 'diverged', ...MLP_SERIES] as const;

const cell = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '' : String(x));

/** The CSV text: header {@link MLP_CSV_COLUMNS}, then network-major rows over the recorded checkpoints (empty: not finite / not given). */
export function mlpMetricsCsv(networks: readonly MlpNetworkOutput[], checkpoints: readonly number[]): string {
  const lines = [MLP_CSV_COLUMNS.join(',')];
  networks.forEach((n, i) => {
    for (let c = 0; c < n.trainLoss.length; c++) {
      lines.push([i, cell(n.alpha), cell(n.tau), cell(n.trainSize), cell(n.seed), checkpoints[c], n.diverged ? 1 : 0, ...MLP_SERIES.map((k) => cell(n[k][c]))].join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}

/** Saves the CSV. */
export function downloadCsv(text: string): void { download(new Blob([text], { type: 'text/csv' }), 'lazyrich-mlp-metrics.csv'); }

/** Saves the JSON document. */
export function downloadJson(doc: Record<string, unknown>): void {
  download(new Blob([`${JSON.stringify(doc, null, 1)}\n`], { type: 'application/json' }), 'lazyrich-mlp-results.json');
}
