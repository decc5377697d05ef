/**
 * The app half of the relu2 plugin (loaded lazily by its plugin.ts): builds the relu2 page in the body
 * and starts {@link Relu2App} on the GPU the shell opened, or on the f64 CPU reference without WebGPU.
 */
import type { AppShortcuts, ModelApp } from '../../plugin.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import type { Relu2AppParams } from '../params.ts';
import { Relu2Sim } from '../sim.ts';
import { defaultRelu2Kernel, relu2KernelOverride } from '../layout.ts';
import { Relu2App, type Relu2Backends, type Relu2Slots } from './app.ts';
import { CpuRelu2Backend } from '../cpu.ts';
import './style.css';

/** Builds the relu2 page inside the body (the single-neuron stage is hidden). @returns the slots the app fills. */
export function buildRelu2Page(): Relu2Slots {
  document.body.classList.add('relu2-mode');
  document.title = 'lazyrich — two-layer ReLU: lazy, rich and delayed-rich regimes (Fig. 1)';
  const stage = document.getElementById('stage');
  if (stage) stage.hidden = true;
  const root = document.createElement('main');
  root.id = 'relu2';
  root.className = 'r2';
  const runBar = Object.assign(document.createElement('section'), { id: 'r2-runbar' });
  const notices = document.getElementById('notices');
  const panels = Object.assign(document.createElement('div'), { id: 'r2-panels', className: 'r2-panels' });
  const map = Object.assign(document.createElement('section'), { id: 'r2-map-panel' });
  const cells = Object.assign(document.createElement('section'), { id: 'r2-cells-panel' });
  const parity = Object.assign(document.createElement('section'), { id: 'r2-parity-panel' });
  const units = Object.assign(document.createElement('section'), { id: 'r2-units-panel' });
  panels.append(map, cells, parity, units);
  root.append(runBar);
  if (notices) root.append(notices);
  root.append(panels);
  document.body.append(root);
  return { runBar, panels, map, cells, parity, units };
}

/** The networks on the f64 CPU reference (no WebGPU, or no new device after a loss). */
function cpuBackends(): Relu2Backends {
  return { factory: (spec) => CpuRelu2Backend.create(spec), limits: null, adapter: 'f64 CPU reference (no WebGPU)', kind: 'cpu' };
}

/** The networks on `ctx`'s device. */
function gpuBackends(ctx: GpuContext): Relu2Backends {
  // 100 ms per submission (Relu2Sim's default is 50): in Chrome, onSubmittedWorkDone answers with tens of
  // ms of latency, and below that target the chunk adaptation shrinks small runs (Fig. 1a) to one step
  // per submission; 100 ms is 5× faster there and still far from any GPU watchdog.
  // The kernel: the app's kernel= URL key (set as layout.ts relu2KernelOverride before each rebuild), else by adapter.
  const kernelNow = () => relu2KernelOverride() ?? defaultRelu2Kernel(ctx.isSoftware);
  return {
    factory: (spec) => Relu2Sim.create(ctx, spec, { targetMs: 100, kernel: kernelNow() }), limits: ctx.limits,
    get kernel() { return kernelNow(); }, adapter: ctx.adapterName, kind: 'gpu',
  };
}

/** The relu2 app half: exposed as window.lazyrich.relu2 (on the GPU, or on the f64 CPU reference without WebGPU). */
export const relu2App: ModelApp<Relu2AppParams> = {
  exposeAs: 'relu2',
  softwareAdapterNote: (adapter) => `WebGPU runs on a software adapter (${adapter}): results are exact, speed is CPU speed — `
    + 'a few thousand network-steps per second at m = 50, n = 200, d = 20 (two cores), so the reduced Fig. 1b grid (10⁴ steps) '
    + 'takes a quarter of an hour or more here (the ETA shows it). Fig. 1a as in the paper (10⁶ steps) is slow here too; its quick variant (fig1a-quick, 10⁵ steps, the same training time) takes minutes.',
  async start(shell) {
    const slots = buildRelu2Page();
    const ctx = shell.gpu;
    if (!ctx) {
      const app = Relu2App.start(cpuBackends(), slots, shell);
      return {
        app, shortcuts: relu2Shortcuts(app),
        fallbackNote: 'Meanwhile the networks train on the f64 CPU reference in this tab: fine for the Fig. 1a preset, slow for grids.',
      };
    }
    const app = Relu2App.start(gpuBackends(ctx), slots, shell);
    return {
      app,
      shortcuts: relu2Shortcuts(app),
      gpuLost: () => app.gpuLost(),
      gpuRestored: (gpu) => app.gpuRestored(gpu ? gpuBackends(gpu) : cpuBackends()),
    };
  },
};

/** Keyboard actions on the ReLU page: space cancels a running grid or resumes a cancelled one; r runs it again from step 0. */
function relu2Shortcuts(app: Relu2App): AppShortcuts {
  return {
    playPause: () => {
      const { state } = app.status;
      if (state === 'running') app.cancel();
      else if (state === 'cancelled') app.resume();
    },
    reset: () => app.restart(),
  };
}
