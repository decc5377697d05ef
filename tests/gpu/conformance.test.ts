/**
 * Conformance, part 2 (GPU): every registered model (src/models/registry.ts) passes these on the Dawn
 * adapter (SwiftShader here), so a new model gets its tests by being registered:
 * - the tiny example on the GPU (f32) and the CPU (f64) backends agrees within the model's stated
 *   tolerance (`examples.tolerance`, per result field; every other field is equal exactly);
 * - in the diverging example, exactly the expected entries are flagged `diverged` on both backends,
 *   they are frozen at a finite state (no NaN, ±Infinity or null anywhere in the entry), and the others
 *   are not flagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import type { ModelPlugin, ResultDocument, Tolerance } from '../../src/models/plugin.ts';
import { MODELS } from '../../src/models/registry.ts';
import { JsonText } from '../../src/cli/resultFile.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

type Entry = Record<string, unknown>;

async function run(plugin: ModelPlugin, config: Record<string, unknown>, backend: 'gpu' | 'cpu'): Promise<{ header: Entry; entries: Entry[] }> {
  const cli = await plugin.loadCli();
  const doc: ResultDocument = await cli.simulate(cli.parseConfig(structuredClone(config)), { backend, ctx });
  const entries: Entry[] = [];
  // A model may stream pre-serialised pieces of several entries (src/cli/resultFile.ts JsonText): read them as the file would be.
  for await (const e of doc.entries) {
    if (e instanceof JsonText) entries.push(...(JSON.parse(`[${e.toString()}]`) as Entry[]));
    else entries.push(e as Entry);
  }
  return { header: doc.header, entries };
}

/** Every number (leaf) under a value, in order; null, NaN and ±Infinity come out as NaN. */
function numbers(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(Number.isFinite(v) ? v : NaN);
  else if (v === null) out.push(NaN);
  else if (Array.isArray(v)) for (const x of v) numbers(x, out);
  else if (ArrayBuffer.isView(v)) out.push(...Array.from(v as unknown as ArrayLike<number>));
  return out;
}

describe.each(MODELS.map((m) => [m.id, m] as const))('model %s', (_id, plugin) => {
  it('CPU and GPU agree on the tiny example within the stated tolerance', async () => {
    const [gpu, cpu] = [await run(plugin, plugin.examples.tiny, 'gpu'), await run(plugin, plugin.examples.tiny, 'cpu')];
    expect(gpu.entries.length).toBe(cpu.entries.length);
    expect(gpu.entries.length).toBeGreaterThan(1);
    const worst: Record<string, number> = {};
    gpu.entries.forEach((g, i) => {
      const c = cpu.entries[i];
      expect(Object.keys(g).sort()).toEqual(Object.keys(c).sort());
      for (const key of Object.keys(c)) {
        const [gv, cv] = [numbers(g[key]), numbers(c[key])];
        if (gv.length === 0) { expect(g[key], key).toEqual(c[key]); continue; }
        expect(gv.length, key).toBe(cv.length);
        const tol: Tolerance = plugin.examples.tolerance[key] ?? plugin.examples.tolerance.default;
        gv.forEach((x, k) => {
          const err = Math.abs(x - cv[k]);
          worst[key] = Math.max(worst[key] ?? 0, err / (tol.abs + tol.rel * Math.abs(cv[k]) || 1));
          expect(err, `${key}[${k}] of entry ${i}: gpu ${x}, cpu ${cv[k]}`).toBeLessThanOrEqual(tol.abs + tol.rel * Math.abs(cv[k]));
        });
      }
    });
    console.log(`${plugin.id}: worst |gpu − cpu| as a fraction of its bound, per field: ${JSON.stringify(worst)}`);
  });

  it.each(['gpu', 'cpu'] as const)('the diverging example is flagged, frozen finite and counted on the %s backend', async (backend) => {
    const { entries } = await run(plugin, plugin.examples.diverging, backend);
    expect(entries.map((e) => e.diverged)).toEqual(plugin.examples.divergedEntries);
    for (const e of entries.filter((x) => x.diverged)) expect(numbers(e).every(Number.isFinite)).toBe(true);
  });
});
