/**
 * Issue 11 defect 3, relu2 CPU backend: the kernel distance S of docs/theory.md §3 is computed row by row
 * (src/models/relu2/cpu.ts rowwiseKernelDistance) instead of from two n×n float64 Grams. Checked bit for bit
 * against the f64 reference gramDistance(relu2Ntk(θ₀), relu2Ntk(θ_t)) of src/theory, and for bounded
 * memory: the CLI's CPU backend at n = 8,192 (two Grams: 1.07 GB) stays under a 700 MB resident limit
 * (before the fix it was killed by the watchdog).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gramDistance, relu2Ntk, type Relu2Params } from '../../src/theory/index.ts';
import { rowwiseKernelDistance } from '../../src/models/relu2/cpu.ts';
import { createRng } from '../../src/models/random.ts';
import { runBounded } from '../helpers/boundedRun.ts';

function randomParams(rng: ReturnType<typeof createRng>, m: number, d: number): Relu2Params {
  return { m, d, W: Float64Array.from({ length: m * d }, () => rng.normal()), a: Float64Array.from({ length: m }, () => rng.normal()) };
}

describe('rowwiseKernelDistance', () => {
  it.each([[0, 37, 6, 3], [0.05, 50, 8, 2], [0, 1, 2, 1]])('equals gramDistance(relu2Ntk(θ₀), relu2Ntk(θ)) exactly (slope %s, n = %s, m = %s, d = %s)', async (slope, n, m, d) => {
    const rng = createRng(7 + n);
    const p0 = randomParams(rng, m, d), p = randomParams(rng, m, d);
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const reference = gramDistance(relu2Ntk(p0, X, slope), relu2Ntk(p, X, slope));
    let pauses = 0;
    const S = await rowwiseKernelDistance(p, p0, X, slope, () => { pauses++; return undefined; });
    expect(S).toBe(reference); // same sums in the same order: no tolerance
    expect(pauses).toBe(n); // asked to yield once per row
    if (n > 1) expect(S).toBeGreaterThan(0);
  });

  it('is 0 when a Gram is zero (θ = 0), as gramDistance', async () => {
    const rng = createRng(3);
    const p0 = randomParams(rng, 4, 2), zero: Relu2Params = { m: 4, d: 2, W: new Float64Array(8), a: new Float64Array(4) };
    const X = Float64Array.from({ length: 10 }, () => rng.normal());
    expect(await rowwiseKernelDistance(zero, p0, X, 0)).toBe(gramDistance(relu2Ntk(p0, X, 0), relu2Ntk(zero, X, 0)));
  });
});

describe('the CLI CPU backend at n = 8,192 (two n×n Grams would be 1.07 GB)', () => {
  it('computes the kernel distance under a 700 MB resident limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-gram-'));
    const path = join(dir, 'gram.json');
    writeFileSync(path, JSON.stringify({
      model: 'relu2', data: { teacher: { seed: 0, d: 2, n: 8192, m0: 2, nTest: 0 } },
      init: { grid: { m: 2, tau: [1], delta: [0], seeds: [0] } }, learningRate: 0.05, checkpoints: [0, 1], backend: 'cpu',
    }));
    const r = await runBounded(['simulate', path], { heapMb: 512, rssMb: 700, timeoutMs: 240_000 });
    expect(r.killed, `killed for ${r.killed} after ${r.seconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { networks: { kernelDistance: number[] }[] };
    const S = doc.networks[0].kernelDistance;
    expect(S[0]).toBe(0);
    expect(S[1]).toBeGreaterThan(0);
    expect(S[1]).toBeLessThan(1);
  }, 300_000);
});
