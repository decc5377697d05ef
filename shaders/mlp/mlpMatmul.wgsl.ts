/**
 * The register-tiled, ensemble-batched matrix product every mlp pass is made of (src/models/mlp/gpu/backend.ts):
 * C_e = A_e · B_e for each network e, with A (M × K) and B (K × N) read through WGSL expressions (so the same
 * kernel does Z = A·Wᵀ, ∂A = ∂Z·W, ∇W = ∂Zᵀ·A and the probe Grams without transposed copies) and C written
 * through a WGSL statement (the epilogue: store, ReLU′ mask, finiteness check, Gram product).
 *
 * One workgroup computes a TM × TN tile of one network: (TM/4)·(TN/4) threads, each a 4 × 4 register block
 * (rows ty + TY·r, columns tx + TX·c); K goes in slabs of TK = 16 through workgroup memory (As: TK × TM,
 * Bs: TK × TN). Dispatch: (⌈M/TM⌉·⌈N/TN⌉, E) workgroups; network e = workgroup_id.y.
 */
import { declareBuffers, type MlpBufferName, type MlpKernelSource } from './mlpCommon.wgsl.ts';

/** A product C = A·B of every network, as WGSL fragments. */
export interface MatmulSpec {
  label: string;
  /** Buffers the fragments use ('U' first). */
  uses: readonly MlpBufferName[];
  /** u32 WGSL expressions of the sizes (constants such as `16u`, or `U.rows`). */
  M: string; N: string; K: string;
  /** f32 expression of A(m, k) in terms of e, m, k (u32; m < M, k < K) and ra = rowA(e, m). */
  loadA: string;
  /** f32 expression of B(k, n) in terms of e, k, n (k < K, n < N) and rb = rowB(e, k). */
  loadB: string;
  /** u32 expression of e, m computed once per row of A (e.g. its data row's offset); default 0u. */
  rowA?: string;
  /** u32 expression of e, k computed once per row of B; default 0u. */
  rowB?: string;
  /** Statements storing v = C(m, n) (e, m, n in scope; m < M, n < N). */
  store: string;
  /** Helper functions and constants. */
  prelude?: string;
  /** Tile rows and columns (16, 32 or 64). */
  tm: number;
  tn: number;
}

/** Slab depth of K. */
export const MATMUL_TK = 16;

/** Tile edge (16, 32 or 64) for a dimension of `size`. */
export function tileFor(size: number): number {
  return size <= 16 ? 16 : size <= 32 ? 32 : 64;
}

/** Which product kernel: workgroup tiles (GPUs) or a 4 × 4 block per thread without workgroup memory (CPU adapters). */
export type MatmulKind = 'tiled' | 'direct';

/** Threads per workgroup of the direct kernel. */
export const DIRECT_WG = 64;

/** Workgroups of a product: [tiles (tiled) or ⌈blocks / DIRECT_WG⌉ (direct), networks]. */
export function matmulGroups(m: number, n: number, spec: Pick<MatmulSpec, 'tm' | 'tn'>, networks: number, kind: MatmulKind = 'tiled'): [number, number] {
  if (kind === 'direct') return [Math.ceil((Math.ceil(m / 4) * Math.ceil(n / 4)) / DIRECT_WG), networks];
  return [Math.ceil(m / spec.tm) * Math.ceil(n / spec.tn), networks];
}

/**
 * The product with one thread per 4 × 4 block of C and no workgroup memory or barriers: A and B are read through
 * their expressions directly (8 loads per 16 FMAs). SwiftShader runs it faster than the tiled kernel (bench/mlp.ts).
 * Dispatch: (⌈⌈M/4⌉·⌈N/4⌉ / DIRECT_WG⌉, E).
 */
export function matmulDirectKernel(s: MatmulSpec): MlpKernelSource {
  const R = range(4);
  const code = /* wgsl */ `${declareBuffers(s.uses)}
${s.prelude ?? ''}
${loaders(s)}

@compute @workgroup_size(${DIRECT_WG})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let e = gid.y;
  let sizeM = ${s.M};
  let sizeN = ${s.N};
  let sizeK = ${s.K};
  let blocksN = (sizeN + 3u) / 4u;
  let mb = gid.x / blocksN;
  if (mb * 4u >= sizeM) { return; }
  let mStart = mb * 4u;
  let nStart = (gid.x % blocksN) * 4u;
${R.map((r) => `  let m${r} = min(mStart + ${r}u, sizeM - 1u);`).join('\n')}
${R.map((c) => `  let n${c} = min(nStart + ${c}u, sizeN - 1u);`).join('\n')}
${R.map((r) => R.map((c) => `  var c${r}${c} = 0.0;`).join(' ')).join('\n')}
${R.map((r) => `  let ra${r} = rowA(e, m${r});`).join('\n')}
  for (var k = 0u; k < sizeK; k++) {
    let rb = rowB(e, k);
${R.map((r) => `    let a${r} = loadA(e, m${r}, k, ra${r});`).join('\n')}
${R.map((c) => `    let b${c} = loadB(e, k, n${c}, rb);`).join('\n')}
${R.map((r) => R.map((c) => `    c${r}${c} = fma(a${r}, b${c}, c${r}${c});`).join('\n')).join('\n')}
  }
${R.map((r) => R.map((c) => `  if (mStart + ${r}u < sizeM && nStart + ${c}u < sizeN) { storeC(e, mStart + ${r}u, nStart + ${c}u, c${r}${c}); }`).join('\n')).join('\n')}
}
`;
  return { label: s.label, code, uses: s.uses, tile: [4, 4], kind: 'direct' };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The product's load and store functions. */
function loaders(s: MatmulSpec): string {
  return [
    `fn rowA(e: u32, m: u32) -> u32 { return ${s.rowA ?? '0u'}; }`,
    `fn rowB(e: u32, k: u32) -> u32 { return ${s.rowB ?? '0u'}; }`,
    `fn loadA(e: u32, m: u32, k: u32, ra: u32) -> f32 { return ${s.loadA}; }`,
    `fn loadB(e: u32, k: u32, n: u32, rb: u32) -> f32 { return ${s.loadB}; }`,
    `fn storeC(e: u32, m: u32, n: u32, v: f32) { ${s.store} }`,
  ].join('\n');
}

/** The kernel of one product: tiled (default), or direct when `kind` is 'direct'. */
export function matmulKernel(s: MatmulSpec, kind: MatmulKind = 'tiled'): MlpKernelSource {
  if (kind === 'direct') return matmulDirectKernel(s);
  const { tm, tn } = s;
  const tx = tn / 4, ty = tm / 4, wg = tx * ty, tk = MATMUL_TK;
  const R = range(4);
  const code = /* wgsl */ `${declareBuffers(s.uses)}
${s.prelude ?? ''}
const TM: u32 = ${tm}u;
const TN: u32 = ${tn}u;
const TK: u32 = ${tk}u;
const TX: u32 = ${tx}u;
const TY: u32 = ${ty}u;
const WG: u32 = ${wg}u;
var<workgroup> As: array<f32, ${tk * tm}>;
var<workgroup> Bs: array<f32, ${tk * tn}>;

${loaders(s)}

@compute @workgroup_size(${wg})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let e = wid.y;
  let sizeM = ${s.M};
  let sizeN = ${s.N};
  let sizeK = ${s.K};
  let tilesN = (sizeN + TN - 1u) / TN;
  let m0 = (wid.x / tilesN) * TM;
  let n0 = (wid.x % tilesN) * TN;
  if (m0 >= sizeM) { return; }
  let tx = t % TX;
  let ty = t / TX;
${R.map((r) => R.map((c) => `  var c${r}${c} = 0.0;`).join(' ')).join('\n')}
  for (var k0 = 0u; k0 < sizeK; k0 += TK) {
    for (var p = t; p < TK * TM; p += WG) {
      let kk = p % TK;
      let mm = p / TK;
      let m = m0 + mm;
      let k = k0 + kk;
      let mc = min(m, sizeM - 1u);
      As[kk * TM + mm] = select(0.0, loadA(e, mc, min(k, sizeK - 1u), rowA(e, mc)), m < sizeM && k < sizeK);
    }
    for (var p = t; p < TK * TN; p += WG) {
      let nn = p % TN;
      let kk = p / TN;
      let n = n0 + nn;
      let k = k0 + kk;
      let kc = min(k, sizeK - 1u);
      Bs[kk * TN + nn] = select(0.0, loadB(e, kc, min(n, sizeN - 1u), rowB(e, kc)), n < sizeN && k < sizeK);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
${R.map((r) => `      let a${r} = As[kk * TM + ty + ${r}u * TY];`).join('\n')}
${R.map((c) => `      let b${c} = Bs[kk * TN + tx + ${c}u * TX];`).join('\n')}
${R.map((r) => R.map((c) => `      c${r}${c} = fma(a${r}, b${c}, c${r}${c});`).join('\n')).join('\n')}
    }
    workgroupBarrier();
  }
${R.map((r) => R.map((c) => `  if (m0 + ty + ${r}u * TY < sizeM && n0 + tx + ${c}u * TX < sizeN) { storeC(e, m0 + ty + ${r}u * TY, n0 + tx + ${c}u * TX, c${r}${c}); }`).join('\n')).join('\n')}
}
`;
  return { label: s.label, code, uses: s.uses, tile: [tm, tn], kind: 'tiled' };
}
