/** Shared GPU-test setup: one device per test file, created in beforeAll (Dawn needs the forks pool). */
import { initGpu, type GpuContext } from '../../src/gpu/device.ts';

/** Creates the device; fails the suite (does not skip) when no adapter exists, with initGpu's advice. */
export async function testGpu(): Promise<GpuContext> {
  const errors: string[] = [];
  const ctx = await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  (ctx as GpuContext & { errors: string[] }).errors = errors;
  return ctx;
}

/** WebGPU validation errors seen since the device was created (uncapturederror / lost). */
export function gpuErrors(ctx: GpuContext): string[] {
  return (ctx as GpuContext & { errors?: string[] }).errors ?? [];
}
