/**
 * The linear2 parameter schema (URL hash, controls, validation) and presets (docs/theory.md §2):
 * whitened regression; Gaussian-X regression with a low-rank teacher and noise; low-rank matrix sensing
 * (d = c = 6, rank-1 β* of norm 2, n = 20 measurements); the mirror-flow pair "aligned" (XX = I, β₀ sharing
 * XY's singular vectors: Thm B.6 exact) and "not-aligned" (the same data, β₀ random); custom XX, XY.
 * Grid: δ linear from deltaMin to deltaMax (deltaCount values) × τ log-spaced between 10^logTauMin and
 * 10^logTauMax × seeds seed, seed + 1, … `step` is η for GD and dt for RK4 / beta-flow (time per step);
 * the app's live run stops at flow time tEnd.
 */
import { ParamError, type EnumField, type Params } from '../../params/schema.ts';
import { betaFlowRefusal, LINEAR2_LIMITS, linear2Quadratic, type Linear2Data } from '../../theory/linear2.ts';
import { buildLinear2Data } from './data.ts';
import { gridInitKind } from './init.ts';
import { alignedInit } from './alignedInit.ts';

const BIG = 1e6;

/** The linear2 app's fields. d, c, h ranges are the kernel limits (1 ≤ d, c ≤ 8, 1 ≤ h ≤ 32). */
export const LINEAR2_SCHEMA = {
  preset: {
    key: 'p', label: 'preset', type: 'enum', default: 'sensing',
    options: ['whitened', 'teacher', 'sensing', 'sensing-map', 'aligned', 'not-aligned', 'width', 'custom'],
    optionLabels: {
      whitened: 'whitened regression', teacher: 'Gaussian X, low-rank teacher + noise', sensing: 'low-rank matrix sensing (spectrum vs δ)',
      'sensing-map': 'matrix sensing, τ × δ regime map', aligned: 'mirror flow: aligned (exact)', 'not-aligned': 'mirror flow: not aligned',
      width: 'narrowing net, width map (Thm 4.1)', custom: 'custom',
    },
  } as EnumField<'whitened' | 'teacher' | 'sensing' | 'sensing-map' | 'aligned' | 'not-aligned' | 'width' | 'custom'>,
  data: {
    key: 'data', label: 'data', type: 'enum', default: 'sensing', options: ['whitened', 'teacher', 'sensing', 'custom'],
    optionLabels: { whitened: 'whitened: XX = I, XY = β*', teacher: 'Gaussian X, teacher + noise', sensing: 'matrix sensing', custom: 'custom XX, XY (below)' },
  } as EnumField<'whitened' | 'teacher' | 'sensing' | 'custom'>,
  XX: {
    key: 'XX', label: 'XX (d×d, row-major)', type: 'vector', min: -1e6, max: 1e6, default: [1], maxLength: 64,
    help: 'custom data: XX = XᵀX, d² numbers row by row, symmetric positive semi-definite',
  },
  XY: { key: 'XY', label: 'XY (d×c, row-major)', type: 'vector', min: -1e6, max: 1e6, default: [1], maxLength: 64, help: 'custom data: XY = XᵀY, d·c numbers row by row' },
  deltaSigns: {
    key: 'dk', label: 'per-unit δ_k', type: 'enum', default: 'uniform', options: ['uniform', 'mixed'],
    optionLabels: { uniform: 'uniform: every δ_k = δ', mixed: 'mixed: δ_k = +δ (first ⌈h/2⌉), −δ (rest)' },
    help: 'Theorem 4.1: mixed-sign δ_k gives delayed-rich learning (the CLI config\'s init.grid.deltaSigns)',
  } as EnumField<'uniform' | 'mixed'>,
  init: {
    key: 'init', label: 'initialisation', type: 'enum', default: 'grid', options: ['grid', 'aligned'],
    optionLabels: { grid: 'grid: Δ = δI where h allows, else Gaussian', aligned: 'aligned with XY (needs XX = I, h = min(d, c))' },
  } as EnumField<'grid' | 'aligned'>,
  d: { key: 'd', label: 'input dimension d', type: 'int', min: 1, max: LINEAR2_LIMITS.maxD, default: 6 },
  c: { key: 'c', label: 'output dimension c', type: 'int', min: 1, max: LINEAR2_LIMITS.maxC, default: 6 },
  h: { key: 'h', label: 'hidden width h', type: 'int', min: 1, max: LINEAR2_LIMITS.maxH, default: 6 },
  n: { key: 'n', label: 'samples / measurements n', type: 'int', min: 1, max: 4096, default: 20 },
  rank: { key: 'r', label: 'teacher rank', type: 'int', min: 1, max: 8, default: 1 },
  norm: { key: 'bn', label: '‖β*‖_F', type: 'number', min: 0, max: BIG, default: 2, minExclusive: true },
  noise: { key: 'nz', label: 'label noise σ', type: 'number', min: 0, max: BIG, default: 0 },
  dataSeed: { key: 'ds', label: 'data seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 2 },
  method: { key: 'm', label: 'method', type: 'enum', default: 'rk4', options: ['gd', 'rk4', 'beta-flow'] } as EnumField<'gd' | 'rk4' | 'beta-flow'>,
  step: { key: 'dt', label: 'step (η or dt)', units: 'time per step', type: 'number', min: 0, max: 10, default: 2.5e-3, minExclusive: true },
  etaW: { key: 'ew', label: 'η_W', type: 'number', min: 0, max: BIG, default: 1, minExclusive: true },
  etaA: { key: 'ea', label: 'η_A', type: 'number', min: 0, max: BIG, default: 1, minExclusive: true },
  deltaMin: { key: 'dmin', label: 'δ min', type: 'number', min: -BIG, max: BIG, default: -4 },
  deltaMax: { key: 'dmax', label: 'δ max', type: 'number', min: -BIG, max: BIG, default: 4 },
  deltaCount: { key: 'dn', label: 'δ count', type: 'int', min: 1, max: 1025, default: 9 },
  logTauMin: { key: 'tmin', label: 'log₁₀ τ min', type: 'number', min: -6, max: 3, default: -2 },
  logTauMax: { key: 'tmax', label: 'log₁₀ τ max', type: 'number', min: -6, max: 3, default: -2 },
  tauCount: { key: 'tn', label: 'τ count', type: 'int', min: 1, max: 257, default: 1 },
  seeds: { key: 'sn', label: 'seeds', type: 'int', min: 1, max: 1024, default: 1 },
  seed: { key: 's', label: 'first seed', type: 'int', min: 0, max: 2 ** 31 - 2000, default: 0 },
  bound: { key: 'bd', label: 'divergence bound', type: 'number', min: 0, max: 1e30, default: 1e6, minExclusive: true },
  tEnd: { key: 'T', label: 'train until t', units: 'time', type: 'number', min: 0, max: 1e6, default: 40, minExclusive: true },
  stepsPerFrame: { key: 'spf', label: 'steps per frame', type: 'int', min: 1, max: 1e6, default: 40 },
  metric: {
    key: 'mt', label: 'regime map shows', type: 'enum', default: 'kernelDistance',
    options: ['kernelDistance', 'loss', 'deltaDrift', 'effectiveRank', 'nuclearNorm', 'distStar', 'distFrobenius', 'distNuclear'],
    optionLabels: {
      kernelDistance: 'kernel distance S', loss: 'loss L', deltaDrift: 'relative Δ drift', effectiveRank: 'effective rank',
      nuclearNorm: 'nuclear norm ‖β‖_*', distStar: '‖β − β*‖_F', distFrobenius: '‖β − min-Frobenius interpolant‖_F', distNuclear: '‖β − min-nuclear interpolant‖_F',
    },
  } as EnumField<'kernelDistance' | 'loss' | 'deltaDrift' | 'effectiveRank' | 'nuclearNorm' | 'distStar' | 'distFrobenius' | 'distNuclear'>,
  sel: { key: 'sel', label: 'followed cell (−1: auto)', type: 'int', min: -1, max: 1e6, default: -1 },
} as const;
/** The schema's type (Params<Linear2Schema> is the app's parameter object). */
export type Linear2Schema = typeof LINEAR2_SCHEMA;

/** The app's fields that change only the view (overriding them keeps a preset's name). */
export const LINEAR2_VIEW_FIELDS: ReadonlySet<string> = new Set(['metric', 'sel', 'stepsPerFrame']);

/** Most networks the app runs: it reads every network back and analyses it in f64 on the host (larger grids: lazyrich sweep). */
export const LINEAR2_APP_MAX_NETWORKS = 4096;

/** Presets of issue 13: partial overrides of the defaults (which are the sensing preset). */
export const LINEAR2_PRESETS: Record<string, Partial<Params<Linear2Schema>>> = {
  whitened: { data: 'whitened', init: 'grid', d: 4, c: 3, h: 4, rank: 2, norm: 2 },
  teacher: { data: 'teacher', init: 'grid', d: 6, c: 4, h: 8, n: 64, rank: 2, norm: 2, noise: 0.1 },
  // dataSeed 2: the implicit-bias test's problem (tests/unit/linear2.implicitBias.test.ts; seed 0 draws measurements
  // below the rank-1 recovery threshold, where δ = 0 ends 1.1 from β*). dt = 2.5e-3: RK4's relative Δ drift by t = 12 is
  // 7e-5 (f64; 2e-3 at dt = 5e-3, 1e-6 at 1e-3); by t = 40 δ = 0 has loss ≈ 1e-10 and δ = ±4 converged long before.
  sensing: {
    data: 'sensing', init: 'grid', d: 6, c: 6, h: 6, n: 20, rank: 1, norm: 2, noise: 0, dataSeed: 2, method: 'rk4', step: 2.5e-3, tEnd: 40, stepsPerFrame: 40,
    deltaMin: -4, deltaMax: 4, deltaCount: 9, logTauMin: -2, logTauMax: -2, tauCount: 1, seeds: 1,
  },
  'sensing-map': {
    data: 'sensing', init: 'grid', d: 6, c: 6, h: 6, n: 20, rank: 1, norm: 2, noise: 0, dataSeed: 2, method: 'rk4', step: 2.5e-3, tEnd: 40, stepsPerFrame: 40,
    deltaMin: -4, deltaMax: 4, deltaCount: 9, logTauMin: -3, logTauMax: 0, tauCount: 7, seeds: 1,
  },
  // Thm B.6's exact case: XX = I, β₀ = U diag(s₀) Vᵀ with XY's singular vectors (alignedInit.ts).
  // δ ≥ 0 only: here the flow depends on δ² (λ̇ = −√(δ² + 4λ²) ∂L/∂λ), so −δ would draw the same curves.
  aligned: {
    data: 'whitened', init: 'aligned', d: 3, c: 3, h: 3, rank: 2, norm: 2, dataSeed: 1, method: 'rk4', step: 1e-2, tEnd: 12, stepsPerFrame: 4,
    deltaMin: 0, deltaMax: 4, deltaCount: 3, logTauMin: -1, logTauMax: -1, tauCount: 1, seeds: 1,
  },
  // Theorem 4.1's regime table: a narrowing net (d = 6 > c = 2); the width map runs h = 1 … 12, uniform or mixed δ_k.
  width: {
    data: 'teacher', init: 'grid', deltaSigns: 'uniform', d: 6, c: 2, h: 4, n: 64, rank: 1, norm: 2, noise: 0, dataSeed: 3, method: 'rk4', step: 1e-2, tEnd: 20,
    stepsPerFrame: 40, deltaMin: -4, deltaMax: 4, deltaCount: 9, logTauMin: -2, logTauMax: -2, tauCount: 1, seeds: 1,
  },
  // The same data from a random β₀ (Δ = δI exactly): the singular vectors turn, the prediction (vectors frozen at β₀'s) misses.
  'not-aligned': {
    data: 'whitened', init: 'grid', d: 3, c: 3, h: 3, rank: 2, norm: 2, dataSeed: 1, method: 'rk4', step: 1e-2, tEnd: 12, stepsPerFrame: 4,
    deltaMin: 0, deltaMax: 4, deltaCount: 3, logTauMin: -1, logTauMax: -1, tauCount: 1, seeds: 1,
  },
};

/** The grid's δ values (linear, deltaCount of them). */
export function gridDeltas(p: Params<Linear2Schema>): number[] {
  return Array.from({ length: p.deltaCount }, (_, k) => (p.deltaCount === 1 ? p.deltaMin : p.deltaMin + ((p.deltaMax - p.deltaMin) * k) / (p.deltaCount - 1)));
}

/** The grid's τ values (10^logτ, log-spaced, tauCount of them). */
export function gridTaus(p: Params<Linear2Schema>): number[] {
  return Array.from({ length: p.tauCount }, (_, k) => 10 ** (p.tauCount === 1 ? p.logTauMin : p.logTauMin + ((p.logTauMax - p.logTauMin) * k) / (p.tauCount - 1)));
}

/**
 * The data of app params: the preset's seeded data (data.ts), or custom XX, XY from the URL.
 * @throws ParamError naming XX or XY: wrong length (d² resp. d·c entries), XX not symmetric or not PSD.
 */
export function linear2DataOfParams(p: Params<Linear2Schema>): { data: Linear2Data; betaStar: number[][] | null } {
  if (p.data !== 'custom') {
    const { data, betaStar } = buildLinear2Data({ kind: p.data, d: p.d, c: p.c, n: p.n, rank: p.rank, norm: p.norm, noise: p.noise, seed: p.dataSeed });
    return { data, betaStar };
  }
  const { d, c } = p;
  if (p.XX.length !== d * d) throw new ParamError('XX', `XX (XX) must have d² = ${d * d} entries (d = ${d}, row by row); got ${p.XX.length}.`);
  if (p.XY.length !== d * c) throw new ParamError('XY', `XY (XY) must have d·c = ${d * c} entries (d = ${d}, c = ${c}, row by row); got ${p.XY.length}.`);
  const XX = Array.from({ length: d }, (_, i) => p.XX.slice(i * d, (i + 1) * d));
  const XY = Array.from({ length: d }, (_, i) => p.XY.slice(i * c, (i + 1) * c));
  const data: Linear2Data = { kind: 'regression', XX, XY };
  try { linear2Quadratic(data); } catch (e) { throw new ParamError('XX', `XX (XX): ${(e as Error).message}.`); }
  return { data, betaStar: null };
}

/**
 * Cross-field checks, before anything is built. @throws ParamError naming the field: rank > min(d, c),
 * deltaMin > deltaMax, logTauMin > logTauMax, more than {@link LINEAR2_APP_MAX_NETWORKS} networks, custom
 * XX / XY of the wrong length or XX not symmetric PSD, init = aligned without whitened data or with
 * h ≠ min(d, c), and method = beta-flow where a grid point's Δ is not δI with Theorem 4.2's h (naming δ).
 */
export function checkLinear2Params(p: Params<Linear2Schema>): void {
  if (p.data !== 'custom' && p.rank > Math.min(p.d, p.c)) throw new ParamError('rank', `teacher rank (rank) = ${p.rank} must be ≤ min(d, c) = ${Math.min(p.d, p.c)}`);
  if (p.deltaMin > p.deltaMax) throw new ParamError('deltaMin', `δ min (deltaMin) = ${p.deltaMin} is above δ max = ${p.deltaMax}`);
  if (p.logTauMin > p.logTauMax) throw new ParamError('logTauMin', `log₁₀ τ min (logTauMin) = ${p.logTauMin} is above log₁₀ τ max = ${p.logTauMax}`);
  const count = p.deltaCount * p.tauCount * p.seeds;
  if (count > LINEAR2_APP_MAX_NETWORKS) {
    throw new ParamError('seeds', `seeds (seeds): the grid has ${p.deltaCount} δ × ${p.tauCount} τ × ${p.seeds} seeds = ${count.toLocaleString('en')} networks; `
      + `the app runs at most ${LINEAR2_APP_MAX_NETWORKS.toLocaleString('en')} (it analyses every network on the host); use lazyrich sweep for more`);
  }
  if (p.data === 'custom') linear2DataOfParams(p);
  if (p.init === 'aligned') {
    if (p.deltaSigns !== 'uniform') throw new ParamError('deltaSigns', `per-unit δ_k (deltaSigns) = "${p.deltaSigns}" needs init = "grid" (the aligned init has Δ = δI)`);
    if (p.data !== 'whitened') throw new ParamError('init', `initialisation (init) = "aligned" needs data = "whitened" (XX = I), got data = "${p.data}"`);
    if (p.h !== Math.min(p.d, p.c)) throw new ParamError('h', `hidden width h (h) = ${p.h} must equal min(d, c) = ${Math.min(p.d, p.c)} for init = "aligned"`);
  }
  if (p.method === 'beta-flow') {
    if (p.deltaSigns === 'mixed' && p.h > 1 && gridDeltas(p).some((x) => x !== 0)) {
      throw new ParamError('method', 'method (method) = "beta-flow" needs Δ = δI (Theorem 4.2); per-unit δ_k (deltaSigns) = "mixed" gives Δ = diag(±δ)');
    }
    for (const delta of gridDeltas(p)) {
      const scalar = p.init === 'aligned' || gridInitKind(delta, p.h, p.d, p.c) === 'exact';
      const why = betaFlowRefusal(scalar ? delta : null, p.h, p.d, p.c);
      if (why) throw new ParamError('method', `method (method) = "beta-flow" is refused at δ = ${delta}: ${why}${scalar ? '' : ` (h = ${p.h} is too wide for Δ = δI: the grid uses the Gaussian init there)`}`);
    }
  }
}

/**
 * The `lazyrich simulate` config (config.ts) of app params: the preset's seeded data as XX, XY or the
 * sensing matrices; the δ × τ × seeds grid (δ linear, τ = 10^logτ log-spaced, seeds seed …
 * seed + seeds − 1); times 0 and one step.
 */
export function linear2AppConfig(p: Params<Linear2Schema>): Record<string, unknown> {
  const { data } = linear2DataOfParams(p);
  const taus = gridTaus(p);
  const seeds = Array.from({ length: p.seeds }, (_, k) => p.seed + k);
  const rates = { W: p.etaW, A: p.etaA };
  // init = aligned: explicit networks in grid order (δ outermost, then τ, then seeds), as the grid would be.
  const init = p.init === 'aligned' && data.kind === 'regression'
    ? { explicit: gridDeltas(p).flatMap((delta) => taus.flatMap((tau) => seeds.map((seed) => { const n = alignedInit(data.XY, delta, tau, seed, rates); return { W: n.W, A: n.A }; }))) }
    : { grid: { h: p.h, delta: { from: p.deltaMin, to: p.deltaMax, count: p.deltaCount }, tau: taus, seeds, ...(p.deltaSigns === 'mixed' ? { deltaSigns: 'mixed' } : {}) } };
  return {
    model: 'linear2',
    data: data.kind === 'regression' ? { XX: data.XX, XY: data.XY } : { sensing: { M: data.M, y: data.y } },
    learningRates: rates,
    init,
    method: p.method, step: p.step, times: [0, linear2EndTime(p)], bound: p.bound,
  };
}

/** The run's last time: tEnd rounded to a whole number of steps (at least one). */
export function linear2EndTime(p: Params<Linear2Schema>): number {
  return Math.max(1, Math.round(p.tEnd / p.step)) * p.step;
}
