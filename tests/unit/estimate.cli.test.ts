/**
 * Issue 11 defect 3: configs that pass validation and then allocate without bound are refused from their
 * estimate (src/models/<id>/estimate.ts) before anything is allocated: exit 2, one stderr line naming the
 * field, the estimated size and the limit. Each runs the real CLI in a child process with a 512 MB V8 heap,
 * a 1.5 GB resident-memory watchdog and a time limit (tests/helpers/boundedRun.ts); before the fix they
 * ran out of heap (single neuron, exit 134) or grew without bound (relu2: killed by the watchdog).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBounded } from '../helpers/boundedRun.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-estimate-'));
const write = (name: string, config: object): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
};
const LIMITS = { heapMb: 512, rssMb: 1500, timeoutMs: 60_000 };

/** 4096 δ × 4096 β₀ = 2²⁴ trajectories (the single-neuron maximum). */
const singleNeuronMax = {
  model: 'single-neuron', data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
  init: { grid: { delta: { from: -2, to: 2, count: 4096 }, beta0: { directions: 4096, norm: 1 } } },
  method: 'gd', step: 0.01, times: [0, 0.1, 0.5], backend: 'cpu',
};
/** 1024 τ × 1024 δ = 2²⁰ networks at m = 256, d = 128: ~280 GB of θ₀ alone. */
const relu2Max = {
  model: 'relu2', data: { teacher: { seed: 0, d: 128, n: 64, m0: 3, nTest: 0 } },
  init: { grid: { m: 256, tau: { from: 0.1, to: 2, count: 1024, log: true }, delta: { from: -1, to: 1, count: 1024 }, seeds: [0] } },
  learningRate: 0.01, checkpoints: [0, 10], backend: 'cpu',
};

/** Not killed, exit 2, nothing on stdout, and the last stderr line (after at most one status line) matches. */
function expectRefused(r: Awaited<ReturnType<typeof runBounded>>, pattern: RegExp, statusLines = 0): void {
  expect(r.killed, `killed for ${r.killed} after ${r.seconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`).toBeNull();
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(pattern);
  expect(lines).toHaveLength(statusLines + 1);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

describe('huge configs are refused from their estimate, with bounded memory', () => {
  it('single neuron, 2²⁴ trajectories: exit 2 naming config.init.grid and the JSON size over the string limit', async () => {
    const r = await runBounded(['simulate', write('sn.json', singleNeuronMax)], LIMITS);
    expectRefused(r, /^lazyrich: config\.init\.grid: 16,777,216 trajectories × 3 output times make ~10,569,646,080 characters of JSON; the limit is 536,870,888/);
    // the output is streamed: the limit is there for its reader (JSON.parse holds the one JSON text as one string)
    expect(r.stderr).toContain("(V8's longest string: the output is streamed, but as one JSON text, which JSON.parse reads back only as one string); use fewer");
  }, 90_000);

  it('single neuron, 2²⁰ trajectories at one output time: exit 2 naming the heap it needs and the 512 MB limit', async () => {
    const config = { ...singleNeuronMax, init: { grid: { delta: { from: -2, to: 2, count: 1024 }, beta0: { directions: 1024, norm: 1 } } }, times: [0] };
    const r = await runBounded(['simulate', write('sn1.json', config)], LIMITS);
    expectRefused(r, /^lazyrich: config\.init\.grid: 1,048,576 trajectories \(config\.init\.grid, config\.times\) need ~[\d.]+ [MG]B of JavaScript heap; the limit is [\d.]+ MB \(80% of the heap limit/);
  }, 90_000);

  it('relu2 simulate, 2²⁰ networks at m = 256, d = 128: exit 2 naming config.init.grid and pointing to sweep', async () => {
    const r = await runBounded(['simulate', write('r2.json', relu2Max)], LIMITS);
    expectRefused(r, /^lazyrich: config\.init\.grid: 1,048,576 networks .*need ~[\d.]+ [GT]B .*the limit is .*lazyrich sweep \(--chunk [\d,]+ fits\)/);
  }, 90_000);

  it('relu2 sweep with the default chunk (one seed = 2²⁰ networks): exit 2 naming --chunk', async () => {
    const out = mkdtempSync(join(dir, 'sweep-'));
    const r = await runBounded(['sweep', write('r2s.json', relu2Max), '--out', out], LIMITS);
    expectRefused(r, /^lazyrich: --chunk: 1,048,576 networks .*need ~[\d.]+ [GT]B .*pass --chunk [\d,]+ or less/, 1);
  }, 90_000);

  it('linear2, 10⁵ networks × 2,000 output times: exit 2 naming the heap it needs', async () => {
    const config = {
      model: 'linear2', data: { XX: [[1, 0], [0, 1]], XY: [[1, 0], [0, 0.5]] },
      init: { grid: { h: 4, delta: { from: -1, to: 1, count: 100 }, tau: { from: 0.1, to: 1, count: 100 }, seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] } },
      method: 'gd', step: 0.001, times: Array.from({ length: 2000 }, (_, k) => k / 1000), backend: 'cpu',
    };
    const r = await runBounded(['simulate', write('l2.json', config)], LIMITS);
    expectRefused(r, /^lazyrich: config\.init\.grid: 100,000 networks \(config\.init\.grid, config\.times\) need ~[\d.]+ GB of JavaScript heap; the limit is [\d.]+ MB/);
  }, 90_000);
});
