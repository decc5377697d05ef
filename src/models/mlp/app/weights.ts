/**
 * First-layer weights of a network as images (issue 14 item 5; docs/theory.md §4): W_1 is [width][d_0] (row-major, θ's
 * layout of src/theory/mlp.ts mlpLayout); for modular addition the input is one-hot(a) ⊕ one-hot(b) (d_0 = 2p), so
 * row j's first p entries are unit j's embedding of a. Its DFT magnitude over a, |Σ_a W_1[j][a] e^{−2πi k a/p}|,
 * k = 0 … p − 1, shows a few dominant frequencies per unit when the network groks (Fourier-like features). Pure.
 */
import { mlpLayout, type MlpArch } from '../../../theory/mlp.ts';

/** W_1 of θ (mlpLayout's order) as Float32Array [width][d_0]. */
export function firstLayerOf(arch: MlpArch, theta: ArrayLike<number>): Float32Array {
  const s = mlpLayout(arch).slots[0];
  const out = new Float32Array(s.nIn * s.nOut);
  for (let i = 0; i < out.length; i++) out[i] = theta[s.w + i];
  return out;
}

/**
 * |DFT over a| of W_1's a-half: out[j·p + k] = |Σ_{a<p} W[j·(2p) + a] · e^{−2πi k a / p}|, for W [width][2p].
 * @throws RangeError when W.length ≠ width · 2p.
 */
export function modularDft(W: ArrayLike<number>, width: number, p: number): Float32Array {
  if (W.length !== width * 2 * p) throw new RangeError(`modularDft: W has ${W.length} entries, expected width ${width} × 2p = ${width * 2 * p}`);
  const out = new Float32Array(width * p);
  const cos = Float64Array.from({ length: p }, (_, m) => Math.cos((2 * Math.PI * m) / p));
  const sin = Float64Array.from({ length: p }, (_, m) => Math.sin((2 * Math.PI * m) / p));
  for (let j = 0; j < width; j++) {
    for (let k = 0; k < p; k++) {
      let re = 0, im = 0;
      for (let a = 0; a < p; a++) {
        const w = W[j * 2 * p + a], m = (k * a) % p;
        re += w * cos[m];
        im -= w * sin[m];
      }
      out[j * p + k] = Math.hypot(re, im);
    }
  }
  return out;
}
