/**
 * The bindings header the single-neuron analysis kernels share (observables, theory error, implicit-bias
 * limit, recorder): the uniform struct at binding 0 as `P`, the storage bindings 1… in order, `D` and the
 * `WG` override, and `threadIndex`, the trajectory index of a 2-D dispatch (src/gpu/compute.ts).
 */
import type { StructLayout } from '../../src/gpu/struct.ts';

/** One storage binding: its WGSL name, access and element type, e.g. ['state', 'read', 'f32']. */
export type StorageBinding = readonly [name: string, access: 'read' | 'read_write', element: string];

/** Options of {@link analysisHeader}. */
export interface AnalysisHeaderOptions {
  /** The uniform struct (binding 0, bound as `P`). */
  params: StructLayout;
  /** Storage bindings 1, 2, … in order. */
  storage: readonly StorageBinding[];
  /** Input dimension d, declared as `const D` when given. */
  d?: number;
}

/** WGSL declarations: struct, `D`, `WG` (override, default 64), the bindings. */
export function analysisHeader(o: AnalysisHeaderOptions): string {
  return [
    o.params.wgsl,
    ...(o.d === undefined ? [] : [`const D: u32 = ${o.d}u;`]),
    'override WG: u32 = 64u;',
    `@group(0) @binding(0) var<uniform> P: ${o.params.name};`,
    ...o.storage.map(([name, access, element], k) => `@group(0) @binding(${k + 1}) var<storage, ${access}> ${name}: array<${element}>;`),
  ].join('\n');
}

/** Statement that defines `i`, the trajectory of this thread in a 2-D dispatch of WG-wide workgroups. */
export const threadIndex = 'let i = gid.x + gid.y * groups.x * WG;';

/** Entry-point signature of a per-trajectory kernel (use with {@link threadIndex}). */
export const perTrajectoryEntry = '@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u)';
