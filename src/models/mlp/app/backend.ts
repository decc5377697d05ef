/**
 * Where the mlp page trains (URL key `backend`, params.ts): 'auto' (default) is the GPU ensemble trainer on a hardware
 * adapter and the f64 CPU backend on a software one (SwiftShader: the f64 backend is 2–3.5× faster for these networks,
 * measured in tests/e2e/mlp.test.ts MLP_MEASURE), 'gpu' the GPU trainer (refused without WebGPU), 'cpu' the f64
 * backend. Pure: no DOM, no device.
 */
import type { EstimateAdapter } from '../../estimate.ts';
import { ParamError } from '../../../params/schema.ts';

/** The setting's values. */
export type MlpBackendChoice = 'auto' | 'gpu' | 'cpu';

/** What the resolution needs of the WebGPU adapter the shell opened (GpuContext's fields); null: no WebGPU. */
export type MlpAdapterInfo = EstimateAdapter;

/** The resolved backend: its kind, the adapter text the HUD and the JSON header show, and a notice (null: none). */
export interface MlpBackendResolution {
  kind: 'gpu' | 'cpu';
  /** For kind 'cpu': why, in the adapter's place ('f64 CPU reference (…)'); for 'gpu': the adapter's name. */
  adapter: string;
  /** The 'mlp-backend' notice: set when auto chose the f64 backend on a software adapter. */
  notice: string | null;
}

/**
 * Resolves `choice` on `adapter` (see the file comment).
 * @throws ParamError naming `backend`: 'gpu' without WebGPU (the caller runs 'auto' instead, i.e. the f64 backend),
 *   or a value that is not auto, gpu or cpu.
 */
export function resolveMlpBackend(choice: string, adapter: MlpAdapterInfo | null): MlpBackendResolution {
  if (choice === 'cpu') return { kind: 'cpu', adapter: 'f64 CPU reference (backend = cpu)', notice: null };
  if (choice === 'gpu') {
    if (!adapter) throw new ParamError('backend', 'backend = gpu (backend): this browser has no WebGPU; training on the f64 CPU backend instead (backend = auto)');
    return { kind: 'gpu', adapter: adapter.adapterName, notice: null };
  }
  if (choice !== 'auto') throw new ParamError('backend', `backend (backend) must be one of auto, gpu, cpu; got ${JSON.stringify(choice)}`);
  if (!adapter) return { kind: 'cpu', adapter: 'f64 CPU reference (no WebGPU)', notice: null };
  if (!adapter.isSoftware) return { kind: 'gpu', adapter: adapter.adapterName, notice: null };
  return {
    kind: 'cpu', adapter: `f64 CPU reference (auto: ${adapter.adapterName} is a software adapter)`,
    notice: `Training on the f64 CPU backend: WebGPU runs on a software adapter (${adapter.adapterName}), where the f64 backend is 2–3.5× faster for these networks. `
      + 'To train on the adapter anyway, set backend = gpu (URL key backend=gpu). '
      + 'Measured on two shared cores: rhm-reduced about 6 min, grokking about 1 h; shrink a run with fewer steps (T), sizes (n, nt), seeds (sn) '
      + 'or α/τ values (a, t); the ETA is in the HUD.',
  };
}
