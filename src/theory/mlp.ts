/**
 * The f64 reference of the deep ReLU MLP (docs/theory.md §4–§5, issue 14): f(x) = τ · W_L σ(⋯ σ(W_1 x + b_1) ⋯) + τ b_L,
 * σ = ReLU, biases optional (off by default). The oracle of the mlp plugin's tests and its CPU backend.
 *
 * Parameter layout (shared with the GPU trainer, docs/theory.md §5): one network's θ is a Float64Array of the layers
 * concatenated in order l = 1..L, each W_l row-major [out][in] (d_l × d_{l−1}), followed by its bias b_l (d_l) when
 * biases are on. `layers` = [d_0, d_1, …, d_L]: input width, hidden widths, classes.
 * Data layout: X is row-major [n][d_0]; labels are class indices in [0, d_L).
 * Losses (mean over the rows given): cross-entropy −log softmax(f(x))[y]; squared error ‖f(x) − onehot(y)‖².
 */

/** Limits of the reference and of the plugin: weight layers 1..6 (≤ 5 hidden layers), every width 1..512, probe P ≤ 256. */
export const MLP_LIMITS = { maxLayers: 6, maxWidth: 512, maxProbe: 256 } as const;

/** Architecture: widths [d_0, …, d_L] (L weight layers) and whether every layer has a bias. */
export interface MlpArch { layers: readonly number[]; bias: boolean }

/** The loss of issue 14: cross-entropy (mean −log softmax[label]) or squared error (mean ‖f − onehot‖², no ½). */
export type MlpLoss = 'cross-entropy' | 'mse';

/** Offsets into θ of layer l's weights (`w`) and bias (`b`, −1 without biases), l = 1..L at index l − 1. */
export interface LayerSlot { w: number; b: number; nIn: number; nOut: number }

/**
 * The layout of θ (docs/theory.md §5). @throws Error naming `layers` when L < 1, L > 6 or a width is outside 1..512.
 */
export function mlpLayout(arch: MlpArch): { slots: LayerSlot[]; size: number } {
  const d = arch.layers;
  if (d.length < 2 || d.length - 1 > MLP_LIMITS.maxLayers) throw new Error(`layers: expected 2 to ${MLP_LIMITS.maxLayers + 1} widths (1 to ${MLP_LIMITS.maxLayers} weight layers), got ${d.length}`);
  d.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1 || w > MLP_LIMITS.maxWidth) throw new Error(`layers[${i}]: expected an integer width in 1..${MLP_LIMITS.maxWidth}, got ${w}`);
  });
  const slots: LayerSlot[] = [];
  let off = 0;
  for (let l = 1; l < d.length; l++) {
    const w = off;
    off += d[l] * d[l - 1];
    const b = arch.bias ? off : -1;
    if (arch.bias) off += d[l];
    slots.push({ w, b, nIn: d[l - 1], nOut: d[l] });
  }
  return { slots, size: off };
}

/** Total hidden units Σ_{l=1}^{L−1} d_l (the Hamming distance's denominator, with the probe count). */
export const hiddenUnits = (arch: MlpArch): number => arch.layers.slice(1, -1).reduce((s, w) => s + w, 0);

/** Forward pass of B rows: h[0] = inputs (B×d_0), z[l−1] = pre-activations of layer l (B×d_l), h[l] = ReLU(z[l−1]) for l < L. */
export interface MlpForward { B: number; h: Float64Array[]; z: Float64Array[] }

/** out (B×nOut) = hIn (B×nIn) W_lᵀ + b_l, skipping zero inputs (one-hot data, ReLU zeros). */
function linear(theta: Float64Array, s: LayerSlot, hIn: Float64Array, B: number): Float64Array {
  const { nIn, nOut } = s;
  const out = new Float64Array(B * nOut);
  const idx = new Int32Array(nIn), val = new Float64Array(nIn);
  for (let i = 0; i < B; i++) {
    let k = 0;
    for (let b = 0; b < nIn; b++) { const x = hIn[i * nIn + b]; if (x !== 0) { idx[k] = b; val[k++] = x; } }
    for (let a = 0; a < nOut; a++) {
      let sum = s.b >= 0 ? theta[s.b + a] : 0;
      const row = s.w + a * nIn;
      for (let t = 0; t < k; t++) sum += theta[row + idx[t]] * val[t];
      out[i * nOut + a] = sum;
    }
  }
  return out;
}

/**
 * Forward pass of the rows `rows` of X (row-major [n][d_0]). The output u = z[L−1] is before the τ scaling (f = τu).
 * @param rows indices into X (a minibatch), or a count c for the first c rows.
 */
export function mlpForward(arch: MlpArch, theta: Float64Array, X: Float64Array, rows: ArrayLike<number> | number): MlpForward {
  const { slots } = mlpLayout(arch);
  const d0 = arch.layers[0];
  const B = typeof rows === 'number' ? rows : rows.length;
  const h0 = new Float64Array(B * d0);
  for (let i = 0; i < B; i++) {
    const r = typeof rows === 'number' ? i : rows[i];
    h0.set(X.subarray(r * d0, (r + 1) * d0), i * d0);
  }
  const h = [h0], z: Float64Array[] = [];
  slots.forEach((s, l) => {
    const zl = linear(theta, s, h[l], B);
    z.push(zl);
    if (l < slots.length - 1) h.push(zl.map((x) => (x > 0 ? x : 0)));
  });
  return { B, h, z };
}

/**
 * Loss, correct count and ∂(mean loss)/∂u of outputs u (B×C) with f = τu, labels of the B rows.
 * Accuracy: argmax_o f_o (the first maximum) equals the label.
 */
export function mlpLossOfOutputs(u: Float64Array, C: number, labels: ArrayLike<number>, loss: MlpLoss, tau: number, wantGrad: boolean): { loss: number; correct: number; du: Float64Array | null } {
  const B = labels.length;
  const du = wantGrad ? new Float64Array(B * C) : null;
  let total = 0, correct = 0;
  for (let i = 0; i < B; i++) {
    const y = labels[i];
    let best = 0, max = -Infinity;
    for (let o = 0; o < C; o++) { const f = tau * u[i * C + o]; if (f > max) { max = f; best = o; } }
    if (best === y) correct++;
    if (loss === 'cross-entropy') {
      let z = 0;
      for (let o = 0; o < C; o++) z += Math.exp(tau * u[i * C + o] - max);
      total += max + Math.log(z) - tau * u[i * C + y];
      if (du) for (let o = 0; o < C; o++) du[i * C + o] = (tau * (Math.exp(tau * u[i * C + o] - max) / z - (o === y ? 1 : 0))) / B;
    } else {
      for (let o = 0; o < C; o++) {
        const r = tau * u[i * C + o] - (o === y ? 1 : 0);
        total += r * r;
        if (du) du[i * C + o] = (2 * tau * r) / B;
      }
    }
  }
  return { loss: total / B, correct, du };
}

/**
 * Mean loss over the rows and its gradient ∂L/∂θ (layout of {@link mlpLayout}), by backpropagation.
 * @param rows minibatch indices into X, or a count for the first rows (full batch).
 */
export function mlpLossGrad(arch: MlpArch, theta: Float64Array, X: Float64Array, labels: ArrayLike<number>, rows: ArrayLike<number> | number, loss: MlpLoss, tau: number): { loss: number; grad: Float64Array } {
  const { slots, size } = mlpLayout(arch);
  const fw = mlpForward(arch, theta, X, rows);
  const B = fw.B, L = slots.length;
  const lab = new Int32Array(B);
  for (let i = 0; i < B; i++) lab[i] = labels[typeof rows === 'number' ? i : rows[i]];
  const r = mlpLossOfOutputs(fw.z[L - 1], arch.layers[L], lab, loss, tau, true);
  const g = new Float64Array(size);
  let dz = r.du!;
  for (let l = L - 1; l >= 0; l--) {
    const s = slots[l], { nIn, nOut } = s, hIn = fw.h[l];
    const idx = new Int32Array(nIn), val = new Float64Array(nIn);
    const dh = l > 0 ? new Float64Array(B * nIn) : null;
    for (let i = 0; i < B; i++) {
      let k = 0;
      for (let b = 0; b < nIn; b++) { const x = hIn[i * nIn + b]; if (x !== 0) { idx[k] = b; val[k++] = x; } }
      for (let a = 0; a < nOut; a++) {
        const d = dz[i * nOut + a];
        if (d === 0) continue;
        if (s.b >= 0) g[s.b + a] += d;
        const row = s.w + a * nIn;
        for (let t = 0; t < k; t++) g[row + idx[t]] += d * val[t];
        if (dh) for (let b = 0; b < nIn; b++) dh[i * nIn + b] += theta[row + b] * d;
      }
    }
    if (dh) {
      const zPrev = fw.z[l - 1];
      for (let j = 0; j < dh.length; j++) if (!(zPrev[j] > 0)) dh[j] = 0;
      dz = dh;
    }
  }
  return { loss: r.loss, grad: g };
}

/** Mean loss and accuracy over the first n rows of X (in chunks of 2048 rows); no gradient. */
export function mlpEvaluate(arch: MlpArch, theta: Float64Array, X: Float64Array, labels: ArrayLike<number>, n: number, loss: MlpLoss, tau: number): { loss: number; accuracy: number } {
  const L = arch.layers.length - 1, C = arch.layers[L], d0 = arch.layers[0];
  let total = 0, correct = 0;
  for (let start = 0; start < n; start += 2048) {
    const B = Math.min(2048, n - start);
    const fw = mlpForward(arch, theta, X.subarray(start * d0, (start + B) * d0), B);
    const r = mlpLossOfOutputs(fw.z[L - 1], C, Array.from({ length: B }, (_, i) => labels[start + i]), loss, tau, false);
    total += r.loss * B;
    correct += r.correct;
  }
  return { loss: n > 0 ? total / n : NaN, accuracy: n > 0 ? correct / n : NaN };
}

/**
 * The empirical NTK on P probe inputs (the first P rows of X), traced over outputs (docs/theory.md §1.2, §4):
 * K_ij = Σ_o ⟨∂f_o(x_i)/∂θ, ∂f_o(x_j)/∂θ⟩, as Σ_l G_l ∘ A_l with A_l[i][j] = ⟨h^i_{l−1}, h^j_{l−1}⟩ (+1 with biases) and
 * G_l[i][j] = Σ_o ⟨δ^{i,o}_l, δ^{j,o}_l⟩, δ^{i,o}_l = ∂f_o(x_i)/∂z_l. @returns K, row-major P×P.
 */
export function mlpNtkGram(arch: MlpArch, theta: Float64Array, X: Float64Array, P: number, tau: number): Float64Array {
  const { slots } = mlpLayout(arch);
  const L = slots.length, C = arch.layers[L];
  const fw = mlpForward(arch, theta, X, P);
  const K = new Float64Array(P * P);
  const G = slots.map(() => new Float64Array(P * P));
  for (let o = 0; o < C; o++) {
    // δ_L = τ e_o for every probe
    let delta = new Float64Array(P * C);
    for (let i = 0; i < P; i++) delta[i * C + o] = tau;
    for (let l = L - 1; l >= 0; l--) {
      const { nIn, nOut, w } = slots[l];
      const Gl = G[l];
      for (let i = 0; i < P; i++) for (let j = i; j < P; j++) {
        let sdot = 0;
        for (let a = 0; a < nOut; a++) sdot += delta[i * nOut + a] * delta[j * nOut + a];
        Gl[i * P + j] += sdot;
      }
      if (l === 0) break;
      const zPrev = fw.z[l - 1];
      const next = new Float64Array(P * nIn);
      for (let i = 0; i < P; i++) for (let a = 0; a < nOut; a++) {
        const dv = delta[i * nOut + a];
        if (dv === 0) continue;
        const row = w + a * nIn;
        for (let b = 0; b < nIn; b++) next[i * nIn + b] += theta[row + b] * dv;
      }
      for (let j = 0; j < next.length; j++) if (!(zPrev[j] > 0)) next[j] = 0;
      delta = next;
    }
  }
  slots.forEach((s, l) => {
    const h = fw.h[l], nIn = s.nIn, Gl = G[l];
    for (let i = 0; i < P; i++) for (let j = i; j < P; j++) {
      let a = s.b >= 0 ? 1 : 0;
      for (let b = 0; b < nIn; b++) a += h[i * nIn + b] * h[j * nIn + b];
      K[i * P + j] += Gl[i * P + j] * a;
    }
  });
  for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) K[i * P + j] = K[j * P + i];
  return K;
}

/** S = 1 − ⟨K₀, K_t⟩_F / (‖K₀‖_F ‖K_t‖_F) (docs/theory.md §1.2); 0 when either norm is 0. */
export function kernelDistance(K0: Float64Array, Kt: Float64Array): number {
  let dot = 0, n0 = 0, nt = 0;
  for (let i = 0; i < K0.length; i++) { dot += K0[i] * Kt[i]; n0 += K0[i] * K0[i]; nt += Kt[i] * Kt[i]; }
  return n0 > 0 && nt > 0 ? 1 - dot / Math.sqrt(n0 * nt) : 0;
}

/** Activation patterns [z > 0] of every hidden unit on the first P rows of X: Uint8Array P × (hidden units), probe-major. */
export function mlpPatterns(arch: MlpArch, theta: Float64Array, X: Float64Array, P: number): Uint8Array {
  const fw = mlpForward(arch, theta, X, P);
  const H = hiddenUnits(arch);
  const out = new Uint8Array(P * H);
  let col = 0;
  for (let l = 0; l < arch.layers.length - 2; l++) {
    const w = arch.layers[l + 1], z = fw.z[l];
    for (let i = 0; i < P; i++) for (let a = 0; a < w; a++) out[i * H + col + a] = z[i * w + a] > 0 ? 1 : 0;
    col += w;
  }
  return out;
}

/** Hamming distance of two pattern sets: the mean over hidden units and probe inputs of [pattern differs]; 0 without hidden units. */
export function hamming(p0: Uint8Array, pt: Uint8Array): number {
  let diff = 0;
  for (let i = 0; i < p0.length; i++) if (p0[i] !== pt[i]) diff++;
  return p0.length > 0 ? diff / p0.length : 0;
}

/** ‖θ_t − θ₀‖₂. */
export function paramDistance(theta0: Float64Array, theta: Float64Array): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) { const d = theta[i] - theta0[i]; s += d * d; }
  return Math.sqrt(s);
}
