/**
 * The relu2 parameter schema (single source of truth for the app's URL, its lil-gui panel and the
 * validation of an experiment) and the paper presets of docs/theory.md §3 (Fig. 1a, Fig. 1b). Field order is
 * the GUI order; `key` is the URL-hash key. Grids: τ log-spaced between 10^logTauMin and 10^logTauMax,
 * δ linear (or α log-spaced), seeds = seed, seed + 1, …; checkpoints log-spaced GD step counts.
 */
import { ParamError, type EnumField, type Params } from '../../params/schema.ts';
import { RELU2_KERNELS, RELU2_LIMITS, type Relu2Kernel } from './layout.ts';

const BIG = 1e6;

/**
 * The relu2 app's fields: name → { key (URL), label, type, range, default, help }. Ranges of m, d, n and
 * nTest are the kernel limits (layout.ts RELU2_LIMITS); grid sizes are bounded by the device, checked per
 * batch by validateRelu2Spec.
 */
export const RELU2_SCHEMA = {
  preset: {
    key: 'p', label: 'preset', type: 'enum', default: 'fig1b-reduced',
    options: ['fig1a', 'fig1a-quick', 'fig1b-reduced', 'fig1b-full', 'xor', 'custom'],
    optionLabels: {
      fig1a: 'Fig. 1a (paper: η = 1e-4, 10⁶ steps)', 'fig1a-quick': 'Fig. 1a quick (η = 1e-3, 10⁵ steps; software adapter)',
      'fig1b-reduced': 'Fig. 1b reduced (9 × 9 × 4)',
      'fig1b-full': 'Fig. 1b full (17 × 17 × 16)', xor: 'Fig. 5a XOR: units and parity (3 τ × 3 α)', custom: 'custom',
    },
  } as EnumField<'fig1a' | 'fig1a-quick' | 'fig1b-reduced' | 'fig1b-full' | 'xor' | 'custom'>,
  experiment: {
    key: 'x', label: 'experiment', type: 'enum', default: 'grid', options: ['grid', 'fig1a'],
    optionLabels: { grid: 'τ × δ|α grid (regime map)', fig1a: 'the four Fig. 1a settings' },
    help: 'fig1a: (τ, δ) = (0.1, 0), (2, 0) and τ = 0.1 with α = 10 (upstream) and α = 0.1 (downstream)',
  } as EnumField<'grid' | 'fig1a'>,
  batch: {
    key: 'b', label: 'GPU batch', type: 'enum', default: 'tau', options: ['tau', 'all', 'cell'],
    optionLabels: { tau: 'one τ column at a time', all: 'the whole grid at once', cell: 'one cell (all seeds) at a time' },
    help: 'networks trained together; cells fill in as their batch reaches each checkpoint. "all" is fastest on a large GPU.',
  } as EnumField<'tau' | 'all' | 'cell'>,
  data: {
    key: 'data', label: 'data', type: 'enum', default: 'teacher', options: ['teacher', 'upload', 'xor'],
    optionLabels: { teacher: 'teacher–student (seeded)', upload: 'uploaded CSV', xor: 'XOR clusters (Fig. 5a; d = 2 + bias)' },
    help: 'xor: four clusters at (±1, ±1), y = sgn(x₁x₂), inputs (x₁, x₂, 1) (xorData.ts); n, test samples and the first seed apply',
  } as EnumField<'teacher' | 'upload' | 'xor'>,
  d: { key: 'd', label: 'input dimension d', type: 'int', min: 1, max: RELU2_LIMITS.maxInputs, default: 20 },
  n: { key: 'n', label: 'train samples n', type: 'int', min: 1, max: RELU2_LIMITS.maxSamples, default: 200 },
  nTest: { key: 'nt', label: 'test samples', type: 'int', min: 0, max: RELU2_LIMITS.maxSamples, default: 1000 },
  m0: { key: 'm0', label: 'teacher units m₀', type: 'int', min: 1, max: RELU2_LIMITS.maxUnits, default: 3 },
  seeds: { key: 'sn', label: 'seeds', type: 'int', min: 1, max: 256, default: 4,
    help: 'each seed draws its own teacher, data and init directions' },
  seed: { key: 's', label: 'first seed', type: 'int', min: 0, max: 2 ** 31 - 300, default: 0 },
  m: { key: 'm', label: 'hidden units m (even)', type: 'int', min: 2, max: RELU2_LIMITS.maxUnits, default: 50 },
  activation: {
    key: 'act', label: 'activation σ', type: 'enum', default: 'relu', options: ['relu', 'leaky'],
    optionLabels: { relu: 'ReLU', leaky: 'leaky ReLU' },
  } as EnumField<'relu' | 'leaky'>,
  slope: { key: 'slope', label: 'leaky slope', type: 'number', min: 0, max: 1, default: 0.01 },
  logTauMin: { key: 'tmin', label: 'log₁₀ τ min', type: 'number', min: -6, max: 3, default: -1 },
  logTauMax: { key: 'tmax', label: 'log₁₀ τ max', type: 'number', min: -6, max: 3, default: 0.3 },
  tauCount: { key: 'tn', label: 'τ count', type: 'int', min: 1, max: 257, default: 9 },
  shape: {
    key: 'g', label: 'grid in', type: 'enum', default: 'delta', options: ['delta', 'alpha'],
    optionLabels: { delta: 'δ (linear)', alpha: 'α (log-spaced)' },
  } as EnumField<'delta' | 'alpha'>,
  deltaMin: { key: 'dmin', label: 'δ min', type: 'number', min: -BIG, max: BIG, default: -1 },
  deltaMax: { key: 'dmax', label: 'δ max', type: 'number', min: -BIG, max: BIG, default: 1 },
  deltaCount: { key: 'dn', label: 'δ count', type: 'int', min: 1, max: 257, default: 9 },
  logAlphaMin: { key: 'amin', label: 'log₁₀ α min', type: 'number', min: -6, max: 6, default: -1 },
  logAlphaMax: { key: 'amax', label: 'log₁₀ α max', type: 'number', min: -6, max: 6, default: 1 },
  alphaCount: { key: 'an', label: 'α count', type: 'int', min: 1, max: 257, default: 9 },
  etaBase: { key: 'eta', label: 'η_base', type: 'number', min: 0, minExclusive: true, max: 100, default: 5e-3 },
  etaScale: { key: 'es', label: 'η = η_base / τ²', type: 'bool', default: true,
    help: 'the paper’s rule; off: η = η_base for every τ' },
  steps: { key: 'T', label: 'GD steps', type: 'int', min: 1, max: 100_000_000, default: 10_000 },
  checkpoints: { key: 'cn', label: 'checkpoints after 0', type: 'int', min: 1, max: 200, default: 9,
    help: 'log-spaced GD step counts from 1 to the last step (plus step 0)' },
  metric: {
    key: 'metric', label: 'map metric', type: 'enum', default: 'kernelDistance',
    options: ['trainLoss', 'testLoss', 'hamming', 'paramDistance', 'kernelDistance', 'deltaDrift'],
    optionLabels: {
      trainLoss: 'train loss', testLoss: 'test loss', hamming: 'Hamming distance H', paramDistance: 'parameter distance ‖θ−θ₀‖',
      kernelDistance: 'kernel distance S', deltaDrift: 'max δ_k drift',
    },
  } as EnumField<'trainLoss' | 'testLoss' | 'hamming' | 'paramDistance' | 'kernelDistance' | 'deltaDrift'>,
  at: { key: 'at', label: 'map checkpoint (−1 = last)', type: 'int', min: -1, max: 200, default: -1 },
  kernel: {
    key: 'kernel', label: 'GPU step kernel', type: 'enum', default: 'auto', options: ['auto', ...RELU2_KERNELS],
    optionLabels: { auto: 'auto (by adapter)', thread: 'thread per network', workgroup: 'workgroup per network', tiled: 'tiled (GPUs)' },
    help: 'auto: thread on a software (CPU) adapter, tiled on a GPU (layout.ts Relu2Kernel); the same networks either way',
  } as EnumField<Relu2KernelParam>,
} as const;

/** The `kernel` URL key's values: a step kernel (layout.ts Relu2Kernel) or `auto` (by adapter). */
export type Relu2KernelParam = 'auto' | Relu2Kernel;

/** The step kernel the app's params ask for: undefined for `auto` (layout.ts defaultRelu2Kernel decides by adapter). */
export function kernelOfParams(p: Pick<Relu2AppParams, 'kernel'>): Relu2Kernel | undefined {
  return p.kernel === 'auto' ? undefined : p.kernel;
}

/** The schema's type. */
export type Relu2Schema = typeof RELU2_SCHEMA;
/** A full, validated set of relu2 app params. */
export type Relu2AppParams = Params<Relu2Schema>;
/** Preset names, "custom" included. */
export type Relu2PresetName = Relu2AppParams['preset'];
/** A metric the app can map: a key of Relu2Metrics. */
export type Relu2MetricName = Relu2AppParams['metric'];

/**
 * Presets (docs/theory.md §3 and "Presets and known differences"). Steps are reduced from the paper only in
 * the "quick" variants, for software adapters:
 * - fig1a: the authors' plot_fig1a settings: d = 2, m = 50, n = 20, m₀ = 3, one seed, the four settings, a
 *   fixed η = 1e-4 (no τ² scaling) for 10⁶ GD steps, i.e. training time η·steps = 100 for every setting.
 * - fig1a-quick: the same with η = 1e-3 for 10⁵ steps: the same training time 100 in a tenth of the steps
 *   (GD at 10× the step; a tenth of the time on SwiftShader).
 * - fig1b-reduced: the issue's browser grid, 9 × 9 τ × δ, 4 seeds, m = 50, n = 200, d = 20, 10⁴ steps.
 * - fig1b-full: the paper's grid, 17 × 17 × 16, m = 50, n = 1000, d = 100, 10⁵ steps (1,000 test samples
 *   instead of 10⁴), run one τ column at a time.
 * - xor: paper Fig. 5a (docs/theory.md §3.1): the XOR clusters (xorData.ts), m = 10 ReLU units, τ ∈ {0.05,
 *   0.1, 0.2} × α ∈ {0.1, 1, 10} (downstream, balanced, upstream), η = 1e-5/τ², 2·10⁴ steps, 40 checkpoints;
 *   every unit's motion and the parity picture are drawn at each checkpoint (app/units.ts).
 */
export const RELU2_PRESETS: Record<Exclude<Relu2PresetName, 'custom'>, Partial<Relu2AppParams>> = {
  fig1a: {
    experiment: 'fig1a', batch: 'all', data: 'teacher', d: 2, n: 20, nTest: 200, m0: 3, seeds: 1, seed: 0, m: 50,
    activation: 'relu', etaBase: 1e-4, etaScale: false, steps: 1_000_000, checkpoints: 60, metric: 'trainLoss', at: -1,
  },
  'fig1a-quick': {
    experiment: 'fig1a', batch: 'all', data: 'teacher', d: 2, n: 20, nTest: 200, m0: 3, seeds: 1, seed: 0, m: 50,
    activation: 'relu', etaBase: 1e-3, etaScale: false, steps: 100_000, checkpoints: 50, metric: 'trainLoss', at: -1,
  },
  'fig1b-reduced': {
    experiment: 'grid', batch: 'tau', data: 'teacher', d: 20, n: 200, nTest: 1000, m0: 3, seeds: 4, seed: 0, m: 50,
    activation: 'relu', logTauMin: -1, logTauMax: 0.3, tauCount: 9, shape: 'delta', deltaMin: -1, deltaMax: 1, deltaCount: 9,
    etaBase: 5e-3, etaScale: true, steps: 10_000, checkpoints: 9, metric: 'kernelDistance', at: -1,
  },
  'fig1b-full': {
    experiment: 'grid', batch: 'tau', data: 'teacher', d: 100, n: 1000, nTest: 1000, m0: 3, seeds: 16, seed: 0, m: 50,
    activation: 'relu', logTauMin: -1, logTauMax: 0.3, tauCount: 17, shape: 'delta', deltaMin: -1, deltaMax: 1, deltaCount: 17,
    etaBase: 5e-3, etaScale: true, steps: 100_000, checkpoints: 11, metric: 'kernelDistance', at: -1,
  },
  xor: {
    experiment: 'grid', batch: 'all', data: 'xor', n: 40, nTest: 200, seeds: 1, seed: 0, m: 10, activation: 'relu',
    logTauMin: Math.log10(0.05), logTauMax: Math.log10(0.2), tauCount: 3, shape: 'alpha', logAlphaMin: -1, logAlphaMax: 1, alphaCount: 3,
    etaBase: 1e-5, etaScale: true, steps: 20_000, checkpoints: 40, metric: 'hamming', at: -1,
  },
};

/** n values from 10^lo to 10^hi, log-spaced (one value: 10^lo). */
export function logspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1)));
}

/** n values from lo to hi, evenly spaced (one value: lo); exact 0 where the grid crosses it. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const v = n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1);
    return Math.abs(v) < 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi)) ? 0 : v;
  });
}

/**
 * GD step counts at which metrics are read: 0, then `count` values log-spaced from 1 to `steps` (just
 * `steps` when count = 1), rounded to integers and deduplicated (so there may be fewer). The last is
 * always `steps`.
 */
export function checkpointSteps(steps: number, count: number): number[] {
  const out = new Set<number>([0]);
  for (const v of count === 1 ? [steps] : logspace(0, Math.log10(steps), count)) out.add(Math.round(v));
  out.add(steps);
  return [...out].sort((a, b) => a - b);
}

/** The τ values of the grid (log-spaced). */
export function tauValues(p: Relu2AppParams): number[] { return logspace(p.logTauMin, p.logTauMax, p.tauCount); }

/** The δ (linear) or α (log-spaced) values of the grid, per `p.shape`. */
export function shapeValues(p: Relu2AppParams): number[] {
  return p.shape === 'delta' ? linspace(p.deltaMin, p.deltaMax, p.deltaCount) : logspace(p.logAlphaMin, p.logAlphaMax, p.alphaCount);
}

/** The seeds: seed, seed + 1, …, seed + seeds − 1. */
export function seedList(p: Relu2AppParams): number[] { return Array.from({ length: p.seeds }, (_, i) => p.seed + i); }

/** σ's negative-side slope: 0 for ReLU. */
export function slopeOf(p: Relu2AppParams): number { return p.activation === 'leaky' ? p.slope : 0; }

/**
 * Cross-field checks the per-field ranges cannot express.
 * @throws ParamError naming the field: odd m (the symmetrised init pairs units), min > max of a range,
 *   or teacher data larger than 2²⁶ floats (the browser would run out of memory before the device check).
 */
export function checkRelu2Params(p: Relu2AppParams): void {
  if (p.m % 2 !== 0) throw new ParamError('m', `hidden units m (m) must be even for the symmetrised init (units come in ± pairs); got ${p.m}.`);
  const ranges: [keyof Relu2AppParams, number, number, string][] = [
    ['logTauMin', p.logTauMin, p.logTauMax, 'log₁₀ τ'], ['deltaMin', p.deltaMin, p.deltaMax, 'δ'],
    ['logAlphaMin', p.logAlphaMin, p.logAlphaMax, 'log₁₀ α'],
  ];
  for (const [field, lo, hi, name] of ranges) {
    if (lo > hi) throw new ParamError(field, `${name} min (${lo}) must not exceed ${name} max (${hi}).`);
  }
  if (p.data === 'teacher') {
    const floats = p.seeds * (p.n + p.nTest) * (p.d + 1);
    if (floats > 2 ** 26) {
      throw new ParamError('n', `teacher data of ${p.seeds} seeds × ${(p.n + p.nTest).toLocaleString('en')} samples × (d + 1) = ${floats.toLocaleString('en')} floats exceeds 2²⁶; use fewer seeds or samples.`);
    }
  }
}
