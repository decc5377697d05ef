/**
 * Peak FMA-rate microbenchmark: each thread runs `chains` independent vec4 recurrences
 * x ← fma(x, a, b) for `P.iterations` iterations, entirely in registers, then writes the sum of its
 * chains to `out[i]` so the work cannot be optimised away. a and b come from a uniform, so the compiler
 * cannot fold the recurrence. Used by bench/bench.ts (npm run bench) to put kernel throughput in context.
 *
 * Initial value of chain c (0 ≤ c < chains), lane l (0..3) in thread i: x₀ = (i mod 256) + 4c + l.
 * FLOPs per thread: iterations × chains × 4 lanes × 2 (one FMA = 2 FLOP).
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { defineStruct } from '../src/gpu/struct.ts';

/** Uniforms of the microbenchmark: iteration count and the recurrence's coefficients. */
export const FMA_PEAK_PARAMS = defineStruct('FmaParams', [
  { name: 'iterations', type: 'u32' },
  { name: 'a', type: 'f32' },
  { name: 'b', type: 'f32' },
]);

/** Default independent vec4 chains per thread (32 scalar FMA chains: enough to hide FMA latency). */
export const FMA_PEAK_CHAINS = 8;

export interface FmaPeakShaderOptions {
  /** Independent vec4 chains per thread (1..32); default {@link FMA_PEAK_CHAINS}. */
  chains?: number;
}

/** FLOPs one thread performs: iterations × chains × 4 × 2. */
export function fmaPeakFlopsPerThread(iterations: number, chains = FMA_PEAK_CHAINS): number {
  return iterations * chains * 4 * 2;
}

/**
 * Kernel `main` (workgroup size: override WG). Dispatch ceil(threads / WG) workgroups, possibly 2-D
 * (linear index id.x + id.y · groups.x · WG, as src/gpu/device.ts dispatchSize). Bindings:
 * 0 uniform FmaParams, 1 storage `out: array<f32>` (one f32 per thread; threads past its length skip).
 * @throws Error when chains is not an integer in 1..32.
 */
export function fmaPeakShader(options: FmaPeakShaderOptions = {}): string {
  const chains = options.chains ?? FMA_PEAK_CHAINS;
  if (!(Number.isInteger(chains) && chains >= 1 && chains <= 32)) throw new Error(`fmaPeakShader: chains must be an integer in 1..32 (got ${chains})`);
  const ids = Array.from({ length: chains }, (_, c) => c);
  const init = ids.map((c) => `  var x${c} = vec4f(base) + vec4f(${4 * c}.0, ${4 * c + 1}.0, ${4 * c + 2}.0, ${4 * c + 3}.0);`).join('\n');
  const body = ids.map((c) => `    x${c} = fma(x${c}, a, b);`).join('\n');
  const sum = ids.map((c) => `x${c}`).join(' + ');
  return wgsl`
${FMA_PEAK_PARAMS.wgsl}
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: FmaParams;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= arrayLength(&out)) { return; }
  let base = f32(i & 255u);
  let a = vec4f(P.a);
  let b = vec4f(P.b);
${init}
  for (var k = 0u; k < P.iterations; k++) {
${body}
  }
  let s = ${sum};
  out[i] = s.x + s.y + s.z + s.w;
}
`;
}

/**
 * f64 reference of `out[i]`: Σ over the 4·chains lanes of the recurrence x ← a x + b from x₀ = (i mod 256) + lane.
 * Agrees with the f32 kernel to float32 rounding (exactly when a = 1 and all values are integers < 2²⁴).
 */
export function fmaPeakReference(i: number, iterations: number, a: number, b: number, chains = FMA_PEAK_CHAINS): number {
  let total = 0;
  for (let lane = 0; lane < 4 * chains; lane++) {
    let x = (i % 256) + lane;
    for (let k = 0; k < iterations; k++) x = a * x + b;
    total += x;
  }
  return total;
}
