/**
 * relu2 on the GPU: the paper's qualitative finding (docs/theory.md §3, Kunin et al. Fig. 1b), divergence
 * flags, limits refused with clear messages, and chunked advance with progress, cancel and resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceLimitError, type GpuContext } from '../../src/gpu/device.ts';
import { buildRelu2Grid, seededSymmetrisedInit, teacherStudentData } from '../../src/models/relu2/data.ts';
import { Relu2Sim, type Relu2NetworkMetrics } from '../../src/models/relu2/sim.ts';
import type { Relu2Kernel } from '../../src/models/relu2/layout.ts';
import type { Relu2SimSpec } from '../../src/models/relu2/spec.ts';
import { trainRelu2 } from '../../src/theory/index.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('the paper\'s finding: upstream initialisations learn features rapidly at small scale', () => {
  it('at τ ∈ {0.05, 0.1}, α = 10 (δ > 0) reaches far larger H and S than α = 0.1 (δ < 0) at the same loss level', async () => {
    // Small grid: 2 τ × 2 α × 3 seeds, d = 5, n = 30, m = 50, η = 1e-4/τ². Loss level: the first checkpoint
    // (geometric, up to 256 steps; f64 reaches it by step 16 upstream, 64 downstream) where the train loss is ≤ ½ its initial value (f ≡ 0 at t = 0, so
    // L₀ = mean y² is the same for both settings of a seed). f64 reference values at that level: upstream
    // H = 12–24, S = 0.02–0.13; downstream H ≤ 0.14, S ≤ 2e-3.
    const grid = buildRelu2Grid({
      m: 50, taus: [0.05, 0.1], alphas: [10, 0.1], seeds: [0, 1, 2], teacher: { d: 5, n: 30, m0: 3, nTest: 0 },
      learningRate: { base: 1e-4, scaleByTauSquared: true },
    });
    const checkpoints = [0, 1, 2, 3, 4, 6, 8, 11, 16, 22, 32, 45, 64, 90, 128, 181, 256];
    const sim = await Relu2Sim.create(ctx, { datasets: grid.datasets, networks: grid.networks });
    const history: Relu2NetworkMetrics[][] = [];
    for (const c of checkpoints) {
      await sim.advance(c - sim.stepCount);
      history.push(await sim.readMetrics());
    }
    sim.destroy();
    const atHalfLoss = (q: number) => history.find((ms) => ms[q].trainLoss <= 0.5 * history[0][q].trainLoss)?.[q];
    for (let q = 0; q < grid.networks.length; q += 2) {
      const upNet = grid.networks[q], downNet = grid.networks[q + 1];
      expect([upNet.alpha, downNet.alpha, upNet.tau, upNet.seed]).toEqual([10, 0.1, downNet.tau, downNet.seed]);
      expect(upNet.delta).toBeGreaterThan(0);
      expect(downNet.delta).toBeLessThan(0);
      const up = atHalfLoss(q), down = atHalfLoss(q + 1);
      const label = `τ = ${upNet.tau}, seed ${upNet.seed}`;
      expect(up, `upstream never halved its loss (${label})`).toBeDefined();
      expect(down, `downstream never halved its loss (${label})`).toBeDefined();
      expect(up!.hamming, label).toBeGreaterThan(5);
      expect(up!.hamming, label).toBeGreaterThan(20 * down!.hamming);
      expect(up!.kernelDistance, label).toBeGreaterThan(10 * down!.kernelDistance);
    }
  });
});

describe.each<Relu2Kernel>(['workgroup', 'thread', 'tiled'])('divergence (%s kernel)', (kernel) => {
  it('flags and freezes exactly the diverging networks, at the step the f64 reference diverges', async () => {
    const data = teacherStudentData({ seed: 4, d: 3, n: 16, m0: 3, nTest: 0 });
    const init = seededSymmetrisedInit(4, 8, 3, { tau: 1, delta: 0 });
    init.a[0] += 0.5; // f ≠ 0, so a large η blows up at once
    const spec: Relu2SimSpec = {
      datasets: [data],
      networks: [{ init, dataIndex: 0, eta: 0.05 }, { init, dataIndex: 0, eta: 40 }, { init, dataIndex: 0, eta: 0.05 }],
    };
    const ref = trainRelu2(init, data, { eta: 40, slope: 0, checkpoints: [200], bound: 1e30 });
    expect(ref.divergedAtStep).not.toBeNull();
    const sim = await Relu2Sim.create(ctx, spec, { kernel });
    await sim.advance(200);
    const m = await sim.readMetrics();
    expect(m.map((x) => x.diverged)).toEqual([false, true, false]);
    expect(Math.abs(m[1].stepsTaken - ref.divergedAtStep!)).toBeLessThanOrEqual(1);
    expect(m[0].stepsTaken).toBe(200);
    expect(m[0].trainLoss).toBe(m[2].trainLoss); // the neighbour's divergence does not leak
    const frozen = (await sim.readParams())[1];
    expect(frozen.diverged).toBe(true);
    expect(frozen.W.every(Number.isFinite) && frozen.a.every(Number.isFinite)).toBe(true);
    await sim.advance(50); // frozen networks stay put
    const after = (await sim.readParams())[1];
    expect(Array.from(after.W)).toEqual(Array.from(frozen.W));
    expect((await sim.readMetrics())[1].stepsTaken).toBe(m[1].stepsTaken);
    sim.destroy();
  });

  it('flags a network whose loss or parameters overflow to non-finite values when the bound is disabled', async () => {
    const data = teacherStudentData({ seed: 5, d: 2, n: 8, m0: 2, nTest: 0 });
    const init = seededSymmetrisedInit(5, 4, 2, { tau: 1, delta: 0 });
    init.a[0] += 1;
    const sim = await Relu2Sim.create(ctx, { datasets: [data], networks: [{ init, dataIndex: 0, eta: 1e3 }], bound: Infinity }, { kernel });
    await sim.advance(100);
    const [m] = await sim.readMetrics();
    expect(m.diverged).toBe(true);
    expect(m.stepsTaken).toBeLessThan(100);
    sim.destroy();
  });
});

describe('limits are refused with clear messages', () => {
  const tiny = (m: number, d: number, n: number, networks = 1): Relu2SimSpec => {
    const init = { m, d, W: new Float64Array(m * d).fill(0.1), a: new Float64Array(m).fill(0.1) }; // shared θ₀
    return {
      datasets: [{ d, X: new Float64Array(n * d).fill(0.1), y: new Float64Array(n) }],
      networks: Array.from({ length: networks }, () => ({ init, dataIndex: 0, eta: 0.1 })),
    };
  };

  it('m > 256, d > 128 and n > 65,536 throw DeviceLimitError naming the limit', async () => {
    await expect(Relu2Sim.create(ctx, tiny(257, 2, 4))).rejects.toThrow(DeviceLimitError);
    await expect(Relu2Sim.create(ctx, tiny(257, 2, 4))).rejects.toThrow(/m = 257 hidden units exceeds the limit of 256/);
    await expect(Relu2Sim.create(ctx, tiny(4, 129, 4))).rejects.toThrow(/d = 129 inputs exceeds the limit of 128/);
    await expect(Relu2Sim.create(ctx, tiny(2, 1, 65537))).rejects.toThrow(/n \(training samples\) = 65,537 exceeds the limit of 65,536/);
  });

  it('a grid whose parameters exceed this device\'s storage binding size is refused, naming both sizes', async () => {
    // 8,200 networks × m = 256 × (1 + d) = 129 floats × 4 B = 1,033 MiB > SwiftShader's (and many GPUs') 1 GiB binding.
    const spec = tiny(256, 128, 4, 8200);
    const max = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    if (max >= 8200 * 256 * 129 * 4) return; // a device with larger bindings accepts it; nothing to refuse
    await expect(Relu2Sim.create(ctx, spec)).rejects.toThrow(/8,200 networks \(m = 256, d = 128, n = 4\) need 1033\.0 MiB for the params buffer; this device allows .* MiB per storage buffer \(maxStorageBufferBindingSize\)/);
  });
});

describe('chunked advance', () => {
  it('reports progress, cancels between submissions, and resumes to the same state as an uninterrupted run', async () => {
    const data = teacherStudentData({ seed: 6, d: 2, n: 20, m0: 3, nTest: 0 });
    const spec: Relu2SimSpec = { datasets: [data], networks: [{ init: seededSymmetrisedInit(6, 10, 2, { tau: 0.5, delta: 0.2 }), dataIndex: 0, eta: 0.05 }] };
    const chunk = { initialWork: 2 * 10 * 20 * 4 * 7 }; // 7 steps in the first submission
    const whole = await Relu2Sim.create(ctx, spec, chunk);
    await whole.advance(300);
    const expected = (await whole.readParams())[0];
    whole.destroy();

    const sim = await Relu2Sim.create(ctx, spec, chunk);
    expect(sim.stepsPerDispatch).toBe(7);
    const controller = new AbortController();
    const progress: number[] = [];
    await expect(sim.advance(300, (done) => { progress.push(done); if (progress.length === 3) controller.abort(new Error('stop')); }, controller.signal))
      .rejects.toThrow('stop');
    expect(progress[0]).toBe(7);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(sim.stepCount).toBe(progress[2]);
    await sim.advance(300 - sim.stepCount, (done, total) => expect(done).toBeLessThanOrEqual(total));
    expect(sim.stepCount).toBe(300);
    const [m] = await sim.readMetrics();
    expect(m.stepsTaken).toBe(300);
    expect(Array.from((await sim.readParams())[0].W)).toEqual(Array.from(expected.W));
    sim.destroy();
  });
});
