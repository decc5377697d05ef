/**
 * The `simulate` config of the linear2 model (issue 13 item 4), validated before anything is allocated:
 * every error is a ConfigError whose message starts with the JSON path (config.data.XX[1][0], config.init.grid.h).
 *
 *     { "model": "linear2",
 *       "data": { "XX": number[d][d], "XY": number[d][c] } | { "sensing": { "M": number[n][d][c], "y": number[n] } },
 *       "learningRates": { "W": number, "A": number },          // optional, default 1 and 1
 *       "init": { "explicit": [ { "W": number[h][d], "A": number[h][c] } ] }
 *             | { "grid": { "h": number, "delta": number[] | {from,to,count}, "tau": number[] | {from,to,count}, "seeds": number[],
 *                         "deltaSigns"?: "uniform" | "mixed" | number[h] } },
 *       "method": "gd" | "rk4" | "beta-flow", "step": number, "times": number[], "backend": "gpu" | "cpu", "bound"?: number }
 *
 * deltaSigns (Theorem 4.1): "uniform" (default, Δ = δI), "mixed" (δ_k = δ for the first ⌈h/2⌉ units, −δ for the rest) or h
 * finite factors s_k (δ_k = s_k·δ); init.ts gridInitPerUnit builds Δ = diag(δ_k) exactly where h, d, c allow.
 * times are flow times, each a multiple of `step` (relative tolerance 1e-9), ascending, ≥ 0. Grid order is δ
 * outermost, then τ, then seeds (init order = output order). Limits: 1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32, at most 10⁶ networks and
 * {@link MAX_LINEAR2_INIT_WEIGHTS} initial weights (networks × h × (d + c)); every weight finite in float32.
 */
import { ConfigError, arr, finite, float32, integer, obj, oneOf, positive, required, describeValue } from '../../cli/validate.ts';
import { betaFlowRefusal, LINEAR2_LIMITS, linear2Quadratic, packLinear2State, scalarDelta, type Linear2Data, type Linear2Quadratic, type Linear2Rates } from '../../theory/linear2.ts';
import { gridInitPerUnit, unitDeltas, type InitKind } from './init.ts';

/** Methods of `simulate`: GD (step η), RK4 on (W, A) (step dt), RK4 on the Theorem 4.2 β flow (step dt). */
export const LINEAR2_METHODS = ['gd', 'rk4', 'beta-flow'] as const;
/** One of {@link LINEAR2_METHODS}. */
export type Linear2CliMethod = (typeof LINEAR2_METHODS)[number];

/** One planned network. `delta` is the scalar δ when Δ = δI (else null); grid fields are absent for explicit inits. */
export interface PlannedNetwork {
  W: number[][];
  A: number[][];
  init: InitKind | 'explicit';
  delta: number | null;
  /** The requested δ_k (length h) of a grid with deltaSigns other than "uniform"; absent otherwise. */
  unitDeltas?: number[];
  tau?: number;
  seed?: number;
}

/** A validated config. */
export interface Linear2Config {
  data: Linear2Data;
  quadratic: Linear2Quadratic;
  d: number;
  c: number;
  h: number;
  rates: Linear2Rates;
  networks: PlannedNetwork[];
  method: Linear2CliMethod;
  step: number;
  times: number[];
  /** Step counts of the times (round(t / step)). */
  steps: number[];
  backend: 'gpu' | 'cpu';
  bound: number;
}

/** Largest number of initial weights (networks × h × (d + c)) a grid may build on the host while the config is read. */
export const MAX_LINEAR2_INIT_WEIGHTS = 2 ** 22;
/** Largest number of networks one config may describe. */
export const MAX_LINEAR2_NETWORKS = 1e6;

const fmt = (x: number) => x.toLocaleString('en');
/** A weight the GPU (float32) holds as a finite number. */
const f32Finite = (x: number) => Number.isFinite(Math.fround(x));

/**
 * One grid network (init.ts gridInit), refused by name when its weights are not finite float32 numbers
 * (δ or τ so large that √(τ² + |δ|) overflows). Named at `tau` when τ² ≥ |δ|, else at `delta`.
 * @throws ConfigError at config.init.grid.delta or config.init.grid.tau, naming δ and τ.
 */
function checkedGridInit(d: number, c: number, deltas: number[], tau: number, seed: number, rates: Linear2Rates): ReturnType<typeof gridInitPerUnit> {
  const delta = Math.max(...deltas.map(Math.abs));
  let n: ReturnType<typeof gridInitPerUnit> | undefined;
  try { n = gridInitPerUnit(d, c, deltas, tau, seed, rates); } catch { n = undefined; }
  if (!n || !n.W.every((r) => r.every(f32Finite)) || !n.A.every((r) => r.every(f32Finite))) {
    throw new ConfigError(`config.init.grid.${tau * tau >= Math.abs(delta) ? 'tau' : 'delta'}`,
      `δ = ${delta}, τ = ${tau} gives initial weights of scale √(τ² + |δ|) that are not finite float32 numbers; expected τ² + |δ| < 1e76`);
  }
  return n;
}

/** A number > 0 that float32 holds as a positive finite number (1e-320 is 0 there, 1e39 Infinity). @throws ConfigError at `path`. */
function positiveF32(v: unknown, path: string): number {
  const x = positive(v, path);
  const f = Math.fround(x);
  if (!(f > 0 && Number.isFinite(f))) throw new ConfigError(path, `expected a number in [1.4e-45, 3.4e38] (float32, the GPU's precision), got ${x}, which is ${f} in float32`);
  return x;
}

const matrix = (v: unknown, path: string, rows: number | null, cols: number | null): number[][] => {
  const a = arr(v, path, 'a matrix (array of rows)');
  if (rows !== null && a.length !== rows) throw new ConfigError(path, `expected ${rows} rows, got ${a.length}`);
  if (a.length === 0) throw new ConfigError(path, 'expected at least one row');
  const width = cols ?? (Array.isArray(a[0]) ? a[0].length : 0);
  return a.map((row, i) => {
    const r = arr(row, `${path}[${i}]`, `a row of ${width} numbers`);
    if (r.length !== width) throw new ConfigError(`${path}[${i}]`, `expected ${width} entries, got ${r.length}`);
    return r.map((x, j) => float32(x, `${path}[${i}][${j}]`));
  });
};

function dims(d: number, c: number, path: string): void {
  if (d < 1 || d > LINEAR2_LIMITS.maxD) throw new ConfigError(path, `d = ${d} is outside 1 ≤ d ≤ ${LINEAR2_LIMITS.maxD}`);
  if (c < 1 || c > LINEAR2_LIMITS.maxC) throw new ConfigError(path, `c = ${c} is outside 1 ≤ c ≤ ${LINEAR2_LIMITS.maxC}`);
}

function parseData(v: unknown): Linear2Data {
  const o = obj(v, 'config.data', ['XX', 'XY', 'sensing']);
  if ('sensing' in o) {
    const s = obj(o.sensing, 'config.data.sensing', ['M', 'y']);
    const Ms = arr(required(s, 'M', 'config.data.sensing'), 'config.data.sensing.M', 'an array of d×c matrices');
    if (Ms.length === 0) throw new ConfigError('config.data.sensing.M', 'expected at least one measurement');
    const M0 = matrix(Ms[0], 'config.data.sensing.M[0]', null, null);
    dims(M0.length, M0[0].length, 'config.data.sensing.M[0]');
    const M = Ms.map((m, i) => matrix(m, `config.data.sensing.M[${i}]`, M0.length, M0[0].length));
    const y = arr(required(s, 'y', 'config.data.sensing'), 'config.data.sensing.y', 'an array of numbers');
    if (y.length !== M.length) throw new ConfigError('config.data.sensing.y', `expected n = ${M.length} values, got ${y.length}`);
    return { kind: 'sensing', M, y: y.map((x, i) => float32(x, `config.data.sensing.y[${i}]`)) };
  }
  const XX = matrix(required(o, 'XX', 'config.data'), 'config.data.XX', null, null);
  if (XX[0].length !== XX.length) throw new ConfigError('config.data.XX', `expected a square d×d matrix, got ${XX.length}×${XX[0].length}`);
  const XY = matrix(required(o, 'XY', 'config.data'), 'config.data.XY', XX.length, null);
  dims(XX.length, XY[0].length, 'config.data.XY');
  return { kind: 'regression', XX, XY };
}

function range(v: unknown, path: string, pos: boolean): number[] {
  const check = (x: unknown, p: string) => (pos ? positive(x, p) : finite(x, p));
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ConfigError(path, 'expected at least one value');
    return v.map((x, i) => check(x, `${path}[${i}]`));
  }
  const o = obj(v, path, ['from', 'to', 'count']);
  const from = check(required(o, 'from', path), `${path}.from`), to = check(required(o, 'to', path), `${path}.to`);
  const count = integer(required(o, 'count', path), `${path}.count`, 1);
  if (count > 100000) throw new ConfigError(`${path}.count`, `expected at most 100000, got ${count}`);
  return Array.from({ length: count }, (_, i) => (count === 1 ? from : from + ((to - from) * i) / (count - 1)));
}

/** config.init.grid.deltaSigns: "uniform" (default), "mixed" or h finite factors. @throws ConfigError at its path. */
function parseDeltaSigns(v: unknown, h: number): 'uniform' | 'mixed' | number[] {
  const path = 'config.init.grid.deltaSigns';
  if (v === undefined || v === 'uniform' || v === 'mixed') return v ?? 'uniform';
  if (!Array.isArray(v)) throw new ConfigError(path, `expected "uniform", "mixed" or an array of h = ${h} factors s_k (δ_k = s_k·δ), got ${describeValue(v)}`);
  if (v.length !== h) throw new ConfigError(path, `expected h = ${h} factors (one per hidden unit), got ${v.length}`);
  return v.map((x, k) => finite(x, `${path}[${k}]`));
}

/**
 * Validates a parsed config JSON.
 * @throws ConfigError naming the JSON path: shapes, limits (d, c ≤ 8, h ≤ 32, networks, initial weights), initial
 *   weights that are not finite in float32 (the explicit entry, or the grid's delta/tau), non-PSD XX (config.data.XX),
 *   step/times grid, and beta-flow without Δ = δI (config.method, naming the network).
 */
export function parseLinear2Config(raw: unknown): Linear2Config {
  const o = obj(raw, 'config', ['model', 'data', 'learningRates', 'init', 'method', 'step', 'times', 'backend', 'bound']);
  if (o.model !== undefined && o.model !== 'linear2') throw new ConfigError('config.model', `expected "linear2", got ${describeValue(o.model)}`);
  const data = parseData(required(o, 'data', 'config'));
  let quadratic: Linear2Quadratic;
  try { quadratic = linear2Quadratic(data); } catch (e) {
    throw new ConfigError(data.kind === 'regression' ? 'config.data.XX' : 'config.data.sensing', (e as Error).message);
  }
  const { d, c } = quadratic;
  let rates = { W: 1, A: 1 };
  if (o.learningRates !== undefined) {
    const r = obj(o.learningRates, 'config.learningRates', ['W', 'A']);
    rates = { W: positiveF32(r.W ?? 1, 'config.learningRates.W'), A: positiveF32(r.A ?? 1, 'config.learningRates.A') };
  }
  const method = oneOf(required(o, 'method', 'config'), 'config.method', LINEAR2_METHODS);
  const step = positive(required(o, 'step', 'config'), 'config.step');
  const times = arr(required(o, 'times', 'config'), 'config.times', 'an array of times').map((t, i) => finite(t, `config.times[${i}]`));
  if (times.length === 0) throw new ConfigError('config.times', 'expected at least one time');
  const steps = times.map((t, i) => {
    const k = Math.round(t / step);
    if (t < 0 || Math.abs(k * step - t) > 1e-9 * Math.max(1, Math.abs(t))) throw new ConfigError(`config.times[${i}]`, `expected a multiple of step = ${step} that is ≥ 0, got ${t}`);
    if (i > 0 && t < times[i - 1]) throw new ConfigError(`config.times[${i}]`, `times must be ascending (${t} < ${times[i - 1]})`);
    return k;
  });
  if (steps[steps.length - 1] > 1e9) throw new ConfigError('config.times', 'more than 1e9 steps');
  const backend = o.backend === undefined ? 'gpu' : oneOf(o.backend, 'config.backend', ['gpu', 'cpu'] as const);
  const bound = o.bound === undefined ? 1e6 : positive(o.bound, 'config.bound');
  const init = obj(required(o, 'init', 'config'), 'config.init', ['explicit', 'grid']);
  const networks: PlannedNetwork[] = [];
  let h: number;
  if (init.explicit !== undefined) {
    const list = arr(init.explicit, 'config.init.explicit', 'an array of { W, A }');
    if (list.length === 0) throw new ConfigError('config.init.explicit', 'expected at least one network');
    h = 0;
    list.forEach((e, i) => {
      const path = `config.init.explicit[${i}]`;
      const eo = obj(e, path, ['W', 'A']);
      const W = matrix(required(eo, 'W', path), `${path}.W`, i === 0 ? null : h, d);
      if (i === 0) h = W.length;
      if (h > LINEAR2_LIMITS.maxH) throw new ConfigError(`${path}.W`, `h = ${h} rows is over the limit 1 ≤ h ≤ ${LINEAR2_LIMITS.maxH}`);
      const A = matrix(required(eo, 'A', path), `${path}.A`, h, c);
      networks.push({ W, A, init: 'explicit', delta: scalarDelta(packLinear2State(W, A), h, d, c, rates) });
    });
  } else {
    const g = obj(required(init, 'grid', 'config.init'), 'config.init.grid', ['h', 'delta', 'tau', 'seeds', 'deltaSigns']);
    h = integer(required(g, 'h', 'config.init.grid'), 'config.init.grid.h', 1);
    if (h > LINEAR2_LIMITS.maxH) throw new ConfigError('config.init.grid.h', `h = ${h} is over the limit 1 ≤ h ≤ ${LINEAR2_LIMITS.maxH}`);
    const signs = parseDeltaSigns(g.deltaSigns, h);
    const deltas = range(required(g, 'delta', 'config.init.grid'), 'config.init.grid.delta', false);
    const taus = range(required(g, 'tau', 'config.init.grid'), 'config.init.grid.tau', true);
    const seeds = arr(required(g, 'seeds', 'config.init.grid'), 'config.init.grid.seeds', 'an array of integer seeds')
      .map((s, i) => integer(s, `config.init.grid.seeds[${i}]`, 0));
    const count = deltas.length * taus.length * seeds.length;
    if (count > MAX_LINEAR2_NETWORKS) throw new ConfigError('config.init.grid', `${fmt(count)} networks; at most ${fmt(MAX_LINEAR2_NETWORKS)} are supported`);
    const weights = count * h * (d + c);
    if (weights > MAX_LINEAR2_INIT_WEIGHTS) {
      throw new ConfigError('config.init.grid', `${fmt(count)} networks × ${h} × (${d} + ${c}) = ${fmt(weights)} initial weights exceed the limit of `
        + `${fmt(MAX_LINEAR2_INIT_WEIGHTS)} (they are built on the host when the config is read); use fewer δ, τ or seeds`);
    }
    for (const delta of deltas) for (const tau of taus) for (const seed of seeds) {
      const ks = unitDeltas(delta, h, signs);
      const n = checkedGridInit(d, c, ks, tau, seed, rates);
      const scalar = ks.every((x) => x === ks[0]);
      networks.push({ W: n.W, A: n.A, init: n.kind, delta: n.kind === 'exact' && scalar ? ks[0] : null, tau, seed, ...(signs === 'uniform' ? {} : { unitDeltas: ks }) });
    }
  }
  if (method === 'beta-flow') {
    networks.forEach((n, i) => {
      const why = betaFlowRefusal(n.delta, h, d, c);
      if (why) throw new ConfigError('config.method', `${why} (network ${i}, init ${n.init})`);
    });
  }
  return { data, quadratic, d, c, h, rates, networks, method, step, times, steps, backend, bound };
}
