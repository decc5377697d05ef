/**
 * The mlp app's checkpoint run (src/app/runner.ts RunPlan): one batch holding every network of the experiment (one
 * ensemble), advanced to each checkpoint of the config in turn; at each one the backend's metrics are read into the
 * results (then `after`, e.g. the weight images' read-back). DOM-free, so a unit test runs the app's plan in Node.
 */
import type { RunPlan } from '../../../app/runner.ts';
import type { ModelBackend } from '../../plugin.ts';
import { MlpCpuBackend, type MlpJob, type MlpRecord } from '../cpu.ts';
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

/**
 * The f64 CPU backend as the app's runner needs it: ModelBackend.advance reports (steps done, steps), but
 * MlpCpuBackend.advance reports network-steps (N × steps, what the CLI's progress line counts); the runner multiplies
 * by N itself, so unconverted its rate and ETA were N times off. θ of network i stays readable (`theta`).
 */
export function mlpCpuAppBackend(job: MlpJob): MlpAppBackend & { theta(i: number): Float64Array; readonly count: number } {
  const b = new MlpCpuBackend(job);
  return {
    kind: 'cpu', get stepCount() { return b.stepCount; }, get count() { return b.count; },
    advance: (steps, onProgress, signal) => b.advance(steps, onProgress && ((done, total) => onProgress((done * steps) / Math.max(1, total), steps)), signal),
    readMetrics: (signal) => b.readMetrics(signal),
    theta: (i) => b.theta(i),
    destroy: () => b.destroy(),
  };
}
