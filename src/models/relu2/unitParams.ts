/**
 * θ = (W, a) of every network at every checkpoint, kept so the app's unit views (docs/theory.md §3.1: each
 * unit's angle moved, radial change and Hamming distance; the Fig. 5a parity picture) can be computed on the
 * host for whichever cell is selected, at any checkpoint. The values are the backends' read-back
 * parameters (GPU: f32 with its compensation term, so f32-rounded here; CPU: f64, rounded to f32 here).
 * Layout: `values[(q·C + c)·m·(d + 1) + …]` = W (m×d row-major), then a (m), of network q at checkpoint c.
 * Pure (no DOM, no GPU).
 */
import type { Relu2Params } from '../../theory/index.ts';

/** Largest number of stored floats (2²², 16 MiB); above it the store is not kept and the unit views say so. */
export const MAX_UNIT_PARAM_FLOATS = 2 ** 22;

/** The store. Create with {@link Relu2ParamStore.create}. */
export class Relu2ParamStore {
  readonly values: Float32Array;
  private readonly done: Uint8Array;
  private readonly per: number;

  private constructor(readonly networks: number, readonly C: number, readonly m: number, readonly d: number) {
    this.per = m * (d + 1);
    this.values = new Float32Array(networks * C * this.per);
    this.done = new Uint8Array(networks * C);
  }

  /**
   * A store for `networks` networks of m units in ℝᵈ over C checkpoints, or null when it would exceed
   * {@link MAX_UNIT_PARAM_FLOATS} floats.
   * @throws RangeError when a size is not a positive integer.
   */
  static create(networks: number, C: number, m: number, d: number): Relu2ParamStore | null {
    for (const [name, v] of [['networks', networks], ['C', C], ['m', m], ['d', d]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`Relu2ParamStore: ${name} must be an integer ≥ 1 (got ${v})`);
    }
    return networks * C * m * (d + 1) <= MAX_UNIT_PARAM_FLOATS ? new Relu2ParamStore(networks, C, m, d) : null;
  }

  private index(q: number, c: number): number {
    if (!(Number.isInteger(q) && q >= 0 && q < this.networks)) throw new RangeError(`Relu2ParamStore: network ${q} outside [0, ${this.networks})`);
    if (!(Number.isInteger(c) && c >= 0 && c < this.C)) throw new RangeError(`Relu2ParamStore: checkpoint ${c} outside [0, ${this.C})`);
    return q * this.C + c;
  }

  /** Stores θ of network q at checkpoint c. @throws RangeError on an index or shape outside the store. */
  set(q: number, c: number, p: Pick<Relu2Params, 'W' | 'a' | 'm' | 'd'>): void {
    const i = this.index(q, c);
    if (p.m !== this.m || p.d !== this.d) throw new RangeError(`Relu2ParamStore: θ has (m, d) = (${p.m}, ${p.d}), expected (${this.m}, ${this.d})`);
    const o = i * this.per;
    this.values.set(p.W, o);
    this.values.set(p.a, o + this.m * this.d);
    this.done[i] = 1;
  }

  /** Whether network q has θ stored at checkpoint c. */
  has(q: number, c: number): boolean { return this.done[this.index(q, c)] === 1; }

  /** θ of network q at checkpoint c (f64 copies of the stored f32), or null when not stored yet. */
  get(q: number, c: number): Relu2Params | null {
    const i = this.index(q, c);
    if (!this.done[i]) return null;
    const o = i * this.per, md = this.m * this.d;
    return { m: this.m, d: this.d, W: Float64Array.from(this.values.subarray(o, o + md)), a: Float64Array.from(this.values.subarray(o + md, o + this.per)) };
  }

  /** The last checkpoint ≤ `upTo` at which network q has θ stored, or −1. */
  latest(q: number, upTo = this.C - 1): number {
    for (let c = Math.min(upTo, this.C - 1); c >= 0; c--) if (this.has(q, c)) return c;
    return -1;
  }
}
