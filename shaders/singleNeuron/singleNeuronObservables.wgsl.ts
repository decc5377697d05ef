/**
 * Per-trajectory observables of the single neuron (docs/theory.md §1.2): ν, μ, excess loss, the kernel
 * distance S(t) of K = X M Xᵀ computed from XX alone, its running max, the time to excess loss < ε and
 * the time S first reaches a threshold.
 * With M = p I + q w wᵀ (p = η_w a², q = η_a):
 *   ⟨K₀, K_t⟩_F = tr(M₀ XX M_t XX) = p₀p_t tr(XX²) + p₀q_t w_tᵀXX²w_t + q₀p_t w₀ᵀXX²w₀ + q₀q_t (w₀ᵀXX w_t)².
 */
import { OBSERVABLE_PARAMS } from '../../src/models/singleNeuron/layout.ts';
import { analysisHeader, perTrajectoryEntry, threadIndex } from './singleNeuronAnalysis.wgsl.ts';

/** Kernel `main`. Bindings: 0 uniform, 1 state (SoA), 2 initial state (SoA), 3 observables (rows × n, read_write). */
export function singleNeuronObservablesShader(options: { d: number }): string {
  return /* wgsl */ `
${analysisHeader({ params: OBSERVABLE_PARAMS, d: options.d, storage: [['state', 'read', 'f32'], ['initial', 'read', 'f32'], ['obs', 'read_write', 'f32']] })}

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

${perTrajectoryEntry} {
  ${threadIndex}
  let n = P.n;
  if (i >= n) { return; }
  let a = state[i];
  let a0 = initial[i];
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
  let wNorm = sqrt(ww);
  let nu = a * wNorm;
  let mu = select(0.0, wb / (wNorm * sqrt(bb)), wNorm > 0.0 && bb > 0.0);
  let loss = 0.5 * max(quad1(e, e), 0.0);
  let p0 = P.etaW * a0 * a0;
  let pt = P.etaW * a * a;
  let q = P.etaA;
  let c01 = quad1(w0, w);
  let cross = p0 * pt * P.trXX2 + p0 * q * quad2(w, w) + q * pt * quad2(w0, w0) + q * q * c01 * c01;
  let w0xxw0 = quad1(w0, w0);
  let wxxw = quad1(w, w);
  let n0 = p0 * p0 * P.trXX2 + 2.0 * p0 * q * quad2(w0, w0) + q * q * w0xxw0 * w0xxw0;
  let nt = pt * pt * P.trXX2 + 2.0 * pt * q * quad2(w, w) + q * q * wxxw * wxxw;
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
}
