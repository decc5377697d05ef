/**
 * Progress of `lazyrich simulate` for the mlp model counts network-steps on both backends (src/models/mlp/run.ts):
 * the GPU trainer reports steps and the f64 trainer network-steps, and the CLI's line must reach its total either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { mlpPlugin } from '../../src/models/mlp/plugin.ts';
import { mlpExamples } from '../../src/models/mlp/examples.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

describe('mlp simulate progress', () => {
  for (const backend of ['gpu', 'cpu'] as const) {
    it(`${backend}: rises monotonically to networks × steps (4 × 60)`, async () => {
      const cli = await mlpPlugin.loadCli();
      const cfg = cli.parseConfig(structuredClone(mlpExamples.tiny));
      const seen: [number, number][] = [];
      await cli.simulate(cfg, { backend, ctx, onProgress: (d, t) => seen.push([d, t]) });
      expect(seen.at(-1)).toEqual([4 * 60, 4 * 60]);
      expect(seen.every(([d, t], i) => t === 4 * 60 && (i === 0 || d >= seen[i - 1][0]))).toBe(true);
    });
  }
});
