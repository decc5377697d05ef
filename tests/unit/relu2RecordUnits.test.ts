/**
 * The relu2 CLI's `record: {units: true}` (issue 10, defect 11: Fig. 1a trails from CLI output), on the f64
 * CPU backend through the CLI entry: the units recorded at the last checkpoint are the final W, a exactly;
 * at checkpoint k they are exactly the final W, a of a CLI run that stops at step c_k (the CPU backend is
 * deterministic, so "exactly" is the stated tolerance: toEqual on the JSON numbers). Sweep shards with the
 * units merge; bad `record` values are refused by name before anything runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { planMerge } from '../../src/cli/merge.ts';
import { relu2ConfigHash, type Relu2SimulateOutput } from '../../src/models/relu2/run.ts';
import { MAX_RECORDED_NUMBERS, validateRelu2Config } from '../../src/models/relu2/config.ts';
import { checkRelu2Entry } from '../../src/models/relu2/entryCheck.ts';
import { capture } from '../helpers/cliCapture.ts';

const root = mkdtempSync(join(tmpdir(), 'lazyrich-units-'));

/** 2 τ × 2 δ × 1 seed = 4 networks of m = 4 on a teacher, CPU. */
const CONFIG = {
  model: 'relu2', data: { teacher: { seed: 3, d: 2, n: 8, m0: 2, nTest: 0 } },
  init: { grid: { m: 4, tau: [0.5, 1], delta: [-0.5, 0.5], seeds: [0] } },
  learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 5, 40], backend: 'cpu', record: { units: true },
};

let files = 0;
function file(content: unknown): string {
  const path = join(root, `c${files++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function simulate(config: unknown): Promise<Relu2SimulateOutput> {
  const c = capture();
  expect(await main(['node', 'lazyrich', 'simulate', file(config)], c.io), c.err()).toBe(0);
  return JSON.parse(c.out()) as Relu2SimulateOutput;
}

describe('relu2 record.units', () => {
  it('records W, a at every checkpoint: the last equals the final W, a; checkpoint k equals a run to step c_k', async () => {
    const out = await simulate(CONFIG);
    expect(out.networks).toHaveLength(4);
    for (const e of out.networks) {
      expect(e.unitsW).toHaveLength(3);
      expect(e.unitsA).toHaveLength(3);
      expect(e.unitsW![2]).toEqual(e.W);
      expect(e.unitsA![2]).toEqual(e.a);
      expect(checkRelu2Entry(e as unknown as Record<string, unknown>, { checkpoints: out.checkpoints })).toBeUndefined();
    }
    // The units moved (so the comparison below is not between copies of the init).
    expect(out.networks[0].unitsA![1]).not.toEqual(out.networks[0].unitsA![0]);
    for (const [k, step] of [[0, 0], [1, 5]] as const) {
      const { record: _r, ...plain } = CONFIG;
      const to = await simulate({ ...plain, checkpoints: [step] });
      expect(to.networks[0]).not.toHaveProperty('unitsW'); // without record: no units
      to.networks.forEach((e, q) => {
        expect(out.networks[q].unitsW![k]).toEqual(e.W);
        expect(out.networks[q].unitsA![k]).toEqual(e.a);
      });
    }
  });

  it('record changes the config hash (shards with and without units never merge); without it the hash is unchanged', () => {
    const { record: _r, ...plain } = CONFIG;
    const withUnits = relu2ConfigHash(validateRelu2Config(CONFIG));
    const without = relu2ConfigHash(validateRelu2Config(plain));
    expect(withUnits).not.toBe(without);
    expect(relu2ConfigHash(validateRelu2Config({ ...plain, record: { units: false } }))).toBe(without);
  });

  it('sweep shards carry the units and merge', async () => {
    const dir = join(root, 'sweep');
    const config = file(CONFIG);
    for (const shard of ['1/2', '2/2']) expect(await main(['node', 'lazyrich', 'sweep', config, '--out', dir, '--shard', shard], capture().io)).toBe(0);
    const plan = await planMerge(dir);
    const merged = [];
    for await (const n of plan.networks()) merged.push(n as Record<string, unknown>);
    const direct = await simulate(CONFIG);
    expect(merged.map((n) => n.unitsW)).toEqual(direct.networks.map((n) => n.unitsW));
  });

  it.each([
    ['units not a boolean', { record: { units: 'yes' } }, /^lazyrich: config\.record\.units: expected true or false, got "yes"/],
    ['unknown record key', { record: { weights: true } }, /^lazyrich: config\.record\.weights: unknown field/],
    ['too many numbers', { checkpoints: Array.from({ length: 2000 }, (_, k) => k), init: { grid: { m: 256, tau: Array.from({ length: 64 }, (_, k) => 0.5 + k / 100), delta: [0], seeds: [0] } } },
      new RegExp(`^lazyrich: config\\.record\\.units: .* above the limit of ${MAX_RECORDED_NUMBERS.toLocaleString('en')}`)],
  ])('%s: exit 2 naming the field', async (_name, patch, pattern) => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', file({ ...CONFIG, ...patch })], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err()).toMatch(pattern);
  });
});
