/**
 * The single-neuron CLI's output text (src/models/singleNeuron/outputJson.ts): the f64 CPU backend writes exactly
 * JSON.stringify of the trajectories; a float32 (GPU) run writes each float32 as its shortest round-trip decimal
 * (bitwise the same float32 after JSON.parse and Math.fround), with the same keys and the f64 fields unchanged.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/models/singleNeuron/config.ts';
import { ensembleFromConfig } from '../../src/models/singleNeuron/cliEnsemble.ts';
import { finishRun, type RawRun, type TrajectoryOutput } from '../../src/models/singleNeuron/output.ts';
import { simulateStream } from '../../src/models/singleNeuron/run.ts';

/** Independent reference of a float32's shortest text length: the fewest digits toPrecision needs to read back. */
function shortestDigits(x: number): number {
  if (x === 0) return 1;
  for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return p;
  throw new Error(`${x}: no 9-digit decimal`);
}
const significant = (s: string) => s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;

/** The number texts of a JSON array's elements, in order (flat; nested arrays flattened). */
const numberTexts = (json: string, key: string): string[] => {
  const m = new RegExp(`"${key}":(\\[[^"]*?\\])(?:,"|})`).exec(json);
  if (!m) throw new Error(`no ${key} in ${json.slice(0, 80)}`);
  return m[1].replace(/[[\]]/g, ' ').split(/[ ,]+/).filter((s) => s !== '');
};

const CPU_CASES: [string, object][] = [
  ['rk4, explicit inits', { data: { XX: [[2, 0.5], [0.5, 1]], Xy: [1, -0.5] }, learningRates: { a: 1, w: 2 }, init: { explicit: [{ a: 0.3, w: [0.1, -0.2] }, { a: -1, w: [0.5, 0.5] }] }, method: 'rk4', step: 0.05, times: [0, 0.5, 2] }],
  ['gd, diverging (bound)', { data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] }, init: { explicit: [{ a: 30, w: [30, 0] }, { a: 0.5, w: [0.1, 0.2] }] }, method: 'gd', step: 0.5, bound: 100, times: [0, 1, 2] }],
  ['singular XX (predictedLimit)', { data: { XX: [[1, 1], [1, 1]], Xy: [1, 1] }, init: { grid: { delta: { from: -1, to: 1, count: 3 }, beta0: { directions: 4, norm: 0.5 } } }, method: 'gd', step: 0.05, times: [0, 1] }],
];

describe('single-neuron output text (outputJson.ts)', () => {
  it.each(CPU_CASES)('CPU backend, %s: exactly JSON.stringify of the trajectories', async (_name, config) => {
    const { output } = await simulateStream({ model: 'single-neuron', backend: 'cpu', ...config });
    const objects = [...output.trajectories()];
    const pieces = [...output.texts()];
    expect(pieces.reduce((s, p) => s + p.count, 0)).toBe(objects.length);
    expect(pieces.map(String).join(',')).toBe(objects.map((t) => JSON.stringify(t)).join(','));
  });

  it('float32 run: same keys, every float32 read back bitwise in its shortest text, f64 fields exactly, null and diverged for NaN', () => {
    const cfg = validateConfig({
      model: 'single-neuron', data: { XX: [[1, 0.3], [0.3, 1]], Xy: [0.5, 0.5] }, method: 'gd', step: 0.01, times: [0, 0.01, 0.02],
      init: { grid: { delta: { from: -2, to: 2, count: 30 }, beta0: { directions: 40, norm: 1 } } },
    });
    const ensemble = ensembleFromConfig(cfg);
    const { n } = ensemble;
    let seed = 7;
    const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
    // float32 snapshots and observables as a GPU run hands them over, with some awkward values
    const snapshots = [1, 0.97, 0.9].map((f) => Float32Array.from(ensemble.state0, (x) => x * f * (1 + 1e-3 * rnd())));
    const observables = [0, 1, 2].map(() => ({
      nu: Float32Array.from({ length: n }, () => (rnd() - 0.5) * 10 ** (8 * rnd() - 4)),
      mu: Float32Array.from({ length: n }, () => 2 * rnd() - 1),
      kernelDistance: Float32Array.from({ length: n }, () => rnd() * 1e-6),
    }));
    observables[1].kernelDistance[3] = -0;
    observables[2].mu[5] = 0;
    snapshots[2][7] = NaN; // a of trajectory 7: null in the JSON and flagged diverged
    const run: RawRun = { ensemble, snapshots, observables, flags: new Uint32Array(n), seconds: 0 };
    const { output } = finishRun(cfg, 'gpu', 'test', true, run, () => {});
    const objects: TrajectoryOutput[] = [...output.trajectories()];
    const text = `[${[...output.texts()].map(String).join(',')}]`;
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    const jsonTexts = text.slice(1, -1).split(/,(?=\{"a")/);
    expect(parsed).toHaveLength(n);
    let numbers = 0;
    parsed.forEach((t, i) => {
      const o = objects[i];
      expect(Object.keys(t)).toEqual(Object.keys(o));
      expect(t.diverged).toBe(i === 7);
      expect(t.delta).toEqual(JSON.parse(JSON.stringify(o.delta))); // f64: as JSON.stringify writes them
      expect(t.excessLoss).toEqual(JSON.parse(JSON.stringify(o.excessLoss)));
      for (const key of ['a', 'w', 'nu', 'mu', 'kernelDistance'] as const) {
        const values = (key === 'w' ? o.w.flat() : o[key]) as number[];
        const texts = numberTexts(jsonTexts[i], key);
        expect(texts).toHaveLength(values.length);
        values.forEach((x, k) => {
          numbers++;
          if (!Number.isFinite(x)) { expect(texts[k]).toBe('null'); return; }
          // bitwise the float32 the run produced, −0 included
          expect(Object.is(Math.fround(JSON.parse(texts[k]) as number), x), `${key}[${k}] of ${i}: ${texts[k]} vs ${x}`).toBe(true);
          expect(significant(texts[k]), `${key}[${k}] of ${i}: ${texts[k]}`).toBeLessThanOrEqual(shortestDigits(Math.abs(x)));
        });
      }
    });
    expect(numbers).toBe(n * 3 * (1 + 2 + 3));
  });
});
