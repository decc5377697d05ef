/**
 * The `lazyrich simulate` config of the single-neuron model (the CLI half, cli.ts): parse and validate JSON into a {@link SimulateConfig}. Pure (no GPU,
 * no file system), so every error path is unit-tested. Each error is one {@link ConfigError} whose message
 * starts with the JSON path of the offending field, e.g. `config.data.XX[1][0]: expected a finite number, got "x"`.
 *
 * Contract (docs/theory.md §1; `?` marks optional fields):
 * ```
 * { "model": "single-neuron",
 *   "data": { "XX": number[d][d], "Xy": number[d] },
 *   "learningRates"?: { "a"?: number, "w"?: number },          // default 1 and 1
 *   "init": { "explicit": [ { "a": number, "w": number[d] }, ... ] }
 *         | { "grid": { "delta": number[] | { "from", "to", "count" },
 *                       "beta0": number[][] | { "directions", "norm", "seed"? } } },
 *   "method": "gd" | "rk4" | "beta-flow" | "exact",
 *   "step": number,            // time per step: η (gd), dt (rk4, beta-flow); optional and unused for "exact"
 *   "times": number[],         // output times t ≥ 0, strictly ascending; on the step grid except for "exact"
 *   "backend"?: "gpu" | "cpu", "bound"?: number }             // defaults "gpu", DEFAULT_BOUND = 1e6 (params.ts)
 * ```
 * Methods (docs/theory.md §1): "gd" = gradient descent (explicit Euler on the parameter flow), "rk4" = RK4 on the
 * parameter flow, "beta-flow" = RK4 on the function-space flow β̇ = −M(β, δ)∇_βL (§1.1), "exact" = the
 * closed form (§1.3, evaluated directly at each output time; needs XX = σ²I, σ > 0).
 */
import { unknownModelError } from '../../cli/models.ts';
import { arr, ConfigError, finite, float32, integer, obj, oneOf, parseJson, positive, required, vector, vector32 } from '../../cli/validate.ts';
import { identityScale, initFromBetaDelta, validateData, type LayerRates, type SingleNeuronData } from '../../theory/index.ts';
import { MAX_TRAJECTORIES, initialDirections, linspace } from './ensemble.ts';
import { MAX_D } from './layout.ts';
import { DEFAULT_BOUND } from './params.ts';

export { ConfigError, describeValue } from '../../cli/validate.ts';
/** Largest step count a single output time may ask for (a guard against typos such as 1e12). */
export const MAX_STEPS = 1e9;
/** Relative tolerance for "t / step is an integer" (times must lie on the step grid). */
export const STEP_GRID_REL_TOL = 1e-9;

/** How the initial states are given; both forms expand to a list of (a, w) in {@link expandInits}. */
export type InitSpec =
  | { kind: 'explicit'; points: { a: number; w: number[] }[] }
  /** i = iδ · beta0.length + iβ₀; each (β₀, δ) initialised with initFromBetaDelta (docs/theory.md §1). */
  | { kind: 'grid'; delta: number[]; beta0: number[][] };

/** Every `simulate` method, in help order (see the module comment and docs/theory.md §1, §1.1, §1.3). */
export const METHODS = ['gd', 'rk4', 'beta-flow', 'exact'] as const;
/** A `simulate` method: 'gd', 'rk4', 'beta-flow' (time-stepped) or 'exact' (closed form, no steps). */
export type SimulateMethod = (typeof METHODS)[number];
/** The time-stepped methods: their output times lie on a grid of `step`. */
export type SteppedMethod = Exclude<SimulateMethod, 'exact'>;

/** Fields every validated config has. Times are in the flow's time units (not steps). */
interface SimulateConfigBase {
  model: 'single-neuron';
  data: SingleNeuronData;
  d: number;
  rates: LayerRates;
  init: InitSpec;
  /** Number of trajectories (the length of {@link expandInits}'s result). */
  n: number;
  /** Output times t (strictly ascending, ≥ 0; on the step grid for the stepped methods). */
  times: number[];
  backend: 'gpu' | 'cpu';
  /** Divergence bound of the stepped methods (the closed form cannot diverge and ignores it). */
  bound: number;
}

/**
 * A validated `simulate` config. Stepped methods: `step` is η for GD, dt for RK4 and beta-flow (time per
 * step) and `stepCounts[k] = times[k] / step` (integers, ascending). 'exact': `step` is the optional given
 * value (unused, null when absent) and `stepCounts` is null — the closed form is evaluated at each t directly.
 */
export type SimulateConfig = SimulateConfigBase & (
  | { method: SteppedMethod; step: number; stepCounts: number[] }
  | { method: 'exact'; step: number | null; stepCounts: null });

function parseData(v: unknown): { data: SingleNeuronData; d: number } {
  const o = obj(v, 'config.data', ['XX', 'Xy']);
  const rows = arr(required(o, 'XX', 'config.data'), 'config.data.XX', 'a d×d array of numbers');
  const d = rows.length;
  if (d === 0) throw new ConfigError('config.data.XX', 'expected a d×d matrix with d ≥ 1, got an empty array (d = 0)');
  if (d > MAX_D) throw new ConfigError('config.data.XX', `d = ${d} exceeds the largest supported dimension MAX_D = ${MAX_D}`);
  const XX = rows.map((row, i) => vector32(row, `config.data.XX[${i}]`, d));
  const Xy = vector32(required(o, 'Xy', 'config.data'), 'config.data.Xy', d);
  try {
    validateData(XX, Xy);
  } catch (e) {
    throw new ConfigError('config.data.XX', (e as Error).message);
  }
  return { data: { XX, Xy }, d };
}

/** A number > 0 that is also > 0 in float32 (the GPU's precision: 5e-324 would be 0 there). @throws ConfigError at `path`. */
function positiveF32(v: unknown, path: string): number {
  const x = positive(v, path);
  if (!(Math.fround(x) > 0)) throw new ConfigError(path, `expected a number > 0 in float32 (≥ 1.4e-45), got ${x}, which is 0 in float32`);
  return x;
}

function parseRates(v: unknown): LayerRates {
  if (v === undefined) return { a: 1, w: 1 };
  const o = obj(v, 'config.learningRates', ['a', 'w']);
  return {
    a: o.a === undefined ? 1 : positiveF32(o.a, 'config.learningRates.a'),
    w: o.w === undefined ? 1 : positiveF32(o.w, 'config.learningRates.w'),
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
      return { a: float32(required(q, 'a', path), `${path}.a`), w: vector32(required(q, 'w', path), `${path}.w`, d) };
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
      `β₀ = 0 with δ = ${delta[negative]} < 0 leaves the direction of w undetermined (docs/theory.md §1); use a non-zero β₀`);
  }
  return { kind: 'grid', delta, beta0 };
}

/** Output times: finite, ≥ 0, strictly ascending (any values; the step grid is checked by {@link stepCountsOf}). */
function parseTimes(v: unknown): number[] {
  const list = arr(v, 'config.times', 'an array of output times');
  if (list.length === 0) throw new ConfigError('config.times', 'expected at least one output time, got an empty array');
  const times = list.map((t, k) => finite(t, `config.times[${k}]`));
  times.forEach((t, k) => {
    const path = `config.times[${k}]`;
    if (t < 0) throw new ConfigError(path, `expected a time ≥ 0, got ${t}`);
    if (k > 0 && !(t > times[k - 1])) throw new ConfigError(path, `times must be strictly ascending, got ${t} after ${times[k - 1]}`);
  });
  return times;
}

/** Integer step counts t / step of the (already parsed) times; each must be on the step grid. */
function stepCountsOf(times: number[], step: number): number[] {
  return times.map((t, k) => {
    const path = `config.times[${k}]`;
    const ratio = t / step;
    const steps = Math.round(ratio);
    if (Math.abs(ratio - steps) > STEP_GRID_REL_TOL * Math.abs(ratio)) {
      throw new ConfigError(path, `t = ${t} is not on the step grid: t / step = ${ratio} is not an integer (within 1e-9 relative)`);
    }
    if (steps > MAX_STEPS) throw new ConfigError(path, `t = ${t} needs ${steps} steps; at most ${MAX_STEPS} are allowed`);
    return steps;
  });
}

/**
 * The one-line error of method "exact" on data without a closed form, e.g. `config.method: "exact" is
 * unavailable for config.data.XX: no closed form for this data: XX must be a multiple of the identity
 * (docs/theory.md §1.3); use "rk4" or "beta-flow"`.
 * @param cause the Error of identityScale / ExactEvaluator / SingleNeuronSim.create.
 */
export function exactUnavailableError(cause: Error): ConfigError {
  return new ConfigError('config.method',
    `"exact" is unavailable for config.data.XX: ${cause.message} (docs/theory.md §1.3); use "rk4" or "beta-flow"`);
}

/** 'exact' needs XX = σ²I (σ > 0) to identityScale's tolerance (IDENTITY_REL_TOL = 1e-10 relative). */
function checkExactData(data: SingleNeuronData): void {
  try {
    identityScale(data.XX);
  } catch (e) {
    throw exactUnavailableError(e as Error);
  }
}

/**
 * 'beta-flow' cannot leave β = 0 when δ < 0 (M = |δ|ŵŵᵀ needs the direction of w, which β does not carry;
 * docs/theory.md §1.1), while the parameter flow does: reject explicit inits with a = 0 and w ≠ 0. (Grid inits
 * with β₀ = 0 and δ < 0 are rejected for every method in parseInit.)
 */
function checkBetaFlowInit(init: InitSpec): void {
  if (init.kind !== 'explicit') return;
  const k = init.points.findIndex((p) => p.a === 0 && p.w.some((x) => x !== 0));
  if (k >= 0) {
    throw new ConfigError(`config.init.explicit[${k}].a`,
      'a = 0 with w ≠ 0 gives β₀ = 0 with δ < 0, which "beta-flow" cannot leave (docs/theory.md §1.1: M = |δ|ŵŵᵀ needs the direction of w); use "rk4"');
  }
}

const TOP_KEYS = ['model', 'data', 'learningRates', 'init', 'method', 'step', 'times', 'backend', 'bound'] as const;

/**
 * Validates a parsed JSON value as a `simulate` config. Fields are checked in the order
 * model, data, learningRates, init, method (with its data/init constraints), step, times, backend, bound
 * (unknown keys first, at each level).
 * Method constraints: 'exact' needs XX = σ²I with σ > 0 (to IDENTITY_REL_TOL = 1e-10 relative, theory's
 * identityScale), ignores `bound`, and takes any output times (`step` optional, checked > 0 if given);
 * 'beta-flow' rejects explicit inits with a = 0, w ≠ 0; the stepped methods need `step` and times on its grid.
 * @param raw the value of JSON.parse(text).
 * @returns the config with defaults filled in, `n` trajectories and (stepped methods) integer `stepCounts`.
 * @throws ConfigError naming the JSON path of the first bad field, e.g.
 *   `config.method: "exact" is unavailable for config.data.XX: no closed form for this data: …`.
 */
export function validateConfig(raw: unknown): SimulateConfig {
  const o = obj(raw, 'config', TOP_KEYS);
  const model = required(o, 'model', 'config');
  if (model !== 'single-neuron') throw unknownModelError(model);
  const { data, d } = parseData(required(o, 'data', 'config'));
  const rates = parseRates(o.learningRates);
  const init = parseInit(required(o, 'init', 'config'), d);
  checkInitialStates(init, rates);
  const method = oneOf(required(o, 'method', 'config'), 'config.method', METHODS);
  if (method === 'exact') checkExactData(data);
  if (method === 'beta-flow') checkBetaFlowInit(init);
  if (o.step === undefined && method !== 'exact') {
    throw new ConfigError('config.step', `missing required field (method "${method}" needs the time per step; only "exact" may omit it)`);
  }
  const step = o.step === undefined ? null : positiveF32(o.step, 'config.step');
  const times = parseTimes(required(o, 'times', 'config'));
  const stepCounts = method === 'exact' ? null : stepCountsOf(times, step as number);
  const backend = o.backend === undefined ? 'gpu' : oneOf(o.backend, 'config.backend', ['gpu', 'cpu'] as const);
  const bound = o.bound === undefined ? DEFAULT_BOUND : positive(o.bound, 'config.bound');
  const n = init.kind === 'explicit' ? init.points.length : init.delta.length * init.beta0.length;
  const base = { model: 'single-neuron' as const, data, d, rates, init, n, times, backend, bound };
  return method === 'exact'
    ? { ...base, method, step, stepCounts: null }
    : { ...base, method, step: step as number, stepCounts: stepCounts as number[] };
}

/**
 * Checks every initial state a config asks for before anything runs: the grid's (δ, β₀) must give a finite
 * a₀ > 0 and w₀ (docs/theory.md §1: a₀² = (δ + √(δ² + 4η_aη_w‖β₀‖²))/(2η_w)), and every state a finite scale
 * η_w a₀² + η_a‖w₀‖² (so δ₀ and the integrators' quantities do not overflow).
 * @throws ConfigError at `config.init.grid.delta[iδ]` or `config.init.explicit[k]`, naming the values.
 */
function checkInitialStates(init: InitSpec, rates: LayerRates): void {
  const scaleOf = (a: number, w: readonly number[]) => rates.w * a * a + rates.a * w.reduce((s, x) => s + x * x, 0);
  if (init.kind === 'explicit') {
    init.points.forEach((p, k) => {
      const scale = scaleOf(p.a, p.w);
      if (!Number.isFinite(scale)) throw new ConfigError(`config.init.explicit[${k}]`, `η_w a² + η_a‖w‖² = ${scale} overflows; scale a and w down`);
    });
    return;
  }
  const sizes = init.beta0.map((b) => Math.hypot(...b));
  init.delta.forEach((delta, i) => {
    for (let k = 0; k < init.beta0.length; k++) {
      const beta0 = init.beta0[k], size = sizes[k];
      let state: { a: number; w: number[] } | undefined;
      try { state = initFromBetaDelta(beta0, delta, rates); } catch { state = undefined; }
      if (!state || !(state.a > 0 || (size === 0 && delta >= 0)) || !Number.isFinite(scaleOf(state.a, state.w)) || !state.w.every(Number.isFinite)) {
        throw new ConfigError(`config.init.grid.delta[${i}]`, `δ = ${delta} with ‖β₀‖ = ${size} gives ${Number.isNaN(state?.a) ? 'no a₀ (∞/∞)' : `a₀ = ${state?.a ?? 0}`} (a₀² under- or overflows`
          + ' float64, or β₀ = 0 with δ < 0 leaves w undetermined); use a δ closer to ‖β₀‖ in scale or an explicit init');
      }
    }
  });
}

/**
 * Parses and validates config text.
 * @throws ConfigError with path `config` when the text is not JSON, else as {@link validateConfig}.
 */
export function parseConfig(text: string): SimulateConfig {
  return validateConfig(parseJson(text));
}
