/**
 * Seeded data and initialisations of the relu2 model (docs/theory.md §3): the teacher–student generator,
 * the seeded symmetrised (τ, δ) / (τ, α) init and the (τ × δ|α × seed) grid of Fig. 1b. Randomness comes
 * from src/models/random.ts (pure-rand xoroshiro128+); the maths from src/theory/relu2.ts.
 */
import {
  deltaFromTauAlpha, learningRateForTau, leakyRelu, relu2AlphaFromDelta, symmetrisedInit,
  type Relu2Data, type Relu2Params,
} from '../../theory/index.ts';
import { createRng, randomUnitVector } from '../random.ts';

/** Teacher–student settings: seed, input dimension d, n train samples, m0 teacher units, nTest test samples. */
export interface TeacherSpec { seed: number; d: number; n: number; m0: number; nTest: number }

/** A generated data set plus its teacher (W: m0×d row-major unit rows, a: ±1). */
export interface TeacherData extends Relu2Data { teacher: Relu2Params }

function checkSeed(seed: number): void {
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31)) throw new Error(`seed must be an integer in [0, 2³¹) (got ${seed})`);
}

/**
 * Teacher–student data of docs/theory.md §3: a teacher of m0 units with unit directions w*_k (uniform on the
 * sphere) and readouts ±1 (fair coin), inputs x uniform on the unit sphere S^{d−1}, y = Σ_k a*_k σ(w*_kᵀx).
 * The same seed always gives the same teacher and data (draw order: teacher directions and signs, then
 * the n train inputs, then the nTest test inputs).
 * @param slope σ's negative-side slope (0: ReLU), used by the teacher too.
 * @throws Error on a non-integer or out-of-range seed, d < 1, n < 1, m0 < 1 or nTest < 0.
 */
export function teacherStudentData(spec: TeacherSpec, slope = 0): TeacherData {
  const { seed, d, n, m0, nTest } = spec;
  checkSeed(seed);
  for (const [name, v, min] of [['d', d, 1], ['n', n, 1], ['m0', m0, 1], ['nTest', nTest, 0]] as const) {
    if (!(Number.isInteger(v) && v >= min)) throw new Error(`teacher.${name} must be an integer ≥ ${min} (got ${v})`);
  }
  const rng = createRng(seed);
  const tW = new Float64Array(m0 * d), tA = new Float64Array(m0);
  for (let k = 0; k < m0; k++) {
    tW.set(randomUnitVector(rng, d), k * d);
    tA[k] = rng.uniform() < 0.5 ? -1 : 1;
  }
  const teacher: Relu2Params = { m: m0, d, W: tW, a: tA };
  const sample = (count: number): { X: Float64Array; y: Float64Array } => {
    const X = new Float64Array(count * d), y = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const x = randomUnitVector(rng, d);
      X.set(x, i * d);
      let f = 0;
      for (let k = 0; k < m0; k++) {
        let z = 0;
        for (let j = 0; j < d; j++) z += tW[k * d + j] * x[j];
        f += tA[k] * leakyRelu(z, slope);
      }
      y[i] = f;
    }
    return { X, y };
  };
  const train = sample(n);
  const test = sample(nTest);
  return { d, X: train.X, y: train.y, ...(nTest > 0 ? { Xtest: test.X, ytest: test.y } : {}), teacher };
}

/** The seed of the init stream derived from a data seed (so data and init draws are independent). */
export function initSeed(seed: number): number {
  checkSeed(seed);
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 1) % 2 ** 31;
}

/**
 * m/2 random unit directions u_k (uniform on S^{d−1}) and signs s_k = ±1 for {@link symmetrisedInit},
 * drawn from initSeed(seed): every (τ, δ) of one seed shares them, so the grid differs only in τ and δ.
 * @throws Error when m is not even and ≥ 2.
 */
export function initDirections(seed: number, m: number, d: number): { directions: number[][]; signs: number[] } {
  if (!(Number.isInteger(m) && m >= 2 && m % 2 === 0)) throw new Error(`m must be an even integer ≥ 2 for the symmetrised init (got ${m})`);
  const rng = createRng(initSeed(seed));
  const directions: number[][] = [], signs: number[] = [];
  for (let k = 0; k < m / 2; k++) {
    directions.push(randomUnitVector(rng, d));
    signs.push(rng.uniform() < 0.5 ? -1 : 1);
  }
  return { directions, signs };
}

/** A (τ, δ) or (τ, α) point; give exactly one of delta and alpha. */
export interface ScaleShape { tau: number; delta?: number; alpha?: number }

/**
 * Resolves (τ, δ) or (τ, α) to all three (docs/theory.md §1: δ = τ²(α² − 1/α²), α divides the first layer).
 * @throws Error when both or neither of δ and α are given, or τ ≤ 0, α ≤ 0.
 */
export function resolveScaleShape(p: ScaleShape): { tau: number; delta: number; alpha: number } {
  if ((p.delta === undefined) === (p.alpha === undefined)) throw new Error('give exactly one of delta and alpha');
  if (!(p.tau > 0 && Number.isFinite(p.tau))) throw new Error(`τ must be finite and > 0 (got ${p.tau})`);
  if (p.alpha !== undefined) return { tau: p.tau, alpha: p.alpha, delta: deltaFromTauAlpha(p.tau, p.alpha) };
  return { tau: p.tau, delta: p.delta!, alpha: relu2AlphaFromDelta(p.delta!, p.tau) };
}

/** The seeded symmetrised init of docs/theory.md §3 for one (τ, δ|α) point, m units in ℝᵈ. @throws as its parts. */
export function seededSymmetrisedInit(seed: number, m: number, d: number, point: ScaleShape): Relu2Params {
  const { tau, alpha } = resolveScaleShape(point);
  const { directions, signs } = initDirections(seed, m, d);
  return symmetrisedInit(tau, alpha, directions, signs);
}

/** Learning rate: a fixed η, or η = base/τ² when scaleByTauSquared (docs/theory.md §3). */
export type LearningRateSpec = number | { base: number; scaleByTauSquared: boolean };

/** η of one network. @throws Error when η ≤ 0 or not finite. */
export function learningRateOf(spec: LearningRateSpec, tau: number): number {
  const eta = typeof spec === 'number' ? spec : spec.scaleByTauSquared ? learningRateForTau(spec.base, tau) : spec.base;
  if (!(eta > 0 && Number.isFinite(eta))) throw new Error(`learning rate must be finite and > 0 (got ${eta})`);
  return eta;
}

/** A Fig. 1b-style grid: m units, τ list, δ list or α list, seeds, per-seed teacher data. */
export interface Relu2GridSpec {
  m: number;
  taus: readonly number[];
  deltas?: readonly number[];
  alphas?: readonly number[];
  seeds: readonly number[];
  teacher: Omit<TeacherSpec, 'seed'>;
  learningRate: LearningRateSpec;
  /** σ's negative-side slope; 0 (default) is ReLU. */
  slope?: number;
}

/** One network of a grid, with its labels. `dataIndex` indexes the grid's `datasets` (one per seed). */
export interface Relu2GridNetwork { tau: number; delta: number; alpha: number; seed: number; dataIndex: number; eta: number; init: Relu2Params }

/**
 * Expands a grid. Network order: i = (iSeed · #τ + iτ) · #(δ|α) + iδ. Each seed has its own teacher and
 * data (`datasets[iSeed]`), shared by all its networks, and its own init directions.
 * @throws Error when both or neither of deltas and alphas are given, a list is empty, or a part rejects.
 */
export function buildRelu2Grid(spec: Relu2GridSpec): { datasets: TeacherData[]; networks: Relu2GridNetwork[] } {
  const shapes = spec.deltas ?? spec.alphas;
  if ((spec.deltas === undefined) === (spec.alphas === undefined)) throw new Error('grid: give exactly one of deltas and alphas');
  if (!shapes!.length || !spec.taus.length || !spec.seeds.length) throw new Error('grid: τ, δ|α and seed lists must be non-empty');
  const datasets = spec.seeds.map((seed) => teacherStudentData({ seed, ...spec.teacher }, spec.slope ?? 0));
  const networks: Relu2GridNetwork[] = [];
  spec.seeds.forEach((seed, dataIndex) => {
    const { directions, signs } = initDirections(seed, spec.m, spec.teacher.d);
    for (const tau of spec.taus) {
      for (const s of shapes!) {
        const point = resolveScaleShape(spec.deltas ? { tau, delta: s } : { tau, alpha: s });
        networks.push({ ...point, seed, dataIndex, eta: learningRateOf(spec.learningRate, tau), init: symmetrisedInit(point.tau, point.alpha, directions, signs) });
      }
    }
  });
  return { datasets, networks };
}
