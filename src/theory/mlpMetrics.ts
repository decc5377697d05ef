/**
 * Checkpoint metrics of one MLP in f64 (docs/theory.md §4, issue 14 item 2): train and test loss and accuracy,
 * the kernel distance S(0, t) of the empirical NTK (trace over outputs) on the probe set (the first P training rows),
 * the Hamming distance of the hidden units' activation patterns on the probe set (mean over units and probe inputs),
 * and ‖θ_t − θ₀‖.
 */
import { hamming, kernelDistance, mlpEvaluate, mlpNtkGram, mlpPatterns, paramDistance, type MlpArch, type MlpLoss } from './mlp.ts';

/** One network's record at a checkpoint (step = optimiser steps taken). */
export interface MlpMetrics {
  /** Steps the ensemble has advanced. */
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** S(0, t) of the empirical NTK (trace over outputs) on the probe set (docs/theory.md §1.2, §4). */
  kernelDistance: number;
  /** Mean over hidden units and probe inputs of [Z > 0 differs from θ₀'s]. */
  hamming: number;
  /** ‖θ_t − θ₀‖. */
  paramDistance: number;
}

/** Evaluation data: training rows (the first trainSize of X) and the test set (empty: test metrics are NaN → null in JSON). */
export interface MlpEvalData {
  X: Float64Array; labels: ArrayLike<number>; trainSize: number;
  Xtest: Float64Array; labelsTest: ArrayLike<number>; testSize: number;
}

/** The t = 0 reference of one network: K₀ and the patterns on the probe set (the first P training rows). */
export class MlpProbe {
  readonly K0: Float64Array;
  readonly patterns0: Uint8Array;

  /** @param P probe inputs, 1 ≤ P ≤ min(256, trainSize). @throws Error naming `probe` outside that range. */
  constructor(readonly arch: MlpArch, theta0: Float64Array, readonly X: Float64Array, readonly P: number, readonly tau: number) {
    if (!Number.isInteger(P) || P < 1 || P > 256) throw new Error(`probe: expected an integer in 1..256, got ${P}`);
    this.K0 = mlpNtkGram(arch, theta0, X, P, tau);
    this.patterns0 = mlpPatterns(arch, theta0, X, P);
  }

  /** S(0, t) and the Hamming distance at θ. */
  measure(theta: Float64Array): { kernelDistance: number; hamming: number } {
    return {
      kernelDistance: kernelDistance(this.K0, mlpNtkGram(this.arch, theta, this.X, this.P, this.tau)),
      hamming: hamming(this.patterns0, mlpPatterns(this.arch, theta, this.X, this.P)),
    };
  }
}

/** Every metric of one network at θ (step `step`), against its probe reference and θ₀. */
export function mlpMetricsAt(arch: MlpArch, loss: MlpLoss, tau: number, data: MlpEvalData, probe: MlpProbe, theta0: Float64Array, theta: Float64Array, step: number): MlpMetrics {
  const train = mlpEvaluate(arch, theta, data.X, data.labels, data.trainSize, loss, tau);
  const test = mlpEvaluate(arch, theta, data.Xtest, data.labelsTest, data.testSize, loss, tau);
  return {
    step,
    trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss, testAccuracy: test.accuracy,
    ...probe.measure(theta),
    paramDistance: paramDistance(theta0, theta),
  };
}
