/**
 * `lazyrich sweep` / `merge` with the CPU backend (no GPU): shard and chunk ranges, resume after an
 * abort, merge validation (missing, duplicated, foreign shards), and the CLI entry's exit codes.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { MergeError, planMerge } from '../../src/cli/merge.ts';
import { runRelu2Simulate, type Relu2SimulateOutput } from '../../src/models/relu2/run.ts';
import { chunkRanges, parseShard, runSweep, shardRange } from '../../src/cli/sweep.ts';
import { capture } from '../helpers/cliCapture.ts';

const root = mkdtempSync(join(tmpdir(), 'lazyrich-sweep-'));
let dirs = 0;
const freshDir = () => join(root, `d${dirs++}`);

/** 2 seeds × 2 τ × 2 δ = 8 tiny networks, CPU backend. */
const CONFIG = {
  model: 'relu2', data: { teacher: { seed: 3, d: 2, n: 8, m0: 2, nTest: 4 } },
  init: { grid: { m: 4, tau: [0.5, 1], delta: [-0.5, 0.5], seeds: [0, 1] } },
  learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 5, 40], backend: 'cpu',
};

async function collect(dir: string): Promise<Record<string, unknown>> {
  const plan = await planMerge(dir);
  const networks = [];
  for await (const n of plan.networks()) networks.push(n);
  return { ...plan.header, networks };
}

describe('shards and chunks', () => {
  it('shard i/n covers [⌊(i−1)N/n⌋, ⌊iN/n⌋): contiguous, disjoint, complete, sizes within 1', () => {
    for (const [N, n] of [[4624, 16], [10, 3], [3, 5], [1, 1], [289, 7]]) {
      const ranges = Array.from({ length: n }, (_, i) => shardRange(N, { index: i + 1, count: n }));
      expect(ranges[0][0]).toBe(0);
      expect(ranges[n - 1][1]).toBe(N);
      ranges.slice(1).forEach((r, i) => expect(r[0]).toBe(ranges[i][1]));
      const sizes = ranges.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(shardRange(10, { index: 2, count: 3 })).toEqual([3, 6]);
    expect(shardRange(4624, { index: 16, count: 16 })).toEqual([4335, 4624]);
  });

  it('chunks align to multiples of the chunk size (grid seeds by default)', () => {
    expect(chunkRanges(3, 11, 4)).toEqual([[3, 4], [4, 8], [8, 11]]);
    expect(chunkRanges(0, 578, 289)).toEqual([[0, 289], [289, 578]]);
    expect(chunkRanges(5, 5, 4)).toEqual([]);
    expect(() => chunkRanges(0, 4, 0)).toThrow(/chunk size/);
  });

  it.each([['0/4'], ['5/4'], ['3'], ['a/b'], ['1/0'], ['-1/2']])('--shard %s is refused', (text) => {
    expect(() => parseShard(text)).toThrow(/^--shard: expected/);
  });

  it('parses i/n', () => expect(parseShard(' 3/16 ')).toEqual({ index: 3, count: 16 }));
});

describe('sweep + merge (CPU)', () => {
  it('2 shards in chunks, merged, equal the unsharded simulate output; rerunning a finished shard does nothing', async () => {
    const { output } = await runRelu2Simulate(CONFIG);
    const dir = freshDir();
    const r1 = await runSweep(CONFIG, { outDir: dir, shard: { index: 1, count: 2 }, chunk: 3 });
    expect(r1.range).toEqual([0, 4]);
    expect(r1.computed).toEqual([[0, 3], [3, 4]]);
    await runSweep(CONFIG, { outDir: dir, shard: { index: 2, count: 2 } });
    expect(readdirSync(dir).sort()).toEqual(['shard-1-of-2.json', 'shard-2-of-2.json']);
    const merged = await collect(dir) as unknown as Relu2SimulateOutput;
    expect(merged.networks).toEqual(JSON.parse(JSON.stringify(output.networks)));
    expect(merged).toMatchObject({ model: 'relu2', backend: 'cpu', configHash: output.configHash, checkpoints: [0, 5, 40] });
    const again = await runSweep(CONFIG, { outDir: dir, shard: { index: 1, count: 2 }, chunk: 3 });
    expect(again.alreadyDone).toBe(true);
    expect(again.computed).toEqual([]);
  });

  it('resumes after an abort without recomputing finished chunks, to the same result', async () => {
    const dir = freshDir();
    const controller = new AbortController();
    await expect(runSweep(CONFIG, {
      outDir: dir, chunk: 2, signal: controller.signal, onChunk: () => controller.abort(new Error('interrupted')),
    })).rejects.toThrow('interrupted');
    expect(readdirSync(join(dir, 'shard-1-of-1.parts'))).toEqual(['networks-0-2.json']);
    const resumed = await runSweep(CONFIG, { outDir: dir, chunk: 2 });
    expect(resumed.skipped).toEqual([[0, 2]]);
    expect(resumed.computed).toEqual([[2, 4], [4, 6], [6, 8]]);
    expect(existsSync(join(dir, 'shard-1-of-1.parts'))).toBe(false);
    const whole = freshDir();
    await runSweep(CONFIG, { outDir: whole });
    expect((await collect(dir)).networks).toEqual((await collect(whole)).networks);
  });

  it('refuses parts of another config or backend instead of mixing them', async () => {
    const dir = freshDir();
    const controller = new AbortController();
    await expect(runSweep(CONFIG, { outDir: dir, chunk: 4, signal: controller.signal, onChunk: () => controller.abort(new Error('stop')) })).rejects.toThrow('stop');
    await expect(runSweep({ ...CONFIG, checkpoints: [0, 6] }, { outDir: dir, chunk: 4 })).rejects.toThrow(/networks-0-4\.json belongs to another config/);
    await expect(runSweep(CONFIG, { outDir: dir, chunk: 4, backend: 'gpu' })).rejects.toThrow(/computed with backend "cpu", this run uses "gpu"/);
  });
});

describe('merge validation', () => {
  /** A finished 3-shard sweep of CONFIG in a fresh folder. */
  async function threeShards(config: Record<string, unknown> = CONFIG): Promise<string> {
    const dir = freshDir();
    for (let i = 1; i <= 3; i++) await runSweep(config, { outDir: dir, shard: { index: i, count: 3 } });
    return dir;
  }

  it('a missing shard is named, with the command that makes it', async () => {
    const dir = await threeShards();
    rmSync(join(dir, 'shard-2-of-3.json'));
    await expect(planMerge(dir)).rejects.toThrow(MergeError);
    await expect(planMerge(dir)).rejects.toThrow(/missing shard 2 of 3 \(shard-2-of-3\.json\).*--shard 2\/3/);
  });

  it('a shard of another config (hash mismatch) is refused', async () => {
    const dir = await threeShards();
    const other = freshDir();
    await runSweep({ ...CONFIG, learningRate: { base: 0.03, scaleByTauSquared: true } }, { outDir: other, shard: { index: 3, count: 3 } });
    copyFileSync(join(other, 'shard-3-of-3.json'), join(dir, 'shard-3-of-3.json'));
    await expect(planMerge(dir)).rejects.toThrow(/shard-3-of-3\.json belongs to a different config \(hash [0-9a-f]{12}…\) than .*shard-1-of-3\.json/);
  });

  it('shards carry the model; the old format names (no model field) still merge, as relu2, to the same result', async () => {
    const dir = await threeShards();
    const expected = await collect(dir);
    const path = join(dir, 'shard-2-of-3.json');
    const [head, ...rest] = readFileSync(path, 'utf8').split('\n');
    expect(JSON.parse(`${head.slice(0, -',"networks":['.length)}}`)).toMatchObject({ format: 'lazyrich-shard', version: 1, model: 'relu2' });
    // An old-format file has neither the model field nor the checksums (sweep.ts).
    const old = head.replace('"format":"lazyrich-shard"', '"format":"lazyrich-relu2-shard"').replace('"model":"relu2",', '').replace(/,"chunks":\[.*\],"sha256":"[0-9a-f]{64}"/, '');
    writeFileSync(path, [old, ...rest].join('\n'));
    expect(await collect(dir)).toEqual(expected);
    expect(expected).toMatchObject({ model: 'relu2' });
  });

  it('shards of different models are refused', async () => {
    const dir = await threeShards();
    const path = join(dir, 'shard-3-of-3.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"model":"relu2"', '"model":"single-neuron"'));
    await expect(planMerge(dir)).rejects.toThrow(/shard-3-of-3\.json holds model "single-neuron", .*shard-1-of-3\.json model "relu2"/);
  });

  it('a duplicated shard (a copy under another name) is refused', async () => {
    const dir = await threeShards();
    copyFileSync(join(dir, 'shard-1-of-3.json'), join(dir, 'shard-2-of-3.json'));
    await expect(planMerge(dir)).rejects.toThrow(/shard-2-of-3\.json holds shard 1\/3, not 2\/3: a duplicate/);
  });

  it('a duplicated network line, shards of two splits, a truncated file and an empty folder are refused', async () => {
    const dir = await threeShards();
    const path = join(dir, 'shard-1-of-3.json');
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [...lines.slice(0, 2), lines[1], ...lines.slice(2)].join('\n'));
    await expect(planMerge(dir)).rejects.toThrow(/network 0 appears more than once \(duplicate\)/);
    writeFileSync(path, lines.slice(0, 2).join('\n'));
    await expect(planMerge(dir)).rejects.toThrow(/ends before its closing "\]\}" \(truncated\)/);
    writeFileSync(path, lines.join('\n'));
    await runSweep(CONFIG, { outDir: dir, shard: { index: 1, count: 2 } });
    await expect(planMerge(dir)).rejects.toThrow(/shards of different splits \(-of-2, -of-3\)/);
    await expect(planMerge(freshDir())).rejects.toThrow(/cannot read the folder/);
  });
});

describe('CLI entry: simulate (relu2), sweep, merge', () => {
  const file = (name: string, content: unknown) => {
    const path = join(root, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };

  it('simulate writes one entry per network with the contract fields', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', file('ok.json', CONFIG)], c.io)).toBe(0);
    const out = JSON.parse(c.out()) as Relu2SimulateOutput;
    expect(out.networks).toHaveLength(8);
    const e = out.networks[5];
    expect(Object.keys(e).sort()).toEqual(['W', 'a', 'alpha', 'checkpoints', 'delta', 'deltaDrift', 'diverged', 'hamming', 'kernelDistance',
      'paramDistance', 'seed', 'stepsTaken', 'tau', 'testLoss', 'trainLoss'].sort());
    expect(e).toMatchObject({ tau: 0.5, delta: 0.5, seed: 1, checkpoints: [0, 5, 40], diverged: false, stepsTaken: 40 });
    expect(e.W).toHaveLength(4);
    expect(e.W[0]).toHaveLength(2);
    expect(e.trainLoss[2]).toBeLessThan(e.trainLoss[0]);
    expect(c.err()).toMatch(/^adapter: cpu \(f64 reference\)$/m);
  });

  it.each([
    ['a bad relu2 field', ['simulate', 'bad'], { ...CONFIG, checkpoints: [5, 1] }, /^lazyrich: config\.checkpoints\[1\]: checkpoints must be strictly ascending/],
    ['a limit (m > 256)', ['simulate', 'big'], { ...CONFIG, init: { grid: { ...CONFIG.init.grid, m: 512 } } }, /^lazyrich: config\.init\.grid\.m: m \(hidden units\) = 512 exceeds the limit of 256/],
    ['sweep of a single-neuron config', ['sweep', 'sn', '--out', root], { model: 'single-neuron' }, /^lazyrich: config\.model: sweep runs "relu2" or "linear2" or "mlp" configs only/],
    ['a bad --shard', ['sweep', 'shard', '--out', root, '--shard', '3/2'], CONFIG, /^lazyrich: --shard: expected 1 ≤ i ≤ n/],
    ['a bad --chunk', ['sweep', 'chunk', '--out', root, '--chunk', '0'], CONFIG, /^lazyrich: --chunk: expected an integer ≥ 1/],
  ])('%s: exit 2 and one stderr line', async (_name, args, config, pattern) => {
    const c = capture();
    const argv = [...args];
    argv[1] = file(`${argv[1]}.json`, config);
    expect(await main(['node', 'lazyrich', ...argv], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err().trimEnd().split('\n')).toHaveLength(1);
    expect(c.err()).toMatch(pattern);
  });

  it('sweep then merge to a file; merge of a folder without shards exits 2', async () => {
    const dir = freshDir();
    const config = file('sweep.json', CONFIG);
    for (const shard of ['1/2', '2/2']) expect(await main(['node', 'lazyrich', 'sweep', config, '--out', dir, '--shard', shard], capture().io)).toBe(0);
    const c = capture();
    const out = join(dir, 'merged.json');
    expect(await main(['node', 'lazyrich', 'merge', dir, '--out', out], c.io)).toBe(0);
    expect(c.err()).toMatch(/merged 2 shards, 8 networks/);
    expect((JSON.parse(readFileSync(out, 'utf8')) as Relu2SimulateOutput).networks).toHaveLength(8);
    const bad = capture();
    mkdtempSync(join(root, 'empty'));
    expect(await main(['node', 'lazyrich', 'merge', mkdtempSync(join(root, 'empty'))], bad.io)).toBe(EXIT_BAD_INPUT);
    expect(bad.err()).toMatch(/^lazyrich: no shard files/);
  });

  it('--help of sweep and merge documents shards, chunks, resume and the checks', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'sweep', '--help'], c.io)).toBe(0);
    for (const word of ['floor((i−1)·N/n)', 'shard-<i>-of-<n>.parts', 'atomically', 'config hash', 'lazyrich merge']) expect(c.out()).toContain(word);
    const m = capture();
    expect(await main(['node', 'lazyrich', 'merge', '--help'], m.io)).toBe(0);
    for (const word of ['none missing', 'none duplicated', 'one config hash']) expect(m.out()).toContain(word);
  });
});
