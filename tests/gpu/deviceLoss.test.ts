/**
 * initGpu's loss path (issue 11 defect 1): a device destroyed by someone other than the app is reported
 * (reason 'destroyed', ctx.lost set first); one destroyed through releaseGpu is not; uncaptured errors
 * of a lost device are not reported again. Dawn (the `webgpu` package) on this machine's adapter.
 */
import { describe, expect, it } from 'vitest';
import { initGpu, releaseGpu, type GpuLossInfo } from '../../src/gpu/device.ts';

describe('initGpu device loss', () => {
  it('reports device.destroy() by another party as a loss (reason destroyed), with ctx.lost already set', async () => {
    const seen: { message: string; info: GpuLossInfo; lostFlag: boolean }[] = [];
    const ctx = await initGpu({ onLost: (message, info) => seen.push({ message, info, lostFlag: ctx.lost }) });
    const lostBefore = ctx.lost;
    ctx.device.destroy();
    await ctx.device.lost;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toHaveLength(1);
    expect(seen[0].info.reason).toBe('destroyed');
    expect(seen[0].message).toMatch(/^WebGPU device lost \(destroyed\)/);
    expect(seen[0].lostFlag).toBe(true);
    expect(lostBefore).toBe(false);
  });

  it('does not report a device the app released itself', async () => {
    const seen: string[] = [];
    const ctx = await initGpu({ onLost: (m) => seen.push(m) });
    releaseGpu(ctx);
    await ctx.device.lost;
    await new Promise((r) => setTimeout(r, 50));
    expect(ctx.lost).toBe(true);
    expect(ctx.released).toBe(true);
    expect(seen).toEqual([]);
  });
});
