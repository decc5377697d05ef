/**
 * The resource estimates (src/models/estimate.ts, src/models/<id>/estimate.ts) against what is actually
 * allocated: relu2's GPU buffers against validateRelu2Spec's byte counts of a real spec, the single-neuron
 * ensemble's typed arrays; the packed single-neuron grid against the per-point reference construction
 * (initFromBetaDelta, bit for bit); and the app's gate (refuse over the device limits naming the URL key,
 * ask for a large run once).
 */
import { describe, expect, it } from 'vitest';
import { deviceRefusal, formatBytes, hostRefusal, type ResourceEstimate } from '../../src/models/estimate.ts';
import { relu2ConfigShape, relu2Resources } from '../../src/models/relu2/estimate.ts';
import { validateRelu2Config } from '../../src/models/relu2/config.ts';
import { Relu2Plan } from '../../src/models/relu2/plan.ts';
import { validateRelu2Spec } from '../../src/models/relu2/spec.ts';
import { buildData, buildEnsemble, ensembleFromInits, initialDirections, linspace } from '../../src/models/singleNeuron/ensemble.ts';
import { estimateSingleNeuronParams } from '../../src/models/singleNeuron/estimate.ts';
import { PRESETS, SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';
import { singleNeuronPlugin } from '../../src/models/singleNeuron/plugin.ts';
import { defaults, ParamError } from '../../src/params/schema.ts';
import { initFromBetaDelta } from '../../src/theory/index.ts';
import { gateEstimate } from '../../src/app/estimateDialog.ts';

const BIG_LIMITS = {
  maxStorageBufferBindingSize: 2 ** 40, maxBufferSize: 2 ** 40, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384, maxComputeWorkgroupsPerDimension: 65535,
};

describe('relu2 estimate vs the buffers validateRelu2Spec sizes', () => {
  it.each([[8, 3, 16, 8, 2], [50, 20, 200, 1000, 4], [256, 128, 64, 0, 1]])('m = %s, d = %s, n = %s, nTest = %s, %s seeds: device bytes within 1% (thread kernels)', (m, d, n, nTest, seeds) => {
    const cfg = validateRelu2Config({
      model: 'relu2', data: { teacher: { seed: 0, d, n, m0: 3, nTest } },
      init: { grid: { m, tau: [0.1, 1, 2], delta: [-1, 0, 1], seeds: Array.from({ length: seeds }, (_, k) => k) } },
      learningRate: 0.01, checkpoints: [0, 10], backend: 'gpu',
    });
    const { spec } = new Relu2Plan(cfg).spec(0, cfg.networks);
    const actual = validateRelu2Spec(spec, BIG_LIMITS as never, 'thread', 'thread').bytes;
    const total = Object.values(actual).reduce((s, b) => s + b, 0);
    const e = relu2Resources(relu2ConfigShape(cfg), 'gpu', true, []);
    expect(Math.abs(e.deviceBytes - total) / total).toBeLessThan(0.01);
    expect(e.largestBuffer).toBe(Math.max(...Object.values(actual)));
    // host: θ₀ (f64) of every network and the data sets are in the estimate
    const theta = spec.networks.reduce((s, net) => s + 8 * (net.init.W.length + net.init.a.length), 0);
    const data = spec.datasets.reduce((s, ds) => s + 8 * (ds.X.length + ds.y.length + (ds.Xtest?.length ?? 0) + (ds.ytest?.length ?? 0)), 0);
    expect(e.bufferBytes).toBeGreaterThanOrEqual(theta + data);
  });
});

describe('single-neuron ensembles', () => {
  const params = (over: Record<string, unknown>) => ({ ...defaults(SINGLE_NEURON_SCHEMA), ...over }) as ReturnType<typeof defaults<typeof SINGLE_NEURON_SCHEMA>>;

  it.each([[2, 1, 1], [3, 0.5, 2], [1, 2, 0.25]])('the packed δ grid equals the per-point initFromBetaDelta construction bit for bit (d = %s, η_a = %s, η_w = %s)', (d, etaA, etaW) => {
    const p = params({ d, etaA, etaW, deltaMin: -3, deltaMax: 5, deltaCount: 9, directions: 7, beta0Norm: 0.7, target: Array(d).fill(0.5), sample: Array(d).fill(1) });
    const rates = { a: etaA, w: etaW };
    const inits = linspace(-3, 5, 9).flatMap((delta) => initialDirections(d, 7, p.seed).map((u) => initFromBetaDelta(u.map((x) => x * 0.7), delta, rates)));
    const reference = ensembleFromInits(buildData(p), rates, inits);
    const packed = buildEnsemble(p);
    expect(Array.from(packed.state0)).toEqual(Array.from(reference.state0));
    expect(Array.from(packed.delta0)).toEqual(Array.from(reference.delta0));
    expect(Array.from(packed.scale0)).toEqual(Array.from(reference.scale0));
    expect(packed.deltaRange).toEqual(reference.deltaRange);
  });

  it('the estimate covers the ensemble\'s typed arrays and counts the trajectories', () => {
    const p = params({ ...PRESETS.fig2, deltaCount: 64, directions: 32 });
    const e = estimateSingleNeuronParams(p);
    const ens = buildEnsemble(p);
    expect(e.items).toBe(ens.n);
    expect(e.bufferBytes).toBeGreaterThanOrEqual(ens.state0.byteLength + ens.delta0.byteLength + ens.scale0.byteLength);
    expect(e.largestBuffer).toBe(Math.max(4 * (ens.d + 1) * ens.n, 4 * 7 * ens.n, 4 * ens.d * ens.n));
  });
});

describe('limits and the app gate', () => {
  const e: ResourceEstimate = { items: 1000, itemName: 'networks', heapBytes: 600e6, bufferBytes: 500e6, deviceBytes: 2e9, largestBuffer: 1.5e9, setupSeconds: 1, fields: ['config.init.grid'] };
  it('hostRefusal names the fields, the size and the limit; none when it fits', () => {
    expect(hostRefusal(e, { heapBytes: 512e6, memoryBytes: 8e9, fraction: 0.5 })).toBe('1,000 networks (config.init.grid) need ~600 MB of JavaScript heap; the limit is 410 MB (80% of the heap limit 512 MB)');
    expect(hostRefusal(e, { heapBytes: 4e9, memoryBytes: 1e9, fraction: 0.5 })).toBe('1,000 networks (config.init.grid) need ~1.1 GB of host memory; the limit is 1.0 GB (50% of this machine\'s memory, at most what is free)');
    expect(hostRefusal(e, { heapBytes: 4e9, memoryBytes: 2e9, fraction: 0.5 })).toBeUndefined();
    expect(deviceRefusal(e, { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 32 })).toMatch(/need a GPU buffer of 1.5 GB; this device allows 1.1 GB per buffer/);
    expect(deviceRefusal(e, { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 })).toBeUndefined();
    expect([formatBytes(999), formatBytes(1234), formatBytes(56.7e6), formatBytes(2.5e12)]).toEqual(['999 B', '1.2 kB', '57 MB', '2.5 TB']);
  });

  it('gateEstimate: over the device limits a ParamError naming dn; a large grid asks once; a small one runs', () => {
    const base = defaults(singleNeuronPlugin.schema);
    const huge = { ...base, deltaCount: 4096, directions: 4096 };
    const large = { ...base, deltaCount: 2048, directions: 2048 };
    const small = { ...base, deltaCount: 16, directions: 16 };
    const limits = { maxStorageBufferBindingSize: 256 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    let err: unknown;
    try { gateEstimate(singleNeuronPlugin, huge, base, limits); } catch (x) { err = x; }
    expect(err).toBeInstanceOf(ParamError);
    expect((err as ParamError).field).toBe('deltaCount');
    expect((err as Error).message).toMatch(/^16,777,216 trajectories \(dn, dirs\) need a GPU buffer of 470 MB; this device allows 268 MB per buffer .*Reduce dn, dirs\.$/);
    expect(gateEstimate(singleNeuronPlugin, large, base, limits)?.items).toBe(4_194_304);
    expect(gateEstimate(singleNeuronPlugin, { ...large, step: 0.02 }, large, limits)).toBeNull(); // same size: no second question
    expect(gateEstimate(singleNeuronPlugin, small, base, limits)).toBeNull();
  });

  it('gateEstimate: the largest relu2 grid (257 τ × 257 δ × 256 seeds, n = nTest = 65,536, d = 128) is refused naming its URL keys', async () => {
    const { relu2Plugin } = await import('../../src/models/relu2/plugin.ts');
    const p = { ...defaults(relu2Plugin.schema), tauCount: 257, deltaCount: 257, seeds: 256, n: 65_536, nTest: 65_536, d: 128, m: 256 };
    expect(() => gateEstimate(relu2Plugin, p, null, null)).toThrow(/^16,908,544 networks \(tn, dn, sn, m, d, n, nt\) need ~[\d.]+ [GT]B of memory in the page; the limit is 4.0 GB/);
  });
});
