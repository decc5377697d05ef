/**
 * Implicit bias for low-rank data (docs/theory.md §1.5): the limit β∞ every trajectory converges to, and its
 * current distance from it. In unit-rate variables (β̃ = β/k, w̃ = w/√η_w, δ̃ = δ/k², k = √(η_aη_w)):
 * w̃_null = P w̃₀, κ = (δ̃ + ‖w̃_null‖²)/2, ã∞² = κ + √(κ² + ‖β̃_ols‖²), β∞ = β_ols + k ã∞ w̃_null,
 * with the sign of ã∞ the sign of a now (exact for δ > 0, where a cannot cross 0; otherwise once a has
 * settled).
 */
import { LIMIT_PARAMS } from '../../src/models/singleNeuron/layout.ts';
import { analysisHeader, perTrajectoryEntry, threadIndex } from './singleNeuronAnalysis.wgsl.ts';
import { logHistogramWgsl } from '../logHistogram.wgsl.ts';

/**
 * Kernel `main`. Bindings: 0 uniform LimitParams, 1 state (SoA), 2 initial (SoA), 3 info (δ₀ at [i]),
 * 4 flags, 5 limit (d × n SoA, write), 6 reduction (log histogram of ‖β_t − β∞‖).
 */
export function singleNeuronLimitShader(options: { d: number }): string {
  return /* wgsl */ `
${analysisHeader({
    params: LIMIT_PARAMS, d: options.d,
    storage: [['state', 'read', 'f32'], ['initial', 'read', 'f32'], ['info', 'read', 'f32'], ['flags', 'read', 'u32'],
      ['limit', 'read_write', 'f32'], ['reduction', 'read_write', 'atomic<u32>']],
  })}
${logHistogramWgsl()}

fn proj(i: u32, j: u32) -> f32 { let k = i * D + j; return P.proj[k / 4u][k % 4u]; }
fn bOls(j: u32) -> f32 { return P.betaOls[j / 4u][j % 4u]; }

${perTrajectoryEntry} {
  ${threadIndex}
  let n = P.n;
  if (i >= n) { return; }
  let sw = sqrt(P.etaW);
  var wNull: array<f32, D>;
  var nn = 0.0;
  var bb = 0.0;
  for (var r = 0u; r < D; r++) {
    var acc = 0.0;
    for (var j = 0u; j < D; j++) { acc = fma(proj(r, j), initial[(j + 1u) * n + i], acc); }
    wNull[r] = acc / sw;
    nn = fma(wNull[r], wNull[r], nn);
    let bt = bOls(r) / P.k;
    bb = fma(bt, bt, bb);
  }
  let kappa = 0.5 * (info[i] / (P.k * P.k) + nn);
  let root = sqrt(fma(kappa, kappa, bb));
  let a2 = select(bb / (root - kappa), kappa + root, kappa >= 0.0);
  let aInf = select(-1.0, 1.0, state[i] >= 0.0) * sqrt(a2);
  var dist2 = 0.0;
  for (var j = 0u; j < D; j++) {
    let b = fma(P.k * aInf, wNull[j], bOls(j));
    limit[j * n + i] = b;
    let e = state[i] * state[(j + 1u) * n + i] - b;
    dist2 = fma(e, e, dist2);
  }
  if ((flags[i] & 1u) != 0u) { recordSkipped(); } else { recordValue(sqrt(dist2)); }
}
`;
}
