/**
 * The app half of the single-neuron plugin (loaded lazily by its plugin.ts): the live GPU app on the
 * index.html stage (portrait, HUD, analysis dock), or without WebGPU a small f64 CPU animation.
 */
import type { ModelApp } from '../../plugin.ts';
import type { SingleNeuronParams } from '../params.ts';
import { App } from './app.ts';
import { startCpuFallback } from './cpuFallback.ts';

/** The single-neuron app half: exposed as window.lazyrich.app (window.lazyrich.fallback without WebGPU). */
export const singleNeuronApp: ModelApp<SingleNeuronParams> = {
  exposeAs: 'app',
  softwareAdapterNote: (adapter) => `WebGPU runs on a software adapter (${adapter}): results are exact, speed is CPU speed. `
    + 'A first load runs Fig. 2 on a 33 × 66 grid (2,178 trajectories; 513 × 514 on a GPU); lower δ count × directions for a smoother animation.',
  showsAdapter: true, // the HUD's last line: "adapter: … (software — CPU speed)"
  async start(shell) {
    const canvas = document.getElementById('portrait') as HTMLCanvasElement;
    const hud = document.getElementById('hud') as HTMLElement;
    if (!shell.gpu) {
      const n = startCpuFallback(canvas, hud, shell.initial);
      return { fallbackNote: `Meanwhile ${n} trajectories run on the f64 CPU reference.` };
    }
    const app = App.start(shell.gpu, canvas, shell);
    return {
      app,
      shortcuts: app.shortcuts,
      // The single-neuron steps share one ensemble (Fig. 2, its 3-D view, Fig. 3): each starts from t = 0.
      restartForTour: () => { if (app.status.stepCount > 0) app.shortcuts.reset?.(); },
      gpuLost: () => app.gpuLost(),
      // Without a new device the portrait's canvas keeps its WebGPU context, so the 2-D CPU fallback cannot draw there.
      gpuRestored: async (gpu) => (gpu ? `at step ${app.gpuRestored(gpu).toLocaleString('en')}`
        : `the simulation stays stopped at step ${app.status.stepCount.toLocaleString('en')}; reload the page to continue`),
    };
  },
};
