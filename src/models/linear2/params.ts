/**
 * The linear2 parameter schema (URL hash, controls, validation) and presets (docs/theory.md §2):
 * whitened regression; Gaussian-X regression with a low-rank teacher and noise; low-rank matrix sensing
 * (d = c = 6, rank-1 β* of norm 2, n = 20 measurements). Grid: δ linear from deltaMin to deltaMax
 * (deltaCount values) × τ log-spaced between 10^logTauMin and 10^logTauMax × seeds seed, seed + 1, …
 * `step` is η for GD and dt for RK4 / beta-flow (time per step).
 */
import { ParamError, type EnumField, type Params } from '../../params/schema.ts';
import { LINEAR2_LIMITS } from '../../theory/linear2.ts';
import { buildLinear2Data } from './data.ts';

const BIG = 1e6;

/** The linear2 app's fields. d, c, h ranges are the kernel limits (1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32). */
export const LINEAR2_SCHEMA = {
  preset: {
    key: 'p', label: 'preset', type: 'enum', default: 'sensing', options: ['whitened', 'teacher', 'sensing', 'custom'],
    optionLabels: { whitened: 'whitened regression', teacher: 'Gaussian X, low-rank teacher + noise', sensing: 'low-rank matrix sensing', custom: 'custom' },
  } as EnumField<'whitened' | 'teacher' | 'sensing' | 'custom'>,
  data: {
    key: 'data', label: 'data', type: 'enum', default: 'sensing', options: ['whitened', 'teacher', 'sensing'],
  } as EnumField<'whitened' | 'teacher' | 'sensing'>,
  d: { key: 'd', label: 'input dimension d', type: 'int', min: 1, max: LINEAR2_LIMITS.maxD, default: 6 },
  c: { key: 'c', label: 'output dimension c', type: 'int', min: 1, max: LINEAR2_LIMITS.maxC, default: 6 },
  h: { key: 'h', label: 'hidden width h', type: 'int', min: 1, max: LINEAR2_LIMITS.maxH, default: 6 },
  n: { key: 'n', label: 'samples / measurements n', type: 'int', min: 1, max: 4096, default: 20 },
  rank: { key: 'r', label: 'teacher rank', type: 'int', min: 1, max: 8, default: 1 },
  norm: { key: 'bn', label: '‖β*‖_F', type: 'number', min: 0, max: BIG, default: 2, minExclusive: true },
  noise: { key: 'nz', label: 'label noise σ', type: 'number', min: 0, max: BIG, default: 0 },
  dataSeed: { key: 'ds', label: 'data seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 2 },
  method: { key: 'm', label: 'method', type: 'enum', default: 'rk4', options: ['gd', 'rk4', 'beta-flow'] } as EnumField<'gd' | 'rk4' | 'beta-flow'>,
  step: { key: 'dt', label: 'step (η or dt)', units: 'time per step', type: 'number', min: 0, max: 10, default: 1e-3, minExclusive: true },
  etaW: { key: 'ew', label: 'η_W', type: 'number', min: 0, max: BIG, default: 1, minExclusive: true },
  etaA: { key: 'ea', label: 'η_A', type: 'number', min: 0, max: BIG, default: 1, minExclusive: true },
  deltaMin: { key: 'dmin', label: 'δ min', type: 'number', min: -BIG, max: BIG, default: -4 },
  deltaMax: { key: 'dmax', label: 'δ max', type: 'number', min: -BIG, max: BIG, default: 4 },
  deltaCount: { key: 'dn', label: 'δ count', type: 'int', min: 1, max: 1025, default: 5 },
  logTauMin: { key: 'tmin', label: 'log₁₀ τ min', type: 'number', min: -6, max: 3, default: -2 },
  logTauMax: { key: 'tmax', label: 'log₁₀ τ max', type: 'number', min: -6, max: 3, default: -2 },
  tauCount: { key: 'tn', label: 'τ count', type: 'int', min: 1, max: 257, default: 1 },
  seeds: { key: 'sn', label: 'seeds', type: 'int', min: 1, max: 1024, default: 1 },
  seed: { key: 's', label: 'first seed', type: 'int', min: 0, max: 2 ** 31 - 2000, default: 0 },
  bound: { key: 'bd', label: 'divergence bound', type: 'number', min: 0, max: 1e30, default: 1e6, minExclusive: true },
} as const;
/** The schema's type (Params<Linear2Schema> is the app's parameter object). */
export type Linear2Schema = typeof LINEAR2_SCHEMA;

/** Presets of issue 13: partial overrides of the defaults (which are the sensing preset). */
export const LINEAR2_PRESETS: Record<string, Partial<Params<Linear2Schema>>> = {
  whitened: { data: 'whitened', d: 4, c: 3, h: 4, rank: 2, norm: 2 },
  teacher: { data: 'teacher', d: 6, c: 4, h: 8, n: 64, rank: 2, norm: 2, noise: 0.1 },
  // dataSeed 2: the implicit-bias test's problem (tests/unit/linear2.implicitBias.test.ts; seed 0 draws measurements
  // below the rank-1 recovery threshold, where δ = 0 ends 1.1 from β*).
  sensing: { data: 'sensing', d: 6, c: 6, h: 6, n: 20, rank: 1, norm: 2, noise: 0, dataSeed: 2, deltaMin: -4, deltaMax: 4, deltaCount: 5, logTauMin: -2, logTauMax: -2, tauCount: 1 },
};

/**
 * Cross-field checks. @throws ParamError naming the field: rank > min(d, c), deltaMin > deltaMax,
 * logTauMin > logTauMax, more than 10⁶ networks.
 */
export function checkLinear2Params(p: Params<Linear2Schema>): void {
  if (p.rank > Math.min(p.d, p.c)) throw new ParamError('rank', `teacher rank = ${p.rank} must be ≤ min(d, c) = ${Math.min(p.d, p.c)}`);
  if (p.deltaMin > p.deltaMax) throw new ParamError('deltaMin', `δ min = ${p.deltaMin} is above δ max = ${p.deltaMax}`);
  if (p.logTauMin > p.logTauMax) throw new ParamError('logTauMin', `log₁₀ τ min = ${p.logTauMin} is above log₁₀ τ max = ${p.logTauMax}`);
  if (p.deltaCount * p.tauCount * p.seeds > 1e6) throw new ParamError('seeds', 'more than 10⁶ networks in the grid');
}

/**
 * The `lazyrich simulate` config (config.ts) of app params: the preset's seeded data as XX, XY or the
 * sensing matrices; the δ × τ × seeds grid (δ linear, τ = 10^logτ log-spaced, seeds seed …
 * seed + seeds − 1); times 0 and one step.
 */
export function linear2AppConfig(p: Params<Linear2Schema>): Record<string, unknown> {
  const { data } = buildLinear2Data({ kind: p.data, d: p.d, c: p.c, n: p.n, rank: p.rank, norm: p.norm, noise: p.noise, seed: p.dataSeed });
  const taus = Array.from({ length: p.tauCount }, (_, k) => 10 ** (p.tauCount === 1 ? p.logTauMin : p.logTauMin + ((p.logTauMax - p.logTauMin) * k) / (p.tauCount - 1)));
  return {
    model: 'linear2',
    data: data.kind === 'regression' ? { XX: data.XX, XY: data.XY } : { sensing: { M: data.M, y: data.y } },
    learningRates: { W: p.etaW, A: p.etaA },
    init: { grid: { h: p.h, delta: { from: p.deltaMin, to: p.deltaMax, count: p.deltaCount }, tau: taus, seeds: Array.from({ length: p.seeds }, (_, k) => p.seed + k) } },
    method: p.method, step: p.step, times: [0, p.step], bound: p.bound,
  };
}
