/**
 * Entry of the relu2 app (src/main.ts loads it for `#model=relu2`): builds the page, opens WebGPU (or
 * falls back to the f64 CPU reference), reads the URL and starts {@link Relu2App}.
 */
import { initGpu, WebGpuUnavailableError } from '../../gpu/device.ts';
import { defaults } from '../../params/schema.ts';
import { RELU2_SCHEMA, type Relu2AppParams } from '../../models/relu2/params.ts';
import { Relu2Sim } from '../../models/relu2/sim.ts';
import { defaultRelu2Kernel } from '../../models/relu2/layout.ts';
import { showNotice } from '../notices.ts';
import { Relu2App, type Relu2Backends, type Relu2Slots } from './app.ts';
import { CpuRelu2Backend } from '../../models/relu2/cpu.ts';
import { relu2FromHash } from './url.ts';
import './style.css';

/** Builds the relu2 page inside the body (the single-neuron stage is hidden). @returns the slots the app fills. */
export function buildRelu2Page(): Relu2Slots {
  document.body.classList.add('relu2-mode');
  document.title = 'lazyrich — two-layer ReLU: lazy, rich and delayed-rich regimes (Fig. 1)';
  const stage = document.getElementById('stage');
  if (stage) stage.hidden = true;
  const subtitle = document.querySelector('#title span');
  if (subtitle) subtitle.textContent = 'two-layer ReLU f(x) = Σₖ aₖ σ(wₖᵀx) · Fig. 1 of “Get rich quick” (Kunin et al., NeurIPS 2024)';
  const root = document.createElement('main');
  root.id = 'relu2';
  root.className = 'r2';
  const runBar = Object.assign(document.createElement('section'), { id: 'r2-runbar' });
  const notices = document.getElementById('notices');
  const panels = Object.assign(document.createElement('div'), { id: 'r2-panels', className: 'r2-panels' });
  const map = Object.assign(document.createElement('section'), { id: 'r2-map-panel' });
  const cells = Object.assign(document.createElement('section'), { id: 'r2-cells-panel' });
  panels.append(map, cells);
  root.append(runBar);
  if (notices) root.append(notices);
  root.append(panels);
  document.body.append(root);
  return { runBar, panels, map, cells };
}

function initialParams(): Relu2AppParams {
  try {
    return relu2FromHash(location.hash);
  } catch (e) {
    showNotice('error', `${(e as Error).message} Starting with the default preset instead.`, 'param-error');
    return defaults(RELU2_SCHEMA);
  }
}

/** Starts the relu2 app. @returns the app (also set as window.lazyrich.relu2 by the caller). */
export async function startRelu2(): Promise<Relu2App> {
  const slots = buildRelu2Page();
  const params = initialParams();
  let backends: Relu2Backends;
  try {
    const ctx = await initGpu({
      onError: (m) => showNotice('error', m, 'gpu-error'),
      onLost: (m) => showNotice('error', `${m} Reload the page to continue.`, 'gpu-lost'),
    });
    // 100 ms per submission (Relu2Sim's default is 50): in Chrome, onSubmittedWorkDone answers with tens of
    // ms of latency, and below that target the chunk adaptation shrinks small runs (Fig. 1a) to one step
    // per submission; 100 ms is 5× faster there and still far from any GPU watchdog.
    const kernel = defaultRelu2Kernel(ctx.isSoftware);
    backends = {
      factory: (spec) => Relu2Sim.create(ctx, spec, { targetMs: 100, kernel }), limits: ctx.limits, kernel, adapter: ctx.adapterName, kind: 'gpu',
    };
    if (ctx.isSoftware) {
      showNotice('warning', `WebGPU runs on a software adapter (${ctx.adapterName}): results are exact, speed is CPU speed — `
        + 'a few thousand network-steps per second at m = 50, n = 200, d = 20 (two cores), so the reduced Fig. 1b grid (10⁴ steps) '
        + 'takes a quarter of an hour or more here (the ETA shows it). The Fig. 1a preset (2·10⁴ steps) takes seconds.', 'software-adapter');
    }
  } catch (e) {
    if (!(e instanceof WebGpuUnavailableError)) throw e;
    backends = { factory: (spec) => CpuRelu2Backend.create(spec), limits: null, adapter: 'f64 CPU reference (no WebGPU)', kind: 'cpu' };
    showNotice('warning', `${e.message}\nMeanwhile the networks train on the f64 CPU reference in this tab: fine for the Fig. 1a preset, `
      + 'slow for grids.', 'no-webgpu');
  }
  return Relu2App.start(backends, slots, params);
}
