/**
 * The linear2 app's experiment (docs/theory.md §2): the networks of app params, built through the CLI's plan
 * (params.ts linear2AppConfig → config.ts parseLinear2Config, one order: δ outermost, then τ, then seeds), the
 * data's reference points (β*, the minimum-Frobenius and minimum-nuclear-norm interpolants) and the map cells.
 * Pure (no DOM, no GPU): the app, its CPU backend and the unit tests share it.
 */
import { ConfigError } from '../../../cli/validate.ts';
import { ParamError, type Params } from '../../../params/schema.ts';
import { betaOfState, packLinear2State } from '../../../theory/linear2.ts';
import { kernelFactor, minFrobeniusInterpolant, minNuclearInterpolant, singularValues, type NuclearInterpolant } from '../../../theory/linear2Metrics.ts';
import { parseLinear2Config, type Linear2Config } from '../config.ts';
import { gridDeltas, gridTaus, linear2AppConfig, linear2DataOfParams, type Linear2Schema } from '../params.ts';

/** App params of the linear2 page. */
export type Linear2AppParams = Params<Linear2Schema>;

/** One network of the experiment, in plan order. */
export interface Linear2Network {
  index: number;
  /** Grid position: δ row, τ column, seed index; cell = row · cols + col. */
  row: number;
  col: number;
  seedIndex: number;
  cell: number;
  /** The grid's δ (the requested one); `scalarDelta` is Δ's δ when Δ = δI, else null (Gaussian init). */
  delta: number;
  scalarDelta: number | null;
  tau: number;
  init: string;
}

/** The experiment of one set of params. */
export interface Linear2Experiment {
  params: Linear2AppParams;
  cfg: Linear2Config;
  networks: Linear2Network[];
  deltas: number[];
  taus: number[];
  seeds: number[];
  /** Map shape: rows = δ values, cols = τ values. */
  rows: number;
  cols: number;
  /** min(d, c): singular values per network. */
  r: number;
  /** Initial state per network for the method: [W, A] (gd, rk4) or β (beta-flow). */
  initial: Float64Array[];
  /** Initial [W, A] per network (Δ drift, NTK at t = 0). */
  y0: Float64Array[];
  /** β₀ per network (d×c row-major). */
  beta0: Float64Array[];
  /** Teacher β* (d×c row-major), null for custom data. */
  betaStar: Float64Array | null;
  /** Minimum-Frobenius-norm minimiser of L, H⁺b (d×c row-major): the interpolant large |δ| approaches on under-determined data. */
  minFrobenius: Float64Array;
  /** Minimum-nuclear-norm interpolant (ADMM), only for under-determined data (H singular), else null. */
  minNuclear: NuclearInterpolant | null;
  /** H is singular: many minimisers, the implicit bias picks one. */
  underdetermined: boolean;
  /** Factor of H for the NTK Gram (linear2Metrics kernelFactor). */
  kernelFactor: Float64Array[];
  /** Step count of the end time tEnd. */
  endStep: number;
}

/** The schema field a CLI config path is about (for a ParamError naming an app field). */
export function fieldOfConfigPath(path: string): string {
  if (path.startsWith('config.method')) return 'method';
  if (path.startsWith('config.init.grid.h') || /^config\.init\.explicit\[\d+\]\.W$/.test(path)) return 'h';
  if (path.startsWith('config.init.grid.delta')) return 'deltaMax';
  if (path.startsWith('config.init.grid.tau')) return 'logTauMax';
  if (path.startsWith('config.init')) return 'seeds';
  if (path.startsWith('config.data.XY')) return 'XY';
  if (path.startsWith('config.data')) return 'XX';
  if (path.startsWith('config.learningRates.W')) return 'etaW';
  if (path.startsWith('config.learningRates.A')) return 'etaA';
  if (path.startsWith('config.times')) return 'tEnd';
  if (path.startsWith('config.step')) return 'step';
  return 'preset';
}

/**
 * Builds the experiment of validated params (schema and checkParams passed), as the CLI would plan it.
 * @throws ParamError naming the app field of any refusal of the CLI's config parser (e.g. beta-flow without Δ = δI: 'method').
 */
export function buildLinear2Experiment(p: Linear2AppParams): Linear2Experiment {
  const { betaStar } = linear2DataOfParams(p);
  let cfg: Linear2Config;
  try {
    cfg = parseLinear2Config(linear2AppConfig(p));
  } catch (e) {
    if (e instanceof ConfigError) {
      const field = fieldOfConfigPath(e.path);
      throw new ParamError(field, `${p.method === 'beta-flow' && field === 'method' ? 'method (method)' : `${field} (${field})`}: ${e.message}`);
    }
    throw e;
  }
  const { d, c, h } = cfg;
  const deltas = gridDeltas(p), taus = gridTaus(p);
  const seeds = Array.from({ length: p.seeds }, (_, k) => p.seed + k);
  const cols = taus.length, S = seeds.length;
  const networks = cfg.networks.map((n, i): Linear2Network => {
    const row = Math.floor(i / (cols * S)), col = Math.floor(i / S) % cols;
    return { index: i, row, col, seedIndex: i % S, cell: row * cols + col, delta: deltas[row], scalarDelta: n.delta, tau: taus[col], init: n.init };
  });
  const y0 = cfg.networks.map((n) => packLinear2State(n.W, n.A));
  const beta0 = y0.map((y) => betaOfState(y, h, d, c));
  const initial = cfg.method === 'beta-flow' ? beta0.map((b) => Float64Array.from(b)) : y0.map((y) => Float64Array.from(y));
  const q = cfg.quadratic;
  const minFrobenius = minFrobeniusInterpolant(q);
  const n = d * c;
  const hRank = rankOfH(q.H, n);
  const underdetermined = hRank < n;
  return {
    params: p, cfg, networks, deltas, taus, seeds, rows: deltas.length, cols, r: Math.min(d, c), initial, y0, beta0,
    betaStar: betaStar ? Float64Array.from(betaStar.flat()) : null,
    minFrobenius,
    minNuclear: underdetermined ? minNuclearInterpolant(q, { tol: 1e-9, maxIter: 5000 }) : null,
    underdetermined,
    kernelFactor: kernelFactor(cfg.data),
    endStep: Math.round(cfg.times[cfg.times.length - 1] / cfg.step),
  };
}

/** Numerical rank of the dc×dc PSD matrix H (singular values above 1e-10 of the largest). */
function rankOfH(H: Float64Array, n: number): number {
  const s = singularValues(H, n, n);
  return s.filter((x) => x > 1e-10 * (s[0] || 1)).length;
}

/** The networks the singular-value chart follows: the cell `sel`'s seeds (at most 4), or (sel = −1) the smallest, middle and largest δ of the smallest τ, first seed. */
export function followedNetworks(e: Linear2Experiment, sel: number): number[] {
  const S = e.seeds.length;
  if (sel >= 0 && sel < e.rows * e.cols) {
    const row = Math.floor(sel / e.cols), col = sel % e.cols;
    return Array.from({ length: Math.min(S, 4) }, (_, s) => (row * e.cols + col) * S + s);
  }
  const rows = [...new Set([0, Math.floor((e.rows - 1) / 2), e.rows - 1])];
  return rows.map((row) => row * e.cols * S);
}
