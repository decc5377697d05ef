/**
 * The pure parts of the relu2 app: schema and URL round trips, presets, checkpoints, the experiment
 * expansion (same θ₀ as the core's grid builder), device-limit refusal, seed averaging into the regime
 * map, exports, CSV upload errors, progress formatting, and the chunked runner (cancel / resume) on a
 * fake backend and on the f64 CPU backend.
 */
import { describe, expect, it } from 'vitest';
import { ParamError, defaults, validate } from '../../src/params/schema.ts';
import { DeviceLimitError } from '../../src/gpu/device.ts';
import {
  RELU2_PRESETS, RELU2_SCHEMA as S, checkpointSteps, checkRelu2Params, linspace, logspace, type Relu2AppParams,
} from '../../src/models/relu2/params.ts';
import { buildRelu2Grid } from '../../src/models/relu2/data.ts';
import { relu2ConfigFromParams, relu2ConfigJson } from '../../src/models/relu2/appConfig.ts';
import { validateRelu2Config } from '../../src/models/relu2/config.ts';
import { Relu2Plan } from '../../src/models/relu2/plan.ts';
import { relu2Plugin } from '../../src/models/relu2/plugin.ts';
import type { Relu2DeviceLimits } from '../../src/models/relu2/spec.ts';
import { trainRelu2 } from '../../src/theory/index.ts';
import { isRelu2Hash, relu2FromHash, relu2ToHash, RELU2_URL_VERSION } from '../../src/models/relu2/app/url.ts';
import { batchNetworks, batchSize, batchSpec, buildExperiment, networkIndex, totalWork, validateExperiment } from '../../src/models/relu2/grid.ts';
import { CELL_ALL_DIVERGED, CELL_SOME_DIVERGED, Relu2Results, type NetworkSample } from '../../src/models/relu2/results.ts';
import { CsvDataError, parseDataCsv, uploadedData } from '../../src/models/relu2/app/csv.ts';
import { formatDuration, formatProgress } from '../../src/models/relu2/app/progress.ts';
import { Relu2Runner, type Relu2Backend } from '../../src/models/relu2/runner.ts';
import { CpuRelu2Backend } from '../../src/models/relu2/cpu.ts';

const base = defaults(S);
const preset = (name: keyof typeof RELU2_PRESETS): Relu2AppParams => validate(S, { ...RELU2_PRESETS[name], preset: name }, base);
/** WebGPU's guaranteed limits, with the 1 GiB bindings SwiftShader and most desktop GPUs grant. */
const LIMITS: Relu2DeviceLimits = {
  maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30, maxComputeWorkgroupsPerDimension: 65535,
  maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256,
};

describe('relu2 URL hash', () => {
  it('round-trips the defaults and every preset, with model=relu2 and its own version first', () => {
    for (const p of [base, ...Object.keys(RELU2_PRESETS).map((n) => preset(n as keyof typeof RELU2_PRESETS))]) {
      const hash = relu2ToHash(p);
      expect(hash).toMatch(new RegExp(`^#model=relu2&v=${RELU2_URL_VERSION}&`));
      expect(isRelu2Hash(hash)).toBe(true);
      expect(relu2FromHash(hash)).toEqual(p);
    }
  });

  it('round-trips non-default values (booleans, negatives, exponents)', () => {
    const p = validate(S, { etaScale: false, etaBase: 2.5e-7, deltaMin: -0.75, activation: 'leaky', slope: 0.2, shape: 'alpha', at: 3, preset: 'custom' }, base);
    expect(relu2FromHash(relu2ToHash(p))).toEqual(p);
  });

  it('a preset key expands to its settings; other keys override it and make it "custom"', () => {
    const a = relu2FromHash('#model=relu2&v=1&p=fig1a');
    expect(a).toMatchObject({ preset: 'fig1a', experiment: 'fig1a', d: 2, n: 20, etaBase: 1e-4 });
    const b = relu2FromHash('#model=relu2&v=1&p=fig1b-reduced&T=20');
    expect(b).toMatchObject({ preset: 'custom', tauCount: 9, deltaCount: 9, seeds: 4, m: 50, n: 200, d: 20, steps: 20 });
    expect(relu2FromHash('#model=relu2&v=1&p=fig1a&metric=hamming').preset).toBe('fig1a');
  });

  it('only model=relu2 gives the base; errors name the problem', () => {
    expect(relu2FromHash('#model=relu2')).toEqual(base);
    expect(isRelu2Hash('#v=1&d=2')).toBe(false);
    expect(() => relu2FromHash('#model=relu2&d=2')).toThrow(/no format version/);
    expect(() => relu2FromHash('#model=relu2&v=9&d=2')).toThrow(/v=9 is not supported/);
    expect(() => relu2FromHash('#model=relu2&v=1&zz=1')).toThrow(/Unknown URL parameter "zz"/);
    expect(() => relu2FromHash('#model=relu2&v=1&d=200')).toThrow(/input dimension d \(d\) must be an integer in \[1, 128\]; got 200/);
    expect(() => relu2FromHash('#model=relu2&v=1&d=2&d=3')).toThrow(/appears twice/);
    expect(() => relu2FromHash('#model=relu2&v=1&p=fig9')).toThrow(ParamError);
  });
});

describe('relu2 schema helpers', () => {
  it('checkpoints: 0 and log-spaced integer step counts ending at the last step', () => {
    expect(checkpointSteps(10_000, 9)).toEqual([0, 1, 3, 10, 32, 100, 316, 1000, 3162, 10_000]);
    expect(checkpointSteps(100_000, 11)).toEqual([0, 1, 3, 10, 32, 100, 316, 1000, 3162, 10_000, 31_623, 100_000]);
    expect(checkpointSteps(20, 1)).toEqual([0, 20]);
    expect(checkpointSteps(3, 10)).toEqual([0, 1, 2, 3]);
  });

  it('grids: log-spaced τ as in the paper, linear δ with an exact 0', () => {
    const tau = logspace(-1, 0.3, 17);
    expect(tau[0]).toBeCloseTo(0.1, 12);
    expect(tau[16]).toBeCloseTo(10 ** 0.3, 12);
    expect(linspace(-1, 1, 9)[4]).toBe(0);
  });

  it('cross-field checks: odd m, reversed ranges, oversized teacher data', () => {
    expect(() => checkRelu2Params({ ...base, m: 51 })).toThrow(/must be even/);
    expect(() => checkRelu2Params({ ...base, deltaMin: 1, deltaMax: -1 })).toThrow(/δ min \(1\) must not exceed δ max \(-1\)/);
    expect(() => checkRelu2Params({ ...base, seeds: 256, n: 65_536, d: 128 })).toThrow(/exceeds 2²⁶/);
  });
});

describe('relu2 experiment', () => {
  it('the reduced Fig. 1b preset: 9 × 9 cells × 4 seeds, one τ column per batch, τ-major cells', () => {
    const e = buildExperiment(preset('fig1b-reduced'), null);
    expect([e.rows, e.cols, e.cells.length, e.networkCount, e.batches.length, batchSize(e, 0)]).toEqual([9, 9, 81, 324, 9, 36]);
    expect([e.m, e.d, e.n, e.nTest]).toEqual([50, 20, 200, 1000]);
    expect(e.cells[10]).toMatchObject({ row: 1, col: 1 });
    expect(e.cells[10].tau).toBeCloseTo(10 ** (-1 + 1.3 / 8), 12);
    expect(e.cells[10].delta).toBeCloseTo(-0.75, 12);
    expect(totalWork(e)).toEqual({ steps: 324 * 10_000, metrics: 324 * 9 });
  });

  it('batch θ₀ equals the core grid builder’s for the same (τ, δ, seed), data included', () => {
    const p = validate(S, { tauCount: 3, deltaCount: 2, seeds: 2, seed: 7, d: 3, n: 10, nTest: 4, m: 4 }, base);
    const e = buildExperiment(p, null);
    const core = buildRelu2Grid({ m: 4, taus: e.taus, deltas: e.shapes, seeds: [7, 8], teacher: { d: 3, n: 10, m0: 3, nTest: 4 }, learningRate: { base: p.etaBase, scaleByTauSquared: true } });
    expect(e.datasets[1].X).toEqual(core.datasets[1].X);
    for (let b = 0; b < e.batches.length; b++) {
      const spec = batchSpec(e, b);
      const q = batchNetworks(e, b);
      spec.networks.forEach((net, i) => {
        // the app's network q is the core's (and the CLI's): (iSeed·#τ + iτ)·#δ + iδ
        const s = Math.floor(q[i] / e.cells.length), cell = e.cells[q[i] % e.cells.length];
        expect(q[i]).toBe((s * 3 + cell.col) * 2 + cell.row);
        const ref = core.networks[q[i]];
        expect(net.init.W).toEqual(ref.init.W);
        expect(net.init.a).toEqual(ref.init.a);
        expect(net.eta).toBeCloseTo(ref.eta, 15);
        expect(net.dataIndex).toBe(s);
      });
    }
  });

  it('Fig. 1a: the four settings, with δ = τ²(α² − α⁻²) for α = 10 and 0.1', () => {
    const e = buildExperiment(preset('fig1a'), null);
    expect(e.cells.map((c) => c.tau)).toEqual([0.1, 2, 0.1, 0.1]);
    expect(e.cells[2].delta).toBeCloseTo(0.01 * (100 - 0.01), 12);
    expect(e.cells[3].delta).toBeCloseTo(-0.01 * (100 - 0.01), 12);
    expect(e.batches).toEqual([{ start: 0, end: 4 }]);
  });

  it('accepts the full Fig. 1b grid one τ column at a time; refuses a grid beyond the device with the limit named', () => {
    const full = buildExperiment(preset('fig1b-full'), null);
    expect(full.networkCount).toBe(4624);
    expect(validateExperiment(full, LIMITS).networks).toBe(272);
    const huge = buildExperiment(validate(S, { ...RELU2_PRESETS['fig1b-full'], batch: 'all', tauCount: 33, deltaCount: 33, seeds: 64 }, base), null);
    expect(() => validateExperiment(huge, LIMITS)).toThrow(DeviceLimitError);
    expect(() => validateExperiment(huge, LIMITS)).toThrow(/69,696 networks .*maxStorageBufferBindingSize.*one τ column/);
  });

  it('uploaded data: needs a file; one data set shared by all seeds', () => {
    expect(() => buildExperiment({ ...base, data: 'upload' }, null)).toThrow(/needs a CSV/);
    const csv = parseDataCsv('x1,x2,y\n1,0,1\n0,1,-1\n0.5,0.5,0\n');
    const e = buildExperiment({ ...base, data: 'upload', seeds: 3, m: 4, tauCount: 2, deltaCount: 2 }, { data: uploadedData(csv), name: 'a.csv' });
    expect([e.d, e.n, e.nTest, e.datasets.length, e.dataName]).toEqual([2, 3, 0, 1, 'a.csv']);
    expect(batchSpec(e, 0).networks.every((n) => n.dataIndex === 0)).toBe(true);
  });
});

const sample = (v: number, diverged = false): NetworkSample => ({
  trainLoss: v, testLoss: v / 2, hamming: v, paramDistance: v, kernelDistance: v, deltaDrift: 0, diverged,
});

describe('relu2 results', () => {
  const e = buildExperiment(validate(S, { tauCount: 2, deltaCount: 3, seeds: 2, d: 2, n: 4, nTest: 0, m: 2, steps: 10, checkpoints: 1 }, base), null);

  it('seed-averages into the map (row = δ, col = τ); NaN until every seed has the checkpoint', () => {
    const r = new Relu2Results(e);
    expect(r.cellMap('hamming', 1).values.every(Number.isNaN)).toBe(true);
    // cell 4 = (col 1, row 1): seeds at q = 4 and 6 + 4 (plan order q = iSeed·#cells + cell)
    expect([networkIndex(e, 4, 0), networkIndex(e, 4, 1)]).toEqual([4, 10]);
    r.set(4, 1, sample(2));
    expect(Number.isNaN(r.cellMap('hamming', 1).values[1 * 2 + 1])).toBe(true);
    r.set(10, 1, sample(4));
    const m = r.cellMap('hamming', 1);
    expect(m.values[1 * 2 + 1]).toBe(3);
    expect(r.cellsDone(1)).toBe(1);
    expect(r.cellCurve(4, 'hamming')[1]).toBe(3);
    expect(Number.isNaN(r.cellCurve(4, 'hamming')[0])).toBe(true);
  });

  it('leaves diverged seeds out of the mean and marks the cell', () => {
    const r = new Relu2Results(e);
    // cell 0: q = 0, 6; cell 1 (col 0, row 1): q = 1, 7
    r.set(0, 1, sample(1)); r.set(6, 1, sample(1e20, true));
    r.set(1, 1, sample(5, true)); r.set(7, 1, sample(6, true));
    const m = r.cellMap('trainLoss', 1);
    expect(m.values[0]).toBe(1);
    expect(m.classes[0]).toBe(CELL_SOME_DIVERGED);
    expect(Number.isNaN(m.values[1 * 2])).toBe(true);
    expect(m.classes[1 * 2]).toBe(CELL_ALL_DIVERGED);
  });

  it('keeps trails only for d = 2 and reads the computed prefix', () => {
    const r = new Relu2Results(e);
    expect(r.trails).not.toBeNull();
    r.set(0, 0, sample(1));
    r.setTrail(0, 0, { m: 2, W: Float64Array.from([1, 2, 3, 4]), a: Float64Array.from([-2, 0.5]) });
    const t = r.trailOf(0)!;
    expect(t.frames).toBe(1);
    expect(Array.from(t.points.subarray(0, 6))).toEqual([2, 4, -2, 1.5, 2, 0.5]);
    expect(new Relu2Results(buildExperiment(preset('fig1b-reduced'), null)).trails).toBeNull();
  });

  it('exports CSV (long format, computed rows only) and JSON (nulls for missing values)', () => {
    const r = new Relu2Results(e);
    r.set(0, 0, sample(0.5)); r.set(0, 1, sample(0.25));
    const lines = r.toCsv().trim().split(/\r?\n/);
    expect(lines[0]).toBe('network,tau,delta,alpha,seed,step,trainLoss,testLoss,hamming,paramDistance,kernelDistance,deltaDrift,diverged');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/^0,0\.1,-1,[\d.e-]+,0,10,0\.25,0\.125,0\.25,/);
    const json = r.toJson({ adapter: 'test', date: 'now' }) as { networks: Record<string, unknown>[]; map: Record<string, unknown>; checkpoints: number[] };
    expect(json.networks).toHaveLength(12);
    expect(json.checkpoints).toEqual([0, 10]);
    expect(json.networks[0]).toMatchObject({ seed: 0, trainLoss: [0.5, 0.25], diverged: [false, false] });
    expect(json.networks[1]).toMatchObject({ trainLoss: [null, null], diverged: [null, null] });
    // The config the CLI runs for the same networks, in the same order.
    const config = validateRelu2Config((json as unknown as { config: unknown }).config);
    const plan = new Relu2Plan(config);
    expect(json.networks.map((_, q) => plan.label(q).seed)).toEqual(json.networks.map((n) => n.seed));
    expect(json.networks.map((_, q) => plan.label(q).tau)).toEqual(json.networks.map((n) => n.tau));
    expect(json.networks[0]).not.toHaveProperty('testLoss'); // nTest = 0
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('relu2 CSV upload', () => {
  it('parses x1..xd, y in any column order, with comments and blank lines', () => {
    const p = parseDataCsv('# teacher samples\ny, x2, X1\n1,2,3\n\n-1,0.5,1e-3\n');
    expect(p.d).toBe(2);
    expect(p.n).toBe(2);
    expect(Array.from(p.X)).toEqual([3, 2, 1e-3, 0.5]);
    expect(Array.from(p.y)).toEqual([1, -1]);
  });

  const bad: [string, RegExp][] = [
    ['', /data\.csv is empty/],
    ['x1,x2\n1,2\n', /no "y" column/],
    ['y\n1\n', /no input columns/],
    ['x1,x3,y\n1,2,3\n', /x1 … x2 without gaps; "x2" is missing \(have x1, x3\)/],
    ['x1,x1,y\n1,2,3\n', /"x1" appears twice/],
    ['x1,label,y\n1,2,3\n', /unexpected column "label"/],
    ['0.1,0.2,1\n0.3,0.4,1\n', /unexpected column "0\.1".*Is the header row missing\?/],
    ['x1,x2,y\n1,2\n', /data\.csv, row 2: 2 fields, but the header has 3/],
    ['x1,x2,y\n1,2,3\n1,abc,3\n', /data\.csv, row 3, column x2: "abc" is not a finite number/],
    ['x1,x2,y\n1,,3\n', /row 2, column x2: "" is not a finite number/],
    ['x1,y\n1,Infinity\n', /column y: "Infinity" is not a finite number/],
    ['x1,x2,y\n', /has a header but no data rows/],
  ];
  it.each(bad)('rejects %j with a message naming the place', (text, message) => {
    expect(() => parseDataCsv(text, 'data.csv')).toThrow(CsvDataError);
    expect(() => parseDataCsv(text, 'data.csv')).toThrow(message);
  });

  it('a test file must have the train file’s d', () => {
    const train = parseDataCsv('x1,x2,y\n1,2,3\n');
    const test = parseDataCsv('x1,y\n1,2\n');
    expect(() => uploadedData(train, test, { train: 'a.csv', test: 'b.csv' })).toThrow(/b\.csv has d = 1 input columns but a\.csv has d = 2/);
    expect(uploadedData(train, parseDataCsv('x1,x2,y\n0,0,0\n'))).toMatchObject({ d: 2, ytest: Float64Array.from([0]) });
  });
});

describe('relu2 progress text', () => {
  it('formats durations from seconds to days', () => {
    expect([formatDuration(0.42), formatDuration(45), formatDuration(200), formatDuration(7500), formatDuration(3 * 86400 + 4 * 3600)])
      .toEqual(['0.4 s', '45 s', '3 min 20 s', '2 h 05 min', '3 d 4 h']);
    expect(formatDuration(NaN)).toBe('–');
  });

  it('shows batch, step, rate, ETA and projected total', () => {
    const text = formatProgress({
      state: 'running', batch: 2, batches: 9, step: 4000, lastStep: 10_000, checkpointsDone: 20, checkpointsTotal: 90, fraction: 0.3,
      networkStepsPerSecond: 90, elapsedSeconds: 100, etaSeconds: 200,
    });
    expect(text).toBe('running · batch 3/9 · step 4,000/10,000 · 30 % · 90 network-steps/s · elapsed 1 min 40 s · ETA 3 min 20 s · projected total 5 min 00 s');
  });
});

/** A backend that "trains" by counting steps: metric value = step, with a few ms per chunk. */
function fakeFactory(log: string[]) {
  return async (spec: { networks: readonly unknown[] }): Promise<Relu2Backend> => {
    let stepCount = 0;
    log.push(`create ${spec.networks.length}`);
    return {
      get stepCount() { return stepCount; },
      async advance(steps, onProgress, signal) {
        for (let done = 0; done < steps;) {
          signal?.throwIfAborted();
          await new Promise((r) => setTimeout(r, 2));
          const chunk = Math.min(3, steps - done);
          done += chunk;
          stepCount += chunk;
          onProgress?.(done, steps);
        }
      },
      async readMetrics() { return spec.networks.map(() => sample(stepCount)); },
      async readParams() { return []; },
      destroy() { log.push('destroy'); },
    };
  };
}

describe('relu2 runner', () => {
  const p = validate(S, { tauCount: 3, deltaCount: 2, seeds: 2, d: 3, n: 5, nTest: 2, m: 4, steps: 30, checkpoints: 2 }, base);

  it('runs batch by batch with exact step-0 metrics, progress and an ETA; cells fill in column by column', async () => {
    const e = buildExperiment(p, null);
    const r = new Relu2Results(e);
    const log: string[] = [];
    const seen: number[] = [];
    const runner = new Relu2Runner(e, r, fakeFactory(log), { onCheckpoint: (b) => seen.push(r.cellsDone(e.checkpoints.length - 1)), onProgress: () => {} });
    await runner.run();
    expect(runner.progress).toMatchObject({ state: 'done', batch: 3, fraction: 1, etaSeconds: 0, checkpointsDone: 9 });
    expect(log).toEqual(['create 4', 'destroy', 'create 4', 'destroy', 'create 4', 'destroy']);
    expect(seen).toEqual([0, 0, 2, 2, 2, 4, 4, 4, 6]);
    const y = e.datasets[0].y;
    expect(r.get(0, 0, 'trainLoss')).toBeCloseTo(y.reduce((s, v) => s + v * v, 0) / y.length, 6);
    expect(r.get(0, 0, 'kernelDistance')).toBe(0);
    expect(e.checkpoints).toEqual([0, 1, 30]);
    expect(r.cellMap('hamming', 2).values.every((v) => v === 30)).toBe(true);
  });

  it('cancel stops at a chunk boundary and keeps the state; run() resumes to the end', async () => {
    const e = buildExperiment(p, null);
    const r = new Relu2Results(e);
    const log: string[] = [];
    let runner!: Relu2Runner;
    let cancelled = false;
    runner = new Relu2Runner(e, r, fakeFactory(log), {
      onProgress: (pr) => { if (!cancelled && pr.batch === 1 && pr.step >= 9) { cancelled = true; runner.cancel(); } },
    });
    await runner.run();
    const stopped = runner.progress;
    expect(stopped.state).toBe('cancelled');
    expect(stopped.batch).toBe(1);
    expect(stopped.step).toBeGreaterThanOrEqual(9);
    expect(stopped.step).toBeLessThan(30);
    expect(stopped.etaSeconds).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 20));
    expect(runner.progress.step).toBe(stopped.step);
    expect(log).toEqual(['create 4', 'destroy', 'create 4']);
    await runner.run();
    expect(runner.progress.state).toBe('done');
    expect(log).toEqual(['create 4', 'destroy', 'create 4', 'destroy', 'create 4', 'destroy']);
    expect(r.cellsDone(2)).toBe(6);
  });

  it('the f64 CPU backend reproduces trainRelu2 (the no-WebGPU path)', async () => {
    const e = buildExperiment(validate(S, { tauCount: 1, deltaCount: 2, seeds: 1, d: 2, n: 8, nTest: 3, m: 4, steps: 50, checkpoints: 2 }, base), null);
    const r = new Relu2Results(e);
    const runner = new Relu2Runner(e, r, (spec) => CpuRelu2Backend.create(spec));
    await runner.run();
    const spec = batchSpec(e, 0);
    spec.networks.forEach((net, q) => {
      const ref = trainRelu2(net.init, spec.datasets[net.dataIndex], { eta: net.eta, slope: 0, checkpoints: e.checkpoints });
      ref.records.forEach((rec, c) => {
        expect(r.get(q, c, 'trainLoss')).toBeCloseTo(rec.trainLoss, 6);
        expect(r.get(q, c, 'testLoss')).toBeCloseTo(rec.testLoss, 6);
        expect(r.get(q, c, 'hamming')).toBeCloseTo(rec.hamming, 6);
        expect(r.get(q, c, 'kernelDistance')).toBeCloseTo(rec.kernelDistance, 6);
      });
    });
    expect(r.trailOf(0)!.frames).toBe(3);
  });
});

describe('one plan for the app and the CLI', () => {
  it('every preset: the app runs the CLI plan of its config, network for network (θ₀, η, data), in the CLI order', () => {
    for (const name of Object.keys(RELU2_PRESETS) as (keyof typeof RELU2_PRESETS)[]) {
      const p = validate(S, { ...RELU2_PRESETS[name], preset: name, ...(name === 'fig1a' ? {} : { tauCount: 3, deltaCount: 2, seeds: 2, d: 3, n: 8, nTest: 4 }) }, base);
      const e = buildExperiment(p, null);
      const cli = new Relu2Plan(validateRelu2Config(relu2Plugin.appConfig(p)));
      expect(cli.count, name).toBe(e.networkCount);
      const seen = new Set<number>();
      for (let b = 0; b < e.batches.length; b++) {
        const q = batchNetworks(e, b);
        const app = batchSpec(e, b), ref = cli.specOf(q);
        q.forEach((k, i) => {
          seen.add(k);
          const cell = e.cells[k % e.cells.length];
          expect(ref.labels[i], `${name} #${k}`).toEqual({ tau: cell.tau, delta: cell.delta, alpha: cell.alpha, seed: e.seeds[Math.floor(k / e.cells.length)] });
          expect(app.networks[i].init.W).toEqual(ref.spec.networks[i].init.W);
          expect(app.networks[i].init.a).toEqual(ref.spec.networks[i].init.a);
          expect(app.networks[i].eta).toBe(ref.spec.networks[i].eta);
          expect(app.datasets[app.networks[i].dataIndex].X).toEqual(ref.spec.datasets[ref.spec.networks[i].dataIndex].X);
        });
      }
      expect(seen.size, name).toBe(e.networkCount);
    }
  });

  it('the app config of a leaky, α-shaped grid round-trips through the CLI parser', () => {
    const p = validate(S, { activation: 'leaky', slope: 0.1, shape: 'alpha', tauCount: 2, deltaCount: 3, seeds: 2, d: 3, n: 8 }, base);
    const config = relu2ConfigFromParams(p, null);
    expect(validateRelu2Config(relu2ConfigJson(config))).toEqual(config);
  });
});
