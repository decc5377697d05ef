/**
 * What the portrait reads from a simulation (buffers in the layout of src/models/singleNeuron/layout.ts)
 * and about its data, the per-trajectory fields and predicted limits it can draw, plus the shape checks
 * of PortraitView.setSource, setField and setPredictedLimits (pure: Node tests run them on fake buffers).
 * The buffer check {@link checkSourceBuffers} also serves the 3-D view (paramSpace3dSource.ts).
 */
import { MAX_D } from '../layout.ts';
import { LUT_SIZE, parseColor, type Interpolator, type LegendCategory } from '../../../views/colormaps.ts';

/** GPUBufferUsage.STORAGE (WebGPU spec value), spelled out so the check also runs in Node tests. */
const STORAGE_USAGE = 0x80;

/** The simulation buffers the portrait reads (layout: src/models/singleNeuron/layout.ts). */
export interface PortraitSource {
  /** f32 SoA, (d+1)·n floats: a at [i], w_j at [(1+j)·n + i]; needs STORAGE usage. */
  state: GPUBuffer;
  /** u32 × n; bit 1 = diverged (frozen). */
  flags: GPUBuffer;
  /** f32 × ≥ n; info[i] = δ₀. */
  info: GPUBuffer;
  n: number;
  d: number;
}

/** What the portrait needs to know about the ensemble's data (docs/theory.md §1, §1.5). */
export interface PortraitEnsembleInfo {
  /** Minimum-norm least-squares solution (d). */
  betaOls: number[];
  /** XᵀX (d×d, symmetric PSD; may be singular). */
  XX: number[][];
  /** [min δ₀, max δ₀] over the ensemble; the colour domain is ±max|δ₀|. */
  deltaRange: [number, number];
}

/**
 * Checks the simulation buffers of n trajectories in d dimensions: state ≥ 4·(d+1)·n bytes, flags and
 * info ≥ 4·n bytes, all with STORAGE usage. `where` prefixes the messages ('PortraitView.setSource').
 * @throws RangeError naming the first buffer that is too small or lacks STORAGE usage.
 */
export function checkSourceBuffers(where: string, sim: PortraitSource): void {
  const { n, d } = sim;
  const need = (buf: GPUBuffer, name: string, bytes: number) => {
    if (buf.size < bytes) throw new RangeError(`${where}: ${name} holds ${buf.size} bytes; n = ${n}, d = ${d} needs ${bytes}.`);
    if (!(buf.usage & STORAGE_USAGE)) throw new RangeError(`${where}: ${name} lacks STORAGE usage.`);
  };
  need(sim.state, 'state', 4 * (d + 1) * n);
  need(sim.flags, 'flags', 4 * n);
  need(sim.info, 'info', 4 * n);
}

/**
 * Checks a source against its ensemble info.
 * @throws RangeError when n or d is out of range, a buffer is smaller than its layout needs or lacks
 *   STORAGE usage, or betaOls / XX / deltaRange do not match d.
 */
export function validatePortraitSource(sim: PortraitSource, info: PortraitEnsembleInfo): void {
  const { n, d } = sim;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`PortraitView.setSource: n = ${n} must be a positive integer.`);
  if (!(Number.isInteger(d) && d >= 1 && d <= MAX_D)) throw new RangeError(`PortraitView.setSource: d = ${d} must be in 1..${MAX_D}.`);
  checkSourceBuffers('PortraitView.setSource', sim);
  if (info.betaOls.length !== d) throw new RangeError(`PortraitView.setSource: betaOls has ${info.betaOls.length} entries, d = ${d}.`);
  if (info.XX.length !== d || info.XX.some((row) => row.length !== d)) throw new RangeError(`PortraitView.setSource: XX must be ${d}×${d}.`);
  const [lo, hi] = info.deltaRange;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`PortraitView.setSource: bad deltaRange [${lo}, ${hi}].`);
}

/** Options common to every per-trajectory field (PortraitView.setField). */
interface PortraitFieldBase {
  /** f32 × ≥ offset + n, value of trajectory i at [offset + i]; needs STORAGE usage. Not read back. */
  buffer: GPUBuffer;
  /** Element (not byte) offset of trajectory 0, e.g. r·n for row r of an SoA table; default 0. */
  offset?: number;
  /** Legend title (with units). */
  title: string;
}

/**
 * A continuous field: value v → t = (v − lo)/(hi − lo) ('linear') or in log10 ('log'), coloured by
 * `interpolator`. Not available (v < 0, non-finite, or ≤ 0 on 'log'): MISSING_COLOR (colormaps.ts).
 */
export interface PortraitContinuousField extends PortraitFieldBase {
  /** [lo, hi] in data units; finite, lo < hi, and lo > 0 for 'log'. */
  domain: [number, number];
  scale: 'linear' | 'log';
  interpolator: Interpolator;
}

/**
 * A categorical field: the buffer holds small integers as f32 (rounded), indexing `categories`
 * (e.g. REGIMES with REGIME_COLORS). Negative, non-finite or out-of-range values: MISSING_COLOR (colormaps.ts).
 */
export interface PortraitCategoryField extends PortraitFieldBase {
  scale: 'category';
  /** 1 … LUT_SIZE classes in index order. */
  categories: LegendCategory[];
  /** Ignored (accepted so callers may pass one object shape for every mode). */
  domain?: [number, number];
  /** Ignored. */
  interpolator?: Interpolator;
}

/** A per-trajectory colour field for PortraitView.setField. */
export type PortraitField = PortraitContinuousField | PortraitCategoryField;

/**
 * Checks a field against the current ensemble size n.
 * @returns the element offset (default 0).
 * @throws RangeError when the buffer is too small or lacks STORAGE usage, the offset is not a
 *   non-negative integer, the scale is unknown, the domain is invalid for the scale, or the categories
 *   are empty, too many, or have an unparsable colour.
 */
export function validatePortraitField(field: PortraitField, n: number): number {
  const offset = field.offset ?? 0;
  if (!(Number.isInteger(offset) && offset >= 0)) throw new RangeError(`PortraitView.setField: offset ${offset} must be a non-negative integer (elements).`);
  const bytes = 4 * (offset + n);
  if (field.buffer.size < bytes) throw new RangeError(`PortraitView.setField: buffer holds ${field.buffer.size} bytes; offset ${offset} + n = ${n} needs ${bytes}.`);
  if (!(field.buffer.usage & STORAGE_USAGE)) throw new RangeError('PortraitView.setField: buffer lacks STORAGE usage.');
  if (field.scale === 'category') {
    const k = field.categories?.length ?? 0;
    if (!(k >= 1 && k <= LUT_SIZE)) throw new RangeError(`PortraitView.setField: need 1..${LUT_SIZE} categories, got ${k}.`);
    for (const c of field.categories) {
      try { parseColor(c.color); } catch { throw new RangeError(`PortraitView.setField: category "${c.label}" has an unsupported colour "${c.color}".`); }
    }
    return offset;
  }
  if (field.scale !== 'linear' && field.scale !== 'log') throw new RangeError(`PortraitView.setField: unknown scale "${String((field as { scale: unknown }).scale)}".`);
  const [lo, hi] = field.domain;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`PortraitView.setField: domain [${lo}, ${hi}] must be finite and increasing.`);
  if (field.scale === 'log' && !(lo > 0)) throw new RangeError(`PortraitView.setField: a log domain must be positive, got [${lo}, ${hi}].`);
  if (typeof field.interpolator !== 'function') throw new RangeError('PortraitView.setField: interpolator must be a function t ∈ [0, 1] → CSS colour.');
  return offset;
}

/** Predicted end points β∞ of every trajectory (docs/theory.md §1.5; ImplicitBiasPass.limit). */
export interface PortraitLimits {
  /** f32 SoA d × n: component j of trajectory i at j·n + i; needs STORAGE usage. */
  buffer: GPUBuffer;
  /** Must equal the source's d. */
  d: number;
}

/**
 * Checks predicted limits against the source's n and d.
 * @throws RangeError when d differs, the buffer is smaller than 4·d·n bytes, or lacks STORAGE usage.
 */
export function validatePredictedLimits(limits: PortraitLimits, n: number, d: number): void {
  if (limits.d !== d) throw new RangeError(`PortraitView.setPredictedLimits: d = ${limits.d}, the source has d = ${d}.`);
  const bytes = 4 * d * n;
  if (limits.buffer.size < bytes) throw new RangeError(`PortraitView.setPredictedLimits: buffer holds ${limits.buffer.size} bytes; d·n = ${d}·${n} needs ${bytes}.`);
  if (!(limits.buffer.usage & STORAGE_USAGE)) throw new RangeError('PortraitView.setPredictedLimits: buffer lacks STORAGE usage.');
}

/** The affine set of interpolating solutions {β_ols + Σ_k c_k v_k} (docs/theory.md §1.5). */
export interface PortraitInterpolants {
  /** β_ols = XX⁺Xy (d). */
  betaOls: number[];
  /** k ≥ 0 vectors of length d spanning null(XX) (orthonormal or not). */
  nullBasis: number[][];
}
