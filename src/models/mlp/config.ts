/**
 * The `simulate` config of the mlp model (issue 14 item 6), validated before anything is allocated: every error is a
 * ConfigError whose message starts with the JSON path (config.layers[2], config.data.rhm.synonyms).
 *
 *     { "model": "mlp", "layers": [d_0, …, d_L], "activation": "relu", "bias": false, "loss": "cross-entropy" | "mse",
 *       "data": { "X": [n][d_0], "labels": [n], "Xtest"?: [..][d_0], "labelsTest"?: [..] }
 *             | { "rhm": { "levels", "classes", "synonyms", "branching", "vocabulary", "seed", "train", "test" } }
 *             | { "modular": { "p", "trainFraction", "seed" } },
 *       "init": { "explicit": [ { "weights": [L][out][in], "biases"?: [L][out] } ] }
 *             | { "grid": { "alpha": [..], "seeds": [..], "tau"?: [..], "trainSizes"?: [..], "scaleReadout"?: true } },
 *       "optimizer": { "name": "sgd", "lr", "momentum"?: 0, "schedule"?: "cosine", "decayFraction"?: 1 }
 *                  | { "name": "adamw", "lr", "betas": [β₁, β₂], "weightDecay" },
 *       "batchSize": b | "full", "steps": T, "checkpoints": [..], "probe"?: P, "bound"?: 1e6, "backend"?: "cpu" | "gpu" }
 *
 * Grid order (init order = output order): τ outermost, then α, then trainSize, then seed. Explicit weights are used as
 * given (α = τ = 1, no scaling). Limits: 1..6 weight layers, widths 1..512 (MLP_LIMITS), probe P ≤ min(256, trainSize),
 * at most 10⁵ networks, 10⁷ steps, 10⁷ RHM train (or test) samples, 2²⁵ data numbers and 2²⁸ network-parameters.
 */
import { ConfigError, arr, describeValue, finite, float32, integer, obj, oneOf, positive, required } from '../../cli/validate.ts';
import { MLP_LIMITS, mlpLayout, type MlpArch, type MlpLoss } from '../../theory/mlp.ts';
import type { MlpOptimizer } from '../../theory/mlpOptim.ts';
import { modularTrainCount, type ModularSpec } from './data.ts';
import { rhmInputCount, rhmInputSize, rhmRefusal, type RhmSpec } from './rhm.ts';

/** The data of a config, not yet generated (data.ts builds it in the run). */
export type MlpDataSpec =
  | { kind: 'explicit'; X: number[][]; labels: number[]; Xtest: number[][]; labelsTest: number[] }
  | { kind: 'rhm'; rhm: RhmSpec; train: number; test: number }
  | { kind: 'modular'; modular: ModularSpec };

/** One planned network: grid fields (absent α and seed for explicit inits), or explicit θ₀ in mlpLayout's order. */
export interface PlannedMlp { alpha?: number; tau: number; seed?: number; trainSize: number; theta0?: Float64Array }

/** A validated config. */
export interface MlpConfig {
  arch: MlpArch;
  loss: MlpLoss;
  data: MlpDataSpec;
  /** Training rows and test rows the data will have. */
  trainRows: number; testRows: number;
  networks: PlannedMlp[];
  scaleReadout: boolean;
  optimizer: MlpOptimizer;
  /** Minibatch size; null is the full batch. */
  batchSize: number | null;
  steps: number;
  checkpoints: number[];
  probe: number;
  bound: number;
  backend: 'gpu' | 'cpu';
}

/** Largest number of networks, steps, RHM train or test samples, data numbers, and network-parameters (networks × |θ|) of one config. */
export const MLP_CONFIG_LIMITS = { networks: 1e5, steps: 1e7, samples: 1e7, dataNumbers: 2 ** 25, networkParams: 2 ** 28 } as const;

const fmt = (x: number) => x.toLocaleString('en');

function matrix(v: unknown, path: string, rows: number | null, cols: number): number[][] {
  const a = arr(v, path, `an array of rows of ${cols} numbers`);
  if (rows !== null && a.length !== rows) throw new ConfigError(path, `expected ${rows} rows, got ${a.length}`);
  return a.map((row, i) => {
    const r = arr(row, `${path}[${i}]`, `a row of ${cols} numbers`);
    if (r.length !== cols) throw new ConfigError(`${path}[${i}]`, `expected ${cols} entries, got ${r.length}`);
    return r.map((x, j) => float32(x, `${path}[${i}][${j}]`));
  });
}

function labelList(v: unknown, path: string, n: number, classes: number): number[] {
  const a = arr(v, path, `an array of ${n} class indices`);
  if (a.length !== n) throw new ConfigError(path, `expected ${n} labels (one per row), got ${a.length}`);
  return a.map((y, i) => {
    const k = integer(y, `${path}[${i}]`, 0);
    if (k >= classes) throw new ConfigError(`${path}[${i}]`, `label ${k} is not a class of the readout (layers[L] = ${classes})`);
    return k;
  });
}

const intIn = (v: unknown, path: string, min: number, max: number): number => {
  const k = integer(v, path, min);
  if (k > max) throw new ConfigError(path, `expected an integer ≤ ${fmt(max)}, got ${k}`);
  return k;
};

function parseData(v: unknown, d0: number, classes: number): { data: MlpDataSpec; trainRows: number; testRows: number } {
  const o = obj(v, 'config.data', ['X', 'labels', 'Xtest', 'labelsTest', 'rhm', 'modular']);
  if (o.rhm !== undefined) {
    const p = 'config.data.rhm';
    const r = obj(o.rhm, p, ['levels', 'classes', 'synonyms', 'branching', 'vocabulary', 'seed', 'train', 'test']);
    const spec: RhmSpec = {
      levels: intIn(required(r, 'levels', p), `${p}.levels`, 1, 9), classes: intIn(required(r, 'classes', p), `${p}.classes`, 2, 512),
      synonyms: intIn(required(r, 'synonyms', p), `${p}.synonyms`, 1, 512), branching: intIn(required(r, 'branching', p), `${p}.branching`, 2, 9),
      vocabulary: intIn(required(r, 'vocabulary', p), `${p}.vocabulary`, 2, 256), seed: intIn(required(r, 'seed', p), `${p}.seed`, 0, 2 ** 31 - 1),
    };
    const why = rhmRefusal(spec);
    if (why) throw new ConfigError(`${p}.${why[0]}`, why[1]);
    const train = intIn(required(r, 'train', p), `${p}.train`, 1, MLP_CONFIG_LIMITS.samples), test = intIn(required(r, 'test', p), `${p}.test`, 0, MLP_CONFIG_LIMITS.samples);
    const total = rhmInputCount(spec);
    if (train + test > total / 2) {
      throw new ConfigError(`${p}.${test > train ? 'test' : 'train'}`, `train + test = ${fmt(train + test)} samples; at most half of the RHM's ${total < 1e15 ? fmt(total) : total.toExponential(3)} distinct inputs can be drawn`);
    }
    if ((train + test) * rhmInputSize(spec) > MLP_CONFIG_LIMITS.dataNumbers) throw new ConfigError(`${p}.train`, `(train + test) × ${rhmInputSize(spec)} inputs = ${fmt((train + test) * rhmInputSize(spec))} numbers exceed the limit ${fmt(MLP_CONFIG_LIMITS.dataNumbers)}`);
    if (rhmInputSize(spec) !== d0) throw new ConfigError('config.layers[0]', `the RHM's input length s^L·v is ${rhmInputSize(spec)}, but layers[0] = ${d0}`);
    if (spec.classes !== classes) throw new ConfigError('config.layers', `the readout width layers[L] = ${classes} must equal the RHM's n_c = ${spec.classes}`);
    return { data: { kind: 'rhm', rhm: spec, train, test }, trainRows: train, testRows: test };
  }
  if (o.modular !== undefined) {
    const p = 'config.data.modular';
    const m = obj(o.modular, p, ['p', 'trainFraction', 'seed']);
    const spec: ModularSpec = {
      p: intIn(required(m, 'p', p), `${p}.p`, 2, MLP_LIMITS.maxWidth / 2),
      trainFraction: positive(required(m, 'trainFraction', p), `${p}.trainFraction`),
      seed: intIn(required(m, 'seed', p), `${p}.seed`, 0, 2 ** 31 - 1),
    };
    if (spec.trainFraction > 1) throw new ConfigError(`${p}.trainFraction`, `expected a fraction in (0, 1], got ${spec.trainFraction}`);
    if (2 * spec.p !== d0) throw new ConfigError('config.layers[0]', `modular addition's input one-hot(a) ⊕ one-hot(b) has 2p = ${2 * spec.p} entries, but layers[0] = ${d0}`);
    if (spec.p !== classes) throw new ConfigError('config.layers', `the readout width layers[L] = ${classes} must equal p = ${spec.p}`);
    const n = modularTrainCount(spec);
    return { data: { kind: 'modular', modular: spec }, trainRows: n, testRows: spec.p * spec.p - n };
  }
  const n = arr(required(o, 'X', 'config.data'), 'config.data.X', 'an array of rows').length;
  if (n === 0) throw new ConfigError('config.data.X', 'expected at least one row');
  if (n * d0 > MLP_CONFIG_LIMITS.dataNumbers) throw new ConfigError('config.data.X', `${fmt(n * d0)} numbers exceed the limit ${fmt(MLP_CONFIG_LIMITS.dataNumbers)}`);
  const X = matrix(o.X, 'config.data.X', null, d0);
  const labels = labelList(required(o, 'labels', 'config.data'), 'config.data.labels', n, classes);
  if ((o.Xtest === undefined) !== (o.labelsTest === undefined)) throw new ConfigError(o.Xtest === undefined ? 'config.data.Xtest' : 'config.data.labelsTest', 'Xtest and labelsTest go together');
  const Xtest = o.Xtest === undefined ? [] : matrix(o.Xtest, 'config.data.Xtest', null, d0);
  const labelsTest = o.labelsTest === undefined ? [] : labelList(o.labelsTest, 'config.data.labelsTest', Xtest.length, classes);
  return { data: { kind: 'explicit', X, labels, Xtest, labelsTest }, trainRows: n, testRows: Xtest.length };
}

function parseOptimizer(v: unknown): MlpOptimizer {
  const p = 'config.optimizer';
  const name = oneOf(required(obj(v, p, ['name', 'lr', 'momentum', 'schedule', 'decayFraction', 'betas', 'weightDecay']), 'name', p), `${p}.name`, ['sgd', 'adamw'] as const);
  if (name === 'sgd') {
    const o = obj(v, p, ['name', 'lr', 'momentum', 'schedule', 'decayFraction']);
    const momentum = o.momentum === undefined ? 0 : finite(o.momentum, `${p}.momentum`);
    if (momentum < 0 || momentum >= 1) throw new ConfigError(`${p}.momentum`, `expected μ in [0, 1), got ${momentum}`);
    const schedule = o.schedule === undefined ? 'constant' : oneOf(o.schedule, `${p}.schedule`, ['constant', 'cosine'] as const);
    const decayFraction = o.decayFraction === undefined ? 1 : positive(o.decayFraction, `${p}.decayFraction`);
    if (decayFraction > 1) throw new ConfigError(`${p}.decayFraction`, `expected a fraction in (0, 1], got ${decayFraction}`);
    return { name, lr: positive(required(o, 'lr', p), `${p}.lr`), momentum, schedule, decayFraction };
  }
  const o = obj(v, p, ['name', 'lr', 'betas', 'weightDecay']);
  const b = arr(required(o, 'betas', p), `${p}.betas`, 'two numbers [β₁, β₂]');
  if (b.length !== 2) throw new ConfigError(`${p}.betas`, `expected two numbers [β₁, β₂], got ${b.length}`);
  const betas = b.map((x, i) => {
    const y = finite(x, `${p}.betas[${i}]`);
    if (y < 0 || y >= 1) throw new ConfigError(`${p}.betas[${i}]`, `expected a number in [0, 1), got ${y}`);
    return y;
  }) as [number, number];
  const weightDecay = finite(required(o, 'weightDecay', p), `${p}.weightDecay`);
  if (weightDecay < 0) throw new ConfigError(`${p}.weightDecay`, `expected a number ≥ 0, got ${weightDecay}`);
  return { name, lr: positive(required(o, 'lr', p), `${p}.lr`), betas, weightDecay };
}

const positives = (v: unknown, path: string): number[] => {
  const a = arr(v, path, 'a non-empty array of numbers > 0');
  if (a.length === 0) throw new ConfigError(path, 'expected at least one value');
  return a.map((x, i) => positive(x, `${path}[${i}]`));
};

function parseExplicit(v: unknown, arch: MlpArch): Float64Array[] {
  const list = arr(v, 'config.init.explicit', 'an array of { weights }');
  if (list.length === 0) throw new ConfigError('config.init.explicit', 'expected at least one network');
  const { slots, size } = mlpLayout(arch);
  if (list.length * size > MLP_CONFIG_LIMITS.networkParams) throw new ConfigError('config.init.explicit', `${fmt(list.length * size)} parameters exceed the limit ${fmt(MLP_CONFIG_LIMITS.networkParams)}`);
  return list.map((e, i) => {
    const p = `config.init.explicit[${i}]`;
    const eo = obj(e, p, ['weights', 'biases']);
    const W = arr(required(eo, 'weights', p), `${p}.weights`, `${slots.length} matrices (one per layer)`);
    if (W.length !== slots.length) throw new ConfigError(`${p}.weights`, `expected L = ${slots.length} matrices, got ${W.length}`);
    if (eo.biases !== undefined && !arch.bias) throw new ConfigError(`${p}.biases`, 'biases given but config.bias is false');
    const B = eo.biases === undefined ? null : arr(eo.biases, `${p}.biases`, `${slots.length} vectors`);
    if (B && B.length !== slots.length) throw new ConfigError(`${p}.biases`, `expected L = ${slots.length} vectors, got ${B.length}`);
    const theta = new Float64Array(size);
    slots.forEach((s, l) => {
      theta.set(matrix(W[l], `${p}.weights[${l}]`, s.nOut, s.nIn).flat(), s.w);
      if (B) theta.set(matrix([B[l]], `${p}.biases[${l}]`, 1, s.nOut)[0], s.b);
    });
    return theta;
  });
}

/**
 * Validates a parsed config JSON.
 * @throws ConfigError naming the JSON path: shapes and limits (layers, data, labels, weights), the data's sizes against
 *   layers[0] and layers[L], optimiser fields, checkpoints (integers, ascending, ≤ steps), trainSizes and probe.
 */
export function parseMlpConfig(raw: unknown): MlpConfig {
  const o = obj(raw, 'config', ['model', 'layers', 'activation', 'bias', 'loss', 'data', 'init', 'optimizer', 'batchSize', 'steps', 'checkpoints', 'probe', 'bound', 'backend']);
  if (o.model !== undefined && o.model !== 'mlp') throw new ConfigError('config.model', `expected "mlp", got ${describeValue(o.model)}`);
  const layersRaw = arr(required(o, 'layers', 'config'), 'config.layers', 'an array of widths [d_0, …, d_L]');
  if (layersRaw.length < 2 || layersRaw.length > MLP_LIMITS.maxLayers + 1) throw new ConfigError('config.layers', `expected 2 to ${MLP_LIMITS.maxLayers + 1} widths (1 to ${MLP_LIMITS.maxLayers} weight layers), got ${layersRaw.length}`);
  const layers = layersRaw.map((w, i) => intIn(w, `config.layers[${i}]`, 1, MLP_LIMITS.maxWidth));
  if (layers[layers.length - 1] < 2) throw new ConfigError(`config.layers[${layers.length - 1}]`, 'the readout needs at least 2 classes');
  if (o.activation !== undefined) oneOf(o.activation, 'config.activation', ['relu'] as const);
  if (o.bias !== undefined && typeof o.bias !== 'boolean') throw new ConfigError('config.bias', `expected true or false, got ${describeValue(o.bias)}`);
  const arch: MlpArch = { layers, bias: o.bias === true };
  const loss = oneOf(required(o, 'loss', 'config'), 'config.loss', ['cross-entropy', 'mse'] as const);
  const classes = layers[layers.length - 1];
  const { data, trainRows, testRows } = parseData(required(o, 'data', 'config'), layers[0], classes);
  const optimizer = parseOptimizer(required(o, 'optimizer', 'config'));
  const bs = required(o, 'batchSize', 'config');
  const batchSize = bs === 'full' ? null : integer(bs, 'config.batchSize', 1);
  const steps = intIn(required(o, 'steps', 'config'), 'config.steps', 0, MLP_CONFIG_LIMITS.steps);
  const cps = arr(required(o, 'checkpoints', 'config'), 'config.checkpoints', 'an ascending array of step counts');
  if (cps.length === 0) throw new ConfigError('config.checkpoints', 'expected at least one checkpoint');
  const checkpoints = cps.map((c, i) => {
    const k = intIn(c, `config.checkpoints[${i}]`, 0, steps);
    if (i > 0 && k <= (cps[i - 1] as number)) throw new ConfigError(`config.checkpoints[${i}]`, `checkpoints must be strictly ascending (${k} after ${cps[i - 1] as number})`);
    return k;
  });
  const bound = o.bound === undefined ? 1e6 : positive(o.bound, 'config.bound');
  const backend = o.backend === undefined ? 'cpu' : oneOf(o.backend, 'config.backend', ['gpu', 'cpu'] as const);
  const init = obj(required(o, 'init', 'config'), 'config.init', ['explicit', 'grid']);
  const networks: PlannedMlp[] = [];
  let scaleReadout = true;
  if (init.explicit !== undefined) {
    parseExplicit(init.explicit, arch).forEach((theta0) => networks.push({ tau: 1, trainSize: trainRows, theta0 }));
  } else {
    const p = 'config.init.grid';
    const g = obj(required(init, 'grid', 'config.init'), p, ['alpha', 'seeds', 'tau', 'trainSizes', 'scaleReadout']);
    const alphas = positives(required(g, 'alpha', p), `${p}.alpha`);
    const taus = g.tau === undefined ? [1] : positives(g.tau, `${p}.tau`);
    const seeds = arr(required(g, 'seeds', p), `${p}.seeds`, 'an array of integer seeds').map((s, i) => intIn(s, `${p}.seeds[${i}]`, 0, 2 ** 31 - 1));
    if (seeds.length === 0) throw new ConfigError(`${p}.seeds`, 'expected at least one seed');
    const sizes = g.trainSizes === undefined ? [trainRows] : arr(g.trainSizes, `${p}.trainSizes`, 'an array of training-set sizes')
      .map((s, i) => intIn(s, `${p}.trainSizes[${i}]`, 1, trainRows));
    if (sizes.length === 0) throw new ConfigError(`${p}.trainSizes`, 'expected at least one size');
    if (g.scaleReadout !== undefined && typeof g.scaleReadout !== 'boolean') throw new ConfigError(`${p}.scaleReadout`, `expected true or false, got ${describeValue(g.scaleReadout)}`);
    scaleReadout = g.scaleReadout !== false;
    const count = alphas.length * taus.length * seeds.length * sizes.length;
    if (count > MLP_CONFIG_LIMITS.networks) throw new ConfigError(p, `${fmt(count)} networks; at most ${fmt(MLP_CONFIG_LIMITS.networks)} are supported`);
    if (count * mlpLayout(arch).size > MLP_CONFIG_LIMITS.networkParams) throw new ConfigError(p, `${fmt(count)} networks × ${fmt(mlpLayout(arch).size)} parameters exceed the limit ${fmt(MLP_CONFIG_LIMITS.networkParams)}`);
    for (const tau of taus) for (const alpha of alphas) for (const trainSize of sizes) for (const seed of seeds) networks.push({ alpha, tau, seed, trainSize });
  }
  const minTrain = Math.min(...networks.map((n) => n.trainSize));
  const probe = o.probe === undefined ? Math.min(32, minTrain) : intIn(o.probe, 'config.probe', 1, MLP_LIMITS.maxProbe);
  if (probe > minTrain) throw new ConfigError('config.probe', `the probe set is the first P training rows; P = ${probe} is more than the smallest training set (${minTrain})`);
  return { arch, loss, data, trainRows, testRows, networks, scaleReadout, optimizer, batchSize, steps, checkpoints, probe, bound, backend };
}
