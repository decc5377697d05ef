/**
 * The mlp plugin's data (src/models/mlp/rhm.ts, data.ts; docs/theory.md §4) and its seeded init and sampler (init.ts):
 * every RHM sample decodes to its class through the rules; the number of distinct inputs is n_c·m^{(s^L−1)/(s−1)}
 * (counted by enumerating every rule choice); modular addition's labels and split; the sampler's epochs.
 */
import { describe, expect, it } from 'vitest';
import { rhmDecode, rhmExpand, rhmGrammar, rhmInputCount, rhmRefusal, rhmSamples, type RhmSpec } from '../../src/models/mlp/rhm.ts';
import { modularDataset, rhmDataset } from '../../src/models/mlp/data.ts';
import { BatchSampler, heInit } from '../../src/models/mlp/init.ts';
import { mlpGpuJobOf } from '../../src/models/mlp/gpuJob.ts';
import { buildMlpData, buildMlpJob } from '../../src/models/mlp/run.ts';
import { parseMlpConfig } from '../../src/models/mlp/config.ts';
import { mlpExamples } from '../../src/models/mlp/examples.ts';

const FIG6C: RhmSpec = { levels: 3, classes: 8, synonyms: 4, branching: 2, vocabulary: 8, seed: 1 };

/** Every input of a grammar, by running rhmExpand over every (class, rule choices) in base m. */
function enumerate(spec: RhmSpec): Set<string> {
  const g = rhmGrammar(spec);
  const nodes = (spec.branching ** spec.levels - 1) / (spec.branching - 1);
  const out = new Set<string>();
  for (let c = 0; c < spec.classes; c++) {
    for (let k = 0; k < spec.synonyms ** nodes; k++) {
      let digits = k;
      const x = rhmExpand(g, c, () => { const d = digits % spec.synonyms; digits = Math.floor(digits / spec.synonyms); return d; });
      expect(rhmDecode(g, x)).toBe(c);
      out.add(x.join(','));
    }
  }
  return out;
}

describe('random hierarchy model', () => {
  it.each([
    [{ levels: 2, classes: 2, synonyms: 2, branching: 2, vocabulary: 3, seed: 0 }, 16],
    [{ levels: 3, classes: 2, synonyms: 2, branching: 2, vocabulary: 4, seed: 5 }, 256],
    [{ levels: 2, classes: 3, synonyms: 2, branching: 3, vocabulary: 3, seed: 2 }, 48],
    [{ levels: 1, classes: 4, synonyms: 3, branching: 2, vocabulary: 4, seed: 9 }, 12],
  ])('%j: enumerating every rule choice gives n_c·m^{(s^L−1)/(s−1)} = %i distinct inputs, each decoding to its class', (spec, count) => {
    expect(rhmInputCount(spec)).toBe(count);
    expect(enumerate(spec).size).toBe(count);
    // sampling all of them: all distinct, all decode, and one more is refused
    const g = rhmGrammar(spec);
    const s = rhmSamples(g, count, 3);
    const w = spec.branching ** spec.levels;
    const keys = new Set<string>();
    for (let i = 0; i < count; i++) {
      const leaves = s.leaves.subarray(i * w, (i + 1) * w);
      keys.add(leaves.join(','));
      expect(rhmDecode(g, leaves)).toBe(s.labels[i]);
    }
    expect(keys.size).toBe(count);
    expect(() => rhmSamples(g, count + 1, 3)).toThrow(/^count: /);
  });

  it('Fig. 6(c) sizes (L = 3, n_c = 8, m = 4, s = 2, v = 8): 131,072 inputs; 3,000 samples distinct, one-hot, decoding to their class', () => {
    expect(rhmInputCount(FIG6C)).toBe(8 * 4 ** 7);
    const d = rhmDataset(FIG6C, 2000, 1000);
    expect(d.inputs).toBe(64);
    const g = rhmGrammar(FIG6C);
    const rows = [...Array.from({ length: d.n }, (_, i) => [d.X.subarray(i * 64, (i + 1) * 64), d.labels[i]] as const),
      ...Array.from({ length: d.nTest }, (_, i) => [d.Xtest.subarray(i * 64, (i + 1) * 64), d.labelsTest[i]] as const)];
    const keys = new Set<string>();
    const classes = new Set<number>();
    for (const [x, y] of rows) {
      const leaves: number[] = [];
      for (let p = 0; p < 8; p++) {
        const block = Array.from(x.subarray(p * 8, p * 8 + 8));
        expect(block.reduce((a, b) => a + b, 0)).toBe(1);
        leaves.push(block.indexOf(1));
      }
      expect(rhmDecode(g, leaves)).toBe(y);
      keys.add(leaves.join(','));
      classes.add(y);
    }
    expect(keys.size).toBe(3000); // train and test are disjoint
    expect(classes.size).toBe(8);
    // the same seed gives the same data; another seed other rules
    expect(rhmDataset(FIG6C, 10, 0).X).toEqual(rhmDataset(FIG6C, 10, 0).X);
    expect(rhmGrammar({ ...FIG6C, seed: 2 }).rules[0]).not.toEqual(g.rules[0]);
  });

  it('the rules of a level are distinct s-tuples; impossible specs are refused naming the field', () => {
    const g = rhmGrammar(FIG6C);
    for (const r of g.rules) {
      const tuples = new Set<string>();
      for (let i = 0; i < r.length; i += 2) tuples.add(`${r[i]},${r[i + 1]}`);
      expect(tuples.size).toBe(r.length / 2);
    }
    expect(rhmRefusal({ ...FIG6C, synonyms: 9 })?.[0]).toBe('synonyms'); // m·v = 72 > v^s = 64
    expect(rhmRefusal({ ...FIG6C, levels: 7 })?.[0]).toBe('levels'); // input 2^7·8 = 1024 > 512
    expect(rhmRefusal({ ...FIG6C, branching: 1 })?.[0]).toBe('branching');
  });
});

describe('modular addition', () => {
  it('p = 7, fraction 0.5: 25 train + 24 test pairs, disjoint, covering all 49; labels (a + b) mod p from the one-hot halves', () => {
    const d = modularDataset({ p: 7, trainFraction: 0.5, seed: 3 });
    expect([d.n, d.nTest, d.inputs, d.classes]).toEqual([25, 24, 14, 7]);
    const seen = new Set<number>();
    const check = (X: Float64Array, y: Int32Array, n: number) => {
      for (let i = 0; i < n; i++) {
        const row = Array.from(X.subarray(i * 14, (i + 1) * 14));
        const a = row.slice(0, 7).indexOf(1), b = row.slice(7).indexOf(1);
        expect(row.reduce((s, x) => s + x, 0)).toBe(2);
        expect(y[i]).toBe((a + b) % 7);
        seen.add(a * 7 + b);
      }
    };
    check(d.X, d.labels, d.n);
    check(d.Xtest, d.labelsTest, d.nTest);
    expect(seen.size).toBe(49);
    expect(modularDataset({ p: 7, trainFraction: 0.5, seed: 4 }).labels).not.toEqual(d.labels);
  });
});

describe('init and minibatch sampler', () => {
  it('He init: first layer ÷ α, readout × α (switchable), the same draws for every α', () => {
    const arch = { layers: [20, 30, 30, 5], bias: false };
    const a1 = heInit(arch, 7, 1, true), a4 = heInit(arch, 7, 4, true), a4n = heInit(arch, 7, 4, false);
    const W1 = 600, W2 = 900;
    for (let i = 0; i < W1; i++) expect(a4[i]).toBeCloseTo(a1[i] / 4, 14);
    for (let i = W1; i < W1 + W2; i++) expect(a4[i]).toBe(a1[i]);
    for (let i = W1 + W2; i < a1.length; i++) { expect(a4[i]).toBeCloseTo(a1[i] * 4, 14); expect(a4n[i]).toBe(a1[i]); }
    // variance 2/fan_in for the hidden layer: 900 draws, std error of the sample variance ≈ 2·√(2/900) relative
    const v2 = a1.slice(W1, W1 + W2).reduce((s, x) => s + x * x, 0) / W2;
    expect(Math.abs(v2 / (2 / 30) - 1)).toBeLessThan(0.25);
  });

  it('each epoch is a permutation cut into ⌊n/b⌋ batches of b; the rest dropped; seeded; b ≥ n is the full batch', () => {
    const s = new BatchSampler(10, 3, 5), t = new BatchSampler(10, 3, 5);
    for (let epoch = 0; epoch < 4; epoch++) {
      const rows = [s.next(), s.next(), s.next()];
      rows.forEach((r) => expect(r.length).toBe(3));
      expect(new Set(rows.flatMap((r) => Array.from(r))).size).toBe(9);
      expect([t.next(), t.next(), t.next()]).toEqual(rows);
    }
    expect(Array.from(new BatchSampler(4, 9, 0).next())).toEqual([0, 1, 2, 3]);
    expect(Array.from(new BatchSampler(10, 3, 6).next())).not.toEqual(Array.from(new BatchSampler(10, 3, 5).next()));
  });
});

describe('the GPU seam (gpuJob.ts)', () => {
  it('hands the GPU the CPU backend\'s θ₀, lr ÷ τ², and each network\'s sampler rows, network-major per step', () => {
    const cfg = parseMlpConfig({ ...structuredClone(mlpExamples.tiny), init: { grid: { alpha: [0.5, 2], tau: [1, 2], seeds: [0, 1] } } });
    const job = buildMlpJob(cfg, buildMlpData(cfg));
    const g = mlpGpuJobOf(job);
    expect(g.networks.map((n) => n.lrScale)).toEqual([1, 1, 1, 1, 0.25, 0.25, 0.25, 0.25]);
    expect(g.networks[3].params).toBe(job.networks[3].theta0);
    const E = 8, b = 8;
    const first = g.batches!(0, 2), second = g.batches!(2, 1);
    const ref = job.networks.map((n) => new BatchSampler(n.trainSize, b, n.samplerSeed));
    for (let k = 0; k < 3; k++) {
      for (let e = 0; e < E; e++) {
        const rows = k < 2 ? first.subarray((k * E + e) * b, (k * E + e + 1) * b) : second.subarray(e * b, (e + 1) * b);
        expect(Array.from(rows)).toEqual(Array.from(ref[e].next()));
      }
    }
    expect(() => g.batches!(5, 1)).toThrow(/^batches: steps are drawn in order/);
    expect(() => mlpGpuJobOf({ ...job, batchSize: 30 })).toThrow(/^batchSize: the GPU backend needs b = 30 ≤ every trainSize/);
    expect(mlpGpuJobOf({ ...job, batchSize: null }).batchSize).toBe('full');
  });
});
