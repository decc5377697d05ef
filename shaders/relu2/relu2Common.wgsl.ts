/**
 * WGSL shared by the relu2 kernels (docs/theory.md §3): uniforms, the NetInfo struct, the data accessors and
 * the finite test. Buffer layouts: src/models/relu2/layout.ts.
 */
import { RELU2_UNIFORMS } from '../../src/models/relu2/layout.ts';

/** Compile-time sizes shared by both kernels. */
export interface Relu2CommonOptions {
  /** Units m (1..256). */
  m: number;
  /** Padded input dimension dp (multiple of 4, ≤ 128). */
  dp: number;
}

/**
 * Declarations: `P` (uniform, binding 0), `M`, `DP`, `DP4`, NetInfo, and helpers over the `data`
 * binding, which each kernel declares as `array<vec4f>`:
 * - `xRow(base4, i, c)`: vec4 c of row i of a dp-column matrix starting at float offset 4·base4;
 * - `scalarAt(idx)`: float `idx` of data; `sigma`, `dsigma`: σ and σ' with slope P.slope;
 * - `isFinite(x)`: tested on the bits (WGSL may assume floats are finite in comparisons).
 */
export function relu2Common(o: Relu2CommonOptions): string {
  return /* wgsl */ `
${RELU2_UNIFORMS.wgsl}
const M: u32 = ${o.m}u;
const DP: u32 = ${o.dp}u;
const DP4: u32 = ${o.dp / 4}u;
struct NetInfo { dataOffset: u32, eta: f32, _pad0: u32, _pad1: u32 }
@group(0) @binding(0) var<uniform> P: Relu2Uniforms;

fn isFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
fn sigma(z: f32) -> f32 { return select(P.slope * z, z, z > 0.0); }
fn dsigma(z: f32) -> f32 { return select(P.slope, 1.0, z > 0.0); }
fn sigma4(z: vec4f) -> vec4f { return select(P.slope * z, z, z > vec4f(0.0)); }
fn xRow(base4: u32, i: u32, c: u32) -> vec4f { return data[base4 + i * DP4 + c]; }
fn scalarAt(idx: u32) -> f32 { return data[idx / 4u][idx % 4u]; }
`;
}

/**
 * Bindings 1–6 of both step kernels (layouts: src/models/relu2/layout.ts): params (rw), data (r, vec4),
 * nets (r), status (rw), comp (rw), grad (rw scratch); and `kahan1`, the Kahan-compensated
 * x += delta with compensation c (true value ≈ x − c) both kernels update θ with.
 */
export const RELU2_STEP_BINDINGS = /* wgsl */ `
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> data: array<vec4f>;
@group(0) @binding(3) var<storage, read> nets: array<NetInfo>;
@group(0) @binding(4) var<storage, read_write> status: array<u32>;
@group(0) @binding(5) var<storage, read_write> comp: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

fn kahan1(x: ptr<function, f32>, c: ptr<function, f32>, delta: f32) {
  let y = delta - *c;
  let t = *x + y;
  *c = (t - *x) - y;
  *x = t;
}
`;
