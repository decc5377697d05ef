/**
 * Runs an mlp config (issue 14 item 6) and shapes its output: the data is generated (data.ts), every network's θ₀ built
 * (init.ts heInit with its α and seed, or the explicit weights), the backend advanced checkpoint by checkpoint, and the
 * metrics recorded. Output: { model, backend, adapter, layers, loss, checkpoints, …, networks: [ { alpha?, tau, seed?,
 * trainSize, trainLoss[], trainAccuracy[], testLoss[], testAccuracy[], kernelDistance[], hamming[], paramDistance[],
 * diverged } ] } in init order; values that are not finite (test metrics without a test set) are written as null.
 */
import type { CliRunOptions, ModelBackend, ResultDocument } from '../plugin.ts';
import type { MlpConfig, PlannedMlp } from './config.ts';
import { MlpCpuBackend, type MlpJob, type MlpRecord } from './cpu.ts';
import { explicitDataset, modularDataset, rhmDataset, type MlpDataset } from './data.ts';
import { heInit } from './init.ts';
import { mlpGpuJobOf } from './gpuJob.ts';

/** Adapter name written for the CPU backend. */
export const MLP_CPU_ADAPTER = 'cpu (f64 reference)';

/** The metric arrays of one output entry, over the checkpoints. */
export const MLP_SERIES = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'kernelDistance', 'hamming', 'paramDistance'] as const;

/** One network of the output. */
export type MlpNetworkOutput = { alpha?: number; tau: number; seed?: number; trainSize: number; diverged: boolean }
  & Record<(typeof MLP_SERIES)[number], (number | null)[]>;

/** The data set of a validated config. */
export function buildMlpData(cfg: MlpConfig): MlpDataset {
  const d = cfg.data;
  if (d.kind === 'rhm') return rhmDataset(d.rhm, d.train, d.test);
  if (d.kind === 'modular') return modularDataset(d.modular);
  return explicitDataset(d.X, d.labels, cfg.arch.layers[cfg.arch.layers.length - 1], d.Xtest, d.labelsTest);
}

/** The job of networks [start, end) of a validated config, on its data. */
export function buildMlpJob(cfg: MlpConfig, data: MlpDataset, start = 0, end = cfg.networks.length): MlpJob {
  const networks = cfg.networks.slice(start, end).map((n, k) => ({
    theta0: n.theta0 ?? heInit(cfg.arch, n.seed!, n.alpha!, cfg.scaleReadout),
    tau: n.tau, trainSize: n.trainSize, samplerSeed: n.seed ?? start + k,
  }));
  return {
    arch: cfg.arch, loss: cfg.loss, optimizer: cfg.optimizer, totalSteps: cfg.steps, bound: cfg.bound,
    batchSize: cfg.batchSize, probe: cfg.probe, data, networks,
  };
}

/** Where a run's networks train: the backend, the adapter's name and what closes the run (a device it opened). */
export interface MlpBackendRun { backend: ModelBackend<MlpRecord>; adapter: string; close(): void }

/**
 * The backend of a job, shared by the CLI and the app (app/experiment.ts): 'cpu' is the f64 MlpCpuBackend; 'gpu' the
 * ensemble trainer of src/models/mlp/gpu/ (float32) with the same θ₀, lr ÷ τ² and minibatch rows (gpuJob.ts), on
 * options.ctx when given (else it opens a device and closes it with the run), with the kernel by adapter
 * (MlpGpuBackend.create: 'direct' on a software adapter, 'tiled' on a GPU).
 * @throws DeviceLimitError / Error naming the field when the job does not fit the device or the GPU trainer's limits.
 */
export async function createMlpBackend(job: MlpJob, kind: 'gpu' | 'cpu', options: Pick<CliRunOptions, 'ctx'> = {}): Promise<MlpBackendRun> {
  if (kind === 'cpu') return { backend: new MlpCpuBackend(job), adapter: MLP_CPU_ADAPTER, close() {} };
  const { initGpu, releaseGpu } = await import('../../gpu/device.ts');
  const { MlpGpuBackend } = await import('./gpu/index.ts');
  const gpuJob = mlpGpuJobOf(job);
  const ctx = options.ctx ?? await initGpu();
  try {
    const backend = await MlpGpuBackend.create(ctx, gpuJob);
    return { backend: backend as unknown as ModelBackend<MlpRecord>, adapter: ctx.adapterName, close: () => { if (!options.ctx) releaseGpu(ctx); } };
  } catch (e) {
    if (!options.ctx) releaseGpu(ctx);
    throw e;
  }
}

/** The output entries of planned networks, with empty series (filled checkpoint by checkpoint). */
export function emptyMlpEntries(planned: readonly PlannedMlp[]): MlpNetworkOutput[] {
  return planned.map((n) => ({
    ...(n.alpha !== undefined ? { alpha: n.alpha } : {}), tau: n.tau, ...(n.seed !== undefined ? { seed: n.seed } : {}),
    trainSize: n.trainSize, diverged: false,
    trainLoss: [], trainAccuracy: [], testLoss: [], testAccuracy: [], kernelDistance: [], hamming: [], paramDistance: [],
  }));
}

/** The result document's header of a run (the CLI's output and the app's JSON export). */
export function mlpHeader(cfg: MlpConfig, backendKind: 'gpu' | 'cpu', adapter: string, data: MlpDataset): Record<string, unknown> & { model: 'mlp' } {
  return {
    model: 'mlp' as const, backend: backendKind, adapter, layers: cfg.arch.layers, bias: cfg.arch.bias, loss: cfg.loss,
    optimizer: cfg.optimizer, batchSize: cfg.batchSize ?? 'full', steps: cfg.steps, checkpoints: cfg.checkpoints, probe: cfg.probe,
    data: { kind: cfg.data.kind, train: data.n, test: data.nTest, inputs: data.inputs, classes: data.classes },
  };
}

/** A metric value as written to the output: null when not finite (no test set, or a diverged NaN). */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Runs networks [start, end) of the config (all by default) and returns the result document.
 * @throws Error naming the field when a GPU run does not fit, AbortError when options.signal aborts.
 */
export async function simulateMlp(cfg: MlpConfig, options: CliRunOptions = {}, start = 0, end = cfg.networks.length): Promise<ResultDocument> {
  const backendKind = options.backend ?? cfg.backend;
  const job = buildMlpJob(cfg, buildMlpData(cfg), start, end);
  const run = await createMlpBackend(job, backendKind, options);
  const { backend } = run;
  const planned = cfg.networks.slice(start, end);
  const entries = emptyMlpEntries(planned);
  const last = cfg.checkpoints[cfg.checkpoints.length - 1];
  const total = last * planned.length;
  try {
    for (const c of cfg.checkpoints) {
      const base = backend.stepCount;
      // Backends report in their own unit (GPU: steps, f64: network-steps): only the fraction done is used.
      const span = (c - base) * planned.length;
      await backend.advance(c - base, (done, of) => options.onProgress?.(base * planned.length + Math.round((span * done) / Math.max(1, of)), total), options.signal);
      const records = await backend.readMetrics(options.signal);
      records.forEach((r, i) => {
        for (const key of MLP_SERIES) entries[i][key].push(finiteOrNull(r[key]));
        entries[i].diverged = r.diverged;
      });
    }
  } finally {
    backend.destroy();
    run.close();
  }
  options.log?.(`mlp: ${planned.length} networks, layers [${cfg.arch.layers.join(', ')}], ${cfg.optimizer.name}, ${backendKind} (${run.adapter})`);
  return {
    header: mlpHeader(cfg, backendKind, run.adapter, job.data),
    entriesKey: 'networks',
    entries,
  };
}
