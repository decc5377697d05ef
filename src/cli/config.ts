/**
 * The `lazyrich simulate` config file: parse and validate JSON into a {@link SimulateConfig}. Pure (no GPU,
 * no file system), so every error path is unit-tested. Each error is one {@link ConfigError} whose message
 * starts with the JSON path of the offending field, e.g. `config.data.XX[1][0]: expected a finite number, got "x"`.
 *
 * Contract (theory.md §1; `?` marks optional fields):
 * ```
 * { "model": "single-neuron",
 *   "data": { "XX": number[d][d], "Xy": number[d] },
 *   "learningRates"?: { "a"?: number, "w"?: number },          // default 1 and 1
 *   "init": { "explicit": [ { "a": number, "w": number[d] }, ... ] }
 *         | { "grid": { "delta": number[] | { "from", "to", "count" },
 *                       "beta0": number[][] | { "directions", "norm", "seed"? } } },
 *   "method": "gd" | "rk4", "step": number, "times": number[],
 *   "backend"?: "gpu" | "cpu", "bound"?: number }             // defaults "gpu", 1e6
 * ```
 */
import { MAX_D } from '../models/singleNeuron/layout.ts';
import { MAX_TRAJECTORIES, initialDirections, linspace } from '../models/singleNeuron/ensemble.ts';
import { validateData, type LayerRates, type SingleNeuronData } from '../theory/index.ts';

/** A malformed config. `path` is the JSON path (`config.data.XX[1][0]`); the message starts with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
  }
}

/** Default divergence bound: a trajectory with |a| or |w_j| above it is frozen and flagged diverged. */
export const DEFAULT_BOUND = 1e6;
/** Largest step count a single output time may ask for (a guard against typos such as 1e12). */
export const MAX_STEPS = 1e9;
/** Relative tolerance for "t / step is an integer" (times must lie on the step grid). */
export const STEP_GRID_REL_TOL = 1e-9;

/** How the initial states are given; both forms expand to a list of (a, w) in {@link expandInits}. */
export type InitSpec =
  | { kind: 'explicit'; points: { a: number; w: number[] }[] }
  /** i = iδ · beta0.length + iβ₀; each (β₀, δ) initialised with initFromBetaDelta (theory.md §1). */
  | { kind: 'grid'; delta: number[]; beta0: number[][] };

/** A validated `simulate` config. Times are in the flow's time units; `stepCounts[k] = times[k] / step`. */
export interface SimulateConfig {
  model: 'single-neuron';
  data: SingleNeuronData;
  d: number;
  rates: LayerRates;
  init: InitSpec;
  /** Number of trajectories (the length of {@link expandInits}'s result). */
  n: number;
  method: 'gd' | 'rk4';
  /** η for GD, dt for RK4: time per step. */
  step: number;
  /** Output times t (ascending, ≥ 0, on the step grid). */
  times: number[];
  /** Integer step counts of the output times (ascending). */
  stepCounts: number[];
  backend: 'gpu' | 'cpu';
  bound: number;
}

type Obj = Record<string, unknown>;

/** Short rendering of a JSON value for messages: strings quoted, Infinity as is, long values cut. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return describeValue(v);
}

function obj(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(path, `expected an object, got ${kindOf(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${path}.${key}`, `unknown field (allowed here: ${allowed.join(', ')})`);
    }
  }
  return v as Obj;
}

function required(o: Obj, key: string, path: string): unknown {
  if (!(key in o) || o[key] === undefined) throw new ConfigError(`${path}.${key}`, 'missing required field');
  return o[key];
}

function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(path, `expected a finite number, got ${describeValue(v)}`);
  return v;
}

function positive(v: unknown, path: string): number {
  const x = finite(v, path);
  if (!(x > 0)) throw new ConfigError(path, `expected a finite number > 0, got ${x}`);
  return x;
}

function integer(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(path, `expected an integer ≥ ${min}, got ${describeValue(v)}`);
  return v;
}

function arr(v: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(path, `expected ${what}, got ${kindOf(v)}`);
  return v;
}

function vector(v: unknown, path: string, d: number): number[] {
  const a = arr(v, path, `an array of ${d} numbers`);
  if (a.length !== d) throw new ConfigError(path, `expected length d = ${d}, got ${a.length}`);
  return a.map((x, j) => finite(x, `${path}[${j}]`));
}

function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

function parseData(v: unknown): { data: SingleNeuronData; d: number } {
  const o = obj(v, 'config.data', ['XX', 'Xy']);
  const rows = arr(required(o, 'XX', 'config.data'), 'config.data.XX', 'a d×d array of numbers');
  const d = rows.length;
  if (d === 0) throw new ConfigError('config.data.XX', 'expected a d×d matrix with d ≥ 1, got an empty array (d = 0)');
  if (d > MAX_D) throw new ConfigError('config.data.XX', `d = ${d} exceeds the largest supported dimension MAX_D = ${MAX_D}`);
  const XX = rows.map((row, i) => vector(row, `config.data.XX[${i}]`, d));
  const Xy = vector(required(o, 'Xy', 'config.data'), 'config.data.Xy', d);
  try {
    validateData(XX, Xy);
  } catch (e) {
    throw new ConfigError('config.data.XX', (e as Error).message);
  }
  return { data: { XX, Xy }, d };
}

function parseRates(v: unknown): LayerRates {
  if (v === undefined) return { a: 1, w: 1 };
  const o = obj(v, 'config.learningRates', ['a', 'w']);
  return {
    a: o.a === undefined ? 1 : positive(o.a, 'config.learningRates.a'),
    w: o.w === undefined ? 1 : positive(o.w, 'config.learningRates.w'),
  };
}

function parseDeltas(v: unknown): number[] {
  const path = 'config.init.grid.delta';
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ConfigError(path, 'expected at least one δ, got an empty array');
    return v.map((x, k) => finite(x, `${path}[${k}]`));
  }
  const o = obj(v, path, ['from', 'to', 'count']);
  const from = finite(required(o, 'from', path), `${path}.from`);
  const to = finite(required(o, 'to', path), `${path}.to`);
  const count = integer(required(o, 'count', path), `${path}.count`, 1);
  if (count > MAX_TRAJECTORIES) throw new ConfigError(`${path}.count`, `at most ${MAX_TRAJECTORIES} values, got ${count}`);
  return linspace(from, to, count);
}

function checkGridSize(deltas: number, betas: number): void {
  const n = deltas * betas;
  if (n > MAX_TRAJECTORIES) {
    throw new ConfigError('config.init.grid', `${deltas} δ × ${betas} β₀ = ${n} trajectories; at most ${MAX_TRAJECTORIES} are supported`);
  }
}

function parseBeta0(v: unknown, d: number, deltas: number): number[][] {
  const path = 'config.init.grid.beta0';
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ConfigError(path, 'expected at least one β₀, got an empty array');
    return v.map((b, k) => vector(b, `${path}[${k}]`, d));
  }
  const o = obj(v, path, ['directions', 'norm', 'seed']);
  const count = integer(required(o, 'directions', path), `${path}.directions`, 1);
  const norm = positive(required(o, 'norm', path), `${path}.norm`);
  const seed = o.seed === undefined ? 1 : integer(o.seed, `${path}.seed`, 0);
  checkGridSize(deltas, count); // before the directions are materialised
  return initialDirections(d, count, seed).map((u) => u.map((x) => x * norm));
}

function parseInit(v: unknown, d: number): InitSpec {
  const o = obj(v, 'config.init', ['explicit', 'grid']);
  const keys = Object.keys(o);
  if (keys.length !== 1) {
    throw new ConfigError('config.init', `expected exactly one of "explicit" or "grid", got ${keys.length === 0 ? 'neither' : 'both'}`);
  }
  if ('explicit' in o) {
    const list = arr(o.explicit, 'config.init.explicit', 'an array of {"a", "w"}');
    if (list.length === 0) throw new ConfigError('config.init.explicit', 'expected at least one initial state, got an empty array');
    if (list.length > MAX_TRAJECTORIES) throw new ConfigError('config.init.explicit', `at most ${MAX_TRAJECTORIES} initial states, got ${list.length}`);
    const points = list.map((p, k) => {
      const path = `config.init.explicit[${k}]`;
      const q = obj(p, path, ['a', 'w']);
      return { a: finite(required(q, 'a', path), `${path}.a`), w: vector(required(q, 'w', path), `${path}.w`, d) };
    });
    return { kind: 'explicit', points };
  }
  const g = obj(o.grid, 'config.init.grid', ['delta', 'beta0']);
  const delta = parseDeltas(required(g, 'delta', 'config.init.grid'));
  const beta0 = parseBeta0(required(g, 'beta0', 'config.init.grid'), d, delta.length);
  checkGridSize(delta.length, beta0.length);
  const zero = beta0.findIndex((b) => b.every((x) => x === 0));
  const negative = delta.findIndex((x) => x < 0);
  if (zero >= 0 && negative >= 0) {
    throw new ConfigError(`config.init.grid.beta0[${zero}]`,
      `β₀ = 0 with δ = ${delta[negative]} < 0 leaves the direction of w undetermined (theory.md §1); use a non-zero β₀`);
  }
  return { kind: 'grid', delta, beta0 };
}

function parseTimes(v: unknown, step: number): { times: number[]; stepCounts: number[] } {
  const list = arr(v, 'config.times', 'an array of output times');
  if (list.length === 0) throw new ConfigError('config.times', 'expected at least one output time, got an empty array');
  const times = list.map((t, k) => finite(t, `config.times[${k}]`));
  const stepCounts = times.map((t, k) => {
    const path = `config.times[${k}]`;
    if (t < 0) throw new ConfigError(path, `expected a time ≥ 0, got ${t}`);
    if (k > 0 && !(t > times[k - 1])) throw new ConfigError(path, `times must be strictly ascending, got ${t} after ${times[k - 1]}`);
    const ratio = t / step;
    const steps = Math.round(ratio);
    if (Math.abs(ratio - steps) > STEP_GRID_REL_TOL * Math.abs(ratio)) {
      throw new ConfigError(path, `t = ${t} is not on the step grid: t / step = ${ratio} is not an integer (within 1e-9 relative)`);
    }
    if (steps > MAX_STEPS) throw new ConfigError(path, `t = ${t} needs ${steps} steps; at most ${MAX_STEPS} are allowed`);
    return steps;
  });
  return { times, stepCounts };
}

const TOP_KEYS = ['model', 'data', 'learningRates', 'init', 'method', 'step', 'times', 'backend', 'bound'] as const;

/**
 * Validates a parsed JSON value as a `simulate` config. Fields are checked in the order
 * model, data, learningRates, init, method, step, times, backend, bound (unknown keys first, at each level).
 * @param raw the value of JSON.parse(text).
 * @returns the config with defaults filled in, `n` trajectories and integer `stepCounts`.
 * @throws ConfigError naming the JSON path of the first bad field.
 */
export function validateConfig(raw: unknown): SimulateConfig {
  const o = obj(raw, 'config', TOP_KEYS);
  const model = required(o, 'model', 'config');
  if (model !== 'single-neuron') throw new ConfigError('config.model', `unknown model ${describeValue(model)} (supported: "single-neuron")`);
  const { data, d } = parseData(required(o, 'data', 'config'));
  const rates = parseRates(o.learningRates);
  const init = parseInit(required(o, 'init', 'config'), d);
  const method = oneOf(required(o, 'method', 'config'), 'config.method', ['gd', 'rk4'] as const);
  const step = positive(required(o, 'step', 'config'), 'config.step');
  const { times, stepCounts } = parseTimes(required(o, 'times', 'config'), step);
  const backend = o.backend === undefined ? 'gpu' : oneOf(o.backend, 'config.backend', ['gpu', 'cpu'] as const);
  const bound = o.bound === undefined ? DEFAULT_BOUND : positive(o.bound, 'config.bound');
  const n = init.kind === 'explicit' ? init.points.length : init.delta.length * init.beta0.length;
  return { model: 'single-neuron', data, d, rates, init, n, method, step, times, stepCounts, backend, bound };
}

/**
 * Parses and validates config text.
 * @throws ConfigError with path `config` when the text is not JSON, else as {@link validateConfig}.
 */
export function parseConfig(text: string): SimulateConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('config', `not valid JSON (${(e as Error).message})`);
  }
  return validateConfig(raw);
}
