/**
 * The exact single-neuron gradient flow for whitened data (docs/theory.md §1.3), in float32, evaluated at
 * time t for every trajectory from its initial state. Pole-free form of src/theory/exact.ts: with
 * q = ŵ·β̂*, (g, q) solves (g, q)' = [[δ, s], [s, 0]] (g, q); in its eigenbasis (r±) the largest growth
 * e^λ is factored out so every exponential left has exponent ≤ 0. The eigenvector comes from (r₊, s)
 * rather than atan2/sin/cos, whose WGSL error bounds are loose.
 */
import { EXACT_PARAMS } from '../../src/models/singleNeuron/layout.ts';

/**
 * Kernel `main`: out[c·n + i] = component c of the exact state of trajectory i at time P.t.
 * Bindings: 0 uniform ExactParams, 1 state0 (SoA, read), 2 info (δ₀ at [i], read), 3 out (SoA, write).
 */
export function singleNeuronExactShader(options: { d: number }): string {
  return /* wgsl */ `
${EXACT_PARAMS.wgsl}
const D: u32 = ${options.d}u;
override WG: u32 = 64u;
@group(0) @binding(0) var<uniform> P: ExactParams;
@group(0) @binding(1) var<storage, read> state0: array<f32>;
@group(0) @binding(2) var<storage, read> info: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn betaStar(j: u32) -> f32 { return P.betaStar[j / 4u][j % 4u]; }

// E(x) = expm1(x)/x: Taylor series (Horner, 12 terms) for |x| < 0.5, where exp(x) − 1 would cancel.
fn expm1OverX(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    var acc = 1.0;
    for (var k = 13.0; k >= 2.0; k -= 1.0) { acc = 1.0 + acc * x / k; }
    return acc;
  }
  return (exp(x) - 1.0) / x;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= P.n) { return; }
  let t = P.t;
  let a0 = P.scaleA * state0[i];
  var w0: array<f32, D>;
  var s2 = 0.0;
  var q0 = 0.0;
  for (var j = 0u; j < D; j++) {
    w0[j] = P.scaleW * state0[(j + 1u) * P.n + i];
    s2 = fma(betaStar(j), betaStar(j), s2);
  }
  let s = sqrt(s2);
  let invS = select(0.0, 1.0 / s, s > 0.0);
  for (var j = 0u; j < D; j++) { q0 = fma(w0[j], betaStar(j) * invS, q0); }
  let delta = P.deltaScale * info[i];
  // r± = (δ ± D)/2 without cancellation.
  let Dsc = sqrt(fma(delta, delta, 4.0 * s2));
  var rp = 0.0;
  var rm = 0.0;
  if (Dsc > 0.0) {
    rp = select(2.0 * s2 / (Dsc - delta), 0.5 * (delta + Dsc), delta >= 0.0);
    rm = select(-2.0 * s2 / (delta + Dsc), 0.5 * (delta - Dsc), delta < 0.0);
  }
  // Unit eigenvector (cp, sp) of r₊ is (r₊, s)/‖·‖; for r₊ = s = 0 it is (0, 1).
  let un = sqrt(fma(rp, rp, s2));
  let cp = select(0.0, rp / un, un > 0.0);
  let sp = select(1.0, s / un, un > 0.0);
  let cPlus = cp * a0 + sp * q0;
  let cMinus = -sp * a0 + cp * q0;
  // Factor out e^λ, λ = max(0, ln|c₊| + r₊t); k± = c± e^{r± t − λ}.
  var lambda = 0.0;
  var kPlus = 0.0;
  if (cPlus != 0.0) {
    let logGrowth = log(abs(cPlus)) + rp * t;
    lambda = max(0.0, logGrowth);
    kPlus = select(cPlus * exp(rp * t), sign(cPlus), lambda > 0.0);
  }
  let eMinusLambda = exp(-lambda);
  let kMinus = cMinus * exp(rm * t - lambda);
  let gHat = cp * kPlus - sp * kMinus;
  let qHat = sp * kPlus + cp * kMinus;
  // N̂² = e^{−2λ} + 2 e^{−2λ} ∫₀ᵗ g², each term with exponents ≤ 0; max(δ, 0) − r₊ is r₋ (δ ≥ 0) or −r₊.
  let iPlus = t * expm1OverX(-2.0 * rp * t);
  let iCross = t * exp(select(-rp, rm, delta >= 0.0) * t) * expm1OverX(-abs(delta) * t);
  let iMinus = t * exp(-2.0 * lambda) * expm1OverX(2.0 * rm * t);
  let nHat2 = exp(-2.0 * lambda) + 2.0 * (cp * cp * kPlus * kPlus * iPlus
      - 2.0 * cp * sp * kPlus * cMinus * eMinusLambda * iCross + sp * sp * cMinus * cMinus * iMinus);
  let invN = inverseSqrt(nHat2);
  out[i] = gHat * invN / P.scaleA;
  for (var j = 0u; j < D; j++) {
    let wPerp = w0[j] - q0 * betaStar(j) * invS;
    out[(j + 1u) * P.n + i] = fma(qHat, betaStar(j) * invS, eMinusLambda * wPerp) * invN / P.scaleW;
  }
}
`;
}
