/**
 * Downloads of the relu2 app: grid results as JSON and CSV (bodies from results.ts), each carrying the
 * config hash the CLI computes for the same networks (configHash.ts), so a file can be matched to a
 * `lazyrich simulate|sweep` run of its `config`.
 */
import { download } from '../../../app/download.ts';
import { relu2ConfigHashAsync } from '../configHash.ts';
import type { Relu2Results } from '../results.ts';

/** Saves `lazyrich-relu2.json`: params, config and its hash, grid, seed-averaged maps and per-network metrics (results.ts toJson). */
export async function exportResultsJson(results: Relu2Results, adapter: string): Promise<void> {
  const configHash = await relu2ConfigHashAsync(results.experiment.plan.config);
  download(new Blob([JSON.stringify(results.toJson({ adapter, configHash }))], { type: 'application/json' }), 'lazyrich-relu2.json');
}

/** Saves `lazyrich-relu2.csv`: one row per network (plan order) and computed checkpoint, with the config hash. */
export async function exportResultsCsv(results: Relu2Results): Promise<void> {
  const configHash = await relu2ConfigHashAsync(results.experiment.plan.config);
  download(new Blob([results.toCsv(configHash)], { type: 'text/csv' }), 'lazyrich-relu2.csv');
}
