/**
 * Issue 12 item 2: the relu2 tiled kernel's subgroup path (shaders/relu2/relu2StepTiled.wgsl.ts `subgroups`:
 * the sum of each sample's partial outputs across unit columns by subgroupShuffleXor) and its plain path, both
 * against the f64 reference (src/theory/relu2.ts trainRelu2, docs/theory.md §3) with the tolerances of
 * tests/gpu/relu2.test.ts, shared in tests/helpers/relu2Grids.ts expectMatchesF64 (loss and ‖θ − θ₀‖ 1e-5 relative,
 * S 1e-6 absolute, H exact, W and a 1e-6 absolute).
 * SwiftShader through Dawn in Node offers `subgroups` (subgroup size 4), so both paths run here; a device opened
 * without the feature gets the plain path by default and a clear error when the subgroup path is forced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.ts';
import { Relu2Sim } from '../../src/models/relu2/sim.ts';
import { relu2StepTiledShader, tiledKernelShape } from '../../shaders/relu2/relu2StepTiled.wgsl.ts';
import { gpuErrors, testGpu } from '../helpers/gpu.ts';
import { expectMatchesF64, LEAKY_SLOPE, leakyMultiTileGrid, PADDED_SLOPE, paddedUnitsGrid, runTo } from '../helpers/relu2Grids.ts';

let ctx: GpuContext;
beforeAll(async () => { ctx = await testGpu(); });
afterAll(() => { expect(gpuErrors(ctx)).toEqual([]); ctx?.device.destroy(); });

type Grid = ReturnType<typeof leakyMultiTileGrid>;

/** Trains `grid` with the tiled kernel (subgroups on or off) and checks every checkpoint and the final θ against f64. */
async function checkAgainstF64(grid: Grid, slope: number, checkpoints: number[], subgroups: boolean): Promise<Relu2Sim> {
  const sim = await Relu2Sim.create(ctx, { datasets: grid.datasets, networks: grid.networks, slope }, { kernel: 'tiled', subgroups });
  expect(sim.subgroups).toBe(subgroups);
  const gpu = await runTo(sim, checkpoints);
  expectMatchesF64(grid, slope, checkpoints, gpu, await sim.readParams());
  return sim;
}

describe('relu2 tiled kernel: subgroup and plain reductions', () => {
  it('the adapter offers subgroups and the device has them (Dawn/SwiftShader here); the subgroup path is the default there', async () => {
    expect(ctx.adapter.features.has('subgroups')).toBe(true);
    expect(ctx.device.features.has('subgroups')).toBe(true);
    const g = leakyMultiTileGrid();
    const sim = await Relu2Sim.create(ctx, { datasets: g.datasets, networks: g.networks.slice(0, 1), slope: LEAKY_SLOPE }, { kernel: 'tiled' });
    expect(sim.subgroups).toBe(true);
    sim.destroy();
  });

  for (const subgroups of [true, false]) {
    it(`${subgroups ? 'subgroup' : 'plain'} path, leaky multi-tile grid (TK = 4): matches f64 at steps 0, 1, 50, 300`, async () => {
      (await checkAgainstF64(leakyMultiTileGrid(), LEAKY_SLOPE, [0, 1, 50, 300], subgroups)).destroy();
    });
    it(`${subgroups ? 'subgroup' : 'plain'} path, m = 98 (WG = 128, TK = 16: partials of several subgroups): matches f64 over 100 steps`, async () => {
      expect(tiledKernelShape(98, 84, 40).wg / tiledKernelShape(98, 84, 40).ti).toBe(16);
      (await checkAgainstF64(paddedUnitsGrid(), PADDED_SLOPE, [0, 1, 100], subgroups)).destroy();
    });
  }

  it('gates on the feature: the plain WGSL names no subgroup op; a device without the feature runs the plain path and refuses the subgroup one', async () => {
    const shape = tiledKernelShape(50, 20, 200);
    expect(relu2StepTiledShader(shape)).not.toMatch(/subgroup/);
    expect(relu2StepTiledShader(shape, { subgroups: true })).toMatch(/^enable subgroups;\n[\s\S]*subgroupShuffleXor/);
    // A second adapter from the Dawn instance initGpu kept (src/gpu/device.ts keepAlive), opened without the feature.
    const instances = ctx.keepAlive as GPU[];
    const adapter = await instances[instances.length - 1].requestAdapter();
    const device = await adapter!.requestDevice({ label: 'relu2Subgroups.plainDevice' });
    expect(device.features.has('subgroups')).toBe(false);
    const plain = { ...ctx, device };
    const g = leakyMultiTileGrid();
    const spec = { datasets: g.datasets, networks: g.networks.slice(0, 2), slope: LEAKY_SLOPE };
    await expect(Relu2Sim.create(plain, spec, { kernel: 'tiled', subgroups: true })).rejects.toThrow(/no `subgroups` feature/);
    const sim = await Relu2Sim.create(plain, spec, { kernel: 'tiled' });
    expect(sim.subgroups).toBe(false);
    await sim.advance(3);
    expect((await sim.readParams()).every((p) => !p.diverged)).toBe(true);
    sim.destroy();
    device.destroy();
  });
});
