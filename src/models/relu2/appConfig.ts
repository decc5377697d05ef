/**
 * The app's params as a CLI config (config.ts), so the app and `lazyrich simulate|sweep` run one plan
 * (plan.ts) in one network order, and an experiment set up in the app can be rerun by the CLI.
 * Teacher data: the app's seed list p.seed … p.seed + seeds − 1 are the grid seeds with teacher.seed = 0,
 * so seed s draws its teacher, data and init directions from s (docs/theory.md §3).
 */
import type { Relu2Data } from '../../theory/index.ts';
import type { Relu2Config, Relu2InitSource, Relu2Setting } from './config.ts';
import { checkpointSteps, seedList, shapeValues, slopeOf, tauValues, type Relu2AppParams } from './params.ts';
import { xorData } from './xorData.ts';

/** The four settings of Fig. 1a (docs/theory.md §3), in paper order, with their labels. */
export const FIG1A_SETTINGS: readonly (Relu2Setting & { label: string; short: string })[] = [
  { tau: 0.1, delta: 0, label: 'τ = 0.1, δ = 0 · balanced', short: 'small balanced' },
  { tau: 2, delta: 0, label: 'τ = 2, δ = 0 · balanced, large', short: 'large balanced' },
  { tau: 0.1, alpha: 10, label: 'τ = 0.1, α = 10 · upstream', short: 'upstream α = 10' },
  { tau: 0.1, alpha: 0.1, label: 'τ = 0.1, α = 0.1 · downstream', short: 'downstream α = 0.1' },
];

/**
 * The validated config of app params: a `grid` init (τ × δ|α) or, for Fig. 1a, a `points` init of its
 * four settings; teacher data, the uploaded data set or the XOR clusters (xorData.ts). Checkpoints are GD step counts.
 * @throws Error when p.data = 'upload' and no data are given.
 */
export function relu2ConfigFromParams(p: Relu2AppParams, uploaded: Relu2Data | null): Relu2Config {
  if (p.data === 'upload' && !uploaded) throw new Error('data = "upload" needs a CSV: use "upload train CSV…" in the data folder.');
  const seeds = seedList(p);
  // XOR (Fig. 5a) data are explicit data generated from the first seed, shared by every seed of the grid.
  const data: Relu2Config['data'] = p.data === 'upload' ? { kind: 'explicit', data: uploaded! }
    : p.data === 'xor' ? { kind: 'explicit', data: xorData({ seed: p.seed, n: p.n, nTest: p.nTest }) }
      : { kind: 'teacher', teacher: { seed: 0, d: p.d, n: p.n, m0: p.m0, nTest: p.nTest } };
  const init: Relu2InitSource = p.experiment === 'fig1a'
    ? { kind: 'points', m: p.m, points: FIG1A_SETTINGS.map(({ tau, delta, alpha }) => (delta !== undefined ? { tau, delta } : { tau, alpha })), seeds }
    : { kind: 'grid', m: p.m, taus: tauValues(p), ...(p.shape === 'delta' ? { deltas: shapeValues(p) } : { alphas: shapeValues(p) }), seeds };
  const shape = data.kind === 'teacher'
    ? { d: p.d, n: p.n, nTest: p.nTest }
    : { d: data.data.d, n: data.data.y.length, nTest: data.data.ytest?.length ?? 0 };
  const settings = init.kind === 'points' ? init.points.length : init.kind === 'grid' ? init.taus.length * (init.deltas ?? init.alphas!).length : 0;
  return {
    model: 'relu2', slope: slopeOf(p), data, init, learningRate: { base: p.etaBase, scaleByTauSquared: p.etaScale },
    checkpoints: checkpointSteps(p.steps, p.checkpoints), backend: 'gpu', m: p.m, ...shape, networks: settings * seeds.length,
  };
}

const rows = (values: ArrayLike<number>, d: number): number[][] =>
  Array.from({ length: values.length / d }, (_, i) => Array.from({ length: d }, (__, j) => values[i * d + j]));

/**
 * The JSON a CLI user writes for a config (config.ts's contract); validateRelu2Config of it gives the
 * config back. Explicit data are written as X, y (and Xtest, ytest) arrays, explicit inits as W, a.
 */
export function relu2ConfigJson(c: Relu2Config): Record<string, unknown> {
  const data = c.data.kind === 'teacher' ? { teacher: { ...c.data.teacher } } : {
    X: rows(c.data.data.X, c.data.data.d), y: Array.from(c.data.data.y),
    ...(c.data.data.Xtest && c.data.data.ytest ? { Xtest: rows(c.data.data.Xtest, c.data.data.d), ytest: Array.from(c.data.data.ytest) } : {}),
  };
  const init = c.init.kind === 'explicit' ? { explicit: c.init.params.map((p) => ({ W: rows(p.W, p.d), a: Array.from(p.a) })) }
    : c.init.kind === 'points' ? { points: { m: c.init.m, settings: c.init.points.map((s) => ({ ...s })), seeds: [...c.init.seeds] } }
      : { grid: { m: c.init.m, tau: [...c.init.taus], ...(c.init.deltas ? { delta: [...c.init.deltas] } : { alpha: [...c.init.alphas!] }), seeds: [...c.init.seeds] } };
  return {
    model: 'relu2', ...(c.slope > 0 ? { activation: { leaky: c.slope } } : {}), data, init,
    learningRate: typeof c.learningRate === 'number' ? c.learningRate : { ...c.learningRate }, checkpoints: [...c.checkpoints], backend: c.backend,
  };
}
