/**
 * The app half of the mlp plugin (loaded lazily by its plugin.ts): builds the mlp page in the body and starts
 * {@link MlpApp} where the `backend` setting says (backend.ts): the GPU the shell opened (the ensemble trainer of
 * src/models/mlp/gpu/, with the kernel the CLI picks: 'direct' on a software adapter, 'tiled' on a GPU), or the f64 CPU
 * backend (without WebGPU, with backend = cpu, and with auto on a software adapter, where it is 2–3.5× faster).
 */
import type { AppShortcuts, ModelApp } from '../../plugin.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import { mlpGpuJobOf } from '../gpuJob.ts';
import { validateMlpGpuJob } from '../gpu/job.ts';
import { createMlpBackend } from '../run.ts';
import { MlpApp, type MlpBackends, type MlpSlots } from './app.ts';
import { mlpCpuAppBackend } from './plan.ts';
import { resolveMlpBackend } from './backend.ts';
import type { MlpAppParams } from './experiment.ts';
import './style.css';

/** Builds the page inside the body (the single-neuron stage is hidden). @returns the slots the app fills. */
export function buildMlpPage(): MlpSlots {
  document.body.classList.add('mlp-mode');
  document.title = 'lazyrich — deep MLPs: α-scaled initialisation, sample complexity and grokking (Part III)';
  const stage = document.getElementById('stage');
  if (stage) stage.hidden = true;
  const root = Object.assign(document.createElement('main'), { id: 'mlp', className: 'mlp' });
  const runBar = Object.assign(document.createElement('section'), { id: 'mlp-runbar', className: 'mlp-run' });
  const hud = Object.assign(document.createElement('div'), { id: 'mlp-hud', className: 'mlp-hud' });
  hud.setAttribute('aria-live', 'polite');
  runBar.append(hud);
  const panels = Object.assign(document.createElement('div'), { id: 'mlp-panels', className: 'mlp-panels' });
  const mk = (id: string) => Object.assign(document.createElement('section'), { id });
  const curves = mk('mlp-curves-panel'), sample = mk('mlp-sample-panel'), grid = mk('mlp-grid-panel'), weights = mk('mlp-weights-panel');
  panels.append(curves, sample, grid, weights);
  root.append(runBar);
  const notices = document.getElementById('notices');
  if (notices) root.append(notices);
  root.append(panels);
  document.body.append(root);
  return { root, hud, panels, curves, sample, grid, weights };
}

/** The networks on the f64 CPU backend (no WebGPU, backend = cpu, auto on a software adapter, or no new device after a loss). */
function cpuBackends(adapter: string, notice: string | null): MlpBackends {
  return {
    create: async (job) => mlpCpuAppBackend(job),
    readThetas: async (b) => { const c = b as ReturnType<typeof mlpCpuAppBackend>; return Array.from({ length: c.count }, (_, i) => c.theta(i)); },
    adapter, kind: 'cpu', notice,
  };
}

/** The networks on `ctx`'s device (f32), through the CLI's own createMlpBackend. */
function gpuBackends(ctx: GpuContext): MlpBackends {
  return {
    create: async (job) => (await createMlpBackend(job, 'gpu', { ctx })).backend,
    check: (job) => { validateMlpGpuJob(mlpGpuJobOf(job), ctx.limits, ctx.isSoftware ? 'direct' : 'tiled'); },
    readThetas: async (b) => (await (b as unknown as { readParams(): Promise<{ params: Float64Array }[]> }).readParams()).map((r) => r.params),
    adapter: ctx.adapterName, kind: 'gpu', notice: null,
  };
}

/**
 * The backends of the `backend` setting on `ctx` (null: no WebGPU, or none after a device loss): backend.ts resolveMlpBackend.
 * @throws ParamError naming `backend` for 'gpu' without a device, or a value that is not auto, gpu or cpu.
 */
export function mlpBackendsFor(choice: string, ctx: GpuContext | null): MlpBackends {
  const r = resolveMlpBackend(choice, ctx);
  return r.kind === 'gpu' ? gpuBackends(ctx!) : cpuBackends(r.adapter, r.notice);
}

/** Keyboard: space cancels a running run or resumes a cancelled one; r runs it again from θ₀. */
const shortcuts = (app: MlpApp): AppShortcuts => ({ playPause: () => app.cancelResume(), reset: () => app.restart() });

/** The mlp app half: exposed as window.lazyrich.mlp. */
export const mlpApp: ModelApp<MlpAppParams> = {
  exposeAs: 'mlp',
  // Measured (tests/e2e/mlp.test.ts, MLP_MEASURE=1) on 2 shared cores at load ≈ 8: one checkpoint interval, × the intervals.
  softwareAdapterNote: (adapter) => `WebGPU runs on a software adapter (${adapter}): results are exact, speed is CPU speed, and slow for these networks, `
    + 'so backend = auto (the default) trains them on the f64 CPU backend, 2–3.5× faster here. '
    + 'Measured on two shared cores: rhm-reduced (18 networks, 2,000 steps) about 6 min on the f64 backend (on the adapter, backend = gpu: about 13 min), '
    + 'grokking (75 networks, 3,000 full-batch steps) about 1 h (adapter: about 2.5 h), rhm-fig6c far longer. '
    + 'Shrink a run in the URL or the controls: fewer steps (T), training sizes (n), test samples (nt), seeds (sn) or α/τ values (a, t); the ETA is in the HUD.',
  async start(shell) {
    const slots = buildMlpPage();
    const ctx = shell.gpu;
    const app = MlpApp.start(mlpBackendsFor, ctx, slots, shell);
    if (!ctx) return { app, shortcuts: shortcuts(app), fallbackNote: 'Meanwhile the networks train on the f64 CPU backend in this tab (slow: shrink the steps or sizes in the URL).' };
    return { app, shortcuts: shortcuts(app), gpuLost: () => app.gpuLost(), gpuRestored: (gpu) => app.gpuRestored(gpu) };
  },
};
