/**
 * Shared pieces of the mlp ensemble kernels (src/models/mlp/gpu/backend.ts, docs/theory.md §4): the table of
 * storage buffers (each kernel declares only those it uses, bound at 0, 1, 2, … in the order listed, so no kernel
 * needs more than WebGPU's guaranteed 8 storage bindings) and the uniform struct.
 *
 * Layouts (E networks, L layers, widths n_0 … n_L, R activation rows, S steps in the submission):
 * - params, grads, opt1, opt2, params0: f32 [E][pStride]; one network = W_1 … W_L, each row-major [out][in] then
 *   its bias [out] when biases are on (the project's convention, shared with src/theory/mlp.ts).
 * - data: f32; training X [nTrain][n_0] at 0, test X [nTest][n_0] at U.testX, labels (as exact f32 integers)
 *   of training then test at U.labels.
 * - acts: f32 [E][actStride]: pre-activations Z_l of layer l at layerOff(l) + row·n_l (R rows per layer).
 * - dz: f32 [E][2][R][maxWidth]: the backward pass's ∂/∂Z ping-pong.
 * - nets: per network (trainSize u32, τ f32, lr scale f32, 0).
 * - plan: u32, the submission's steps: [S][4] schedule words (lr_t, 1 − β₁^t, 1 − β₂^t as f32 bits, 0), then the
 *   minibatch rows [S][E or 1][B] at U.idxOffset.
 * - status: atomic u32: [0] the step within the submission, [1] spare; network e at 2 + 2e (flags: bit 0 diverged)
 *   and 3 + 2e (steps taken).
 */

/** How a kernel binds a buffer. */
export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

/** Every buffer a kernel may use: WGSL type and binding kind. */
export const MLP_BUFFERS = {
  U: { type: 'Uniforms', kind: 'uniform' },
  params: { type: 'array<f32>', kind: 'storage' },
  paramsRO: { type: 'array<f32>', kind: 'read-only-storage' },
  grads: { type: 'array<f32>', kind: 'storage' },
  opt1: { type: 'array<f32>', kind: 'storage' },
  opt2: { type: 'array<f32>', kind: 'storage' },
  params0: { type: 'array<f32>', kind: 'read-only-storage' },
  data: { type: 'array<f32>', kind: 'read-only-storage' },
  acts: { type: 'array<f32>', kind: 'storage' },
  dz: { type: 'array<f32>', kind: 'storage' },
  nets: { type: 'array<vec4u>', kind: 'read-only-storage' },
  plan: { type: 'array<u32>', kind: 'read-only-storage' },
  status: { type: 'array<atomic<u32>>', kind: 'storage' },
  statusRO: { type: 'array<u32>', kind: 'read-only-storage' },
  kern: { type: 'array<f32>', kind: 'storage' },
  kern0: { type: 'array<f32>', kind: 'storage' },
  gram: { type: 'array<f32>', kind: 'storage' },
  masks0: { type: 'array<f32>', kind: 'storage' },
  accum: { type: 'array<f32>', kind: 'storage' },
} as const;

/** Name of a buffer in {@link MLP_BUFFERS}. `paramsRO` and `statusRO` are `params` and `status` bound read-only. */
export type MlpBufferName = keyof typeof MLP_BUFFERS;

/** The uniforms every kernel sees (16 u32 words; f32 values as bits where noted). */
export const MLP_UNIFORMS_WGSL = /* wgsl */ `struct Uniforms {
  nets: u32,        // networks E
  rows: u32,        // activation rows used by this pass (B in a step; a chunk of rows in metrics)
  rowStart: u32,    // metrics: first data row of the chunk (into train or test)
  testSet: u32,     // metrics: 1 = rows come from the test set
  testX: u32,       // word offset of test X in data
  labels: u32,      // word offset of the labels in data
  nTrain: u32,
  idxOffset: u32,   // word offset of the minibatch rows in plan
  batchMode: u32,   // 0 full batch (row m of the first trainSize), 1 shared minibatch rows, 2 per network
  nTest: u32,
  probe: u32,       // P
  output: u32,      // kernel distance: the output o whose gradient is seeded
  layer: u32,       // kernel distance: the layer l of this pass
  wdBits: u32,      // AdamW weight decay (f32 bits)
  pad0: u32,
  pad1: u32,
}`;

/** Words of the uniform struct. */
export const MLP_UNIFORM_WORDS = 16;
/** Word index of each uniform by name (same order as {@link MLP_UNIFORMS_WGSL}). */
export const U_INDEX = {
  nets: 0, rows: 1, rowStart: 2, testSet: 3, testX: 4, labels: 5, nTrain: 6, idxOffset: 7, batchMode: 8, nTest: 9,
  probe: 10, output: 11, layer: 12, wdBits: 13,
} as const;

/** Finiteness by the exponent bits (immune to fast-math folding of x == x). */
const FINITE_WGSL = 'fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }';

/** WGSL declarations (with isFinite) of `uses` at bindings 0, 1, 2, … of group 0. */
export function declareBuffers(uses: readonly MlpBufferName[]): string {
  return [MLP_UNIFORMS_WGSL, FINITE_WGSL, ...uses.map((name, i) => {
    const { type, kind } = MLP_BUFFERS[name];
    const space = kind === 'uniform' ? 'uniform' : kind === 'storage' ? 'storage, read_write' : 'storage, read';
    const wgslName = name === 'paramsRO' ? 'params' : name === 'statusRO' ? 'status' : name;
    return `@group(0) @binding(${i}) var<${space}> ${wgslName}: ${type};`;
  })].join('\n');
}

/** A compiled-kernel description: WGSL code, the buffers it binds (in binding order), its workgroup size. */
export interface MlpKernelSource {
  label: string;
  code: string;
  uses: readonly MlpBufferName[];
  /** Products (mlpMatmul.wgsl.ts): tile rows and columns, for the dispatch size. */
  tile?: readonly [number, number];
  /** Products: 'tiled' or 'direct' (mlpMatmul.wgsl.ts MatmulKind). */
  kind?: 'tiled' | 'direct';
}

/** The step within the current submission (status[0]; advanced by the tick kernel at the end of each step). */
export const STEP_IN_CHUNK = 'atomicLoad(&status[0])';
