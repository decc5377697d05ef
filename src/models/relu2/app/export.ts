/** Downloads of the relu2 app: grid results as JSON and CSV (bodies from results.ts). */
import { download } from '../../../app/download.ts';
import type { Relu2Results } from '../results.ts';

/** Saves `lazyrich-relu2.json`: params, grid, seed-averaged maps and per-network metrics (results.ts toJson). */
export function exportResultsJson(results: Relu2Results, adapter: string): void {
  download(new Blob([JSON.stringify(results.toJson({ adapter }))], { type: 'application/json' }), 'lazyrich-relu2.json');
}

/** Saves `lazyrich-relu2.csv`: one row per network and computed checkpoint. */
export function exportResultsCsv(results: Relu2Results): void {
  download(new Blob([results.toCsv()], { type: 'text/csv' }), 'lazyrich-relu2.csv');
}
