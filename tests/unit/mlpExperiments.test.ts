// The tables of bench/mlpExperiments.ts (docs/theory.md §4.1) on hand-made results whose answers are known exactly.
import { describe, expect, it } from 'vitest';
import { accuracyTable, grokDelays, grokTable, presetParams, separatingCheckpoint, type ExperimentResult } from '../../bench/mlpExperiments.ts';
import type { MlpNetworkOutput } from '../../src/models/mlp/run.ts';

const net = (alpha: number, tau: number, seed: number, trainSize: number, s: Partial<MlpNetworkOutput>): MlpNetworkOutput => ({
  alpha, tau, seed, trainSize, diverged: false, trainLoss: [], testLoss: [], hamming: [], paramDistance: [],
  trainAccuracy: [], testAccuracy: [], kernelDistance: [], ...s,
});

describe('mlpExperiments tables', () => {
  it('steps to grok: first checkpoint with validation accuracy ≥ 0.99, mean over grokked seeds, — when never', () => {
    const r: ExperimentResult = {
      preset: 'grokking', backend: 'cpu', checkpoints: [0, 100, 200, 300],
      networks: [
        net(1, 1, 0, 9, { trainAccuracy: [0, 1, 1, 1], testAccuracy: [0, 0.5, 0.99, 1] }), // groks at 200, fit at 100
        net(1, 1, 1, 9, { trainAccuracy: [0, 0.9, 1, 1], testAccuracy: [0, 0.2, 0.3, 0.995] }), // groks at 300, fit at 200
        net(1, 1, 2, 9, { trainAccuracy: [0, 1, 1, 1], testAccuracy: [0, 0.98, 0.989, 0.9] }), // never (0.989 < 0.99)
        net(3, 1, 0, 9, { trainAccuracy: [0, 1, 1, 1], testAccuracy: [0, 1, 1, 1] }), // groks at 100 with the fit: no delay
      ],
    };
    const rows = grokTable(r).split('\n');
    expect(rows[2]).toMatch(/^\| 1 +\| +250 \(2\/3: 200, 300, —\) \| +100 \(1\/1: 100\) \|$/);
    expect(grokTable(r, 'trainAccuracy', 1).split('\n')[2]).toContain('133 (3/3: 100, 200, 100)');
    expect(grokDelays(r)).toEqual({ grokked: 3, total: 4, trainFirst: 2, delays: [100, 100] });
  });

  it('accuracy at the last checkpoint per (α, size) and the checkpoint where the α means of S spread most', () => {
    const r: ExperimentResult = {
      preset: 'rhm-reduced', backend: 'cpu', checkpoints: [0, 10, 20],
      networks: [
        net(0.1, 1, 0, 256, { testAccuracy: [0.1, 0.2, 0.25], kernelDistance: [0, 0.1, 0.2] }),
        net(0.1, 1, 1, 256, { testAccuracy: [0.1, 0.2, 0.35], kernelDistance: [0, 0.3, 0.2] }),
        net(10, 1, 0, 256, { testAccuracy: [0.1, 0.2, 0.5], kernelDistance: [0, 0.9, 0.3] }),
        net(10, 1, 0, 1024, { testAccuracy: [0.1, 0.2, 0.7], kernelDistance: [0, 0.7, 0.5] }),
      ],
    };
    const rows = accuracyTable(r).split('\n');
    expect(rows[2]).toMatch(/^\| 0\.1 \| 2 +\| 0\.300 \(0\.250–0\.350\) \| +— \|$/);
    expect(rows[3]).toMatch(/^\| 10 +\| 1 +\| +0\.500 \| +0\.700 \|$/);
    // α means of S: 0.1 → [0, 0.2, 0.2], 10 → [0, 0.8, 0.4]; spreads 0, 0.6, 0.2.
    const sep = separatingCheckpoint(r);
    expect(sep.index).toBe(1);
    expect(sep.spread).toBeCloseTo(0.6, 12);
  });

  it('presetParams: schema defaults + the preset, checked', () => {
    expect(presetParams('grokking')).toMatchObject({ task: 'modular', modulus: 23, seeds: 3, steps: 3000 });
    expect(presetParams('rhm-reduced').trainSizes).toEqual([256, 1024, 4096]);
  });
});
