/**
 * The XOR-like task of paper Fig. 5(a) (docs/theory.md §3.1): four Gaussian clusters around (±1, ±1) in the
 * plane with label y = sgn(x₁x₂) of their centre (+1 at (1, 1) and (−1, −1), −1 at the other two). The
 * relu2 model has no biases, so each input carries a constant third coordinate 1: x = (x₁, x₂, 1), d = 3,
 * and w_k's third entry acts as unit k's bias (it counts in δ_k = a_k² − ‖w_k‖² like any weight). Seeded
 * (src/models/random.ts).
 */
import type { Relu2Data } from '../../theory/index.ts';
import { createRng } from '../random.ts';

/** The input dimension of the XOR data: (x₁, x₂, 1). */
export const XOR_D = 3;
/** Standard deviation of each cluster around its centre (±1, ±1). */
export const XOR_SPREAD = 0.2;

/** The XOR settings: seed, n train and nTest test samples (spread over the four clusters in turn). */
export interface XorSpec { seed: number; n: number; nTest: number }

/**
 * XOR data: sample i lies in cluster i mod 4 (centres (1, 1), (−1, 1), (−1, −1), (1, −1), labels +1, −1,
 * +1, −1), at its centre plus N(0, XOR_SPREAD²) per coordinate; train samples first, then test samples,
 * from one stream of `seed`.
 * @throws Error naming the field on a seed outside [0, 2³¹), n < 1 or nTest < 0 (non-integers included).
 */
export function xorData(spec: XorSpec): Relu2Data {
  const { seed, n, nTest } = spec;
  if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31)) throw new Error(`xor.seed must be an integer in [0, 2³¹) (got ${seed})`);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`xor.n must be an integer ≥ 1 (got ${n})`);
  if (!(Number.isInteger(nTest) && nTest >= 0)) throw new Error(`xor.nTest must be an integer ≥ 0 (got ${nTest})`);
  const rng = createRng(seed);
  const centres = [[1, 1], [-1, 1], [-1, -1], [1, -1]];
  const sample = (count: number) => {
    const X = new Float64Array(count * XOR_D), y = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const [c1, c2] = centres[i % 4];
      X[i * XOR_D] = c1 + XOR_SPREAD * rng.normal();
      X[i * XOR_D + 1] = c2 + XOR_SPREAD * rng.normal();
      X[i * XOR_D + 2] = 1;
      y[i] = c1 * c2;
    }
    return { X, y };
  };
  const train = sample(n), test = sample(nTest);
  return { d: XOR_D, X: train.X, y: train.y, ...(nTest > 0 ? { Xtest: test.X, ytest: test.y } : {}) };
}
