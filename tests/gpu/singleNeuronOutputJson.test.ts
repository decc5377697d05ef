/**
 * `lazyrich simulate` on the GPU writes each float32 of its result (a, w, ν, μ, S) as the shortest decimal that
 * reads back as the same float32 (src/cli/numberFormat.ts, issue 12), and its file parses to the same keys and
 * values as the run's trajectories (f32 fields bitwise after Math.fround, f64 fields exactly).
 * The reference is the same run in process (simulateStream on the same device: the kernels are deterministic).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { simulateStream, type TrajectoryOutput } from '../../src/models/singleNeuron/run.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

const quiet: CliIo = { stdout: { write: () => true } as unknown as NodeJS.WriteStream, stderr: { write: () => true } as unknown as NodeJS.WriteStream };

/** Fewest digits of toPrecision's nearest decimal that reads back as the float32 x (an independent reference). */
function shortestDigits(x: number): number {
  if (x === 0) return 1;
  for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return p;
  throw new Error(`${x}: no 9-digit decimal`);
}
const significant = (s: string) => s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;

describe('simulate output text on the GPU', () => {
  it.each([['XX = I', [[1, 0], [0, 1]]], ['SPD XX', [[1, 0.3], [0.3, 1]]]])('%s: shortest float32 texts, bitwise values, same keys', async (_name, XX) => {
    const config = {
      model: 'single-neuron', data: { XX, Xy: [0.5, 0.5] }, method: 'gd', step: 0.01, times: [0, 0.05, 1],
      init: { grid: { delta: { from: -2, to: 2, count: 12 }, beta0: { directions: 10, norm: 1 } } },
    };
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-outjson-'));
    const cfgFile = join(dir, 'cfg.json'), out = join(dir, 'out.json');
    writeFileSync(cfgFile, JSON.stringify(config));
    expect(await main(['node', 'lazyrich', 'simulate', cfgFile, '--out', out], quiet)).toBe(0);
    const text = readFileSync(out, 'utf8');
    const doc = JSON.parse(text) as { trajectories: Record<string, unknown>[] };
    const { output } = await simulateStream(config, { ctx });
    const objects: TrajectoryOutput[] = [...output.trajectories()];
    expect(doc.trajectories).toHaveLength(objects.length);
    const entries = text.slice(text.indexOf('"trajectories":[') + 16, text.lastIndexOf(']}')).split(/,(?=\{"a")/);
    let checked = 0;
    doc.trajectories.forEach((t, i) => {
      const o = objects[i];
      expect(Object.keys(t)).toEqual(Object.keys(o));
      expect(t.delta).toEqual(o.delta);
      expect(t.excessLoss).toEqual(o.excessLoss);
      expect(t.diverged).toBe(o.diverged);
      for (const key of ['a', 'w', 'nu', 'mu', 'kernelDistance'] as const) {
        const values = key === 'w' ? o.w.flat() : o[key];
        const m = new RegExp(`"${key}":(\\[[^"]*?\\])(?:,"|})`).exec(entries[i]);
        const texts = m![1].replace(/[[\]]/g, ' ').split(/[ ,]+/).filter((s) => s !== '');
        expect(texts).toHaveLength(values.length);
        values.forEach((x, k) => {
          expect(Object.is(Math.fround(Number(texts[k])), x), `${key} ${i}/${k}: ${texts[k]} vs ${x}`).toBe(true);
          expect(significant(texts[k]), `${key} ${i}/${k}: ${texts[k]}`).toBeLessThanOrEqual(shortestDigits(Math.abs(x)));
          checked++;
        });
      }
    });
    expect(checked).toBe(120 * 3 * 6);
  });
});
