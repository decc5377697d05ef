/**
 * Seeded random numbers for data and initial directions. The generator is pure-rand's xoroshiro128+;
 * only the Gaussian transform (Box–Muller) is ours.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/** A seeded source of uniform [0, 1) and standard normal numbers; the same seed gives the same stream. */
export interface Rng { uniform(): number; normal(): number }

/**
 * Creates a seeded generator. pure-rand seeds xoroshiro128+ with the state (−1, ~seed, seed, 0), whose
 * first outputs for small seeds are nearly constant (seed 0 drew the normal −7.2 first, seed 2 drew 4.1);
 * one jump (2⁶⁴ steps ahead) mixes the state before the first draw.
 * @param seed integer in [0, 2³¹).
 */
export function createRng(seed: number): Rng {
  const rng = xoroshiro128plus(seed);
  rng.jump();
  const uniform = (): number => uniformFloat64(rng);
  let spare: number | null = null;
  return {
    uniform,
    normal(): number {
      if (spare !== null) { const s = spare; spare = null; return s; }
      const u = 1 - uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A unit vector in ℝᵈ drawn uniformly on the sphere. */
export function randomUnitVector(rng: Rng, d: number): number[] {
  for (;;) {
    const v = Array.from({ length: d }, () => rng.normal());
    const norm = Math.hypot(...v);
    if (norm > 1e-12) return v.map((x) => x / norm);
  }
}

/**
 * rows × cols with orthonormal rows (rows ≤ cols): Gram–Schmidt of Gaussian vectors, redrawing a vector
 * that is (numerically) in the span of the previous rows.
 */
export function randomOrthonormalRows(rng: Rng, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  while (out.length < rows) {
    const v = Array.from({ length: cols }, () => rng.normal());
    for (const u of out) { const p = u.reduce((s, x, j) => s + x * v[j], 0); u.forEach((x, j) => { v[j] -= p * x; }); }
    const nv = Math.hypot(...v);
    if (nv > 1e-8) out.push(v.map((x) => x / nv));
  }
  return out;
}
