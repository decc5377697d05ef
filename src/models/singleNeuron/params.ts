/**
 * The single-neuron parameter schema (the app's single source of truth) and the paper presets of
 * docs/theory.md §1.6. Field order is the GUI order; `key` is the URL-hash key.
 */
import { defaults, ParamError, type EnumField, type Params } from '../../params/schema.ts';
import { modelFromHash } from '../../params/url.ts';
import { MAX_D } from './layout.ts';

const BIG = 100;

/**
 * Default divergence bound of the single neuron (the app's `bound` field and the CLI config's "bound"):
 * a trajectory with |a| or |w_j| above it (or non-finite) is frozen and flagged diverged. Dimensionless,
 * in the units of the parameters.
 */
export const DEFAULT_BOUND = 1e6;

export const SINGLE_NEURON_SCHEMA = {
  preset: {
    key: 'p', label: 'preset', type: 'enum', default: 'fig2',
    options: ['fig2', 'fig8', 'fig4b', 'custom'],
    optionLabels: { fig2: 'Fig. 2/3 (whitened)', fig8: 'Fig. 8 (theory vs GD)', fig4b: 'Fig. 4b (low rank)', custom: 'custom' },
  } as EnumField<'fig2' | 'fig8' | 'fig4b' | 'custom'>,
  d: { key: 'd', label: 'input dimension d', type: 'int', min: 1, max: MAX_D, default: 2 },
  dataset: {
    key: 'data', label: 'data', type: 'enum', default: 'whitened', options: ['whitened', 'lowrank', 'gaussian'],
    optionLabels: { whitened: 'whitened XX = I', lowrank: 'one sample (rank 1)', gaussian: 'Gaussian X, teacher' },
  } as EnumField<'whitened' | 'lowrank' | 'gaussian'>,
  target: { key: 'xy', label: 'target β* = Xy', type: 'vector', min: -BIG, max: BIG, default: [0, 1], maxLength: MAX_D,
    help: 'whitened data: XX = I and Xy = β*' },
  sample: { key: 'x', label: 'sample x', type: 'vector', min: -BIG, max: BIG, default: [0.5, 1], maxLength: MAX_D,
    help: 'low-rank data: XX = x xᵀ, Xy = y x' },
  label: { key: 'y', label: 'label y', type: 'number', min: -BIG, max: BIG, default: 1.1 },
  samples: { key: 'n', label: 'samples n', type: 'int', min: 1, max: 4096, default: 20 },
  noise: { key: 'noise', label: 'label noise σ', type: 'number', min: 0, max: 10, default: 0.1 },
  dataSeed: { key: 'ds', label: 'data seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 1 },
  grid: {
    key: 'g', label: 'grid', type: 'enum', default: 'delta', options: ['delta', 'tauAlpha'],
    optionLabels: { delta: 'δ × direction of β₀', tauAlpha: 'τ × α × direction' },
  } as EnumField<'delta' | 'tauAlpha'>,
  deltaMin: { key: 'dmin', label: 'δ min', type: 'number', min: -BIG, max: BIG, default: -4 },
  deltaMax: { key: 'dmax', label: 'δ max', type: 'number', min: -BIG, max: BIG, default: 4 },
  deltaCount: { key: 'dn', label: 'δ count', type: 'int', min: 1, max: 1 << 20, default: 513 },
  beta0Norm: { key: 'b0', label: '‖β₀‖', type: 'number', min: 0, minExclusive: true, max: BIG, default: 1 },
  tauMin: { key: 'tmin', label: 'τ min', type: 'number', min: 0, minExclusive: true, max: BIG, default: 0.1 },
  tauMax: { key: 'tmax', label: 'τ max', type: 'number', min: 0, minExclusive: true, max: BIG, default: 2 },
  tauCount: { key: 'tn', label: 'τ count (log-spaced)', type: 'int', min: 1, max: 4096, default: 32 },
  alphaMin: { key: 'amin', label: 'α min', type: 'number', min: 0, minExclusive: true, max: BIG, default: 0.1 },
  alphaMax: { key: 'amax', label: 'α max', type: 'number', min: 0, minExclusive: true, max: BIG, default: 10 },
  alphaCount: { key: 'an', label: 'α count (log-spaced)', type: 'int', min: 1, max: 4096, default: 32 },
  directions: { key: 'dirs', label: 'directions of β₀', type: 'int', min: 1, max: 1 << 20, default: 514 },
  seed: { key: 's', label: 'seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: 1,
    help: 'draws the directions of β₀ when d > 2' },
  etaA: { key: 'ea', label: 'η_a (readout rate)', type: 'number', min: 0, minExclusive: true, max: BIG, default: 1 },
  etaW: { key: 'ew', label: 'η_w (first-layer rate)', type: 'number', min: 0, minExclusive: true, max: BIG, default: 1 },
  method: {
    key: 'm', label: 'method', type: 'enum', default: 'rk4', options: ['gd', 'rk4', 'beta-flow', 'exact'],
    optionLabels: {
      gd: 'gradient descent (η)', rk4: 'gradient flow, RK4 (dt)',
      'beta-flow': 'β flow, RK4 (dt)', exact: 'exact (XX = σ²I)',
    },
  } as EnumField<'gd' | 'rk4' | 'beta-flow' | 'exact'>,
  step: { key: 'h', label: 'step (η or dt)', units: 'time per step', type: 'number', min: 0, minExclusive: true, max: 10, default: 0.01 },
  stepsPerFrame: { key: 'spf', label: 'steps per frame', type: 'int', min: 1, max: 100_000, default: 2 },
  bound: { key: 'bound', label: 'divergence bound', type: 'number', min: 0, minExclusive: true, max: 1e30, default: DEFAULT_BOUND,
    help: 'a trajectory with |a| or |w_i| above this is frozen and flagged diverged' },
  epsilon: { key: 'eps', label: 'ε for time to converge', units: 'excess loss', type: 'number', min: 0, minExclusive: true, max: 10, default: 1e-3 },
  kernelThreshold: { key: 'sth', label: 'S threshold (kernel moved)', type: 'number', min: 0, minExclusive: true, max: 1, default: 0.1,
    help: 'regime rule: lazy if S < threshold so far; rich if reached by t_early; delayed-rich if later' },
  earlyTime: { key: 'tearly', label: 't_early (rich vs delayed)', units: 'time', type: 'number', min: 0, minExclusive: true, max: 1e4, default: 2 },
  mapMetric: {
    key: 'map', label: 'regime map shows', type: 'enum', default: 'regime',
    options: ['regime', 'kernelDistance', 'maxKernelDistance', 'timeToEpsilon', 'timeToKernelMove'],
    optionLabels: {
      regime: 'regime', kernelDistance: 'kernel distance S(t)', maxKernelDistance: 'max S so far',
      timeToEpsilon: 'time to loss < ε', timeToKernelMove: 'time S reached S_th',
    },
  } as EnumField<'regime' | 'kernelDistance' | 'maxKernelDistance' | 'timeToEpsilon' | 'timeToKernelMove'>,
  panels: { key: 'panels', label: 'show regime map & time series', type: 'bool', default: true },
  view: {
    key: 'view', label: 'view', type: 'enum', default: 'beta', options: ['beta', 'wa', 'ww', '3d'],
    optionLabels: {
      beta: 'function space (β₁, β₂)', wa: 'parameters (w₁, a)', ww: 'parameters (w₁, w₂)', '3d': '3-D (w₁, w₂, a), d = 2',
    },
  } as EnumField<'beta' | 'wa' | 'ww' | '3d'>,
  surfaceDelta: { key: 'sd', label: '3-D: surface δ (conserved)', type: 'number', min: -100, max: 100, default: 0,
    help: '3-D view: draws the conserved surface η_w a² − η_a‖w‖² = δ' },
  colorBy: {
    key: 'c', label: 'colour by', type: 'enum', default: 'delta',
    options: ['delta', 'loss', 'theoryError', 'kernelDistance', 'regime', 'timeToEpsilon'],
    optionLabels: {
      delta: 'δ (conserved)', loss: 'excess loss (log)', theoryError: '|sim − exact| (log)',
      kernelDistance: 'kernel distance S(t)', regime: 'regime', timeToEpsilon: 'time to loss < ε',
    },
  } as EnumField<'delta' | 'loss' | 'theoryError' | 'kernelDistance' | 'regime' | 'timeToEpsilon'>,
  deltaScale: {
    key: 'dscale', label: 'δ colour scale', type: 'enum', default: 'auto', options: ['auto', 'linear', 'symlog'],
    optionLabels: { auto: 'auto (symlog on τ × α)', linear: 'linear', symlog: 'symmetric log' },
    help: 'symlog: sign(δ)·log10(1 + |δ|/c), c = 10^(⌊log10 max|δ|⌋ − 4) (src/views/deltaScale.ts)',
  } as EnumField<'auto' | 'linear' | 'symlog'>,
  trails: { key: 'tr', label: 'trails', type: 'bool', default: true },
  trailDecay: { key: 'td', label: 'trail persistence (1 = lines stay)', type: 'number', min: 0, max: 1, default: 0.92, step: 0.001,
    help: 'brightness kept per 0.02 of simulated time (trails freeze while paused); 1 keeps every path as a persistent line' },
  pointSize: { key: 'ps', label: 'point size (px)', type: 'number', min: 0.5, max: 16, default: 1.5, step: 0.5 },
} as const;

export type SingleNeuronSchema = typeof SINGLE_NEURON_SCHEMA;
export type SingleNeuronParams = Params<SingleNeuronSchema>;
export type PresetName = SingleNeuronParams['preset'];

/**
 * Presets from docs/theory.md §1.6. Each is a partial override of the defaults. The paper plots a few δ
 * values; here δ spans the same range densely and β₀ sweeps every direction. Fig. 2/3: δ count 8m + 1
 * puts the paper's δ ∈ {−4, −2, −1, 0, 1, 2, 4} exactly on the grid and direction 0 is β₀ = (−1, 0)
 * (FIG2_DELTAS); a direction count ≢ 0 mod 4 leaves out β₀ = −β* itself, whose δ = 0 trajectory would
 * stall at the saddle a = w = 0 and never converge.
 */
export const PRESETS: Record<Exclude<PresetName, 'custom'>, Partial<SingleNeuronParams>> = {
  fig2: {
    d: 2, dataset: 'whitened', target: [0, 1], grid: 'delta', deltaMin: -4, deltaMax: 4, deltaCount: 513,
    directions: 514, beta0Norm: 1, etaA: 1, etaW: 1, method: 'rk4', step: 0.01, view: 'beta', colorBy: 'delta',
  },
  fig8: {
    d: 2, dataset: 'whitened', target: [0.5, 0.5], grid: 'delta', deltaMin: -2, deltaMax: 2, deltaCount: 512,
    directions: 512, beta0Norm: 1, etaA: 1, etaW: 1, method: 'gd', step: 0.01, view: 'beta', colorBy: 'delta',
  },
  fig4b: {
    d: 2, dataset: 'lowrank', sample: [0.5, 1], label: 1.1, grid: 'delta', deltaMin: -4, deltaMax: 4, deltaCount: 512,
    directions: 512, beta0Norm: 0.5 * Math.hypot(0.6 * 1 + 0.4 * 0.5, 0.6 * -0.5 + 0.4 * 1), etaA: 1, etaW: 1,
    method: 'rk4', step: 0.01, view: 'beta', colorBy: 'delta',
  },
};

/** The δ of the seven trajectories of the paper's Fig. 2 (from β₀ = (−1, 0) to β* = (0, 1)), docs/theory.md §1.6. */
export const FIG2_DELTAS = [-4, -2, -1, 0, 1, 2, 4] as const;

/**
 * The default ensemble on a software adapter (SwiftShader: CPU speed): Fig. 2 on a 33 × 66 grid
 * (2,178 trajectories, still with the seven δ of FIG2_DELTAS and no β₀ = −β*) at 50 steps per frame, so
 * that every trajectory converges (excess loss < 1e−3 by t = 29.5, the closed form's slowest, δ = −3 next
 * to β₀ = (−1, 0); t ≈ 32 in f32) within a minute or two. The Fig. 2 paths are captured every 0.05 of
 * time within a frame (featured.ts), so they stay smooth at this frame size.
 */
export const SOFTWARE_DEFAULTS: Partial<SingleNeuronParams> = { deltaCount: 33, directions: 66, stepsPerFrame: 50 };

/**
 * The params of a first load (no hash): the defaults (= Fig. 2), made smaller on a software adapter.
 * @param software whether WebGPU runs on a software adapter (GpuContext.isSoftware).
 */
export function firstLoadParams(software: boolean): SingleNeuronParams {
  const p = defaults(SINGLE_NEURON_SCHEMA);
  return software ? { ...p, ...SOFTWARE_DEFAULTS } : p;
}

/**
 * Checks the rules that involve several fields and no data (the grid's are checked by buildEnsemble).
 * @throws ParamError naming the field.
 */
export function checkCrossFields(p: SingleNeuronParams): void {
  if (p.colorBy === 'theoryError' && p.method === 'exact') {
    throw new ParamError('colorBy', 'Colouring by |simulated − exact| needs a simulated method (gd, rk4 or beta-flow), not "exact".');
  }
  if (p.view === '3d' && p.d !== 2) {
    throw new ParamError('view', `The 3-D parameter view (view = 3d) shows (w₁, w₂, a) and needs d = 2; d is ${p.d}.`);
  }
}

/** Fields that only change the view (the plugin's viewFields): a preset overridden only in these keeps its name. */
export const SINGLE_NEURON_VIEW_FIELDS: ReadonlySet<string> = new Set([
  'view', 'surfaceDelta', 'colorBy', 'deltaScale', 'trails', 'trailDecay', 'pointSize', 'panels', 'mapMetric', 'stepsPerFrame',
]);

/**
 * Parses a URL hash with the shell's one preset rule (src/params/url.ts modelFromHash): a preset named in
 * it (p=…) is applied first, then every other field in the hash overrides it, so `#v=1&p=fig8&h=0.05`
 * is Fig. 8 with step 0.05 (the single-neuron model keeps the preset's name: urlOverrideKeepsPreset).
 * @param base the params to start from when the hash names no preset (default: the defaults).
 * @throws ParamError as modelFromHash.
 */
export function paramsFromHash(hash: string, base: SingleNeuronParams = defaults(SINGLE_NEURON_SCHEMA)): SingleNeuronParams {
  return modelFromHash({
    id: 'single-neuron', schema: SINGLE_NEURON_SCHEMA, presets: PRESETS, viewFields: SINGLE_NEURON_VIEW_FIELDS,
    urlVersion: 1, urlOverrideKeepsPreset: true,
  }, hash, base);
}
