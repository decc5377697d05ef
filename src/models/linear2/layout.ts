/**
 * GPU memory layout of the two-layer linear model (docs/theory.md §2), shared by shaders/linear2/linear2.wgsl.ts,
 * sim.ts and the CLI readback.
 *
 * - `state`: f32, structure of arrays, S components × n networks; component p of network i at p·n + i.
 *   gd / rk4: S = h(d + c), components in the order of the f64 flow state y = [W (h×d) row-major,
 *   A (h×c) row-major] (src/theory/linear2.ts). beta-flow: S = dc, β row-major.
 * - `flags`: u32 × n; bit {@link DIVERGED_FLAG} set when a step would have left the bound or gone
 *   non-finite (the step is not taken; the network stays frozen).
 * - `data`: f32, H (dc×dc row-major) then b (dc): G = H vec(β) − b.
 * - `deltas`: f32 × n; δ of each network (Δ = δI), read by beta-flow only.
 * - `params`: uniform {@link LINEAR2_PARAMS_BYTES} bytes: n, steps (u32), step size, η_W, η_A, bound (f32), 2 pads.
 */

/** Threads per workgroup of the step kernels (the WGSL `override WG`). */
export const WORKGROUP_SIZE = 64;
/** Flag bit: the network diverged and is frozen at its last finite, in-bound state. */
export const DIVERGED_FLAG = 1;
/** Size of the uniform Params struct (8 words). */
export const LINEAR2_PARAMS_BYTES = 32;

/** State components per network: h(d + c) for the (W, A) methods, dc for beta-flow. */
export function stateComponents(method: 'gd' | 'rk4' | 'beta-flow', d: number, c: number, h: number): number {
  return method === 'beta-flow' ? d * c : h * (d + c);
}

/** Packs the uniform Params: n, steps (u32); step, η_W, η_A, bound (f32). */
export function packParams(n: number, steps: number, step: number, etaW: number, etaA: number, bound: number): ArrayBuffer {
  const buf = new ArrayBuffer(LINEAR2_PARAMS_BYTES);
  const u = new Uint32Array(buf), f = new Float32Array(buf);
  u[0] = n; u[1] = steps;
  f[2] = step; f[3] = etaW; f[4] = etaA; f[5] = bound;
  return buf;
}

/** Per-network states (each length S) to the SoA layout (Float32Array of S·n). */
export function toSoA(states: readonly ArrayLike<number>[], S: number): Float32Array {
  const n = states.length;
  const out = new Float32Array(S * n);
  states.forEach((y, i) => { for (let p = 0; p < S; p++) out[p * n + i] = y[p]; });
  return out;
}

/** The SoA layout back to per-network Float64Arrays (length S each). */
export function fromSoA(soa: Float32Array, S: number, n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => Float64Array.from({ length: S }, (_, p) => soa[p * n + i]));
}

/**
 * Whether H (dc×dc row-major) is exactly XX ⊗ I_c in the vec(β) row-major order, H[(ic + j)dc + kc + l] = δ_jl·XX_ik,
 * as regression data builds it (src/theory/linear2.ts linear2Quadratic), compared in float32 (the kernel's copy).
 */
export function isKronecker(H: ArrayLike<number>, d: number, c: number): boolean {
  const dc = d * c;
  for (let i = 0; i < d; i++) for (let j = 0; j < c; j++) for (let k = 0; k < d; k++) for (let l = 0; l < c; l++) {
    const x = Math.fround(H[(i * c + j) * dc + k * c + l]);
    if (x !== (j === l ? Math.fround(H[i * c * dc + k * c]) : 0)) return false;
  }
  return true;
}
