/**
 * The mlp parameter schema (URL hash, controls, validation) and presets (docs/theory.md §4, issue 14 item 4):
 * the paper's Fig. 6(c) random-hierarchy experiment (full, and reduced to finish within minutes on a laptop GPU) and
 * grokking modular addition with an α-scaled embedding (an MLP, not the paper's transformer). Grid: α list × τ list ×
 * training sizes × seeds seed … seed + seeds − 1 (config.ts order: τ, α, trainSize, seed).
 */
import { ParamError, type EnumField, type Params } from '../../params/schema.ts';
import { MLP_LIMITS } from '../../theory/mlp.ts';
import { MLP_CONFIG_LIMITS } from './config.ts';
import { modularTrainCount } from './data.ts';
import { rhmInputCount, rhmInputSize, rhmRefusal } from './rhm.ts';

type Preset = 'rhm-reduced' | 'rhm-fig6c' | 'grokking' | 'custom';

/** The mlp app's fields. Widths and depth are the trainer's limits (MLP_LIMITS); batch 0 is the full batch. */
export const MLP_SCHEMA = {
  preset: {
    key: 'p', label: 'preset', type: 'enum', default: 'rhm-reduced', options: ['rhm-reduced', 'rhm-fig6c', 'grokking', 'custom'],
    optionLabels: { 'rhm-reduced': 'RHM sample complexity, reduced', 'rhm-fig6c': 'RHM sample complexity, Fig. 6(c)', grokking: 'grokking a + b mod p (MLP)', custom: 'custom' },
  } as EnumField<Preset>,
  task: {
    key: 'task', label: 'data', type: 'enum', default: 'rhm', options: ['rhm', 'modular', 'csv'],
    optionLabels: { rhm: 'random hierarchy model', modular: 'a + b mod p', csv: 'uploaded CSV' },
  } as EnumField<'rhm' | 'modular' | 'csv'>,
  levels: { key: 'L', label: 'RHM levels L', type: 'int', min: 1, max: 9, default: 3 },
  classes: { key: 'nc', label: 'RHM classes n_c', type: 'int', min: 2, max: 512, default: 8 },
  synonyms: { key: 'm', label: 'RHM synonymous rules m', type: 'int', min: 1, max: 512, default: 4 },
  branching: { key: 'sb', label: 'RHM branching s', type: 'int', min: 2, max: 9, default: 2 },
  vocabulary: { key: 'voc', label: 'RHM vocabulary v', type: 'int', min: 2, max: 256, default: 8 },
  testSize: { key: 'nt', label: 'RHM test samples', type: 'int', min: 0, max: 1e6, default: 4096 },
  modulus: { key: 'mp', label: 'modulus p', type: 'int', min: 2, max: MLP_LIMITS.maxWidth / 2, default: 23 },
  trainFraction: { key: 'tf', label: 'training fraction of the p² pairs', type: 'number', min: 0, max: 1, minExclusive: true, default: 0.8 },
  dataSeed: { key: 'ds', label: 'data seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 0 },
  width: { key: 'w', label: 'hidden width', type: 'int', min: 1, max: MLP_LIMITS.maxWidth, default: 64 },
  hidden: { key: 'hl', label: 'hidden layers', type: 'int', min: 0, max: MLP_LIMITS.maxLayers - 1, default: 3 },
  bias: { key: 'bias', label: 'biases', type: 'bool', default: false },
  loss: { key: 'loss', label: 'loss', type: 'enum', default: 'cross-entropy', options: ['cross-entropy', 'mse'] } as EnumField<'cross-entropy' | 'mse'>,
  optimizer: { key: 'opt', label: 'optimiser', type: 'enum', default: 'sgd', options: ['sgd', 'adamw'] } as EnumField<'sgd' | 'adamw'>,
  lr: { key: 'lr', label: 'learning rate η', type: 'number', min: 0, max: 1e3, minExclusive: true, default: 0.03 },
  momentum: { key: 'mu', label: 'SGD momentum μ', type: 'number', min: 0, max: 0.999, default: 0.9 },
  cosine: { key: 'cos', label: 'cosine schedule', type: 'bool', default: true },
  decayFraction: { key: 'df', label: 'cosine decay fraction of the steps', type: 'number', min: 0, max: 1, minExclusive: true, default: 0.8 },
  beta1: { key: 'b1', label: 'AdamW β₁', type: 'number', min: 0, max: 0.9999, default: 0.9 },
  beta2: { key: 'b2', label: 'AdamW β₂', type: 'number', min: 0, max: 0.9999, default: 0.98 },
  weightDecay: { key: 'wd', label: 'AdamW weight decay', type: 'number', min: 0, max: 1e3, default: 1 },
  batchSize: { key: 'bs', label: 'batch size (0: full batch)', type: 'int', min: 0, max: 1e6, default: 128 },
  steps: { key: 'T', label: 'steps', units: 'steps', type: 'int', min: 1, max: MLP_CONFIG_LIMITS.steps, default: 2000 },
  checkpoints: { key: 'ck', label: 'checkpoints (evenly spaced, step 0 included)', type: 'int', min: 2, max: 1000, default: 11 },
  alphas: { key: 'a', label: 'α values (first layer ÷ α)', type: 'vector', min: 1e-6, max: 1e6, default: [0.1, 1, 10], maxLength: 64 },
  taus: { key: 't', label: 'τ values (logits × τ, η ÷ τ²)', type: 'vector', min: 1e-6, max: 1e6, default: [1], maxLength: 64 },
  trainSizes: { key: 'n', label: 'RHM training-set sizes', type: 'vector', min: 1, max: 1e6, default: [256, 1024, 4096], maxLength: 64 },
  seeds: { key: 'sn', label: 'seeds', type: 'int', min: 1, max: 1024, default: 2 },
  seed: { key: 's', label: 'first seed', type: 'int', min: 0, max: 2 ** 31 - 2000, default: 0 },
  scaleReadout: { key: 'ro', label: 'readout × α', type: 'bool', default: true },
  probe: { key: 'P', label: 'NTK probe inputs P', type: 'int', min: 1, max: MLP_LIMITS.maxProbe, default: 32 },
  // Where the page trains (app/backend.ts): auto = GPU trainer on a hardware adapter, f64 CPU on a software one. Not in the CLI config.
  backend: {
    key: 'backend', label: 'backend', type: 'enum', default: 'auto', options: ['auto', 'gpu', 'cpu'],
    optionLabels: { auto: 'auto (GPU; f64 CPU on a software adapter)', gpu: 'GPU trainer (f32)', cpu: 'f64 CPU' },
  } as EnumField<'auto' | 'gpu' | 'cpu'>,
  // View fields (plugin.viewFields): they change what is drawn, never the run.
  metric: {
    key: 'vm', label: 'metric shown', type: 'enum', default: 'testAccuracy',
    options: ['testAccuracy', 'trainAccuracy', 'testLoss', 'trainLoss', 'kernelDistance', 'hamming', 'paramDistance'],
    optionLabels: { testAccuracy: 'test accuracy', trainAccuracy: 'train accuracy', testLoss: 'test loss', trainLoss: 'train loss', kernelDistance: 'kernel distance S(0, t)', hamming: 'Hamming distance', paramDistance: '‖θ − θ₀‖' },
  } as EnumField<'testAccuracy' | 'trainAccuracy' | 'testLoss' | 'trainLoss' | 'kernelDistance' | 'hamming' | 'paramDistance'>,
  at: { key: 'at', label: 'checkpoint shown (−1: latest)', type: 'int', min: -1, max: 1000, default: -1 },
  net: { key: 'net', label: 'chosen network (plan index)', type: 'int', min: 0, max: 1e5 - 1, default: 0 },
  band: { key: 'band', label: 'seed band', type: 'enum', default: 'minmax', options: ['minmax', 'sd'], optionLabels: { minmax: 'min – max over seeds', sd: 'mean ± 1 sd over seeds' } } as EnumField<'minmax' | 'sd'>,
} as const;

/** Fields that only change the view (plugin.viewFields): editing them keeps a preset's name and the run. */
export const MLP_VIEW_FIELDS: ReadonlySet<string> = new Set(['metric', 'at', 'net', 'band']);
/** The schema's type (Params<MlpSchema> is the app's parameter object). */
export type MlpSchema = typeof MLP_SCHEMA;

/**
 * Fig. 6(c)'s shared settings: RHM L = 3, n_c = 8, m = 4, s = 2, v = 8; width 64, 3 hidden layers; SGD 0.9, batch 128,
 * cosine over 80 %. The learning rate is 0.03, not the paper's 6.4 (docs/theory.md §4.1): with He init and a plain
 * readout, 6.4 left every α ≤ 1 network with dead ReLUs and diverged at α = 10 (measured, 2,048 samples, 800 steps).
 */
const FIG6C: Partial<Params<MlpSchema>> = {
  task: 'rhm', levels: 3, classes: 8, synonyms: 4, branching: 2, vocabulary: 8, width: 64, hidden: 3, bias: false,
  loss: 'cross-entropy', optimizer: 'sgd', lr: 0.03, momentum: 0.9, cosine: true, decayFraction: 0.8, batchSize: 128, scaleReadout: true,
};

/**
 * Presets (partial overrides of the defaults). rhm-fig6c: the paper's α list, 6 seeds, 20,000 test samples, training
 * sizes 2⁹ … 2¹⁵; one step budget for every size: 250 epochs of the largest set (64,000 steps; the paper's 250 epochs
 * per size would give smaller sets fewer steps). rhm-reduced: α ∈ {0.1, 1, 10}, 2 seeds, 3 sizes, 2,000 steps.
 * grokking: p = 23, 80 % of the pairs, one hidden layer of 128, AdamW η = 0.01, β = (0.9, 0.98), wd 1, full batch,
 * τ × α grid of the paper's Fig. 12 (τ ∈ {0.5 … 1.5}, α ∈ {0.1 … 10}), 3 seeds, 3,000 steps.
 */
export const MLP_PRESETS: Record<string, Partial<Params<MlpSchema>>> = {
  'rhm-reduced': { ...FIG6C, alphas: [0.1, 1, 10], taus: [1], trainSizes: [256, 1024, 4096], seeds: 2, testSize: 4096, steps: 2000, checkpoints: 11, probe: 32 },
  'rhm-fig6c': {
    ...FIG6C, alphas: [0.03, 0.1, 0.3, 1, 3, 10], taus: [1], trainSizes: [512, 1024, 2048, 4096, 8192, 16384, 32768], seeds: 6,
    testSize: 20000, steps: 64000, checkpoints: 33, probe: 64,
  },
  grokking: {
    task: 'modular', modulus: 23, trainFraction: 0.8, width: 128, hidden: 1, bias: false, loss: 'cross-entropy', optimizer: 'adamw',
    lr: 0.01, beta1: 0.9, beta2: 0.98, weightDecay: 1, batchSize: 0, alphas: [0.1, 0.3, 1, 3, 10], taus: [0.5, 0.75, 1, 1.25, 1.5],
    seeds: 3, steps: 3000, checkpoints: 31, probe: 32, scaleReadout: true,
  },
};

/**
 * Cross-field checks. @throws ParamError naming the field: an impossible RHM (rhmRefusal), RHM samples over half the
 * distinct inputs, training sizes that are not integers, an empty α/τ/size list, probe above the smallest training set,
 * more than 10⁵ networks. The modular task trains on all its training pairs (trainSizes is the RHM's).
 */
export function checkMlpParams(p: Params<MlpSchema>): void {
  for (const f of ['alphas', 'taus', 'trainSizes'] as const) if (p[f].length === 0) throw new ParamError(f, `${MLP_SCHEMA[f].label} (${f}) needs at least one value`);
  let minTrain: number, sizes = 1;
  if (p.task === 'rhm') {
    if (!p.trainSizes.every(Number.isInteger)) throw new ParamError('trainSizes', `training-set sizes (trainSizes) must be integers, got ${p.trainSizes.join(', ')}`);
    const spec = { levels: p.levels, classes: p.classes, synonyms: p.synonyms, branching: p.branching, vocabulary: p.vocabulary, seed: p.dataSeed };
    const why = rhmRefusal(spec);
    if (why) throw new ParamError(why[0], `${MLP_SCHEMA[why[0] as 'levels'].label} (${why[0]}): ${why[1]}`);
    const total = rhmInputCount(spec), need = Math.max(...p.trainSizes) + p.testSize;
    if (need > total / 2) throw new ParamError('trainSizes', `largest training set + test samples = ${need} exceed half of the RHM's ${total} distinct inputs (trainSizes)`);
    if (need * rhmInputSize(spec) > MLP_CONFIG_LIMITS.dataNumbers) throw new ParamError('testSize', `(training + test samples) × input length is over ${MLP_CONFIG_LIMITS.dataNumbers} numbers (testSize)`);
    minTrain = Math.min(...p.trainSizes);
    sizes = p.trainSizes.length;
  } else if (p.task === 'modular') {
    minTrain = modularTrainCount({ p: p.modulus, trainFraction: p.trainFraction, seed: p.dataSeed });
  } else {
    minTrain = Infinity; // csv: the app checks probe against the uploaded rows (app/experiment.ts)
  }
  if (p.probe > minTrain) throw new ParamError('probe', `NTK probe inputs (probe) = ${p.probe} exceed the smallest training set (${minTrain})`);
  const count = p.alphas.length * p.taus.length * p.seeds * sizes;
  if (count > MLP_CONFIG_LIMITS.networks) throw new ParamError('seeds', `${count} networks in the grid (seeds); at most ${MLP_CONFIG_LIMITS.networks}`);
}

/** Checkpoints 0 … T, `count` of them evenly spaced (rounded, duplicates dropped). */
export const evenCheckpoints = (steps: number, count: number): number[] =>
  [...new Set(Array.from({ length: count }, (_, k) => Math.round((k * steps) / (count - 1))))];

/** Explicit data of task 'csv' (the app's upload, app/csv.ts): X [n][d], labels in 0 … classes − 1, optional test rows. */
export interface MlpExplicitData { X: number[][]; labels: number[]; Xtest?: number[][]; labelsTest?: number[]; classes: number }

/**
 * The `lazyrich simulate` config (config.ts) of app params: the seeded RHM (the largest training size + testSize
 * samples), modular data (all its training pairs) or, for task 'csv', the explicit `upload` (every network trains on
 * all its rows); the α × τ × size × seed grid, the optimiser, evenly spaced checkpoints.
 * @throws ParamError naming task when task is 'csv' and no upload is given (a link cannot carry a file).
 */
export function mlpAppConfig(p: Params<MlpSchema>, upload?: MlpExplicitData): Record<string, unknown> {
  if (p.task === 'csv' && !upload) throw new ParamError('task', 'data = "uploaded CSV" (task) needs a file, and a link cannot carry one: upload a CSV in the data folder (columns x_1, …, x_d, label).');
  const classes = p.task === 'rhm' ? p.classes : p.task === 'modular' ? p.modulus : upload!.classes;
  const inputs = p.task === 'rhm' ? p.branching ** p.levels * p.vocabulary : p.task === 'modular' ? 2 * p.modulus : upload!.X[0].length;
  const sizes = p.task === 'rhm' ? p.trainSizes : undefined;
  const data = p.task === 'rhm'
    ? { rhm: { levels: p.levels, classes, synonyms: p.synonyms, branching: p.branching, vocabulary: p.vocabulary, seed: p.dataSeed, train: Math.max(...p.trainSizes), test: p.testSize } }
    : p.task === 'modular' ? { modular: { p: p.modulus, trainFraction: p.trainFraction, seed: p.dataSeed } }
      : { X: upload!.X, labels: upload!.labels, ...(upload!.Xtest?.length ? { Xtest: upload!.Xtest, labelsTest: upload!.labelsTest } : {}) };
  const optimizer = p.optimizer === 'sgd'
    ? { name: 'sgd', lr: p.lr, momentum: p.momentum, ...(p.cosine ? { schedule: 'cosine', decayFraction: p.decayFraction } : {}) }
    : { name: 'adamw', lr: p.lr, betas: [p.beta1, p.beta2], weightDecay: p.weightDecay };
  return {
    model: 'mlp', layers: [inputs, ...Array<number>(p.hidden).fill(p.width), classes], activation: 'relu', bias: p.bias, loss: p.loss,
    data,
    init: { grid: { alpha: [...p.alphas], tau: [...p.taus], seeds: Array.from({ length: p.seeds }, (_, k) => p.seed + k), ...(sizes ? { trainSizes: [...sizes] } : {}), scaleReadout: p.scaleReadout } },
    optimizer, batchSize: p.batchSize === 0 ? 'full' : p.batchSize, steps: p.steps, checkpoints: evenCheckpoints(p.steps, p.checkpoints),
    probe: p.probe,
  };
}
