/**
 * Pure parts of the mlp app (src/models/mlp/app/): CSV parsing and validation (messages name the row and column), seed
 * statistics and bands, steps until a threshold, the grid's index order against config.ts, heatmap cells, and the DFT
 * of the first-layer weights — each against hand-computed values (exact, or 1e-12 where floating point sums enter).
 */
import { describe, expect, it } from 'vitest';
import { defaults, ParamError, validate, type Params } from '../../src/params/schema.ts';
import { resolveMlpBackend } from '../../src/models/mlp/app/backend.ts';
import { parseMlpConfig } from '../../src/models/mlp/config.ts';
import { mlpAppConfig, MLP_SCHEMA } from '../../src/models/mlp/params.ts';
import { MlpCsvError, parseMlpCsv, uploadedMlpData } from '../../src/models/mlp/app/csv.ts';
import {
  checkpointBands, gridCells, gridIndex, gridPosition, meanCell, MlpResults, seedStats, sizeBands, stepsCell, stepsToThreshold, type MlpGrid,
} from '../../src/models/mlp/app/stats.ts';
import { mlpMetricsCsv } from '../../src/models/mlp/app/export.ts';
import { firstLayerOf, modularDft } from '../../src/models/mlp/app/weights.ts';
import type { MlpRecord } from '../../src/models/mlp/cpu.ts';
import { modelFromHash, modelToHash } from '../../src/params/url.ts';
import { mlpPlugin } from '../../src/models/mlp/plugin.ts';
import { gateEstimate } from '../../src/app/estimateDialog.ts';

const csvError = (text: string, name = 'd.csv'): string => {
  try { parseMlpCsv(text, name); } catch (e) { expect(e).toBeInstanceOf(MlpCsvError); return (e as Error).message; }
  throw new Error('expected an MlpCsvError');
};

describe('mlp app CSV', () => {
  it('reads x_1,…,x_d,label with or without a header, a split column, and a test file', () => {
    const a = parseMlpCsv('1,2,0\n3.5,-4e-1,1\n', 'a.csv');
    expect(a).toEqual({ d: 2, columns: ['x_1', 'x_2'], X: [[1, 2], [3.5, -0.4]], labels: [0, 1], Xtest: [], labelsTest: [] });
    const b = parseMlpCsv('split,u,label,v\ntrain,1,2,3\n\ntest,4,0,5\n# a comment\ntrain,6,1,7\n', 'b.csv');
    expect(b).toEqual({ d: 2, columns: ['u', 'v'], X: [[1, 3], [6, 7]], labels: [2, 1], Xtest: [[4, 5]], labelsTest: [0] });
    const t = parseMlpCsv('x,y\n9,3\n', 't.csv'); // a header with "y" as the label; one input
    expect(uploadedMlpData(b, null)).toEqual({ X: [[1, 3], [6, 7]], labels: [2, 1], Xtest: [[4, 5]], labelsTest: [0], classes: 3 });
    expect(() => uploadedMlpData(b, t, { train: 'b.csv', test: 't.csv' })).toThrow('t.csv: 1 input columns, but b.csv has 2.');
    const t2 = parseMlpCsv('7,8,4\n', 't2.csv');
    expect(uploadedMlpData(b, t2)).toMatchObject({ Xtest: [[4, 5], [7, 8]], labelsTest: [0, 4], classes: 5 });
  });

  it('refuses malformed files naming the file, row (the file\'s line) and column', () => {
    expect(csvError('')).toBe('d.csv is empty: expected rows x_1,…,x_d,label (a header row is optional).');
    expect(csvError('a,b,label\n1,2,0\n\n3,4\n')).toBe('d.csv, row 4: 2 fields, but the header has 3.');
    expect(csvError('1,2,0\n3,x,1\n')).toBe('d.csv, row 2, column 2: "x" is not a finite number.');
    expect(csvError('a,b,label\n1,NaN,0\n')).toBe('d.csv, row 2, column "b": "NaN" is not a finite number.');
    expect(csvError('a,b,label\n1,Infinity,0\n')).toBe('d.csv, row 2, column "b": "Infinity" is not a finite number.');
    expect(csvError('a,b,label\n1,2,1.5\n')).toBe('d.csv, row 2, column "label" (label): "1.5" is not a class index (an integer 0 … c − 1).');
    expect(csvError('1,2,-1\n')).toBe('d.csv, row 1, column 3 (label): "-1" is not a class index (an integer 0 … c − 1).');
    expect(csvError('a,label,split\n1,0,train\n2,1,validation\n')).toBe('d.csv, row 3, column "split" (split): "validation" is neither "train" nor "test".');
    expect(csvError('a,label,split\n1,0,test\n')).toBe('d.csv has no training rows after the header.');
    expect(csvError(`${Array.from({ length: 514 }, () => '1').join(',')}\n`)).toBe('d.csv: d = 513 inputs exceed the limit of 512 (the first layer\'s width).');
    expect(() => uploadedMlpData(parseMlpCsv('1,0\n2,0\n'), null)).toThrow('every label is 0; a classifier needs at least 2 classes');
  });
});

describe('mlp app statistics', () => {
  it('seed statistics: mean, min, max, sample sd of the finite values', () => {
    const s = seedStats([1, 2, NaN, 4]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(7 / 3, 12);
    expect([s.min, s.max]).toEqual([1, 4]);
    expect(s.sd).toBeCloseTo(Math.sqrt(7 / 3), 12); // ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3
    expect(seedStats([5])).toEqual({ mean: 5, min: 5, max: 5, sd: 0, n: 1 });
    expect(seedStats([NaN]).n).toBe(0);
  });

  it('steps until a threshold: the first checkpoint at or above it, null when none', () => {
    expect(stepsToThreshold([0.5, 0.98, 0.99, 1], [0, 10, 20, 30], 0.99)).toBe(20);
    expect(stepsToThreshold([0.5, 0.98], [0, 10, 20, 30], 0.99)).toBeNull();
    expect(stepsToThreshold([NaN, 1], [0, 10], 0.99)).toBe(10);
  });

  it('grid index order is config.ts\'s (τ, α, size, seed) and gridPosition inverts it', () => {
    const p = validate(MLP_SCHEMA, { task: 'rhm', taus: [0.5, 2], alphas: [0.1, 1, 10], trainSizes: [64, 128], seeds: 2, seed: 7, testSize: 64, probe: 8 }, defaults(MLP_SCHEMA));
    const cfg = parseMlpConfig(mlpAppConfig(p));
    const g: MlpGrid = { taus: [0.5, 2], alphas: [0.1, 1, 10], sizes: [64, 128], seeds: [7, 8] };
    expect(cfg.networks.length).toBe(24);
    for (let t = 0; t < 2; t++) for (let a = 0; a < 3; a++) for (let s = 0; s < 2; s++) for (let k = 0; k < 2; k++) {
      const i = gridIndex(g, t, a, s, k);
      expect(cfg.networks[i]).toMatchObject({ tau: g.taus[t], alpha: g.alphas[a], trainSize: g.sizes[s], seed: g.seeds[k] });
      expect(gridPosition(g, i)).toEqual([t, a, s, k]);
    }
    expect(() => gridPosition(g, 24)).toThrow(RangeError);
  });

  /** Results of a 1 τ × 2 α × 2 sizes × 2 seeds grid over checkpoints [0, 10, 20], test accuracy = table[i][c]. */
  function fakeResults(): { r: MlpResults; g: MlpGrid } {
    const g: MlpGrid = { taus: [1], alphas: [0.1, 10], sizes: [100, 200], seeds: [0, 1] };
    const acc = [[0.1, 0.5, 0.9], [0.1, 0.7, 1.0], [0.2, 0.99, 1], [0.2, 0.995, 1], [0.1, 0.9, 0.99], [0.3, NaN, NaN], [0.1, 0.2, 0.3], [0.1, 0.4, 0.5]];
    const r = new MlpResults(8, [0, 10, 20]);
    for (let c = 0; c < 3; c++) {
      r.record(c, acc.map((row, i): MlpRecord => ({
        step: 10 * c, diverged: i === 5 && c > 0, trainLoss: i + c, trainAccuracy: 0, testLoss: 0, testAccuracy: row[c], kernelDistance: 0, hamming: 0, paramDistance: 0,
      })));
    }
    return { r, g };
  }

  it('bands over checkpoints and over sizes, with diverged networks counted and left out of the statistics', () => {
    const { r, g } = fakeResults();
    const [lo, hi] = checkpointBands(r, g, 'testAccuracy', 0, 0, 'minmax');
    expect(Array.from(lo.mean)).toEqual([0.1, (0.5 + 0.7) / 2, (0.9 + 1) / 2]);
    expect(Array.from(lo.lo)).toEqual([0.1, 0.5, 0.9]);
    expect(Array.from(lo.hi)).toEqual([0.1, 0.7, 1]);
    expect(hi.diverged).toBe(1); // network 5 (α = 10, size 100, seed 1)
    expect(Array.from(hi.mean)).toEqual([0.2, 0.9, 0.99]);
    const sd = checkpointBands(r, g, 'testAccuracy', 0, 0, 'sd')[0];
    expect(sd.hi[1] - sd.mean[1]).toBeCloseTo(Math.SQRT1_2 * 0.2, 12); // sample sd of {0.5, 0.7}
    const sizes = sizeBands(r, g, 'testAccuracy', 2, 0, 'minmax');
    expect(Array.from(sizes[0].mean)).toEqual([0.95, 1]);
    expect(Array.from(sizes[1].mean)).toEqual([0.99, 0.4]);
    expect(Number.isNaN(sizeBands(r, g, 'testAccuracy', 3, 0, 'minmax')[0].mean[0])).toBe(true); // not recorded
  });

  it('heatmap cells: mean over seeds at a checkpoint, and steps to 0.99 ("not yet" until every seed reached it)', () => {
    const { r, g } = fakeResults();
    const m = gridCells(g, 'size', 0, meanCell(r, 'trainLoss', 1));
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.values)).toEqual([1.5, 3.5, 5.5, 7.5]); // trainLoss = i + 1: rows α, columns size
    const s = gridCells(g, 'size', 0, stepsCell(r, 0.99));
    expect(Array.from(s.values)).toEqual([NaN, 10, NaN, NaN]); // (α 0.1, 200): seeds reach at 10 and 10
    const byTau = gridCells(g, 'tau', 1, meanCell(r, 'testAccuracy', 2));
    expect(byTau).toMatchObject({ rows: 2, cols: 1 });
    expect(Array.from(byTau.values)).toEqual([1, Math.fround(0.4)]);
  });

  it('the CSV export: one row per network × recorded checkpoint, empty cells for values that are not finite', () => {
    const csv = mlpMetricsCsv([{ alpha: 2, tau: 1, seed: 3, trainSize: 10, diverged: true, trainLoss: [1, null], trainAccuracy: [0, 0.5], testLoss: [null, null],
      testAccuracy: [null, null], kernelDistance: [0, 0.25], hamming: [0, 0.1], paramDistance: [0, 2] }], [0, 50]).split('\n');
    expect(csv).toEqual([
      'network,alpha,tau,trainSize,seed,step,diverged,trainLoss,trainAccuracy,testLoss,testAccuracy,kernelDistance,hamming,paramDistance',
      '0,2,1,10,3,0,1,1,0,,,0,0,0', '0,2,1,10,3,50,1,,0.5,,,0.25,0.1,2', '']);
  });
});

describe('mlp app weights', () => {
  it('W₁ is θ\'s first slot; |DFT over a| of a pure frequency is p/2 at k and p − k, 0 elsewhere', () => {
    const arch = { layers: [4, 2, 3], bias: false };
    const theta = Float64Array.from({ length: 4 * 2 + 2 * 3 }, (_, i) => i);
    expect(Array.from(firstLayerOf(arch, theta))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const p = 7, width = 2;
    const W = new Float32Array(width * 2 * p);
    for (let a = 0; a < p; a++) { W[a] = Math.cos((2 * Math.PI * 2 * a) / p); W[2 * p + a] = 1; W[2 * p + p + a] = 5; } // unit 1: constant in a; its b-half is ignored
    const F = modularDft(W, width, p);
    for (let k = 0; k < p; k++) {
      expect(F[k]).toBeCloseTo(k === 2 || k === 5 ? p / 2 : 0, 5); // float32 weights: 1e-5
      expect(F[p + k]).toBeCloseTo(k === 0 ? p : 0, 5);
    }
    expect(() => modularDft(W, 3, p)).toThrow(RangeError);
  });
});

describe('mlp app URL', () => {
  it('view fields (vm, at, net, band) keep the preset\'s name; a run field makes it custom; old URLs read as before', () => {
    const view = modelFromHash(mlpPlugin, '#model=mlp&v=1&p=grokking&vm=hamming&at=3&net=2&band=sd');
    expect(view).toMatchObject({ preset: 'grokking', metric: 'hamming', at: 3, net: 2, band: 'sd', task: 'modular' });
    expect(modelFromHash(mlpPlugin, '#model=mlp&v=1&p=grokking&T=50').preset).toBe('custom');
    // A v=1 URL written before the view fields and task csv existed means what it meant: the defaults fill the new keys.
    const old = modelFromHash(mlpPlugin, '#model=mlp&v=1&p=rhm-reduced&task=rhm&T=120');
    expect(old).toMatchObject({ task: 'rhm', steps: 120, metric: 'testAccuracy', at: -1, net: 0, band: 'minmax' });
    expect(modelFromHash(mlpPlugin, modelToHash(mlpPlugin, view, false))).toEqual(view);
  });
});

describe('mlp app backend setting (app/backend.ts)', () => {
  const software = { isSoftware: true, adapterName: 'SwiftShader Device (Subzero)' };
  const hardware = { isSoftware: false, adapterName: 'NVIDIA H200' };
  const refusal = (choice: string, adapter: typeof software | null): ParamError => {
    try { resolveMlpBackend(choice, adapter); } catch (e) { expect(e).toBeInstanceOf(ParamError); return e as ParamError; }
    throw new Error('expected a ParamError');
  };

  it('auto: the GPU trainer on a hardware adapter, the f64 CPU backend on a software adapter (with the notice) and without WebGPU', () => {
    expect(resolveMlpBackend('auto', hardware)).toEqual({ kind: 'gpu', adapter: 'NVIDIA H200', notice: null });
    const soft = resolveMlpBackend('auto', software);
    expect(soft.kind).toBe('cpu');
    expect(soft.adapter).toBe('f64 CPU reference (auto: SwiftShader Device (Subzero) is a software adapter)');
    expect(soft.notice).toMatch(/^Training on the f64 CPU backend: WebGPU runs on a software adapter \(SwiftShader Device \(Subzero\)\)/);
    expect(soft.notice).toContain('backend=gpu');
    expect(resolveMlpBackend('auto', null)).toEqual({ kind: 'cpu', adapter: 'f64 CPU reference (no WebGPU)', notice: null });
  });

  it('gpu: the GPU trainer on any adapter, software included; refused by name without WebGPU', () => {
    expect(resolveMlpBackend('gpu', software)).toEqual({ kind: 'gpu', adapter: 'SwiftShader Device (Subzero)', notice: null });
    expect(resolveMlpBackend('gpu', hardware)).toEqual({ kind: 'gpu', adapter: 'NVIDIA H200', notice: null });
    const e = refusal('gpu', null);
    expect(e.field).toBe('backend');
    expect(e.message).toBe('backend = gpu (backend): this browser has no WebGPU; training on the f64 CPU backend instead (backend = auto)');
  });

  it('the page\'s estimate is that of the backend that will run: auto on a software adapter or without WebGPU uses no device memory', () => {
    const auto: Params<typeof MLP_SCHEMA> = { ...defaults(MLP_SCHEMA), backend: 'auto' };
    const device = (adapter: typeof software | null | undefined, p = auto) => mlpPlugin.estimate!(p, adapter)!.deviceBytes;
    expect(device(hardware)).toBeGreaterThan(0);
    expect(device(software)).toBe(0);
    expect(device(null)).toBe(0);
    expect(device(undefined)).toBe(device(hardware)); // adapter unknown: the larger (GPU) use, as before
    expect(device(software, { ...auto, backend: 'gpu' })).toBe(device(hardware));
    expect(device(hardware, { ...auto, backend: 'cpu' })).toBe(0);
    // So a device too small for the GPU trainer refuses auto on hardware, but not on the software adapter it would not use.
    const tiny = { maxStorageBufferBindingSize: 1 << 16, maxBufferSize: 1 << 16 };
    expect(() => gateEstimate(mlpPlugin as unknown as Parameters<typeof gateEstimate>[0], auto, null, tiny, hardware)).toThrow(ParamError);
    expect(() => gateEstimate(mlpPlugin as unknown as Parameters<typeof gateEstimate>[0], auto, null, tiny, software)).not.toThrow();
  });

  it('cpu: the f64 CPU backend on every adapter and without WebGPU, no notice', () => {
    for (const a of [software, hardware, null]) expect(resolveMlpBackend('cpu', a)).toEqual({ kind: 'cpu', adapter: 'f64 CPU reference (backend = cpu)', notice: null });
  });

  it('a bad value is refused naming the field: by the resolution, by the schema and in the URL (key backend)', () => {
    const e = refusal('fast', hardware);
    expect([e.field, e.message]).toEqual(['backend', 'backend (backend) must be one of auto, gpu, cpu; got "fast"']);
    const base = defaults(MLP_SCHEMA);
    expect(() => validate(MLP_SCHEMA, { backend: 'fast' }, base)).toThrow(/\(backend\)/);
    expect(() => modelFromHash(mlpPlugin, '#model=mlp&v=1&backend=fast')).toThrow(/backend/);
    // The default is auto; an old URL without the key reads as auto; the key round-trips and keeps the preset's name.
    expect(base.backend).toBe('auto');
    expect(modelFromHash(mlpPlugin, '#model=mlp&v=1&p=rhm-reduced&T=120').backend).toBe('auto');
    const gpu = modelFromHash(mlpPlugin, '#model=mlp&v=1&p=grokking&backend=gpu');
    expect(gpu).toMatchObject({ preset: 'grokking', backend: 'gpu' });
    expect(modelToHash(mlpPlugin, gpu, false)).toContain('&backend=gpu');
    // The CLI config of the app's params does not carry it (the JSON export writes the backend that ran).
    expect(mlpAppConfig(gpu)).not.toHaveProperty('backend');
  });
});
