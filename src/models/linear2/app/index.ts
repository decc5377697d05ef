/**
 * The app half of the linear2 plugin (loaded lazily by its plugin.ts): builds the linear2 page in the body and
 * starts {@link Linear2App} on the GPU the shell opened (Linear2Sim), or on the f64 CPU backend without WebGPU.
 */
import type { AppShortcuts, ModelApp } from '../../plugin.ts';
import type { GpuContext } from '../../../gpu/device.ts';
import { Linear2Sim } from '../sim.ts';
import { Linear2App, type Linear2Backends, type Linear2Slots } from './app.ts';
import { CpuLinear2Backend, type Linear2Stepper } from './cpuBackend.ts';
import type { Linear2AppParams } from './experiment.ts';
import './style.css';

/** Builds the page inside the body (the single-neuron stage is hidden). @returns the slots the app fills. */
export function buildLinear2Page(): Linear2Slots {
  document.body.classList.add('linear2-mode');
  document.title = 'lazyrich — wide two-layer linear networks: the singular-value mirror flow (Part II)';
  const stage = document.getElementById('stage');
  if (stage) stage.hidden = true;
  const root = Object.assign(document.createElement('main'), { id: 'linear2', className: 'l2' });
  const runBar = Object.assign(document.createElement('section'), { id: 'l2-runbar', className: 'l2-run' });
  const hud = Object.assign(document.createElement('div'), { id: 'l2-hud', className: 'l2-hud' });
  hud.setAttribute('aria-live', 'polite');
  runBar.append(hud);
  const notices = document.getElementById('notices');
  const panels = Object.assign(document.createElement('div'), { id: 'l2-panels', className: 'l2-panels' });
  const sv = Object.assign(document.createElement('section'), { id: 'l2-sv-panel' });
  const spectrum = Object.assign(document.createElement('section'), { id: 'l2-spectrum-panel' });
  const map = Object.assign(document.createElement('section'), { id: 'l2-map-panel' });
  const width = Object.assign(document.createElement('section'), { id: 'l2-width-panel' });
  panels.append(sv, spectrum, map, width);
  root.append(runBar);
  if (notices) root.append(notices);
  root.append(panels);
  document.body.append(root);
  return { runBar, hud, sv, spectrum, map, width };
}

/** The networks on the f64 CPU backend. */
function cpuBackends(): Linear2Backends {
  return {
    factory: (e, from) => {
      const b = new CpuLinear2Backend(from ? { ...e, initial: from.states } : e);
      b.stepCount = from?.step ?? 0;
      return b;
    },
    adapter: 'f64 CPU reference (no WebGPU)', kind: 'cpu',
  };
}

/** The networks on `ctx`'s device (f32). */
function gpuBackends(ctx: GpuContext): Linear2Backends {
  return {
    factory: (e, from): Linear2Stepper => {
      const { d, c, h, method, step, bound, rates, quadratic } = e.cfg;
      const sim = Linear2Sim.create(ctx, {
        d, c, h, method, step, bound, rates, quadratic, initial: from?.states ?? e.initial, deltas: e.networks.map((n) => n.scalarDelta ?? 0),
      });
      sim.stepCount = from?.step ?? 0;
      return {
        kind: 'gpu', get stepCount() { return sim.stepCount; },
        advance: (k, onProgress, signal) => sim.advance(k, onProgress, signal),
        readStates: () => sim.readStates(),
        destroy: () => sim.destroy(),
      };
    },
    adapter: ctx.adapterName, kind: 'gpu',
  };
}

/** The linear2 app half: exposed as window.lazyrich.linear2. */
export const linear2App: ModelApp<Linear2AppParams> = {
  exposeAs: 'linear2',
  softwareAdapterNote: (adapter) => `WebGPU runs on a software adapter (${adapter}): results are exact, speed is CPU speed — `
    + 'the presets (3 to 63 networks) still reach their end time within a minute or so.',
  async start(shell) {
    const slots = buildLinear2Page();
    const ctx = shell.gpu;
    const app = Linear2App.start(ctx ? gpuBackends(ctx) : cpuBackends(), slots, shell);
    const shortcuts: AppShortcuts = { playPause: () => app.playPause(), step: () => app.singleStep(), reset: () => app.restart() };
    if (!ctx) return { app, shortcuts, fallbackNote: 'Meanwhile the networks train on the f64 CPU backend in this tab (fine for the presets).' };
    return { app, shortcuts, gpuLost: () => app.gpuLost(), gpuRestored: (gpu) => app.gpuRestored(gpu ? gpuBackends(gpu) : cpuBackends()) };
  },
};
