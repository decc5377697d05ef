/**
 * Optimisers of the deep MLP in PyTorch's conventions (docs/theory.md §5, issue 14) and the f64 trainer of one
 * network (the mlp plugin's oracle and CPU backend). With logit scale τ the learning rate is lr/τ² (paper App. D).
 *
 * - SGD with momentum μ: buf ← μ·buf + g (buf ← g at the first step), θ ← θ − η_t·buf. μ = 0 is plain GD.
 *   Cosine schedule over a fraction f of the T steps: η_t = η·½(1 + cos(π·min(t/(f·T), 1))) at the update of index
 *   t = 0, 1, …, T − 1 (the first update uses η; η_t = 0 from t = f·T on). Constant: η_t = η.
 * - AdamW: θ ← θ(1 − η·wd) (decoupled), m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂/(√v̂ + ε) with
 *   m̂ = m/(1 − β₁ᵏ), v̂ = v/(1 − β₂ᵏ), k = t + 1 counted from 1, ε = 1e-8.
 */
import { mlpLayout, mlpLossGrad, type MlpArch, type MlpLoss } from './mlp.ts';

/** SGD with momentum, optional cosine decay to 0 over `decayFraction` of the run's steps. */
export interface SgdOptions { name: 'sgd'; lr: number; momentum: number; schedule: 'constant' | 'cosine'; decayFraction: number }
/** AdamW (decoupled weight decay), ε = 1e-8. */
export interface AdamwOptions { name: 'adamw'; lr: number; betas: readonly [number, number]; weightDecay: number }
/** One of the two optimisers. */
export type MlpOptimizer = SgdOptions | AdamwOptions;

/** ε of AdamW (PyTorch's default). */
export const ADAM_EPS = 1e-8;

/**
 * The learning rate of the update of index t (0-based) in a run of `totalSteps` steps, with logit scale τ:
 * the schedule's η_t divided by τ² (module comment).
 */
export function learningRateAt(opt: MlpOptimizer, t: number, totalSteps: number, tau: number): number {
  let lr = opt.lr;
  if (opt.name === 'sgd' && opt.schedule === 'cosine') {
    const span = opt.decayFraction * totalSteps;
    const x = span > 0 ? Math.min(t / span, 1) : 1;
    lr *= 0.5 * (1 + Math.cos(Math.PI * x));
  }
  return lr / (tau * tau);
}

/** Moments of one network's optimiser: buf (SGD) or m and v (AdamW), in θ's layout. */
export interface OptimizerState { m: Float64Array; v: Float64Array | null }

/** Zero state for a θ of `size` numbers. */
export const newOptimizerState = (opt: MlpOptimizer, size: number): OptimizerState =>
  ({ m: new Float64Array(size), v: opt.name === 'adamw' ? new Float64Array(size) : null });

/**
 * One update in place of θ and the state, from the gradient g at the update of index t (0-based; the first SGD
 * update sets buf = g, AdamW's bias corrections use k = t + 1). lr is {@link learningRateAt}'s.
 */
export function optimizerStep(opt: MlpOptimizer, state: OptimizerState, theta: Float64Array, g: Float64Array, t: number, lr: number): void {
  const { m } = state;
  if (opt.name === 'sgd') {
    const mu = opt.momentum;
    for (let i = 0; i < theta.length; i++) {
      m[i] = t === 0 ? g[i] : mu * m[i] + g[i];
      theta[i] -= lr * m[i];
    }
    return;
  }
  const [b1, b2] = opt.betas, v = state.v!;
  const k = t + 1, c1 = 1 - b1 ** k, c2 = 1 - b2 ** k, decay = 1 - lr * opt.weightDecay;
  for (let i = 0; i < theta.length; i++) {
    theta[i] *= decay;
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    theta[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
  }
}

/** What one network trains on: X row-major [n][d_0] and labels; it uses the first `trainSize` rows. */
export interface MlpTrainData { X: Float64Array; labels: ArrayLike<number>; trainSize: number }

/** A run's settings shared by its networks. `bound`: |θ_i| above it counts as diverged (as a non-finite value does). */
export interface MlpRunSettings { arch: MlpArch; loss: MlpLoss; optimizer: MlpOptimizer; totalSteps: number; bound: number }

/**
 * One network trained in f64: θ (layout of mlpLayout), θ₀, the optimiser state, the step count and the divergence flag.
 * A step whose loss or new θ is not finite, or leaves |θ_i| ≤ bound, is undone and the network frozen and flagged.
 */
export class MlpTrainer {
  readonly theta: Float64Array;
  readonly theta0: Float64Array;
  readonly state: OptimizerState;
  stepCount = 0;
  diverged = false;

  /** @param theta0 the initial θ (copied). @param tau logit scale τ (f = τ·u, lr ÷ τ²). */
  constructor(readonly run: MlpRunSettings, theta0: Float64Array, readonly tau: number, readonly data: MlpTrainData) {
    const { size } = mlpLayout(run.arch);
    if (theta0.length !== size) throw new Error(`theta0: expected ${size} parameters for layers [${run.arch.layers.join(', ')}], got ${theta0.length}`);
    this.theta = Float64Array.from(theta0);
    this.theta0 = Float64Array.from(theta0);
    this.state = newOptimizerState(run.optimizer, size);
  }

  /**
   * One optimiser step on the minibatch `rows` (indices into the training rows), or the full batch of trainSize rows
   * when rows is null. Frozen (no-op apart from the count) once diverged. @returns the minibatch loss before the step.
   */
  step(rows: ArrayLike<number> | null): number {
    const t = this.stepCount++;
    if (this.diverged) return NaN;
    const { arch, loss, optimizer, totalSteps, bound } = this.run;
    const r = mlpLossGrad(arch, this.theta, this.data.X, this.data.labels, rows ?? this.data.trainSize, loss, this.tau);
    const before = Float64Array.from(this.theta);
    const saved = { m: Float64Array.from(this.state.m), v: this.state.v ? Float64Array.from(this.state.v) : null };
    optimizerStep(optimizer, this.state, this.theta, r.grad, t, learningRateAt(optimizer, t, totalSteps, this.tau));
    let ok = Number.isFinite(r.loss);
    for (let i = 0; ok && i < this.theta.length; i++) ok = Math.abs(this.theta[i]) <= bound;
    if (!ok) {
      this.theta.set(before);
      this.state.m.set(saved.m);
      if (saved.v) this.state.v!.set(saved.v);
      this.diverged = true;
    }
    return r.loss;
  }
}
