/**
 * `lazyrich simulate` end to end: in process (runSimulate) and as a child process (bin/lazyrich.js).
 * GPU (f32) vs CPU (f64 reference) on the Fig. 8 config (docs/theory.md §1.6), GD η = 0.01 and RK4 dt = 0.01
 * to t = 10 (1000 steps). Tolerance: |gpu − cpu| ≤ 2e-4 · (1 + |cpu|) for a, w, δ and the excess loss,
 * the same bound as the kernel tests (tests/gpu/singleNeuron.test.ts): f32 rounding (~6e-8 per op)
 * accumulated over 10³ contracting steps stays orders of magnitude below it (measured ~1e-6).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLimitError, gpuDeviceNodes, SWIFTSHADER_ICD, type GpuContext } from '../../src/gpu/device.ts';
import { CPU_ADAPTER_NAME, runSimulate, type SimulateOutput } from '../../src/models/singleNeuron/run.ts';
import { MAX_TRAJECTORIES } from '../../src/models/singleNeuron/ensemble.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

const TOL = 2e-4;
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'lazyrich.js');

let ctx: GpuContext;
let dir: string;
beforeAll(async () => {
  ctx = await testGpu();
  dir = mkdtempSync(join(tmpdir(), 'lazyrich-cli-'));
});
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const DELTAS = [-2, -1, -0.2, 0.02, 0.2, 1, 2];
const BETA0 = [[0, -1], [0.5, -0.5], [0.5, 0.5]].map((b) => b.map((x) => x / Math.hypot(...b)));

function fig8(method: 'gd' | 'rk4'): Record<string, unknown> {
  return {
    model: 'single-neuron',
    data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
    init: { grid: { delta: DELTAS, beta0: BETA0 } },
    method, step: 0.01, times: [0, 1, 2.5, 5, 10],
  };
}

/** max over trajectories, times and components of |x − ref| / (1 + |ref|). */
function worstError(x: SimulateOutput, ref: SimulateOutput): number {
  let worst = 0;
  const cmp = (u: number, v: number) => { worst = Math.max(worst, Math.abs(u - v) / (1 + Math.abs(v))); };
  x.trajectories.forEach((t, i) => {
    const r = ref.trajectories[i];
    t.a.forEach((v, k) => {
      cmp(v, r.a[k]);
      t.w[k].forEach((wj, j) => cmp(wj, r.w[k][j]));
      cmp(t.delta[k], r.delta[k]);
      cmp(t.excessLoss[k], r.excessLoss[k]);
    });
  });
  return worst;
}

function writeConfig(name: string, config: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

/** Runs the CLI as a child process; resolves with exit code, stdout and stderr (never rejects on exit ≠ 0). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWith(process.env, ...args);
}

/** {@link cli} with the child's environment given. */
async function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Lines our CLI printed as errors (Dawn's own driver warnings on stderr are ignored). */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('lazyrich:'));

describe('runSimulate on the Fig. 8 config', () => {
  it.each(['gd', 'rk4'] as const)('%s: GPU (f32) and CPU (f64) agree within 2e-4·(1+|value|)', async (method) => {
    const logs: string[] = [];
    const gpu = await runSimulate(fig8(method), { ctx, log: (l) => logs.push(l) });
    const cpu = await runSimulate(fig8(method), { backend: 'cpu' });
    expect(gpu.output.adapter).toBe(ctx.adapterName);
    expect(cpu.output.adapter).toBe(CPU_ADAPTER_NAME);
    expect(gpu.output.backend).toBe('gpu');
    expect(cpu.output.backend).toBe('cpu');
    expect(gpu.output.times).toEqual([0, 1, 2.5, 5, 10]);
    expect(gpu.output.trajectories).toHaveLength(21);
    for (const out of [gpu.output, cpu.output]) {
      out.trajectories.forEach((t, i) => {
        expect(t.diverged).toBe(false);
        expect(t.a).toHaveLength(5);
        expect(t.w.every((w) => w.length === 2)).toBe(true);
        // Grid order i = iδ · 3 + iβ₀: δ at t = 0 is the grid's δ.
        expect(t.delta[0]).toBeCloseTo(DELTAS[Math.floor(i / 3)], 6);
        expect(t.excessLoss[4]).toBeLessThan(t.excessLoss[0]);
      });
    }
    const worst = worstError(gpu.output, cpu.output);
    console.log(`${method}: max |gpu − cpu| / (1 + |cpu|) = ${worst.toExponential(2)}; δ drift gpu ${gpu.stats.maxRelativeDeltaDrift.toExponential(3)}, cpu ${cpu.stats.maxRelativeDeltaDrift.toExponential(3)}`);
    expect(worst).toBeLessThanOrEqual(TOL);
    // The δ drift is reported for both backends and agrees; GD's is O(η) visible (≫ f32 rounding), RK4's tiny.
    expect(Math.abs(gpu.stats.maxRelativeDeltaDrift - cpu.stats.maxRelativeDeltaDrift)).toBeLessThanOrEqual(TOL);
    if (method === 'gd') expect(cpu.stats.maxRelativeDeltaDrift).toBeGreaterThan(1e-3);
    else expect(cpu.stats.maxRelativeDeltaDrift).toBeLessThan(1e-8);
    expect(logs.some((l) => l.startsWith('δ drift:'))).toBe(true);
    expect(logs.some((l) => l.startsWith('adapter:'))).toBe(true);
  });

  it('explicit inits keep their order; a diverging trajectory is flagged on both backends', async () => {
    const config = {
      ...fig8('gd'), step: 1.5, times: [0, 30], bound: 1e3,
      init: { explicit: [{ a: 0.5, w: [0.1, 0.2] }, { a: 3, w: [3, 3] }] },
    };
    for (const backend of ['gpu', 'cpu'] as const) {
      const { output, stats } = await runSimulate(config, { ctx, backend });
      expect(output.trajectories[0].a[0]).toBeCloseTo(0.5, 6);
      expect(output.trajectories[1].a[0]).toBeCloseTo(3, 6);
      expect(output.trajectories[1].diverged).toBe(true);
      expect(stats.diverged).toBeGreaterThanOrEqual(1);
    }
  });

  it('a grid beyond the device limits throws DeviceLimitError before the ensemble is built', async () => {
    const small = { ...ctx, limits: { maxStorageBufferBindingSize: 128, maxBufferSize: 128, maxComputeWorkgroupsPerDimension: 65535 } as GPUSupportedLimits };
    await expect(runSimulate(fig8('gd'), { ctx: small })).rejects.toThrow(DeviceLimitError);
    await expect(runSimulate(fig8('gd'), { ctx: small })).rejects.toThrow(/maxStorageBufferBindingSize/);
  });
});

describe('bin/lazyrich.js as a child process', () => {
  it('simulate <file> writes the output JSON to stdout and status to stderr (exit 0)', async () => {
    const file = writeConfig('fig8.json', { ...fig8('rk4'), times: [0, 1] });
    const { code, stdout, stderr } = await cli('simulate', file);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as SimulateOutput;
    expect(out.model).toBe('single-neuron');
    expect(out.method).toBe('rk4');
    expect(out.trajectories).toHaveLength(21);
    expect(stderr).toMatch(/^adapter: /m);
    expect(stderr).toMatch(/^δ drift: /m);
    // --out and --backend cpu: the file holds the same document shape.
    const outFile = join(dir, 'out.json');
    const second = await cli('simulate', file, '--backend', 'cpu', '--out', outFile);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    const cpu = JSON.parse(readFileSync(outFile, 'utf8')) as SimulateOutput;
    expect(cpu.adapter).toBe(CPU_ADAPTER_NAME);
    expect(worstError(out, cpu)).toBeLessThanOrEqual(TOL);
  });

  it('a bad config exits 2 with exactly one stderr line naming the field', async () => {
    const config = fig8('gd');
    (config.data as { XX: unknown[][] }).XX[1][0] = 'x';
    const { code, stdout, stderr } = await cli('simulate', writeConfig('bad.json', config));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual(['lazyrich: config.data.XX[1][0]: expected a finite number, got "x"']);
    const notJson = await cli('simulate', writeConfig('broken.json', '{ "model": '));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr.trim().split('\n')).toHaveLength(1);
    expect(notJson.stderr).toMatch(/^lazyrich: config: not valid JSON/);
  });

  it('a grid larger than the device allows exits 2 with a limit named (when MAX_TRAJECTORIES can exceed it)', async () => {
    const d = 16;
    const maxBytes = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const side = Math.ceil(Math.sqrt(maxBytes / (4 * (d + 1)))) + 1;
    if (side * side > MAX_TRAJECTORIES) {
      console.log(`skipped: this device binds ${maxBytes} bytes, more than ${MAX_TRAJECTORIES} trajectories need at d = ${d}`);
      return;
    }
    const I = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
    const file = writeConfig('huge.json', {
      model: 'single-neuron', data: { XX: I, Xy: new Array(d).fill(0.1) }, method: 'gd', step: 0.1, times: [1],
      init: { grid: { delta: { from: 0, to: 1, count: side }, beta0: { directions: side, norm: 1 } } },
    });
    const { code, stderr } = await cli('simulate', file);
    expect(code).toBe(2);
    const lines = errorLines(stderr);
    expect(lines).toHaveLength(1);
    // The estimate (src/models/singleNeuron/estimate.ts) checks the output first: at ~600 JSON characters
    // per trajectory V8's longest string (≈ 0.9 M trajectories here) is reached long before any device's
    // binding limit, so that is the limit a grid this size meets; either way nothing is allocated.
    expect(lines[0]).toMatch(/^lazyrich: config\.init\.grid: .*(maxStorageBufferBindingSize|V8's longest string)/);
  });

  it('on a host without a GPU device node, with VK_ICD_FILENAMES unset, it runs on SwiftShader and prints no driver warning', async () => {
    const dri = existsSync('/dev/dri') ? readdirSync('/dev/dri') : [];
    if (process.platform !== 'linux' || gpuDeviceNodes(readdirSync('/dev'), dri).length > 0 || !existsSync(SWIFTSHADER_ICD)) {
      console.log('skipped: this host has a GPU device node (or no SwiftShader), so the installed drivers are asked first');
      return;
    }
    const env = { ...process.env };
    delete env.VK_ICD_FILENAMES;
    const file = writeConfig('quiet.json', { ...fig8('gd'), times: [0, 0.05] });
    const { code, stderr } = await cliWith(env, 'simulate', file, '--out', join(dir, 'quiet.out.json'));
    expect(code).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    // before: lavapipe's "Warning: Vulkan shaderUniform*ArrayDynamicIndexing required." and Dawn's stack line
    expect(lines.filter((l) => /warning|loader message|^\s+at |^ - /i.test(l))).toEqual([]);
    expect(lines[0]).toMatch(/^adapter: .*swiftshader/i);
  });
});
