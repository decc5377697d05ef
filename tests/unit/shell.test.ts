/** The shell's generic pieces without a DOM: the hash format and preset rules of src/params/url.ts, and the runner's plan mode. */
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/params/schema.ts';
import { expandPresetChange, modelFromHash, modelToHash } from '../../src/params/url.ts';
import { DEFAULT_MODEL, MODELS } from '../../src/models/registry.ts';
import { Runner, type RunPlan, type SteppedBackend } from '../../src/app/runner.ts';

describe('generic hash of every registered model', () => {
  it('round-trips the defaults and every preset; model= comes first except for the default model', () => {
    for (const m of MODELS) {
      const isDefault = m === DEFAULT_MODEL;
      for (const name of [null, ...Object.keys(m.presets)]) {
        const p = name === null ? defaults(m.schema) : modelFromHash(m, `${isDefault ? '#' : `#model=${m.id}&`}v=${m.urlVersion}&p=${name}`);
        const hash = modelToHash(m, p, isDefault);
        expect(hash.startsWith(isDefault ? `#v=${m.urlVersion}&` : `#model=${m.id}&v=${m.urlVersion}&`)).toBe(true);
        expect(modelFromHash(m, hash)).toEqual(p);
      }
      expect(() => modelFromHash(m, `#model=${m.id}x&v=${m.urlVersion}`)).toThrow(/does not belong here/);
    }
  });

  it('a change naming a preset expands it; a hand edit of a preset field (not a view field) makes it "custom"', () => {
    for (const m of MODELS) {
      const [name, preset] = Object.entries(m.presets)[0];
      expect(expandPresetChange(m, { preset: name })).toEqual({ ...preset, preset: name });
      const field = Object.keys(preset).find((k) => !m.viewFields.has(k))!;
      expect(expandPresetChange(m, { [field]: preset[field as keyof typeof preset] }).preset).toBe('custom');
      const view = [...m.viewFields].find((k) => k in m.schema)!;
      expect(expandPresetChange(m, { [view]: defaults(m.schema)[view] }).preset).toBeUndefined();
    }
  });
});

describe('runner plan mode', () => {
  it('records step 0 like any checkpoint when the plan has no closed form, batch by batch', async () => {
    const log: string[] = [];
    const plan: RunPlan<SteppedBackend> = {
      batches: 2, batchSize: () => 3, checkpoints: [0, 5, 10], work: { steps: 60, metrics: 12 },
      async create(b) {
        let steps = 0;
        log.push(`create ${b}`);
        return {
          get stepCount() { return steps; },
          async advance(k, onProgress) { steps += k; onProgress?.(k, k); },
          destroy() { log.push(`destroy ${b}`); },
        };
      },
      async record(backend, b, c) { log.push(`record ${b}.${c} @${backend.stepCount}`); },
    };
    const runner = new Runner(plan);
    await runner.run();
    expect(runner.progress).toMatchObject({ state: 'done', batch: 2, batches: 2, checkpointsDone: 6, fraction: 1, etaSeconds: 0 });
    expect(log).toEqual(['create 0', 'record 0.0 @0', 'record 0.1 @5', 'record 0.2 @10', 'destroy 0',
      'create 1', 'record 1.0 @0', 'record 1.1 @5', 'record 1.2 @10', 'destroy 1']);
  });
});
