/**
 * The f64 relu2 reference (src/theory/relu2.ts) against the independent numpy fixture
 * tests/fixtures/relu2_gd.json (copied from shared/reference), plus the seeded data/init generators,
 * the kernel shapes and the limit checks (docs/theory.md §3).
 */
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/relu2_gd.json' with { type: 'json' };
import {
  deltaFromTauAlpha, relu2AlphaFromDelta, relu2Forward, relu2GdStep, relu2Loss, relu2Metrics, symmetrisedInit,
  trainRelu2, type Relu2Data, type Relu2Params,
} from '../../src/theory/index.ts';
import {
  buildRelu2Grid, initDirections, learningRateOf, seededSymmetrisedInit, teacherStudentData,
} from '../../src/models/relu2/data.ts';
import { defaultRelu2Kernel, kernelShape, RELU2_LIMITS, stepWorkgroupWords, threadActFloats, threadUnitChunk, WORKGROUP_WORDS } from '../../src/models/relu2/layout.ts';
import { validateRelu2Spec, type Relu2DeviceLimits } from '../../src/models/relu2/spec.ts';
import { CpuRelu2Backend } from '../../src/models/relu2/cpu.ts';
import type { Relu2NetworkMetrics } from '../../src/models/relu2/sim.ts';
import { DeviceLimitError } from '../../src/gpu/device.ts';

const fxData: Relu2Data = { d: 3, X: Float64Array.from(fixture.X.flat()), y: Float64Array.from(fixture.y) };
const fxInit: Relu2Params = { m: fixture.a0.length, d: 3, W: Float64Array.from(fixture.W0.flat()), a: Float64Array.from(fixture.a0) };

describe('relu2 f64 reference vs the numpy fixture (d = 3, m = 6, n = 12, 2000 GD steps)', () => {
  // Tolerance: 1e-9 relative (f64 vs f64, different summation order), plus 1e-14 absolute for values that
  // are zero up to rounding (the fixture's kernel distance at step 0 is 2.2e-16, i.e. 1 − cos rounding).
  const close = (x: number, ref: number) => Math.abs(x - ref) <= 1e-9 * Math.abs(ref) + 1e-14;
  const { records } = trainRelu2(fxInit, fxData, { eta: fixture.learningRate, slope: 0, checkpoints: fixture.records.map((r) => r.step) });

  it('matches train loss, Hamming, parameter and kernel distance at every recorded step', () => {
    fixture.records.forEach((ref, c) => {
      const got = records[c];
      expect(got.step).toBe(ref.step);
      for (const key of ['trainLoss', 'hamming', 'paramDistance', 'kernelDistance'] as const) {
        expect(close(got[key], ref[key]), `${key} at step ${ref.step}: ${got[key]} vs ${ref[key]}`).toBe(true);
      }
    });
  });

  it('matches W and a entrywise at every recorded step', () => {
    fixture.records.forEach((ref, c) => {
      const { W, a } = records[c].params;
      ref.W.flat().forEach((v, i) => expect(close(W[i], v), `W[${i}] at step ${ref.step}`).toBe(true));
      ref.a.forEach((v, k) => expect(close(a[k], v), `a[${k}] at step ${ref.step}`).toBe(true));
    });
  });
});

describe('relu2 CPU backend', () => {
  it('reproduces the fixture through the Relu2SimSpec API and reports divergence like the GPU', async () => {
    const steps = fixture.records.map((r) => r.step);
    const spec = { datasets: [fxData], networks: [{ init: fxInit, dataIndex: 0, eta: fixture.learningRate }, { init: fxInit, dataIndex: 0, eta: 200 }] };
    const progress: [number, number][] = [];
    const backend = await CpuRelu2Backend.create(spec);
    expect(backend.kind).toBe('cpu');
    expect(backend.count).toBe(2);
    const metrics: Relu2NetworkMetrics[][] = [[], []];
    for (const step of steps) {
      if (step > backend.stepCount) await backend.advance(step - backend.stepCount, (done, total) => progress.push([done, total]));
      (await backend.readMetrics()).forEach((m, q) => metrics[q].push(m));
    }
    const params = await backend.readParams();
    backend.destroy();
    expect(backend.stepCount).toBe(steps[steps.length - 1]);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every(([done, total]) => done <= total)).toBe(true);
    metrics[0].forEach((m, c) => {
      expect(m.trainLoss).toBeCloseTo(fixture.records[c].trainLoss, 12);
      expect(m.stepsTaken).toBe(steps[c]);
      expect(m.diverged).toBe(false);
    });
    expect(params[0].a[0]).toBeCloseTo(fixture.records[fixture.records.length - 1].a[0], 12);
    expect(params[1].diverged).toBe(true);
    expect(metrics[1][metrics[1].length - 1].stepsTaken).toBeLessThan(2000);
  });
});

describe('relu2 GD step', () => {
  it('is θ − η∇L with ∇L of L = (1/n)Σ(f − y)², checked by central differences (leaky slope 0.2)', () => {
    const data = teacherStudentData({ seed: 7, d: 4, n: 15, m0: 3, nTest: 0 });
    const p = seededSymmetrisedInit(3, 6, 4, { tau: 0.7, delta: 0.3 });
    p.a[0] += 0.1; // break the symmetry so f ≠ 0
    const slope = 0.2, eta = 1e-3;
    const stepped = { ...p, W: Float64Array.from(p.W), a: Float64Array.from(p.a) };
    relu2GdStep(stepped, data, eta, slope);
    const h = 1e-6;
    const grad = (arr: Float64Array, i: number) => {
      const save = arr[i];
      arr[i] = save + h; const lp = relu2Loss(p, data.X, data.y, slope);
      arr[i] = save - h; const lm = relu2Loss(p, data.X, data.y, slope);
      arr[i] = save;
      return (lp - lm) / (2 * h);
    };
    p.W.forEach((w, i) => expect(stepped.W[i]).toBeCloseTo(w - eta * grad(p.W, i), 11));
    p.a.forEach((a, k) => expect(stepped.a[k]).toBeCloseTo(a - eta * grad(p.a, k), 11));
  });

  it('leaves θ unchanged and reports the loss when it is above the bound', () => {
    const p = { ...fxInit, W: Float64Array.from(fxInit.W), a: Float64Array.from(fxInit.a) };
    const loss = relu2GdStep(p, fxData, 0.05, 0, undefined, 1e-6);
    expect(loss).toBeCloseTo(fixture.records[0].trainLoss, 14);
    expect(Array.from(p.W)).toEqual(Array.from(fxInit.W));
  });

  it('marks a run with a huge learning rate diverged and freezes it at a finite state', () => {
    const { records, divergedAtStep } = trainRelu2(fxInit, fxData, { eta: 200, slope: 0, checkpoints: [0, 50, 100] });
    expect(divergedAtStep).not.toBeNull();
    expect(divergedAtStep!).toBeLessThan(50);
    expect(records[2].params.W.every(Number.isFinite)).toBe(true);
    expect(records[2].trainLoss).toBeGreaterThan(1e30);
    expect(records[2].params.W).toEqual(records[1].params.W);
  });
});

describe('symmetrised (τ, δ | α) initialisation and teacher–student data (docs/theory.md §3)', () => {
  it('gives f ≡ 0 at t = 0, δ_k = δ for every unit, and α from δ consistent with δ = τ²(α² − 1/α²)', () => {
    const data = teacherStudentData({ seed: 1, d: 5, n: 40, m0: 3, nTest: 10 });
    for (const [tau, delta] of [[0.1, 0], [2, 0], [0.3, -1], [0.05, 1]]) {
      const p = seededSymmetrisedInit(4, 20, 5, { tau, delta });
      expect(relu2Forward(p, data.X, 0).f.every((f) => Math.abs(f) < 1e-12)).toBe(true); // zero up to rounding
      for (let k = 0; k < p.m; k++) {
        let ww = 0;
        for (let j = 0; j < p.d; j++) ww += p.W[k * p.d + j] ** 2;
        expect(p.a[k] ** 2 - ww).toBeCloseTo(delta, 12);
      }
      const alpha = relu2AlphaFromDelta(delta, tau);
      expect(deltaFromTauAlpha(tau, alpha)).toBeCloseTo(delta, 12);
      expect(Math.abs(p.a[0])).toBeCloseTo(tau * alpha, 14);
    }
    const up = seededSymmetrisedInit(4, 20, 5, { tau: 0.1, alpha: 10 });
    expect(Math.abs(up.a[3])).toBeCloseTo(1, 14);
    expect(Math.hypot(...up.W.slice(0, 5))).toBeCloseTo(0.01, 14);
  });

  it('mirrors the second half: w_{k+m/2} = w_k, a_{k+m/2} = −a_k', () => {
    const { directions, signs } = initDirections(9, 8, 3);
    const p = symmetrisedInit(0.5, 2, directions, signs);
    for (let k = 0; k < 4; k++) {
      expect(p.a[k + 4]).toBe(-p.a[k]);
      expect(Array.from(p.W.slice((k + 4) * 3, (k + 5) * 3))).toEqual(Array.from(p.W.slice(k * 3, k * 3 + 3)));
    }
    expect(() => initDirections(9, 7, 3)).toThrow(/even/);
  });

  it('draws seeded unit-sphere inputs labelled by a ±1-readout unit-direction teacher', () => {
    const a = teacherStudentData({ seed: 5, d: 3, n: 50, m0: 3, nTest: 20 });
    const b = teacherStudentData({ seed: 5, d: 3, n: 50, m0: 3, nTest: 20 });
    const c = teacherStudentData({ seed: 6, d: 3, n: 50, m0: 3, nTest: 20 });
    expect(Array.from(a.X)).toEqual(Array.from(b.X));
    expect(Array.from(a.X)).not.toEqual(Array.from(c.X));
    for (let i = 0; i < 50; i++) expect(Math.hypot(...a.X.slice(3 * i, 3 * i + 3))).toBeCloseTo(1, 14);
    expect(Array.from(a.teacher.a).every((s) => s === 1 || s === -1)).toBe(true);
    const f = relu2Forward(a.teacher, a.Xtest!, 0).f;
    f.forEach((v, i) => expect(v).toBe(a.ytest![i]));
    expect(relu2Loss(a.teacher, a.X, a.y, 0)).toBe(0);
  });

  it('orders a grid as (seed, τ, δ), shares data per seed and applies η = η_base/τ²', () => {
    const grid = buildRelu2Grid({
      m: 4, taus: [0.1, 1], deltas: [-1, 0, 1], seeds: [3, 8], teacher: { d: 2, n: 10, m0: 3, nTest: 5 },
      learningRate: { base: 5e-3, scaleByTauSquared: true },
    });
    expect(grid.datasets).toHaveLength(2);
    expect(grid.networks).toHaveLength(12);
    expect(grid.networks.map((n) => [n.seed, n.tau, n.delta]).slice(0, 4)).toEqual([[3, 0.1, -1], [3, 0.1, 0], [3, 0.1, 1], [3, 1, -1]]);
    expect(grid.networks[7].dataIndex).toBe(1);
    expect(grid.networks[1].eta).toBeCloseTo(0.5, 14);
    expect(learningRateOf(0.01, 3)).toBe(0.01);
    expect(() => buildRelu2Grid({ m: 4, taus: [1], seeds: [1], teacher: { d: 2, n: 3, m0: 1, nTest: 0 }, learningRate: 1 })).toThrow(/exactly one/);
  });

  it('reports NaN test loss without test data and all metrics zero at θ = θ₀', () => {
    const m = relu2Metrics(fxInit, fxInit, fxData, 0);
    expect(m.testLoss).toBeNaN();
    expect([m.hamming, m.paramDistance, m.deltaDrift]).toEqual([0, 0, 0]);
    expect(Math.abs(m.kernelDistance)).toBeLessThan(1e-15);
  });
});

describe('relu2 kernel shapes and limits', () => {
  const limits: Relu2DeviceLimits = {
    maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28, maxComputeWorkgroupsPerDimension: 65535,
    maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256,
  };
  const spec = (m: number, d: number, n: number, networks = 1) => {
    const data = { d, X: new Float64Array(n * d).fill(0.5), y: new Float64Array(n) };
    const init = { m, d, W: new Float64Array(m * d).fill(0.1), a: new Float64Array(m).fill(0.1) };
    return { datasets: [data], networks: Array.from({ length: networks }, () => ({ init, dataIndex: 0, eta: 0.1 })) };
  };

  it('fits workgroup memory (16 KiB) for every m ≤ 256, d ≤ 128', () => {
    for (const m of [1, 2, 31, 32, 33, 50, 64, 100, 128, 200, 256]) {
      for (const d of [1, 2, 3, 4, 17, 32, 33, 100, 128]) {
        for (const n of [1, 20, 32, 33, 1000]) {
          const s = kernelShape(m, d, n);
          expect(stepWorkgroupWords(s)).toBeLessThanOrEqual(WORKGROUP_WORDS);
          expect(s.ts % 4).toBe(0);
          expect(s.wg).toBeGreaterThanOrEqual(m);
          if (s.resident) expect(s.ts).toBeGreaterThanOrEqual(n);
        }
      }
    }
    expect(kernelShape(50, 2, 20)).toMatchObject({ resident: true, ts: 20, wg: 64, dp: 4 });
    expect(kernelShape(50, 100, 1000)).toMatchObject({ resident: false, wg: 64, dp: 100 });
  });

  it('refuses m, d, n beyond the limits with DeviceLimitError naming the limit', () => {
    expect(() => validateRelu2Spec(spec(RELU2_LIMITS.maxUnits + 1, 2, 4), limits)).toThrow(/m = 257 hidden units exceeds the limit of 256/);
    expect(() => validateRelu2Spec(spec(4, 129, 4), limits)).toThrow(DeviceLimitError);
    expect(() => validateRelu2Spec(spec(4, 129, 4), limits)).toThrow(/d = 129 inputs exceeds the limit of 128/);
    expect(() => validateRelu2Spec(spec(2, 1, RELU2_LIMITS.maxSamples + 1), limits)).toThrow(/n \(training samples\) = 65,537 exceeds the limit of 65,536/);
  });

  it('refuses grids whose buffers exceed the storage binding size, naming the buffer and the limit', () => {
    // 100 networks at m = 256, d = 128: params need 100 · 256 · 129 · 4 B ≈ 12.6 MiB > a 8 MiB binding.
    expect(() => validateRelu2Spec(spec(256, 128, 8, 100), { ...limits, maxStorageBufferBindingSize: 2 ** 23 }))
      .toThrow(/need 12\.6 MiB for the params buffer; this device allows 8\.0 MiB per storage buffer \(maxStorageBufferBindingSize\)/);
    expect(() => validateRelu2Spec(spec(4, 2, 4, 10), { ...limits, maxComputeWorkgroupsPerDimension: 3 })).toThrow(/maxComputeWorkgroupsPerDimension/);
    expect(() => validateRelu2Spec(spec(256, 2, 4), { ...limits, maxComputeInvocationsPerWorkgroup: 128 })).toThrow(/maxComputeInvocationsPerWorkgroup/);
  });

  it('accepts the full Fig. 1b grid (4,624 networks, m = 50, n = 1000, d = 100) within 128 MiB bindings', () => {
    for (const kernel of ['workgroup', 'thread', 'tiled'] as const) {
      const sizes = validateRelu2Spec(spec(50, 100, 1000, 4624), limits, kernel);
      expect(sizes.networks).toBe(4624);
      expect(sizes.kernel).toBe(kernel);
      expect(Math.max(...Object.values(sizes.bytes))).toBeLessThanOrEqual(2 ** 27);
    }
  });

  it('sizes the thread kernel: an unpadded m·d gradient row per network, no workgroup-memory or invocation limits', () => {
    const tight = { ...limits, maxComputeInvocationsPerWorkgroup: 128, maxComputeWorkgroupStorageSize: 1024 };
    expect(() => validateRelu2Spec(spec(256, 2, 4), tight)).toThrow(/maxComputeInvocationsPerWorkgroup/);
    const sizes = validateRelu2Spec(spec(256, 3, 4, 10), tight, 'thread');
    expect(sizes.bytes.grad).toBe(4 * 10 * 256 * 3);
    expect(sizes.stepWorkgroups).toBe(3);
    expect(validateRelu2Spec(spec(256, 3, 4, 10), limits).stepWorkgroups).toBe(10);
    // 10 networks at 4 per workgroup need 3 workgroups: fits a 2 × 2 dispatch, not 1 × 1.
    expect(() => validateRelu2Spec(spec(4, 2, 4, 10), { ...limits, maxComputeWorkgroupsPerDimension: 2 }, 'thread')).not.toThrow();
    expect(() => validateRelu2Spec(spec(4, 2, 4, 10), { ...limits, maxComputeWorkgroupsPerDimension: 1 }, 'thread'))
      .toThrow(/10 networks need 3 workgroups, more than 1² \(maxComputeWorkgroupsPerDimension\)/);
  });

  it('chunks the thread kernel\'s units by at most 32 and about 1,024 / d, evenly; sizes its scratch', () => {
    expect([[50, 20], [50, 100], [50, 2], [50, 128], [256, 1], [1, 128], [2, 100]].map(([m, d]) => threadUnitChunk(m, d))).toEqual([25, 10, 25, 8, 32, 1, 2]);
    // f/r (n) + one u32 of bits per chunk and sample: m = 50, d = 20, n = 200 in 2 chunks.
    expect(threadActFloats(50, 20, 200)).toBe(200 + 2 * 200);
    expect(defaultRelu2Kernel(true)).toBe('thread');
    expect(defaultRelu2Kernel(false)).toBe('tiled');
  });

  it('rejects malformed specs with plain errors', () => {
    const s = spec(4, 2, 4);
    expect(() => validateRelu2Spec({ ...s, networks: [] }, limits)).toThrow(/no networks/);
    expect(() => validateRelu2Spec({ ...s, networks: [{ ...s.networks[0], eta: 0 }] }, limits)).toThrow(/learning rate/);
    expect(() => validateRelu2Spec({ ...s, networks: [{ ...s.networks[0], dataIndex: 1 }] }, limits)).toThrow(/dataIndex/);
    expect(() => validateRelu2Spec({ ...s, slope: -1 }, limits)).toThrow(/slope/);
  });
});
