/**
 * `lazyrich simulate` with the methods and outputs of issue 3 item 9, GPU (f32) against the f64 CPU backend:
 * "exact" (ExactEvaluator vs exactSingleNeuronGeneral), "beta-flow" (WGSL vs advanceBetaFlowF64), the
 * observables ν, μ, S (ObservablesPass vs ntkMatrix/kernelDistance) and predictedLimit on Fig. 4b.
 * Configs from docs/theory.md §1.6, kept small for SwiftShader.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { ConfigError, validateConfig, type SimulateConfig } from '../../src/models/singleNeuron/config.ts';
import { runSimulate, type SimulateOutput } from '../../src/models/singleNeuron/run.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

/**
 * Exact: the acceptance bound for the f32 closed form, 1e-4·(1 + |value|) (tests/gpu/exact.test.ts
 * measures it over a much wider range). Stepped methods: 2e-4·(1 + |value|), the bound of tests/gpu/cli.test.ts
 * and tests/gpu/singleNeuron.test.ts (f32 rounding over 10³ contracting steps, measured ~1e-6).
 */
const EXACT_TOL = 1e-4;
const STEPPED_TOL = 2e-4;
/**
 * ν, μ, S: the bound for S on the GPU against f64, 1e-4 absolute, applied to ν and μ as well. The
 * GPU evaluates them in f32 at its f32 state; both errors are ~1e-6 here (tests/gpu/observables.test.ts).
 */
const OBS_TOL = 1e-4;

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const FIG8_DELTAS = [-2, -1, -0.2, 0.02, 0.2, 1, 2];
const FIG8_BETA0 = [[0, -1], [0.5, -0.5], [0.5, 0.5]].map((b) => b.map((x) => x / Math.hypot(...b)));
const fig8 = (method: string, extra: Record<string, unknown> = {}) => ({
  model: 'single-neuron', data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] },
  init: { grid: { delta: FIG8_DELTAS, beta0: FIG8_BETA0 } }, method, ...extra,
});
const X4B = [0.5, 1];
const fig4b = (extra: Record<string, unknown> = {}) => ({
  model: 'single-neuron', data: { XX: X4B.map((u) => X4B.map((v) => u * v)), Xy: X4B.map((u) => 1.1 * u) },
  init: { grid: { delta: [-4, -2, -1, 0, 1, 2, 4], beta0: [[0.5 * (0.6 + 0.2), 0.5 * (-0.3 + 0.4)]] } },
  method: 'rk4', step: 0.05, times: [0, 200], ...extra,
});

/** max over trajectories and times of |x − ref| / (1 + |ref|) for a, w, δ and the excess loss. */
function stateError(x: SimulateOutput, ref: SimulateOutput): number {
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

/** max |x − ref| over trajectories and times of ν, μ and S, and the largest reference S. */
function observableError(x: SimulateOutput, ref: SimulateOutput): { nu: number; mu: number; S: number; maxS: number } {
  const e = { nu: 0, mu: 0, S: 0, maxS: 0 };
  x.trajectories.forEach((t, i) => {
    const r = ref.trajectories[i];
    expect(t.nu).toHaveLength(x.times.length);
    t.nu.forEach((_, k) => {
      e.nu = Math.max(e.nu, Math.abs(t.nu[k] - r.nu[k]));
      e.mu = Math.max(e.mu, Math.abs(t.mu[k] - r.mu[k]));
      e.S = Math.max(e.S, Math.abs(t.kernelDistance[k] - r.kernelDistance[k]));
      e.maxS = Math.max(e.maxS, r.kernelDistance[k]);
    });
  });
  return e;
}

describe('simulate "exact", "beta-flow" and the observables: GPU (f32) vs CPU (f64)', () => {
  it('exact on the Fig. 8 config at off-grid times, without a step: state within 1e-4·(1+|v|), ν/μ/S within 1e-4', async () => {
    const config = fig8('exact', { times: [0, 0.37, 1, 2.5, 5, 10] });
    const gpu = (await runSimulate(config, { ctx })).output;
    const cpu = (await runSimulate(config, { backend: 'cpu' })).output;
    expect(gpu.method).toBe('exact');
    expect(gpu.trajectories).toHaveLength(21);
    const state = stateError(gpu, cpu);
    const obs = observableError(gpu, cpu);
    console.info(`exact gpu vs cpu: state ${state.toExponential(2)} scaled; ν ${obs.nu.toExponential(2)}, μ ${obs.mu.toExponential(2)}, S ${obs.S.toExponential(2)} abs (max S ${obs.maxS.toFixed(3)})`);
    expect(state).toBeLessThanOrEqual(EXACT_TOL);
    expect(Math.max(obs.nu, obs.mu, obs.S)).toBeLessThanOrEqual(OBS_TOL);
    expect(obs.maxS).toBeGreaterThan(0.1); // S is exercised, not ≈ 0 throughout
    for (const t of gpu.trajectories) {
      expect(t.kernelDistance[0]).toBeLessThanOrEqual(1e-6); // S(0) = 0 up to f32 rounding
      expect('predictedLimit' in t).toBe(false); // XX = I is full rank
    }
  });

  it.each(['beta-flow', 'rk4'] as const)('%s on the Fig. 8 config (dt = 0.01, t ≤ 10): state within 2e-4·(1+|v|), ν/μ/S within 1e-4', async (method) => {
    const config = fig8(method, { step: 0.01, times: [0, 1, 2.5, 5, 10] });
    const gpu = (await runSimulate(config, { ctx })).output;
    const cpu = (await runSimulate(config, { backend: 'cpu' })).output;
    const state = stateError(gpu, cpu);
    const obs = observableError(gpu, cpu);
    console.info(`${method} gpu vs cpu: state ${state.toExponential(2)} scaled; ν ${obs.nu.toExponential(2)}, μ ${obs.mu.toExponential(2)}, S ${obs.S.toExponential(2)} abs`);
    expect(gpu.trajectories.every((t) => !t.diverged)).toBe(true);
    expect(state).toBeLessThanOrEqual(STEPPED_TOL);
    expect(Math.max(obs.nu, obs.mu, obs.S)).toBeLessThanOrEqual(OBS_TOL);
    expect(obs.maxS).toBeGreaterThan(0.1);
  });

  it('Fig. 4b (singular XX): predictedLimit on every trajectory, reached by GPU RK4 at t = 200 within 1e-3', async () => {
    // 1e-3: the acceptance bound. RK4 dt = 0.05 (4000 f32 steps) has converged by t = 200.
    const gpu = (await runSimulate(fig4b(), { ctx })).output;
    const cpu = (await runSimulate(fig4b(), { backend: 'cpu' })).output;
    let worst = 0;
    gpu.trajectories.forEach((t, i) => {
      expect(t.predictedLimit).toHaveLength(2);
      // Same f64 prediction from the same θ₀ on both backends (only the sign of a comes from the run).
      expect(t.predictedLimit).toEqual(cpu.trajectories[i].predictedLimit);
      const beta = t.w[1].map((x) => x * t.a[1]);
      worst = Math.max(worst, Math.hypot(beta[0] - t.predictedLimit![0], beta[1] - t.predictedLimit![1]));
    });
    console.info(`predictedLimit vs GPU RK4 at t = 200: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-3);
  });

  it('"exact" at t = 1e300 (beyond float32): every trajectory with a non-finite value is flagged diverged and logged', async () => {
    const lines: string[] = [];
    const { output } = await runSimulate(validateConfig(fig8('exact', { times: [0, 1e300] })), { ctx, log: (l) => lines.push(l) });
    const n = output.trajectories.length;
    for (const t of output.trajectories) {
      const values = [...t.a, ...t.w.flat(), ...t.delta, ...t.excessLoss, ...t.nu, ...t.mu, ...t.kernelDistance];
      if (!values.every(Number.isFinite)) expect(t.diverged).toBe(true);
    }
    const flagged = output.trajectories.filter((t) => t.diverged).length;
    expect(flagged).toBeGreaterThan(0);
    expect(lines).toContain(`diverged: ${flagged} of ${n} trajectories have non-finite values (null in the JSON) and are flagged diverged.`);
    expect(lines.find((l) => l.startsWith('δ drift'))).not.toMatch(/NaN/);
  });

  it('"exact" on data without a closed form is the one-line ConfigError on the GPU path too', async () => {
    const bypass = { ...validateConfig(fig4b()), method: 'exact', step: null, stepCounts: null } as SimulateConfig;
    const error = await runSimulate(bypass, { ctx }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^config\.method: "exact" is unavailable for config\.data\.XX: no closed form for this data: XX must be a multiple of the identity/);
  });
});

describe('bin/lazyrich.js simulate with "exact"', () => {
  it('writes ν, μ, S per trajectory without a step (exit 0)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const file = join(mkdtempSync(join(tmpdir(), 'lazyrich-cli-methods-')), 'exact.json');
    writeFileSync(file, JSON.stringify(fig8('exact', { times: [0, 0.5, 3] })));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'bin', 'lazyrich.js'), 'simulate', file], { cwd: root, maxBuffer: 16 << 20 });
    const out = JSON.parse(stdout) as SimulateOutput;
    expect(out.method).toBe('exact');
    expect(out.trajectories[5].kernelDistance).toHaveLength(3);
    expect(out.trajectories[5].nu[0]).toBeCloseTo(1, 5); // ‖β₀‖ = 1, a₀ > 0
    expect(stderr).toMatch(/^evaluated the closed form for 21 trajectories at 3 times/m);
  });
});
