/**
 * The mlp app's checkpoint run (src/app/runner.ts RunPlan): one batch holding every network of the experiment (one
 * ensemble), advanced to each checkpoint of the config in turn; at each one the backend's metrics are read into the
 * results (then `after`, e.g. the weight images' read-back). DOM-free, so a unit test runs the app's plan in Node.
 */
import type { RunPlan } from '../../../app/runner.ts';
import type { ModelBackend } from '../../plugin.ts';
import type { MlpRecord } from '../cpu.ts';
import type { MlpExperiment } from './experiment.ts';
import type { MlpResults } from './stats.ts';

/** A backend of the app: the ModelBackend, and its adapter's name. */
export type MlpAppBackend = ModelBackend<MlpRecord>;

/** The run plan of experiment `e` storing into `results`. */
export function mlpRunPlan(
  e: MlpExperiment, results: MlpResults, create: () => Promise<MlpAppBackend>,
  after?: (backend: MlpAppBackend, c: number) => Promise<void>,
): RunPlan<MlpAppBackend> {
  const N = e.cfg.networks.length, cps = e.cfg.checkpoints;
  return {
    batches: 1,
    batchSize: () => N,
    checkpoints: cps,
    work: { steps: N * cps[cps.length - 1], metrics: N * cps.length },
    create,
    async record(backend, _b, c, signal) {
      const records = await backend.readMetrics(signal);
      if (c < results.recorded) return; // a redone checkpoint after a cancel: already stored
      results.record(c, records);
      await after?.(backend, c);
    },
  };
}
