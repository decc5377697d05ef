/**
 * The mlp plugin's data sets (docs/theory.md §4, issue 14 item 3), all seeded: the random hierarchy model (rhm.ts),
 * modular addition, and explicit X and labels. One data set is shared by every network of a run; a network with
 * trainSize n trains on the first n training rows.
 */
import { createRng } from '../random.ts';
import { rhmGrammar, rhmInputSize, rhmSamples, type RhmSpec } from './rhm.ts';

/**
 * A data set: X row-major [n][inputs], labels in [0, classes); the test set likewise (nTest may be 0).
 */
export interface MlpDataset {
  inputs: number; classes: number;
  X: Float64Array; labels: Int32Array; n: number;
  Xtest: Float64Array; labelsTest: Int32Array; nTest: number;
}

/** Seed of the RHM's sample stream, derived from its rules' seed (a bijection of [0, 2³¹)). */
export const rhmSampleSeed = (seed: number): number => (seed ^ 0x2a5f3c1) >>> 0;

/**
 * The RHM data set: `train + test` distinct samples (rhm.ts rhmSamples), the first `train` for training.
 * @throws Error from the grammar or when train + test exceeds the distinct inputs.
 */
export function rhmDataset(spec: RhmSpec, train: number, test: number): MlpDataset {
  const g = rhmGrammar(spec);
  const all = rhmSamples(g, train + test, rhmSampleSeed(spec.seed));
  const d = rhmInputSize(spec);
  return {
    inputs: d, classes: spec.classes,
    X: all.X.slice(0, train * d), labels: all.labels.slice(0, train), n: train,
    Xtest: all.X.slice(train * d), labelsTest: all.labels.slice(train), nTest: test,
  };
}

/** Modular addition's settings: modulus p, the fraction of the p² pairs used for training, the split's seed. */
export interface ModularSpec { p: number; trainFraction: number; seed: number }

/** Training pairs of modular addition: round(f·p²), at least 1. */
export const modularTrainCount = (s: ModularSpec): number => Math.max(1, Math.round(s.trainFraction * s.p * s.p));

/**
 * Modular addition a + b mod p: every pair (a, b) ∈ [0, p)², input one-hot(a) ⊕ one-hot(b) (length 2p), label
 * (a + b) mod p. The p² pairs (in order k = a·p + b) are shuffled (Fisher–Yates, createRng(seed)); the first
 * round(f·p²) train, the rest are the validation (test) set.
 */
export function modularDataset(s: ModularSpec): MlpDataset {
  const { p } = s, total = p * p, nTrain = modularTrainCount(s);
  const rng = createRng(s.seed);
  const order = Array.from({ length: total }, (_, k) => k);
  for (let i = total - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const encode = (ks: number[]) => {
    const X = new Float64Array(ks.length * 2 * p), y = new Int32Array(ks.length);
    ks.forEach((k, i) => { const a = Math.floor(k / p), b = k % p; X[i * 2 * p + a] = 1; X[i * 2 * p + p + b] = 1; y[i] = (a + b) % p; });
    return { X, y };
  };
  const tr = encode(order.slice(0, nTrain)), te = encode(order.slice(nTrain));
  return { inputs: 2 * p, classes: p, X: tr.X, labels: tr.y, n: nTrain, Xtest: te.X, labelsTest: te.y, nTest: total - nTrain };
}

/** An explicit data set from validated arrays (config.ts checks shapes and labels). */
export function explicitDataset(X: number[][], labels: number[], classes: number, Xtest: number[][], labelsTest: number[]): MlpDataset {
  return {
    inputs: X[0].length, classes,
    X: Float64Array.from(X.flat()), labels: Int32Array.from(labels), n: labels.length,
    Xtest: Float64Array.from(Xtest.flat()), labelsTest: Int32Array.from(labelsTest), nTest: labelsTest.length,
  };
}
