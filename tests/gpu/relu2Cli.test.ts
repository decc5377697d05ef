/**
 * relu2 `simulate`, `sweep` and `merge` on the GPU (docs/theory.md §3). Tiny sizes (SwiftShader on 2 cores):
 * teacher d = 3, n = 16, nTest = 8, m = 8, 2 τ × 2 δ × 2 seeds = 8 networks, 300 GD steps.
 * - GPU (f32, Kahan-compensated updates) vs the f64 CPU backend, tolerances of the acceptance test:
 *   train/test loss 1e-3 relative (or 1e-7 absolute), Hamming 0.5, ‖θ − θ₀‖ 1e-3 relative, S 1e-3
 *   absolute; δ drift 1e-5 absolute and final W, a 1e-5 absolute. Observed errors are ~1e-6 relative
 *   (printed), far inside: f32 rounding over 300 contracting steps.
 * - Sharded sweep + merge equals the unsharded GPU simulate exactly: each network is its own workgroup,
 *   so its arithmetic does not depend on which other networks share the dispatch.
 * - `--kernel tiled` runs the tiled step kernel: the CLI's output equals an in-process run with that kernel
 *   exactly and differs (in f32 rounding) from the default thread kernel's; an unknown kernel, or one with
 *   --backend cpu, exits 2.
 * - An interrupted sweep (AbortSignal after the first chunk, or SIGKILL of the CLI) resumes without
 *   recomputing finished chunks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { planMerge } from '../../src/cli/merge.ts';
import { runRelu2Simulate, type Relu2NetworkOutput, type Relu2SimulateOutput } from '../../src/models/relu2/run.ts';
import { runSweep } from '../../src/cli/sweep.ts';
import { setRelu2KernelOverride } from '../../src/models/relu2/layout.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'lazyrich.js');

let ctx: GpuContext;
let root: string;
let gpu: Relu2SimulateOutput;
beforeAll(async () => {
  ctx = await testGpu();
  root = mkdtempSync(join(tmpdir(), 'lazyrich-relu2cli-'));
  gpu = (await runRelu2Simulate(CONFIG, { ctx })).output;
});
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const CONFIG = {
  model: 'relu2', data: { teacher: { seed: 0, d: 3, n: 16, m0: 3, nTest: 8 } },
  init: { grid: { m: 8, tau: { from: 0.5, to: 1, count: 2, log: true }, delta: [-0.5, 0.5], seeds: [0, 1] } },
  learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 10, 100, 300], backend: 'gpu',
};

const rel = (x: number, ref: number) => Math.abs(x - ref) / Math.max(Math.abs(ref), 1e-300);

async function merged(dir: string): Promise<Relu2NetworkOutput[]> {
  const plan = await planMerge(dir);
  const out: Relu2NetworkOutput[] = [];
  for await (const n of plan.networks()) out.push(n as unknown as Relu2NetworkOutput);
  return out;
}

describe('relu2 simulate: GPU vs the f64 CPU backend', () => {
  it('agrees within the stated tolerances at every checkpoint', async () => {
    const cpu = (await runRelu2Simulate(CONFIG, { backend: 'cpu' })).output;
    expect(gpu.backend).toBe('gpu');
    expect(cpu.configHash).toBe(gpu.configHash);
    expect(gpu.networks).toHaveLength(8);
    const worst = { loss: 0, testLoss: 0, hamming: 0, param: 0, kernel: 0, drift: 0, theta: 0 };
    gpu.networks.forEach((g, q) => {
      const r = cpu.networks[q];
      expect([g.tau, g.delta, g.seed]).toEqual([r.tau, r.delta, r.seed]);
      expect(g.diverged).toBe(false);
      expect(g.stepsTaken).toBe(300);
      g.checkpoints.forEach((step, c) => {
        const lossOk = (x: number, ref: number) => rel(x, ref) <= 1e-3 || Math.abs(x - ref) <= 1e-7;
        expect(lossOk(g.trainLoss[c], r.trainLoss[c]), `train loss q=${q} step ${step}`).toBe(true);
        expect(lossOk(g.testLoss![c], r.testLoss![c]), `test loss q=${q} step ${step}`).toBe(true);
        expect(Math.abs(g.hamming[c] - r.hamming[c])).toBeLessThanOrEqual(0.5);
        if (step > 0) expect(rel(g.paramDistance[c], r.paramDistance[c])).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(g.kernelDistance[c] - r.kernelDistance[c])).toBeLessThanOrEqual(1e-3);
        expect(Math.abs(g.deltaDrift[c] - r.deltaDrift[c])).toBeLessThanOrEqual(1e-5);
        worst.loss = Math.max(worst.loss, rel(g.trainLoss[c], r.trainLoss[c]));
        worst.testLoss = Math.max(worst.testLoss, rel(g.testLoss![c], r.testLoss![c]));
        worst.hamming = Math.max(worst.hamming, Math.abs(g.hamming[c] - r.hamming[c]));
        if (step > 0) worst.param = Math.max(worst.param, rel(g.paramDistance[c], r.paramDistance[c]));
        worst.kernel = Math.max(worst.kernel, Math.abs(g.kernelDistance[c] - r.kernelDistance[c]));
        worst.drift = Math.max(worst.drift, Math.abs(g.deltaDrift[c] - r.deltaDrift[c]));
      });
      g.W.forEach((row, k) => row.forEach((v, j) => { worst.theta = Math.max(worst.theta, Math.abs(v - r.W[k][j])); }));
      g.a.forEach((v, k) => { worst.theta = Math.max(worst.theta, Math.abs(v - r.a[k])); });
    });
    expect(worst.theta).toBeLessThanOrEqual(1e-5);
    console.info('relu2 CLI, worst GPU−f64 errors:', worst);
    // The run is meaningful: every network learned and some units changed their activation patterns.
    gpu.networks.forEach((g) => expect(g.trainLoss[3]).toBeLessThan(0.8 * g.trainLoss[0]));
    expect(Math.max(...gpu.networks.map((g) => g.hamming[3]))).toBeGreaterThan(0);
  });
});

describe('relu2 sweep on the GPU', () => {
  it('2 shards (in chunks) + merge equal the unsharded simulate output exactly', async () => {
    const dir = join(root, 'sharded');
    const first = await runSweep(CONFIG, { outDir: dir, shard: { index: 1, count: 2 }, chunk: 3, ctx });
    expect(first.computed).toEqual([[0, 3], [3, 4]]);
    await runSweep(CONFIG, { outDir: dir, shard: { index: 2, count: 2 }, ctx });
    const plan = await planMerge(dir);
    expect(plan.header).toMatchObject({ model: 'relu2', backend: 'gpu', configHash: gpu.configHash, checkpoints: CONFIG.checkpoints });
    expect(await merged(dir)).toEqual(JSON.parse(JSON.stringify(gpu.networks)));
  });

  it('an aborted sweep resumes without recomputing the finished chunk', async () => {
    const dir = join(root, 'aborted');
    const controller = new AbortController();
    await expect(runSweep(CONFIG, {
      outDir: dir, chunk: 4, ctx, signal: controller.signal, onChunk: () => controller.abort(new Error('interrupted')),
    })).rejects.toThrow('interrupted');
    expect(readdirSync(join(dir, 'shard-1-of-1.parts'))).toEqual(['networks-0-4.json']);
    const computed: [number, number][] = [];
    const resumed = await runSweep(CONFIG, { outDir: dir, chunk: 4, ctx, onChunk: (c) => computed.push(c) });
    expect(resumed.skipped).toEqual([[0, 4]]);
    expect(computed).toEqual([[4, 8]]);
    expect(await merged(dir)).toEqual(JSON.parse(JSON.stringify(gpu.networks)));
  });

  it('the CLI killed (SIGKILL) after its first chunk resumes from the finished chunks', async () => {
    const config = join(root, 'kill.json');
    const slow = { ...CONFIG, checkpoints: [0, 10, 100, 300, 3000] };
    writeFileSync(config, JSON.stringify(slow));
    const dir = join(root, 'killed');
    const parts = join(dir, 'shard-1-of-1.parts');
    const args = [BIN, 'sweep', config, '--out', dir, '--chunk', '1'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!(existsSync(parts) && readdirSync(parts).some((f) => f.endsWith('.json'))) && Date.now() - started < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill('SIGKILL');
    await exited;
    const done = readdirSync(parts).filter((f) => /^networks-\d+-\d+\.json$/.test(f));
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(8);
    const rerun = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    rerun.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    expect(await new Promise((resolve) => rerun.on('exit', resolve))).toBe(0);
    expect(stderr).toContain(`resuming: ${done.length} chunks already done, ${8 - done.length} to run.`);
    const expected = (await runRelu2Simulate(slow, { ctx })).output.networks;
    expect(await merged(dir)).toEqual(JSON.parse(JSON.stringify(expected)));
  });
});

describe('relu2 simulate --kernel', () => {
  const run = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'simulate', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });

  it('--kernel tiled runs the tiled kernel (equal to it in-process, not to the default thread kernel)', async () => {
    const short = { ...CONFIG, checkpoints: [0, 30] };
    const config = join(root, 'kernel.json');
    writeFileSync(config, JSON.stringify(short));
    const cli = await run([config, '--kernel', 'tiled']);
    expect(cli.code, cli.stderr).toBe(0);
    setRelu2KernelOverride('tiled');
    let tiled: Relu2SimulateOutput;
    try {
      tiled = (await runRelu2Simulate(short, { ctx })).output;
    } finally {
      setRelu2KernelOverride(undefined);
    }
    const out = JSON.parse(cli.stdout) as Relu2SimulateOutput;
    expect(out.networks).toEqual(JSON.parse(JSON.stringify(tiled.networks)));
    expect(ctx.isSoftware).toBe(true); // the default is the thread kernel
    const thread = (await runRelu2Simulate(short, { ctx })).output;
    expect(JSON.stringify(out.networks)).not.toBe(JSON.stringify(thread.networks));
  });

  it('an unknown kernel, or a kernel with --backend cpu, exits 2 naming the option', async () => {
    writeFileSync(join(root, 'kernel.json'), JSON.stringify({ ...CONFIG, checkpoints: [0, 30] }));
    const cli = await run([join(root, 'kernel.json'), '--kernel', 'warp']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--kernel: expected "thread", "workgroup", "tiled", got "warp"');
    const cpu = await run([join(root, 'kernel.json'), '--kernel', 'tiled', '--backend', 'cpu']);
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toContain('--kernel contradicts --backend cpu');
  });
});
