/**
 * Browser entry: read the URL, open WebGPU (or fall back to the CPU reference), start the app.
 * `#model=relu2` selects the two-layer ReLU app (src/ui/relu2, loaded on demand); any other hash is the
 * single-neuron app. Switching model in the URL reloads the page.
 */
import { initGpu, WebGpuUnavailableError } from './gpu/device.ts';
import { defaults } from './params/schema.ts';
import { paramsFromHash, SINGLE_NEURON_SCHEMA, type SingleNeuronParams } from './models/singleNeuron/params.ts';
import { App } from './ui/app.ts';
import { startCpuFallback } from './ui/cpuFallback.ts';
import { showNotice } from './ui/notices.ts';
import type { Relu2App } from './ui/relu2/app.ts';

declare global {
  interface Window { lazyrich?: { app?: App; relu2?: Relu2App; fallback?: boolean; error?: string } }
}

/** True when the hash selects the relu2 app. */
const isRelu2 = (hash: string): boolean => /(^#?|&)model=relu2(&|$)/.test(hash);

function initialParams(): SingleNeuronParams {
  try {
    return paramsFromHash(location.hash);
  } catch (e) {
    showNotice('error', `${(e as Error).message} Starting with the default preset instead.`, 'param-error');
    return defaults(SINGLE_NEURON_SCHEMA);
  }
}

async function main(): Promise<void> {
  const relu2 = isRelu2(location.hash);
  window.addEventListener('hashchange', () => { if (isRelu2(location.hash) !== relu2) location.reload(); });
  if (relu2) {
    window.lazyrich = {};
    const { startRelu2 } = await import('./ui/relu2/main.ts');
    window.lazyrich.relu2 = await startRelu2();
    return;
  }
  const canvas = document.getElementById('portrait') as HTMLCanvasElement;
  const hud = document.getElementById('hud') as HTMLElement;
  const params = initialParams();
  window.lazyrich = {};
  let ctx;
  try {
    ctx = await initGpu({
      onError: (m) => showNotice('error', m, 'gpu-error'),
      onLost: (m) => showNotice('error', `${m} Reload the page to continue.`, 'gpu-lost'),
    });
  } catch (e) {
    if (!(e instanceof WebGpuUnavailableError)) throw e;
    const n = startCpuFallback(canvas, hud, params);
    showNotice('warning', `${e.message}\nMeanwhile ${n} trajectories run on the f64 CPU reference.`, 'no-webgpu');
    window.lazyrich.fallback = true;
    return;
  }
  if (ctx.isSoftware) {
    showNotice('warning', `WebGPU runs on a software adapter (${ctx.adapterName}): results are exact, speed is CPU speed. `
      + 'Lower δ count × directions for a smoother animation.', 'software-adapter');
  }
  window.lazyrich.app = App.start(ctx, canvas, params);
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  if (window.lazyrich) window.lazyrich.error = message;
  showNotice('error', `lazyrich could not start: ${message}`, 'fatal');
  console.error(e);
});
