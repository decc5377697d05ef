/**
 * The CLI half of the relu2 plugin ({@link ModelCli}, src/models/plugin.ts): the config of config.ts,
 * runs of run.ts (GPU Relu2Sim or the f64 CpuRelu2Backend), and sweep support over the network order of
 * plan.ts (docs/theory.md §3). Progress counts network-steps (networks × GD steps).
 */
import { initGpu } from '../../gpu/device.ts';
import type { CliRunOptions, ModelCli, ResultDocument, SweepSupport } from '../plugin.ts';
import { validateRelu2Config, type Relu2Config } from './config.ts';
import { checkRelu2Entry } from './entryCheck.ts';
import { estimateRelu2Config, relu2ConfigShape, relu2Resources, relu2SizeFields } from './estimate.ts';
import { formatCount } from '../estimate.ts';
import { nodeHostLimits, refuseOverHost } from '../estimateHost.ts';
import { Relu2Plan } from './plan.ts';
import { relu2ConfigHash, relu2Summary, runRelu2Range, runRelu2Simulate, RELU2_CPU_ADAPTER, type Relu2NetworkOutput } from './run.ts';

/** `simulate --help` text of the relu2 model (the full contract is in config.ts). */
export const RELU2_SIMULATE_HELP = `
Model "relu2" (two-layer (leaky) ReLU networks f(x) = Σ_k a_k σ(w_kᵀx), full-batch GD, docs/theory.md §3):
  { "model": "relu2", "activation"?: "relu" | {"leaky": slope},
    "data": {"X": [[…d]…n], "y": [n], "Xtest"?, "ytest"?} | {"teacher": {"seed","d","n","m0","nTest"}},
    "init": {"explicit": [{"W": [[…d]…m], "a": [m]}, …]}
          | {"grid": {"m": even, "tau": [..] | {"from","to","count","log": true},
                      "delta": [..] | {"from","to","count"}   (or "alpha": [..] | {"from","to","count","log"?}),
                      "seeds": [..]}},
    "learningRate": η | {"base": η₀, "scaleByTauSquared": true}   (η = η₀/τ², the paper's rule),
    "checkpoints": [GD step counts, strictly ascending, may include 0], "backend"?: "gpu" | "cpu",
    "record"?: {"units": true} }   (adds every network's W and a at each checkpoint, e.g. for Fig. 1a trails)
  Grid order: network q = (iSeed·#τ + iτ)·#δ + iδ. Teacher data: grid seed s draws its teacher and data
  with seed teacher.seed + s, shared by all (τ, δ) of that seed; its init directions come from s.
  Limits: m ≤ 256, d ≤ 128, n, nTest ≤ 65,536 while the buffers fit the device (exit 2 otherwise; grids
  too large for one device run in chunks with "lazyrich sweep").
  Output (JSON): { model, backend, adapter, configHash, checkpoints[C], networks[N] }, one entry per
  network in init order: tau, delta, alpha, seed (grid only), checkpoints[C], trainLoss[C],
  testLoss[C] (with test data), hamming[C], paramDistance[C], kernelDistance[C], deltaDrift[C],
  W[m][d], a[m] (final), with record.units unitsW[C][m][d] and unitsA[C][m] (the units at each
  checkpoint; the last equals W, a), diverged, stepsTaken. Progress (stderr) counts network-steps.
`;

/** Default chunk size (networks) of a sweep over explicit inits. */
export const DEFAULT_EXPLICIT_CHUNK = 64;

/** One plan per validated config, so the chunks of a sweep share its data sets and init directions. */
const plans = new WeakMap<Relu2Config, Relu2Plan>();
function planOf(cfg: Relu2Config): Relu2Plan {
  let plan = plans.get(cfg);
  if (!plan) plans.set(cfg, plan = new Relu2Plan(cfg));
  return plan;
}

/** The default chunk size of a config: one grid seed's networks (#τ·#(δ|α), sharing one data set), or {@link DEFAULT_EXPLICIT_CHUNK}. */
export function defaultChunkSize(cfg: Relu2Config): number {
  return cfg.init.kind !== 'explicit' ? planOf(cfg).networksPerSeed : DEFAULT_EXPLICIT_CHUNK;
}

/** The header of a relu2 result (simulate output, and each shard's model fields). */
function header(cfg: Relu2Config, backend: 'gpu' | 'cpu', adapter: string): ResultDocument['header'] {
  return { model: 'relu2', backend, adapter, configHash: relu2ConfigHash(cfg), checkpoints: [...cfg.checkpoints] };
}

/**
 * Networks [start, end) of a config's plan on one backend, as a result document (entries in plan order).
 * Uses options.ctx on the GPU, or creates and destroys a device of its own.
 * @throws DeviceLimitError when the range exceeds the device; WebGpuUnavailableError without an adapter;
 *   RangeError for an empty or out-of-range range; the signal's reason when aborted; Error on a device error.
 */
async function runRange(cfg: Relu2Config, start: number, end: number, options: CliRunOptions): Promise<ResultDocument> {
  const backend = options.backend ?? cfg.backend;
  refuseChunk(cfg, end - start, backend);
  const errors: string[] = [];
  const ctx = backend === 'cpu' ? undefined
    : options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  try {
    const networks = await runRelu2Range(planOf(cfg), start, end, { backend, ctx, onProgress: options.onProgress, signal: options.signal });
    if (errors.length > 0) throw new Error(errors.join('; '));
    return { header: header(cfg, backend, ctx ? ctx.adapterName : RELU2_CPU_ADAPTER), entriesKey: 'networks', entries: networks };
  } finally {
    if (ctx && !options.ctx) ctx.device.destroy();
  }
}

/** Largest number of networks whose run (θ₀, data, outputs held whole) fits this host's limits. */
function networksThatFit(cfg: Relu2Config, backend: 'gpu' | 'cpu'): number {
  const limits = nodeHostLimits();
  const one = relu2Resources(relu2ConfigShape(cfg, 1), backend, true, []);
  const data = relu2Resources({ ...relu2ConfigShape(cfg, 0), networks: 0 }, backend, true, []);
  const perNet = Math.max(1, one.heapBytes + one.bufferBytes - data.bufferBytes);
  return Math.max(1, Math.floor(Math.min(0.8 * limits.heapBytes, limits.memoryBytes - data.bufferBytes) / perNet));
}

/**
 * Refuses a sweep chunk of `count` networks whose estimate does not fit this host, before its θ₀ are built.
 * @throws ConfigError at `--chunk` naming the size, the limit and a chunk that fits.
 */
function refuseChunk(cfg: Relu2Config, count: number, backend: 'gpu' | 'cpu'): void {
  const e = relu2Resources(relu2ConfigShape(cfg, count), backend, true, ['--chunk', ...relu2SizeFields(cfg)]);
  refuseOverHost(e, `pass --chunk ${formatCount(networksThatFit(cfg, backend))} or less`);
}

/** Sweep support: the plan's network order (grid: q = (iSeed·#τ + iτ)·#(δ|α) + iδ), chunks of one seed. */
const relu2Sweep: SweepSupport<Relu2Config> = {
  count: (cfg) => cfg.networks,
  defaultChunk: defaultChunkSize,
  configHash: relu2ConfigHash,
  backend: (cfg) => cfg.backend,
  runRange,
  checkEntry: checkRelu2Entry,
  summary: {
    digest: (e) => ({ diverged: (e as Relu2NetworkOutput).diverged, deltaDrift: (e as Relu2NetworkOutput).deltaDrift }),
    lines: (cfg, digests, seconds) => relu2Summary(digests as Pick<Relu2NetworkOutput, 'diverged' | 'deltaDrift'>[], seconds,
      cfg.checkpoints[cfg.checkpoints.length - 1]),
  },
};

/** The relu2 plugin's CLI half: `simulate` of every network in one run, `sweep` / `merge` in shards. */
export const relu2Cli: ModelCli<Relu2Config> = {
  help: RELU2_SIMULATE_HELP,
  progressUnit: 'network-steps',
  parseConfig: validateRelu2Config,
  estimate: (cfg) => estimateRelu2Config(cfg),
  async simulate(cfg, options) {
    // simulate holds every network's output until the end: refuse a grid that cannot fit (issue 11 defect 3)
    refuseOverHost(estimateRelu2Config(cfg, options.backend ?? cfg.backend),
      `run it in chunks with lazyrich sweep (--chunk ${formatCount(networksThatFit(cfg, options.backend ?? cfg.backend))} fits)`);
    const { output } = await runRelu2Simulate(cfg, options);
    const { networks, ...head } = output;
    return { header: head, entriesKey: 'networks', entries: networks };
  },
  sweep: relu2Sweep,
};
