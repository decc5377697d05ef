/**
 * What the 3-D parameter-space view reads from a simulation (buffers in the layout of
 * src/models/singleNeuron/layout.ts, d = 2 only) and about its ensemble, plus the checks of
 * ParamSpace3DView.setSource (pure: Node tests can run them on fake buffers).
 */
import { sceneExtent } from '../../../views/paramSpace3dMath.ts';
import { checkSourceBuffers } from './portraitSource.ts';

/** The simulation buffers the view reads (layout: src/models/singleNeuron/layout.ts), d = 2 only. */
export interface ParamSpace3DSource {
  /** f32 SoA, 3·n floats: a at [i], w₁ at [n + i], w₂ at [2n + i]; needs STORAGE usage. */
  state: GPUBuffer;
  /** u32 × n; bit 1 = diverged (frozen). */
  flags: GPUBuffer;
  /** f32 × ≥ n; info[i] = δ₀. */
  info: GPUBuffer;
  n: number;
  d: number;
}

/** What the view needs to know about the ensemble (docs/theory.md §1). */
export interface ParamSpace3DInfo {
  /** [min δ₀, max δ₀] over the ensemble; the colour domain is ±max|δ₀| (as in the portrait). */
  deltaRange: [number, number];
  /** Target β* = Xy of whitened data (length 2); the minima curve is a w = β*. */
  betaStar: number[];
  /** Layer learning rates; the conserved surface is η_w a² − η_a‖w‖² = δ. */
  rates: { a: number; w: number };
  /** Optional scene half-size L (axes and surface span [−L, L]); default {@link sceneExtent}. */
  extent?: number;
}

/**
 * Checks a source and its info.
 * @returns a copy of the info with the extent filled in (given, or {@link sceneExtent}).
 * @throws RangeError unless d = 2, n is a positive integer, the buffers are large enough and have
 *   STORAGE usage, betaStar has 2 finite entries, the rates are positive, deltaRange is finite and
 *   ordered, and the extent is positive.
 */
export function validateParamSpace3DSource(sim: ParamSpace3DSource, info: ParamSpace3DInfo): Required<ParamSpace3DInfo> {
  const { n, d } = sim;
  if (d !== 2) throw new RangeError(`ParamSpace3DView.setSource: the 3-D view needs d = 2 (w₁, w₂, a); got d = ${d}.`);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`ParamSpace3DView.setSource: n = ${n} must be a positive integer.`);
  checkSourceBuffers('ParamSpace3DView.setSource', sim);
  const { betaStar, rates, deltaRange: [lo, hi] } = info;
  if (betaStar.length !== 2 || !betaStar.every(Number.isFinite)) {
    throw new RangeError(`ParamSpace3DView.setSource: betaStar must have 2 finite entries; got [${betaStar.join(', ')}].`);
  }
  if (!(rates.a > 0 && rates.w > 0 && Number.isFinite(rates.a) && Number.isFinite(rates.w))) {
    throw new RangeError(`ParamSpace3DView.setSource: rates must be positive; got η_a = ${rates.a}, η_w = ${rates.w}.`);
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new RangeError(`ParamSpace3DView.setSource: bad deltaRange [${lo}, ${hi}].`);
  const extent = info.extent ?? sceneExtent([lo, hi], betaStar, rates);
  if (!(extent > 0 && Number.isFinite(extent))) throw new RangeError(`ParamSpace3DView.setSource: extent ${extent} must be positive.`);
  return { deltaRange: [lo, hi], betaStar: [...betaStar], rates: { ...rates }, extent };
}
