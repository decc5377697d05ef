/**
 * Issue 12 item 2: the relu2 app's `kernel=` URL key (src/models/relu2/params.ts RELU2_SCHEMA.kernel): `auto` by
 * default (the adapter decides: layout.ts defaultRelu2Kernel), thread | workgroup | tiled override it (the
 * app sets layout.ts setRelu2KernelOverride before each rebuild); an unknown kernel is refused by its key; the
 * key selects code, not networks, so it keeps a preset's name and leaves the CLI config (appConfig) unchanged.
 */
import { describe, expect, it } from 'vitest';
import { defaults, ParamError, validate } from '../../src/params/schema.ts';
import { modelFromHashKeeping } from '../../src/params/url.ts';
import { kernelOfParams, RELU2_SCHEMA } from '../../src/models/relu2/params.ts';
import { relu2Plugin } from '../../src/models/relu2/plugin.ts';
import { relu2FromHash, relu2ToHash } from '../../src/models/relu2/app/url.ts';
import { RELU2_KERNELS } from '../../src/models/relu2/layout.ts';

const base = defaults(RELU2_SCHEMA);

describe('relu2 kernel= URL key', () => {
  it('defaults to auto (by adapter), and auto means no override', () => {
    expect(base.kernel).toBe('auto');
    expect(kernelOfParams(base)).toBeUndefined();
    expect(relu2ToHash(base)).toContain('&kernel=auto');
  });

  it('selects every step kernel, round-trips, keeps the preset and leaves the CLI config unchanged', () => {
    for (const kernel of RELU2_KERNELS) {
      const p = relu2FromHash(`#model=relu2&v=1&p=fig1b-reduced&kernel=${kernel}`);
      expect(p.kernel).toBe(kernel);
      expect(kernelOfParams(p)).toBe(kernel);
      expect(p.preset).toBe('fig1b-reduced');
      expect(relu2FromHash(relu2ToHash(p))).toEqual(p);
      expect(relu2Plugin.appConfig(p)).toEqual(relu2Plugin.appConfig(base));
    }
  });

  it('refuses an unknown kernel by its URL key, listing the allowed ones', () => {
    const attempt = () => relu2FromHash('#model=relu2&v=1&kernel=warp');
    expect(attempt).toThrow(ParamError);
    expect(attempt).toThrow(/URL key kernel: GPU step kernel \(kernel\) must be one of "auto", "thread", "workgroup", "tiled"; got "warp"/);
    expect(() => validate(RELU2_SCHEMA, { kernel: 'subgroup' as never }, base)).toThrow(/kernel/);
    // In the app's start-up path the bad key is dropped on its own with a notice naming it; the others apply.
    const kept = modelFromHashKeeping(relu2Plugin, '#model=relu2&v=1&kernel=warp&T=20', relu2Plugin.checkParams, base);
    expect(kept.params.kernel).toBe('auto');
    expect(kept.params.steps).toBe(20);
    expect(kept.errors.map((e) => e.message).join('\n')).toMatch(/URL key kernel:/);
  });
});
