/**
 * Seeded initialisation and minibatch sampling of the mlp plugin (docs/theory.md §4–§5), shared by its CPU and GPU
 * backends so that both train the same networks on the same batches.
 */
import { mlpLayout, type MlpArch } from '../../theory/mlp.ts';
import { createRng, type Rng } from '../random.ts';

/**
 * He initialisation, then α scaling (docs/theory.md §4): every W_l[a][b] ~ N(0, 2/d_{l−1}) for l < L (layers followed by
 * ReLU), the readout W_L ~ N(0, 1/d_{L−1}); biases 0. Draws from createRng(seed) in θ's layout order (l = 1..L, rows,
 * columns). Then W_1 ÷ α and, when `scaleReadout`, W_L × α (with L = 1 both apply to the one layer).
 * @returns θ in the layout of mlpLayout.
 */
export function heInit(arch: MlpArch, seed: number, alpha: number, scaleReadout: boolean): Float64Array {
  const { slots, size } = mlpLayout(arch);
  const theta = new Float64Array(size);
  const rng = createRng(seed);
  slots.forEach((s, l) => {
    const last = l === slots.length - 1;
    const std = Math.sqrt((last ? 1 : 2) / s.nIn);
    let scale = 1;
    if (l === 0) scale /= alpha;
    if (last && scaleReadout) scale *= alpha;
    for (let i = 0; i < s.nIn * s.nOut; i++) theta[s.w + i] = rng.normal() * std * scale;
  });
  return theta;
}

/** Seed of a network's minibatch stream, derived from its init seed (a bijection of [0, 2³¹), apart from init's stream). */
export const samplerSeed = (seed: number): number => (seed ^ 0x5a17ed) >>> 0;

/**
 * Minibatches of size b from n training rows: each epoch a fresh uniform permutation of [0, n) (Fisher–Yates from
 * createRng(samplerSeed(seed)), i from n − 1 down to 1, j = ⌊u·(i + 1)⌋), cut into ⌊n/b⌋ consecutive slices; the last
 * n mod b rows of the permutation are dropped (every step has exactly b rows). b ≥ n is the full batch (rows in order).
 */
export class BatchSampler {
  private readonly rng: Rng;
  private perm: Int32Array;
  private pos: number;

  /** @throws Error naming batchSize when b < 1 or n < 1. */
  constructor(readonly n: number, readonly b: number, seed: number) {
    if (!(Number.isInteger(b) && b >= 1 && Number.isInteger(n) && n >= 1)) throw new Error(`batchSize: expected integers b ≥ 1 and n ≥ 1, got b = ${b}, n = ${n}`);
    this.rng = createRng(samplerSeed(seed));
    this.perm = Int32Array.from({ length: n }, (_, i) => i);
    this.pos = n; // a new epoch at the first call
  }

  /** Whether every step is the full batch (b ≥ n). */
  get full(): boolean { return this.b >= this.n; }

  /** The row indices of the next step (length min(b, n)). */
  next(): Int32Array {
    if (this.full) return this.perm.slice();
    if (this.pos + this.b > this.n) {
      const p = this.perm;
      for (let i = this.n - 1; i > 0; i--) { const j = Math.floor(this.rng.uniform() * (i + 1)); const t = p[i]; p[i] = p[j]; p[j] = t; }
      this.pos = 0;
    }
    const out = this.perm.slice(this.pos, this.pos + this.b);
    this.pos += this.b;
    return out;
  }
}
