/**
 * Theory error field: per trajectory, err = max over components c of |simulated_c − exact_c| (both SoA,
 * (d+1)·n f32), written to `err` and reduced into [max bits, diverged-skipped count, histogram of log10 err].
 * Diverged (flagged) trajectories are skipped and get err = −1.
 */
import { ERROR_PARAMS } from '../src/models/singleNeuron/layout.ts';
import { logHistogramWgsl } from './logHistogram.wgsl.ts';

/** Kernel `main`. Bindings: 0 uniform, 1 state, 2 exact, 3 flags, 4 err (n), 5 reduction (2 + bins u32, atomic). */
export function singleNeuronTheoryErrorShader(options: { d: number }): string {
  return /* wgsl */ `
${ERROR_PARAMS.wgsl}
const D: u32 = ${options.d}u;
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: ErrorParams;
@group(0) @binding(1) var<storage, read> state: array<f32>;
@group(0) @binding(2) var<storage, read> exact: array<f32>;
@group(0) @binding(3) var<storage, read> flags: array<u32>;
@group(0) @binding(4) var<storage, read_write> err: array<f32>;
@group(0) @binding(5) var<storage, read_write> reduction: array<atomic<u32>>;
${logHistogramWgsl()}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= P.n) { return; }
  if ((flags[i] & 1u) != 0u) { err[i] = -1.0; recordSkipped(); return; }
  var e = 0.0;
  for (var c = 0u; c <= D; c++) { e = max(e, abs(state[c * P.n + i] - exact[c * P.n + i])); }
  err[i] = e;
  recordValue(e);
}
`;
}
