/**
 * The relu2 experiment on the shell's runner (src/app/runner.ts): one batch of the experiment per
 * ensemble, its checkpoints read into Relu2Results (metrics, and trails and θ when the experiment keeps them).
 *
 * Step 0: the symmetrised init has f ≡ 0 and θ = θ₀, so the metrics there are exact closed forms
 * (train loss = mean y², test loss = mean y_test², H = S = ‖θ − θ₀‖ = δ drift = 0) and need no GPU pass:
 * the plan's `initial` hook.
 */
import type { Relu2Params } from '../../theory/index.ts';
import type { ProgressCallback } from './sim.ts';
import type { Relu2SimSpec } from './spec.ts';
import { Runner, type RunPlan, type RunnerHooks } from '../../app/runner.ts';
import { batchNetworks, batchSize, batchSpec, totalWork, type Relu2Experiment } from './grid.ts';
import type { NetworkSample, Relu2Results } from './results.ts';

/** The shell runner's progress types, under the names the relu2 views import. */
export type { RunProgress, RunState, RunnerHooks } from '../../app/runner.ts';

/** What the runner needs of an ensemble: Relu2Sim (GPU) and CpuRelu2Backend (f64 fallback) both fit. */
export interface Relu2Backend {
  readonly stepCount: number;
  advance(steps: number, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<void>;
  readMetrics(signal?: AbortSignal): Promise<NetworkSample[]>;
  readParams(): Promise<(Relu2Params & { diverged: boolean })[]>;
  destroy(): void;
}

/** Creates the ensemble of one batch. */
export type Relu2BackendFactory = (spec: Relu2SimSpec) => Promise<Relu2Backend>;

/** The run plan of an experiment: batches, checkpoints, the step-0 closed forms and the checkpoint readback. */
export function relu2Plan(experiment: Relu2Experiment, results: Relu2Results, factory: Relu2BackendFactory): RunPlan<Relu2Backend> {
  const e = experiment;
  const specs = new Map<number, Relu2SimSpec>();
  const specOf = (b: number): Relu2SimSpec => {
    let spec = specs.get(b);
    if (!spec) { specs.clear(); spec = batchSpec(e, b); specs.set(b, spec); }
    return spec;
  };
  return {
    batches: e.batches.length,
    batchSize: (b) => batchSize(e, b),
    checkpoints: e.checkpoints,
    work: totalWork(e),
    create: (b) => factory(specOf(b)),
    async record(backend, b, c, signal) {
      const metrics = await backend.readMetrics(signal);
      const q = batchNetworks(e, b);
      metrics.forEach((m, i) => results.set(q[i], c, m));
      if (results.trails || results.params) {
        (await backend.readParams()).forEach((p, i) => { results.setTrail(q[i], c, p); results.params?.set(q[i], c, p); });
      }
    },
    initial(b, c) { recordInitial(specOf(b), results, batchNetworks(e, b), c); },
  };
}

/** Step-0 metrics and trails from θ₀ (exact for the symmetrised init; see the file comment). */
function recordInitial(spec: Relu2SimSpec, results: Relu2Results, q: readonly number[], c: number): void {
  const meanSquare = (v: ArrayLike<number> | undefined) => {
    if (!v || v.length === 0) return NaN;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    return s / v.length;
  };
  const losses = spec.datasets.map((ds) => ({ train: meanSquare(ds.y), test: meanSquare(ds.ytest) }));
  spec.networks.forEach((net, i) => {
    const l = losses[net.dataIndex];
    results.set(q[i], c, {
      trainLoss: l.train, testLoss: l.test, hamming: 0, paramDistance: 0, kernelDistance: 0, deltaDrift: 0, diverged: false,
    });
    results.setTrail(q[i], c, net.init);
    results.params?.set(q[i], c, net.init);
  });
}

/** The chunked, cancellable, resumable run of one relu2 experiment (the shell's Runner with {@link relu2Plan}). */
export class Relu2Runner extends Runner<Relu2Backend> {
  /** @param factory creates each batch's ensemble (GPU or CPU). */
  constructor(readonly experiment: Relu2Experiment, readonly results: Relu2Results, factory: Relu2BackendFactory, hooks: RunnerHooks = {}) {
    super(relu2Plan(experiment, results, factory), hooks);
  }
}
