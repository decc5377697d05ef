/**
 * What the portrait reads from a simulation (buffers in the layout of src/models/singleNeuron/layout.ts)
 * and about its data, plus the shape checks of PortraitView.setSource.
 */
import { MAX_D } from '../models/singleNeuron/layout.ts';

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

/** What the portrait needs to know about the ensemble's data (theory.md §1, §1.5). */
export interface PortraitEnsembleInfo {
  /** Minimum-norm least-squares solution (d). */
  betaOls: number[];
  /** XᵀX (d×d, symmetric PSD; may be singular). */
  XX: number[][];
  /** [min δ₀, max δ₀] over the ensemble; the colour domain is ±max|δ₀|. */
  deltaRange: [number, number];
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
  const need = (buf: GPUBuffer, name: string, bytes: number) => {
    if (buf.size < bytes) throw new RangeError(`PortraitView.setSource: ${name} holds ${buf.size} bytes; n = ${n}, d = ${d} needs ${bytes}.`);
    if (!(buf.usage & STORAGE_USAGE)) throw new RangeError(`PortraitView.setSource: ${name} lacks STORAGE usage.`);
  };
  need(sim.state, 'state', 4 * (d + 1) * n);
  need(sim.flags, 'flags', 4 * n);
  need(sim.info, 'info', 4 * n);
  if (info.betaOls.length !== d) throw new RangeError(`PortraitView.setSource: betaOls has ${info.betaOls.length} entries, d = ${d}.`);
  if (info.XX.length !== d || info.XX.some((row) => row.length !== d)) throw new RangeError(`PortraitView.setSource: XX must be ${d}×${d}.`);
  const [lo, hi] = info.deltaRange;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`PortraitView.setSource: bad deltaRange [${lo}, ${hi}].`);
}
