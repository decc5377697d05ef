/**
 * The `lazyrich simulate|sweep` config of the relu2 model (the CLI half, cli.ts; docs/theory.md §3): parse and
 * validate JSON into a {@link Relu2Config}. Pure (no GPU, no file system). Each error is one ConfigError
 * whose message starts with the JSON path of the offending field. `?` marks optional fields:
 * ```
 * { "model": "relu2",
 *   "activation"?: "relu" | { "leaky": number },              // default "relu"; leaky slope ≥ 0
 *   "data": { "X": number[n][d], "y": number[n], "Xtest"?: number[nTest][d], "ytest"?: number[nTest] }
 *         | { "teacher": { "seed", "d", "n", "m0", "nTest" } },
 *   "init": { "explicit": [ { "W": number[m][d], "a": number[m] }, ... ] }
 *         | { "grid": { "m": number,                            // even: the symmetrised init of §3
 *                       "tau": number[] | { "from", "to", "count", "log"?: boolean },
 *                       "delta": number[] | { "from", "to", "count" },      // or "alpha" (> 0) instead,
 *                       "seeds": number[] } }                               //  which also takes "log"
 *         | { "points": { "m": number, "settings": [ { "tau", "delta" } | { "tau", "alpha" }, ... ],
 *                         "seeds": number[] } },                            // settings that are no grid
 *   "learningRate": number | { "base": number, "scaleByTauSquared": boolean }, // η per GD step; η = base/τ²
 *   "checkpoints": number[],                                   // GD step counts, strictly ascending, ≥ 0
 *   "backend"?: "gpu" | "cpu",                                 // default "gpu"
 *   "record"?: { "units"?: boolean } }                         // units (W, a) at every checkpoint
 * ```
 * Ranges: {from, to, count} is linspace (from, to inclusive); with "log": true the points are spaced
 * evenly in log (from, to > 0), e.g. τ ∈ {from: 0.1, to: 10^0.3, count: 17, log: true} = numpy's
 * logspace(−1, 0.3, 17) of Fig. 1b.
 * Grid order and seeds (see plan.ts): network q = (iSeed·#τ + iτ)·#(δ|α) + iδ (points: iSeed·#settings
 * + iSetting). Teacher data: grid
 * seed s draws its own teacher and data with seed teacher.seed + s (teacher.seed = 0 reproduces
 * buildRelu2Grid); its init directions come from s. Explicit data: every seed shares the data.
 * Limits: m ≤ 256, d ≤ 128, n and nTest ≤ 65,536 (RELU2_LIMITS; more than 4,096 samples only while the
 * buffers fit the device, checked at run time), at most {@link MAX_RELU2_NETWORKS} networks.
 */
import { arr, ConfigError, describeValue, finite, integer, obj, oneOf, positive, required, vector32, type Obj } from '../../cli/validate.ts';
import { relu2AlphaFromDelta, type Relu2Data, type Relu2Params } from '../../theory/index.ts';
import type { LearningRateSpec, TeacherSpec } from './data.ts';
import { RELU2_LIMITS } from './layout.ts';

/** Largest number of networks one config may describe (a guard against typos; sweeps shard it further). */
export const MAX_RELU2_NETWORKS = 1 << 20;
/** Largest checkpoint, in GD steps (a guard against typos such as 1e12). */
export const MAX_RELU2_STEPS = 1e9;
/** Largest teacher width m0 (the teacher is evaluated on the host). */
export const MAX_TEACHER_UNITS = 4096;
/** Seeds are integers in [0, 2³¹) (src/models/random.ts); teacher.seed + s must stay below this too. */
export const SEED_LIMIT = 2 ** 31;

/** Where the data come from: explicit arrays (one data set) or the seeded teacher of docs/theory.md §3. */
export type Relu2DataSource = { kind: 'explicit'; data: Relu2Data } | { kind: 'teacher'; teacher: TeacherSpec };

/** One (τ, δ|α) setting of a `points` init: exactly one of delta / alpha is set. */
export interface Relu2Setting { tau: number; delta?: number; alpha?: number }

/**
 * How the networks are initialised. Grid: τ × (δ|α), exactly one of deltas / alphas is set. Points: a
 * list of settings that is not a product (e.g. Fig. 1a's four). Both repeat for every seed.
 */
export type Relu2InitSource =
  | { kind: 'explicit'; params: Relu2Params[] }
  | { kind: 'grid'; m: number; taus: number[]; deltas?: number[]; alphas?: number[]; seeds: number[] }
  | { kind: 'points'; m: number; points: Relu2Setting[]; seeds: number[] };

/** A validated relu2 config (all sizes resolved). Checkpoints are GD step counts, not times. */
export interface Relu2Config {
  model: 'relu2';
  /** σ's negative-side slope: 0 for "relu", the given value for { leaky }. */
  slope: number;
  data: Relu2DataSource;
  init: Relu2InitSource;
  learningRate: LearningRateSpec;
  /** GD step counts, strictly ascending integers ≥ 0. */
  checkpoints: number[];
  backend: 'gpu' | 'cpu';
  /** Extra outputs: `units` adds every network's W and a at each checkpoint (Fig. 1a trails). Absent: none. */
  record?: { units: boolean };
  /** Hidden units, inputs, training samples, test samples (0: no test set). */
  m: number;
  d: number;
  n: number;
  nTest: number;
  /** Number of networks (grid: #seeds·#τ·#(δ|α); explicit: the list's length). */
  networks: number;
}

/** A count for messages: grouped digits ("65,536"), exponent form from 1e21 on ("1e+308", not 300 digits). */
const fmt = (x: number) => (Math.abs(x) < 1e21 ? x.toLocaleString('en') : String(x));

function limit(v: number, max: number, path: string, what: string, why: string): void {
  if (v > max) throw new ConfigError(path, `${what} = ${fmt(v)} exceeds the limit of ${fmt(max)} (${why})`);
}

const UNITS_WHY = 'one GPU thread per unit, 256 threads per workgroup';
const INPUTS_WHY = 'a tile of X must fit in 16 KiB of workgroup memory';
const SAMPLES_WHY = 'more than 4,096 only while the buffers fit the device';

/** An n×d matrix given as n rows; d is fixed by the first row unless given. Returns row-major f64. */
function matrix(v: unknown, path: string, d: number | null, maxRows: number, rowsWhat: string): { rows: number; d: number; values: Float64Array } {
  const rows = arr(v, path, `an array of rows (${rowsWhat})`);
  if (rows.length === 0) throw new ConfigError(path, `expected at least one row, got an empty array`);
  limit(rows.length, maxRows, path, rowsWhat, SAMPLES_WHY);
  const first = arr(rows[0], `${path}[0]`, 'an array of numbers');
  const cols = d ?? first.length;
  if (cols === 0) throw new ConfigError(`${path}[0]`, 'expected at least one column (d ≥ 1), got an empty array');
  if (d === null) limit(cols, RELU2_LIMITS.maxInputs, `${path}[0]`, 'd (inputs)', INPUTS_WHY);
  const values = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => values.set(vector32(row, `${path}[${i}]`, cols), i * cols));
  return { rows: rows.length, d: cols, values };
}

function parseData(v: unknown): Relu2DataSource {
  const path = 'config.data';
  const o = obj(v, path, ['X', 'y', 'Xtest', 'ytest', 'teacher']);
  if ('teacher' in o) {
    const other = Object.keys(o).find((k) => k !== 'teacher');
    if (other) throw new ConfigError(`${path}.${other}`, 'give either "teacher" or explicit "X", "y" (with optional "Xtest", "ytest"), not both');
    const tp = `${path}.teacher`;
    const t = obj(o.teacher, tp, ['seed', 'd', 'n', 'm0', 'nTest']);
    const seed = integer(required(t, 'seed', tp), `${tp}.seed`, 0);
    if (seed >= SEED_LIMIT) throw new ConfigError(`${tp}.seed`, `expected an integer < 2³¹, got ${seed}`);
    const d = integer(required(t, 'd', tp), `${tp}.d`, 1);
    limit(d, RELU2_LIMITS.maxInputs, `${tp}.d`, 'd (inputs)', INPUTS_WHY);
    const n = integer(required(t, 'n', tp), `${tp}.n`, 1);
    limit(n, RELU2_LIMITS.maxSamples, `${tp}.n`, 'n (training samples)', SAMPLES_WHY);
    const m0 = integer(required(t, 'm0', tp), `${tp}.m0`, 1);
    limit(m0, MAX_TEACHER_UNITS, `${tp}.m0`, 'm0 (teacher units)', 'the teacher is evaluated on the host');
    const nTest = integer(required(t, 'nTest', tp), `${tp}.nTest`, 0);
    limit(nTest, RELU2_LIMITS.maxSamples, `${tp}.nTest`, 'nTest (test samples)', SAMPLES_WHY);
    return { kind: 'teacher', teacher: { seed, d, n, m0, nTest } };
  }
  const X = matrix(required(o, 'X', path), `${path}.X`, null, RELU2_LIMITS.maxSamples, 'n (training samples)');
  const y = Float64Array.from(vector32(required(o, 'y', path), `${path}.y`, X.rows, 'n'));
  const data: Relu2Data = { d: X.d, X: X.values, y };
  if ((o.Xtest === undefined) !== (o.ytest === undefined)) {
    throw new ConfigError(`${path}.${o.Xtest === undefined ? 'Xtest' : 'ytest'}`, 'missing: give both "Xtest" and "ytest", or neither');
  }
  if (o.Xtest !== undefined) {
    const Xt = matrix(o.Xtest, `${path}.Xtest`, X.d, RELU2_LIMITS.maxSamples, 'nTest (test samples)');
    data.Xtest = Xt.values;
    data.ytest = Float64Array.from(vector32(o.ytest, `${path}.ytest`, Xt.rows, 'nTest'));
  }
  return { kind: 'explicit', data };
}

/**
 * A list of values or a {from, to, count[, log]} range.
 * @param positiveOnly values (and from, to) must be > 0. @param allowLog whether "log" is accepted.
 */
function parseValues(v: unknown, path: string, what: string, positiveOnly: boolean, allowLog: boolean): number[] {
  const check = positiveOnly ? positive : finite;
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ConfigError(path, `expected at least one ${what}, got an empty array`);
    limit(v.length, MAX_RELU2_NETWORKS, path, `the number of ${what} values`, 'MAX_RELU2_NETWORKS');
    return v.map((x, k) => check(x, `${path}[${k}]`));
  }
  if (typeof v !== 'object' || v === null) throw new ConfigError(path, `expected a list of ${what} values or {"from", "to", "count"${allowLog ? ', "log"' : ''}}, got ${describeValue(v)}`);
  const o = obj(v, path, allowLog ? ['from', 'to', 'count', 'log'] : ['from', 'to', 'count']);
  const log = o.log === undefined ? false : o.log;
  if (typeof log !== 'boolean') throw new ConfigError(`${path}.log`, `expected true or false, got ${describeValue(log)}`);
  const from = (log || positiveOnly ? positive : finite)(required(o, 'from', path), `${path}.from`);
  const to = (log || positiveOnly ? positive : finite)(required(o, 'to', path), `${path}.to`);
  const count = integer(required(o, 'count', path), `${path}.count`, 1);
  limit(count, MAX_RELU2_NETWORKS, `${path}.count`, 'count', 'MAX_RELU2_NETWORKS');
  return log ? logRange(from, to, count) : linRange(from, to, count);
}

/** count points from `from` to `to` inclusive, evenly spaced (count = 1: just `from`). */
export function linRange(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (count === 1 ? from : from + ((to - from) * k) / (count - 1)));
}

/** count points from `from` to `to` (> 0) evenly spaced in log₁₀, as numpy's logspace(log10 from, log10 to, count). */
export function logRange(from: number, to: number, count: number): number[] {
  return linRange(Math.log10(from), Math.log10(to), count).map((e) => 10 ** e);
}

function parseInit(v: unknown, data: Relu2DataSource, d: number): Relu2InitSource {
  const path = 'config.init';
  const o = obj(v, path, ['explicit', 'grid', 'points']);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new ConfigError(path, `expected exactly one of "explicit", "grid" or "points", got ${keys.length === 0 ? 'none' : keys.join(' and ')}`);
  if ('explicit' in o) {
    const list = arr(o.explicit, `${path}.explicit`, 'an array of {"W", "a"}');
    if (list.length === 0) throw new ConfigError(`${path}.explicit`, 'expected at least one network, got an empty array');
    limit(list.length, MAX_RELU2_NETWORKS, `${path}.explicit`, 'the number of networks', 'MAX_RELU2_NETWORKS');
    let m = 0;
    const params = list.map((p, k) => {
      const pp = `${path}.explicit[${k}]`;
      const q = obj(p, pp, ['W', 'a']);
      const W = matrix(required(q, 'W', pp), `${pp}.W`, d, RELU2_LIMITS.maxUnits, 'm (hidden units)');
      if (k === 0) m = W.rows;
      else if (W.rows !== m) throw new ConfigError(`${pp}.W`, `expected m = ${m} rows (as config.init.explicit[0].W), got ${W.rows}`);
      const a = Float64Array.from(vector32(required(q, 'a', pp), `${pp}.a`, m, 'm'));
      return { m, d, W: W.values, a };
    });
    return { kind: 'explicit', params };
  }
  if ('points' in o) return parsePoints(o.points, `${path}.points`, data);
  const gp = `${path}.grid`;
  const g = obj(o.grid, gp, ['m', 'tau', 'delta', 'alpha', 'seeds']);
  const m = parseUnits(g, gp);
  const taus = parseValues(required(g, 'tau', gp), `${gp}.tau`, 'τ', true, true);
  if ((g.delta === undefined) === (g.alpha === undefined)) {
    throw new ConfigError(`${gp}.delta`, `expected exactly one of "delta" or "alpha", got ${g.delta === undefined ? 'neither' : 'both'}`);
  }
  const deltas = g.delta === undefined ? undefined : parseValues(g.delta, `${gp}.delta`, 'δ', false, false);
  const alphas = g.alpha === undefined ? undefined : parseValues(g.alpha, `${gp}.alpha`, 'α', true, true);
  const seeds = parseSeeds(g, gp, data);
  const count = seeds.length * taus.length * (deltas ?? alphas!).length;
  if (count > MAX_RELU2_NETWORKS) {
    throw new ConfigError(gp, `${seeds.length} seeds × ${taus.length} τ × ${(deltas ?? alphas!).length} ${deltas ? 'δ' : 'α'} = ${fmt(count)} networks; at most ${fmt(MAX_RELU2_NETWORKS)} are supported`);
  }
  return { kind: 'grid', m, taus, ...(deltas ? { deltas } : { alphas }), seeds };
}

/** The hidden width m of a grid or points init: even (the symmetrised init pairs units), ≤ the limit. */
function parseUnits(g: Obj, gp: string): number {
  const m = integer(required(g, 'm', gp), `${gp}.m`, 2);
  limit(m, RELU2_LIMITS.maxUnits, `${gp}.m`, 'm (hidden units)', UNITS_WHY);
  if (m % 2 !== 0) throw new ConfigError(`${gp}.m`, `expected an even m (the symmetrised init pairs units, docs/theory.md §3), got ${m}`);
  return m;
}

/** The distinct integer seeds of a grid or points init (with teacher.seed added, still < 2³¹). */
function parseSeeds(g: Obj, gp: string, data: Relu2DataSource): number[] {
  const seedList = arr(required(g, 'seeds', gp), `${gp}.seeds`, 'an array of integer seeds');
  if (seedList.length === 0) throw new ConfigError(`${gp}.seeds`, 'expected at least one seed, got an empty array');
  const offset = data.kind === 'teacher' ? data.teacher.seed : 0;
  return seedList.map((s, k) => {
    const sp = `${gp}.seeds[${k}]`;
    const seed = integer(s, sp, 0);
    if (seed + offset >= SEED_LIMIT) {
      throw new ConfigError(sp, offset > 0 ? `seed ${seed} + config.data.teacher.seed ${offset} must be < 2³¹` : `expected an integer < 2³¹, got ${seed}`);
    }
    if (seedList.indexOf(s) !== k) throw new ConfigError(sp, `duplicate seed ${seed} (it would repeat networks)`);
    return seed;
  });
}

/** `init.points`: {m, settings: [{tau, delta} | {tau, alpha}], seeds}. */
function parsePoints(v: unknown, pp: string, data: Relu2DataSource): Relu2InitSource {
  const g = obj(v, pp, ['m', 'settings', 'seeds']);
  const m = parseUnits(g, pp);
  const list = arr(required(g, 'settings', pp), `${pp}.settings`, 'an array of {"tau", "delta"} or {"tau", "alpha"}');
  if (list.length === 0) throw new ConfigError(`${pp}.settings`, 'expected at least one setting, got an empty array');
  const points = list.map((x, k): Relu2Setting => {
    const sp = `${pp}.settings[${k}]`;
    const o = obj(x, sp, ['tau', 'delta', 'alpha']);
    const tau = positive(required(o, 'tau', sp), `${sp}.tau`);
    if ((o.delta === undefined) === (o.alpha === undefined)) {
      throw new ConfigError(`${sp}.delta`, `expected exactly one of "delta" or "alpha", got ${o.delta === undefined ? 'neither' : 'both'}`);
    }
    return o.delta !== undefined ? { tau, delta: finite(o.delta, `${sp}.delta`) } : { tau, alpha: positive(o.alpha, `${sp}.alpha`) };
  });
  const seeds = parseSeeds(g, pp, data);
  if (seeds.length * points.length > MAX_RELU2_NETWORKS) {
    throw new ConfigError(pp, `${seeds.length} seeds × ${points.length} settings = ${fmt(seeds.length * points.length)} networks; at most ${fmt(MAX_RELU2_NETWORKS)} are supported`);
  }
  return { kind: 'points', m, points, seeds };
}

function parseLearningRate(v: unknown, init: Relu2InitSource): LearningRateSpec {
  const path = 'config.learningRate';
  if (typeof v === 'number') return positive(v, path);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ConfigError(path, `expected a number or {"base", "scaleByTauSquared"}, got ${describeValue(v)}`);
  }
  const o = obj(v, path, ['base', 'scaleByTauSquared']);
  const base = positive(required(o, 'base', path), `${path}.base`);
  const scale = required(o, 'scaleByTauSquared', path);
  if (typeof scale !== 'boolean') throw new ConfigError(`${path}.scaleByTauSquared`, `expected true or false, got ${describeValue(scale)}`);
  if (scale && init.kind === 'explicit') throw new ConfigError(`${path}.scaleByTauSquared`, 'η = base/τ² needs τ, which only "grid" and "points" inits have; give a number instead');
  return { base, scaleByTauSquared: scale };
}

function parseCheckpoints(v: unknown): number[] {
  const path = 'config.checkpoints';
  const list = arr(v, path, 'an array of GD step counts');
  if (list.length === 0) throw new ConfigError(path, 'expected at least one checkpoint, got an empty array');
  return list.map((c, k, all) => {
    const step = integer(c, `${path}[${k}]`, 0);
    if (step > MAX_RELU2_STEPS) throw new ConfigError(`${path}[${k}]`, `${fmt(step)} steps exceeds the limit of ${fmt(MAX_RELU2_STEPS)}`);
    if (k > 0 && !(step > (all[k - 1] as number))) throw new ConfigError(`${path}[${k}]`, `checkpoints must be strictly ascending, got ${step} after ${describeValue(all[k - 1])}`);
    return step;
  });
}

function parseActivation(v: unknown): number {
  if (v === undefined || v === 'relu') return 0;
  if (typeof v === 'string') throw new ConfigError('config.activation', `expected "relu" or {"leaky": slope}, got ${describeValue(v)}`);
  const o = obj(v, 'config.activation', ['leaky']);
  const slope = finite(required(o, 'leaky', 'config.activation'), 'config.activation.leaky');
  if (slope < 0) throw new ConfigError('config.activation.leaky', `expected a slope ≥ 0, got ${slope}`);
  return slope;
}

const TOP_KEYS = ['model', 'activation', 'data', 'init', 'learningRate', 'checkpoints', 'backend', 'record'] as const;

/** Most numbers the recorded units of one config may hold (checkpoints × networks × m(d+1)): 64 M, ~1 GB of JSON. */
export const MAX_RECORDED_NUMBERS = 1 << 26;

/**
 * Parses `record` ({"units"?: boolean}); the recorded units must stay below {@link MAX_RECORDED_NUMBERS}.
 * @throws ConfigError naming config.record or config.record.units.
 */
function parseRecord(v: unknown, size: { checkpoints: number; networks: number; m: number; d: number }): { units: boolean } | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, 'config.record', ['units']);
  if (o.units === undefined) return undefined;
  if (typeof o.units !== 'boolean') throw new ConfigError('config.record.units', `expected true or false, got ${describeValue(o.units)}`);
  const numbers = size.checkpoints * size.networks * size.m * (size.d + 1);
  if (o.units && numbers > MAX_RECORDED_NUMBERS) {
    throw new ConfigError('config.record.units', `${size.checkpoints} checkpoints × ${size.networks} networks × m(d+1) = ${size.m * (size.d + 1)} `
      + `is ${numbers.toLocaleString('en')} numbers, above the limit of ${MAX_RECORDED_NUMBERS.toLocaleString('en')}; record fewer checkpoints or networks`);
  }
  return o.units ? { units: true } : undefined;
}

/**
 * Validates a parsed JSON value as a relu2 config (see the module comment for the contract). Fields are
 * checked in the order model, activation, data, init, learningRate, checkpoints, backend, record (unknown keys
 * first at each level).
 * @throws ConfigError naming the JSON path of the first bad field, e.g. `config.init.grid.m: m (hidden
 *   units) = 300 exceeds the limit of 256 (…)`. Device limits (buffer sizes) are checked at run time.
 */
export function validateRelu2Config(raw: unknown): Relu2Config {
  const o: Obj = obj(raw, 'config', TOP_KEYS);
  const model = required(o, 'model', 'config');
  if (model !== 'relu2') throw new ConfigError('config.model', `expected "relu2", got ${describeValue(model)}`);
  const slope = parseActivation(o.activation);
  const data = parseData(required(o, 'data', 'config'));
  const shape = data.kind === 'teacher'
    ? { d: data.teacher.d, n: data.teacher.n, nTest: data.teacher.nTest }
    : { d: data.data.d, n: data.data.y.length, nTest: data.data.ytest?.length ?? 0 };
  const init = parseInit(required(o, 'init', 'config'), data, shape.d);
  const learningRate = parseLearningRate(required(o, 'learningRate', 'config'), init);
  const checkpoints = parseCheckpoints(required(o, 'checkpoints', 'config'));
  const backend = o.backend === undefined ? 'gpu' : oneOf(o.backend, 'config.backend', ['gpu', 'cpu'] as const);
  const m = init.kind === 'explicit' ? init.params[0].m : init.m;
  const networks = init.kind === 'explicit' ? init.params.length : init.seeds.length * settingsOf(init).length;
  const record = parseRecord(o.record, { checkpoints: checkpoints.length, networks, m, d: shape.d });
  checkRunnable(init, learningRate);
  return { model: 'relu2', slope, data, init, learningRate, checkpoints, backend, ...(record ? { record } : {}), m, ...shape, networks };
}

/** Whether x is a positive number float32 (the GPU's precision) holds: not 0, not Infinity there. */
function f32Positive(x: number): boolean {
  const f = Math.fround(x);
  return Number.isFinite(x) && x > 0 && f > 0 && Number.isFinite(f);
}

/**
 * Checks what each network derives from its (τ, δ|α) setting and the learning rate before anything runs:
 * η (= base/τ² when scaled), α, the initial weight scales |W| = τ/α and |a| = τα, and δ from α must be
 * positive and finite numbers that float32 holds (no 0, no Infinity).
 * @throws ConfigError naming the field: `config.learningRate` for a plain η, the setting's `tau` for
 *   η = base/τ², its `delta`/`alpha` for the weights, e.g. `config.init.grid.delta: τ = 1, δ = 1e308 gives α = Infinity …`.
 */
function checkRunnable(init: Relu2InitSource, learningRate: LearningRateSpec): void {
  const fixedEta = typeof learningRate === 'number' ? learningRate : learningRate.scaleByTauSquared ? undefined : learningRate.base;
  if (fixedEta !== undefined && !f32Positive(fixedEta)) {
    const path = typeof learningRate === 'number' ? 'config.learningRate' : 'config.learningRate.base';
    throw new ConfigError(path, `η = ${fixedEta} is ${Math.fround(fixedEta)} in float32; expected η in [1.4e-45, 3.4e38]`);
  }
  if (init.kind === 'explicit') return;
  const base = init.kind === 'grid' ? 'config.init.grid' : 'config.init.points';
  settingsOf(init).forEach((s, k) => {
    const at = init.kind === 'grid' ? base : `${base}.settings[${k}]`;
    const shapeKey = s.delta !== undefined ? 'delta' : 'alpha';
    const setting = `τ = ${s.tau}, ${s.delta !== undefined ? `δ = ${s.delta}` : `α = ${s.alpha}`}`;
    if (fixedEta === undefined) {
      const eta = (learningRate as { base: number }).base / (s.tau * s.tau);
      if (!f32Positive(eta)) {
        throw new ConfigError(`${at}.tau`, `${setting} gives η = base/τ² = ${eta} (${Math.fround(eta)} in float32); choose τ or config.learningRate.base so that η is a positive float32`);
      }
    }
    const alpha = s.alpha ?? relu2AlphaFromDelta(s.delta!, s.tau);
    const delta = s.delta ?? s.tau * s.tau * (alpha * alpha - 1 / (alpha * alpha));
    const [w, a] = [s.tau / alpha, s.tau * alpha];
    if (!(f32Positive(alpha) && f32Positive(w) && f32Positive(a) && Number.isFinite(delta))) {
      throw new ConfigError(`${at}.${shapeKey}`, `${setting} gives α = ${alpha}, δ = ${delta}, initial weights |W| = τ/α = ${w} and |a| = τα = ${a}; `
        + 'each must be a positive float32 (in [1.4e-45, 3.4e38])');
    }
  });
}

/**
 * The (τ, δ|α) settings of a grid or points init, in plan order: grid cell iτ·#(δ|α) + iδ (τ-major),
 * points as listed. Each seed repeats them (network q = iSeed·#settings + iSetting, plan.ts).
 */
export function settingsOf(init: Exclude<Relu2InitSource, { kind: 'explicit' }>): Relu2Setting[] {
  if (init.kind === 'points') return init.points;
  const shapes = (init.deltas ?? init.alphas)!;
  return init.taus.flatMap((tau) => shapes.map((s) => (init.deltas ? { tau, delta: s } : { tau, alpha: s })));
}
