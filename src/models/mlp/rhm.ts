/**
 * The random hierarchy model (RHM; docs/theory.md §4, Cagnetta et al. 2024 as used in the paper's Fig. 6(c)), seeded.
 *
 * L levels, n_c classes, m synonymous rules per symbol, branching s, vocabulary v. Level L holds one symbol, the class
 * c ∈ [0, n_c). Each symbol of level ℓ (a class at the top, one of v symbols below) has m production rules, each an
 * s-tuple of level-(ℓ−1) symbols in [0, v); all the m·(symbols) tuples of one level are distinct, so every tuple has one
 * parent (the grammar is unambiguous). A sample expands the class L times, picking one of the m rules uniformly at every
 * node: s^L leaf symbols, encoded as s^L one-hot blocks of width v (input length s^L·v, position-major).
 * There are (s^L − 1)/(s − 1) internal nodes, so n_c·m^{(s^L−1)/(s−1)} distinct inputs, each with one class.
 * Rules are stored top level first: rules[k] (k = 0 is the class level) is [symbol][rule][s], flat.
 */
import { createRng, type Rng } from '../random.ts';

/** The RHM's sizes and the seed of its rules. */
export interface RhmSpec { levels: number; classes: number; synonyms: number; branching: number; vocabulary: number; seed: number }

/** A grammar: the spec and its rules (module comment). */
export interface RhmGrammar { spec: RhmSpec; rules: Int32Array[] }

/** Input length s^L · v. */
export const rhmInputSize = (s: RhmSpec): number => s.branching ** s.levels * s.vocabulary;

/** Number of distinct inputs n_c · m^{(s^L − 1)/(s − 1)} (a float: may exceed 2⁵³). */
export const rhmInputCount = (s: RhmSpec): number => s.classes * s.synonyms ** ((s.branching ** s.levels - 1) / (s.branching - 1));

/**
 * Why the spec cannot make an unambiguous grammar of input length ≤ 512, or undefined.
 * Needs integers L ≥ 1, n_c ≥ 2, m ≥ 1, s ≥ 2, v ≥ 2, s^L·v ≤ 512, m·n_c ≤ v^s and (L ≥ 2) m·v ≤ v^s.
 * @returns [field, message].
 */
export function rhmRefusal(s: RhmSpec): [keyof RhmSpec, string] | undefined {
  const mins: [keyof RhmSpec, number][] = [['levels', 1], ['classes', 2], ['synonyms', 1], ['branching', 2], ['vocabulary', 2]];
  for (const [k, min] of mins) if (!Number.isInteger(s[k]) || s[k] < min) return [k, `expected an integer ≥ ${min}, got ${s[k]}`];
  if (rhmInputSize(s) > 512) return ['levels', `input length s^L·v = ${s.branching}^${s.levels}·${s.vocabulary} = ${rhmInputSize(s)} is over the MLP width limit 512`];
  const tuples = s.vocabulary ** s.branching;
  if (s.synonyms * s.classes > tuples) return ['synonyms', `m·n_c = ${s.synonyms * s.classes} rules need distinct s-tuples, but v^s = ${tuples}`];
  if (s.levels > 1 && s.synonyms * s.vocabulary > tuples) return ['synonyms', `m·v = ${s.synonyms * s.vocabulary} rules need distinct s-tuples, but v^s = ${tuples}`];
  return undefined;
}

/** `count` distinct integers of [0, range), uniformly (partial Fisher–Yates for range ≤ 2²⁰, else rejection). */
function distinct(rng: Rng, count: number, range: number): number[] {
  if (range <= 2 ** 20) {
    const all = Array.from({ length: range }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(rng.uniform() * (range - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, count);
  }
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(rng.uniform() * range));
  return [...seen];
}

/** The seeded grammar of a spec. @throws Error naming the field ({@link rhmRefusal}). */
export function rhmGrammar(spec: RhmSpec): RhmGrammar {
  const why = rhmRefusal(spec);
  if (why) throw new Error(`${why[0]}: ${why[1]}`);
  const { levels: L, classes, synonyms: m, branching: s, vocabulary: v } = spec;
  const rng = createRng(spec.seed);
  const rules: Int32Array[] = [];
  for (let k = 0; k < L; k++) {
    const symbols = k === 0 ? classes : v;
    const codes = distinct(rng, symbols * m, v ** s);
    const r = new Int32Array(symbols * m * s);
    codes.forEach((code, i) => { for (let j = s - 1; j >= 0; j--) { r[i * s + j] = code % v; code = Math.floor(code / v); } });
    rules.push(r);
  }
  return { spec, rules };
}

/** The s^L leaf symbols of class c expanded with the rule choices `pick(node)` ∈ [0, m), nodes in breadth-first order. */
export function rhmExpand(g: RhmGrammar, c: number, pick: () => number): Int32Array {
  const { levels: L, synonyms: m, branching: s } = g.spec;
  let cur = Int32Array.of(c);
  for (let k = 0; k < L; k++) {
    const next = new Int32Array(cur.length * s), r = g.rules[k];
    cur.forEach((sym, i) => { const base = (sym * m + pick()) * s; for (let j = 0; j < s; j++) next[i * s + j] = r[base + j]; });
    cur = next;
  }
  return cur;
}

/** The class of s^L leaf symbols, decoded bottom-up through the inverse rules; −1 when some tuple has no parent. */
export function rhmDecode(g: RhmGrammar, leaves: ArrayLike<number>): number {
  const { levels: L, synonyms: m, branching: s, vocabulary: v } = g.spec;
  let cur = Array.from(leaves);
  for (let k = L - 1; k >= 0; k--) {
    const parent = new Map<number, number>(), r = g.rules[k];
    for (let i = 0; i < r.length / s; i++) {
      let code = 0;
      for (let j = 0; j < s; j++) code = code * v + r[i * s + j];
      parent.set(code, Math.floor(i / m));
    }
    const next: number[] = [];
    for (let i = 0; i < cur.length; i += s) {
      let code = 0;
      for (let j = 0; j < s; j++) code = code * v + cur[i + j];
      const p = parent.get(code);
      if (p === undefined) return -1;
      next.push(p);
    }
    cur = next;
  }
  return cur[0];
}

/** Distinct samples of an RHM: leaves (count × s^L), labels and the one-hot inputs X (count × s^L·v, row-major). */
export interface RhmSamples { leaves: Int32Array; labels: Int32Array; X: Float64Array; count: number }

/**
 * `count` distinct samples drawn uniformly over all inputs (class uniform, every rule choice uniform; duplicates
 * redrawn), from a generator seeded with `sampleSeed`. The caller splits them into train and test (disjoint).
 * @throws Error naming `count` when it exceeds the number of distinct inputs.
 */
export function rhmSamples(g: RhmGrammar, count: number, sampleSeed: number): RhmSamples {
  const total = rhmInputCount(g.spec);
  if (count > total) throw new Error(`count: ${count} distinct samples asked, but the RHM has only ${total} distinct inputs`);
  const { classes, synonyms: m, vocabulary: v } = g.spec;
  const width = g.spec.branching ** g.spec.levels;
  const rng = createRng(sampleSeed);
  const leaves = new Int32Array(count * width), labels = new Int32Array(count);
  const seen = new Set<string>();
  for (let i = 0; i < count;) {
    const c = Math.floor(rng.uniform() * classes);
    const x = rhmExpand(g, c, () => Math.floor(rng.uniform() * m));
    const key = x.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    leaves.set(x, i * width);
    labels[i++] = c;
  }
  const X = new Float64Array(count * width * v);
  for (let i = 0; i < count * width; i++) X[i * v + leaves[i]] = 1;
  return { leaves, labels, X, count };
}
