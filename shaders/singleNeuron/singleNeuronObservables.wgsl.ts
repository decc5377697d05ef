/**
 * Per-trajectory observables of the single neuron (docs/theory.md §1.2): ν, μ, excess loss, the kernel
 * distance S(t) of K = X M Xᵀ computed from XX alone, its running max, the time to excess loss < ε and
 * the time S first reaches a threshold.
 * With M = p I + q w wᵀ (p = η_w a², q = η_a):
 *   ⟨K₀, K_t⟩_F = tr(M₀ XX M_t XX) = p₀p_t tr(XX²) + p₀q_t w_tᵀXX²w_t + q₀p_t w₀ᵀXX²w₀ + q₀q_t (w₀ᵀXX w_t)².
 * Up to {@link UNROLL_MAX_D} the code is unrolled for d (scalars, constant indices into the uniform): on SwiftShader a
 * dynamically indexed private array or uniform costs ~13 FMAs per access, and the looped kernel took 83 ms per pass
 * of 10⁵ trajectories at d = 2 (issue 12: two passes were a tenth of a short CLI run). Both forms evaluate every
 * sum in the same order, so their results are bitwise equal (tests/gpu/observables.test.ts).
 */
import { OBSERVABLE_PARAMS } from '../../src/models/singleNeuron/layout.ts';
import { analysisHeader, perTrajectoryEntry, threadIndex } from './singleNeuronAnalysis.wgsl.ts';

/** Largest d whose kernel is unrolled (7 quadratic forms of d² FMAs each: 448 lines at d = 8). */
export const UNROLL_MAX_D = 8;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const lane = (k: number) => `[${k >> 2}].${'xyzw'[k & 3]}`;

/**
 * Kernel `main`. Bindings: 0 uniform, 1 state (SoA), 2 initial state (SoA), 3 observables (rows × n, read_write).
 * @param options.unroll unrolled code (default: d ≤ {@link UNROLL_MAX_D}); false keeps the loops (tests compare both).
 */
export function singleNeuronObservablesShader(options: { d: number; unroll?: boolean }): string {
  const { d } = options;
  const header = analysisHeader({ params: OBSERVABLE_PARAMS, d, storage: [['state', 'read', 'f32'], ['initial', 'read', 'f32'], ['obs', 'read_write', 'f32']] });
  return (options.unroll ?? d <= UNROLL_MAX_D) ? unrolled(header, d) : looped(header);
}

/** The entry point's start, shared: the thread's trajectory i, a and a₀. */
const HEAD = /* wgsl */ `${perTrajectoryEntry} {
  ${threadIndex}
  let n = P.n;
  if (i >= n) { return; }
  let a = state[i];
  let a0 = initial[i];`;

/** The shared tail: ν, μ, the loss and S from the scalars `a, a0, ww, wb, bb, lossQ, c01, w0xxw0, wxxw, qww, qw0w0`. */
const TAIL = /* wgsl */ `
  let wNorm = sqrt(ww);
  let nu = a * wNorm;
  let mu = select(0.0, wb / (wNorm * sqrt(bb)), wNorm > 0.0 && bb > 0.0);
  let loss = 0.5 * max(lossQ, 0.0);
  let p0 = P.etaW * a0 * a0;
  let pt = P.etaW * a * a;
  let q = P.etaA;
  let cross = p0 * pt * P.trXX2 + p0 * q * qww + q * pt * qw0w0 + q * q * c01 * c01;
  let n0 = p0 * p0 * P.trXX2 + 2.0 * p0 * q * qw0w0 + q * q * w0xxw0 * w0xxw0;
  let nt = pt * pt * P.trXX2 + 2.0 * pt * q * qww + q * q * wxxw * wxxw;
  let S = select(0.0, 1.0 - cross / (sqrt(n0) * sqrt(nt)), n0 > 0.0 && nt > 0.0);
  obs[i] = nu;
  obs[n + i] = mu;
  obs[2u * n + i] = loss;
  obs[3u * n + i] = S;
  obs[4u * n + i] = max(obs[4u * n + i], S);
  if (obs[5u * n + i] < 0.0 && loss < P.epsilon) { obs[5u * n + i] = P.time; }
  if (obs[6u * n + i] < 0.0 && S >= P.kernelThreshold) { obs[6u * n + i] = P.time; }
}
`;

/** uᵀ M v with M = P.xx or P.xx2, in the looped kernel's order: r_i = Σ_j fma(M_ij, v_j, ·), q = Σ_i fma(u_i, r_i, ·). */
function quadExpr(name: string, m: 'xx' | 'xx2', u: string, v: string, d: number): string {
  const rows = range(d).map((i) => {
    const r = range(d).reduce((acc, j) => `fma(P.${m}${lane(i * d + j)}, ${v}${j}, ${acc})`, '0.0');
    return `  let ${name}_r${i} = ${r};`;
  });
  const q = range(d).reduce((acc, i) => `fma(${u}${i}, ${name}_r${i}, ${acc})`, '0.0');
  return [...rows, `  let ${name} = ${q};`].join('\n');
}

function unrolled(header: string, d: number): string {
  const J = range(d);
  const b = (j: number) => `P.betaOls${lane(j)}`;
  const chain = (f: (j: number) => [string, string]) => J.reduce((acc, j) => `fma(${f(j)[0]}, ${f(j)[1]}, ${acc})`, '0.0');
  return /* wgsl */ `
${header}

${HEAD}
${J.map((j) => `  let w${j} = state[${j + 1}u * n + i];\n  let v${j} = initial[${j + 1}u * n + i];\n  let e${j} = a * w${j} - ${b(j)};`).join('\n')}
  let ww = ${chain((j) => [`w${j}`, `w${j}`])};
  let wb = ${chain((j) => [`w${j}`, b(j)])};
  let bb = ${chain((j) => [b(j), b(j)])};
${quadExpr('lossQ', 'xx', 'e', 'e', d)}
${quadExpr('c01', 'xx', 'v', 'w', d)}
${quadExpr('qww', 'xx2', 'w', 'w', d)}
${quadExpr('qw0w0', 'xx2', 'v', 'v', d)}
${quadExpr('w0xxw0', 'xx', 'v', 'v', d)}
${quadExpr('wxxw', 'xx', 'w', 'w', d)}
${TAIL}`;
}

function looped(header: string): string {
  return /* wgsl */ `
${header}

fn XX(i: u32, j: u32) -> f32 { let k = i * D + j; return P.xx[k / 4u][k % 4u]; }
fn XX2(i: u32, j: u32) -> f32 { let k = i * D + j; return P.xx2[k / 4u][k % 4u]; }
fn bOls(j: u32) -> f32 { return P.betaOls[j / 4u][j % 4u]; }
fn quad2(u: array<f32, D>, v: array<f32, D>) -> f32 {
  var q = 0.0;
  for (var i = 0u; i < D; i++) { var r = 0.0; for (var j = 0u; j < D; j++) { r = fma(XX2(i, j), v[j], r); } q = fma(u[i], r, q); }
  return q;
}
fn quad1(u: array<f32, D>, v: array<f32, D>) -> f32 {
  var q = 0.0;
  for (var i = 0u; i < D; i++) { var r = 0.0; for (var j = 0u; j < D; j++) { r = fma(XX(i, j), v[j], r); } q = fma(u[i], r, q); }
  return q;
}

${HEAD}
  var w: array<f32, D>;
  var w0: array<f32, D>;
  var e: array<f32, D>;
  var ww = 0.0;
  var wb = 0.0;
  var bb = 0.0;
  for (var j = 0u; j < D; j++) {
    w[j] = state[(j + 1u) * n + i];
    w0[j] = initial[(j + 1u) * n + i];
    e[j] = a * w[j] - bOls(j);
    ww = fma(w[j], w[j], ww);
    wb = fma(w[j], bOls(j), wb);
    bb = fma(bOls(j), bOls(j), bb);
  }
  let lossQ = quad1(e, e);
  let c01 = quad1(w0, w);
  let qww = quad2(w, w);
  let qw0w0 = quad2(w0, w0);
  let w0xxw0 = quad1(w0, w0);
  let wxxw = quad1(w, w);
${TAIL}`;
}
