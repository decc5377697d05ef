/**
 * The no-WebGPU path: a small ensemble integrated by the f64 CPU reference (src/theory/ensemble.ts) and
 * drawn on a 2-D canvas in function space (β₁, β₂), coloured by δ. Enough to show the three regimes.
 */
import { validate } from '../../../params/schema.ts';
import { buildEnsemble } from '../ensemble.ts';
import { SINGLE_NEURON_SCHEMA, type SingleNeuronParams } from '../params.ts';
import { advanceEnsembleF64, DIVERGED_FLAG } from '../../../theory/index.ts';
import { Runner, type SteppedBackend } from '../../../app/runner.ts';
import { BACKGROUND_COLOR, DIVERGED_COLOR, deltaInterpolator, deltaToT } from '../../../views/colormaps.ts';

/** Largest grid the CPU fallback runs (δ count × directions). */
export const CPU_FALLBACK_MAX = 4096;

/**
 * Runs the fallback animation on `canvas` until the page closes (the shell's live runner, k steps per frame).
 * @returns the number of trajectories run.
 */
export function startCpuFallback(canvas: HTMLCanvasElement, hud: HTMLElement, requested: SingleNeuronParams): number {
  const p = validate(SINGLE_NEURON_SCHEMA, {
    deltaCount: Math.min(requested.deltaCount, 32), directions: Math.min(requested.directions, CPU_FALLBACK_MAX / 32),
    grid: 'delta',
  }, requested);
  const e = buildEnsemble(p);
  const { n, d } = e;
  const state = Float64Array.from(e.state0);
  const flags = new Uint32Array(n);
  const XX = Float64Array.from(e.data.XX.flat());
  const Xy = Float64Array.from(e.data.Xy);
  const g = canvas.getContext('2d') as CanvasRenderingContext2D;
  const span = Math.max(e.deltaRange[1], -e.deltaRange[0], 1e-12);
  const colors = Array.from(e.delta0, (x) => deltaInterpolator(deltaToT(x, span)));
  // The CPU path integrates the parameter flow: GD as chosen, every flow method (RK4, β flow, exact) by RK4.
  const method = p.method === 'gd' ? 'gd' : 'rk4';
  let steps = 0;
  const backend: SteppedBackend = {
    get stepCount() { return steps; },
    async advance(k) {
      advanceEnsembleF64(state, flags, n, d, XX, Xy, e.rates, method, p.step, k, p.bound);
      steps += k;
    },
    destroy() {},
  };
  const draw = () => {
    const w = (canvas.width = canvas.clientWidth * devicePixelRatio);
    const h = (canvas.height = canvas.clientHeight * devicePixelRatio);
    g.fillStyle = BACKGROUND_COLOR;
    g.fillRect(0, 0, w, h);
    const scale = Math.min(w, h) / 4;
    for (let i = 0; i < n; i++) {
      const a = state[i];
      const x = a * state[n + i];
      const y = d > 1 ? a * state[2 * n + i] : 0;
      g.fillStyle = flags[i] & DIVERGED_FLAG ? DIVERGED_COLOR : colors[i];
      g.fillRect(w / 2 + x * scale - 1, h / 2 - y * scale - 1, 2, 2);
    }
    hud.textContent = `CPU f64 reference · ${n} trajectories · step ${steps} · t = ${(steps * p.step).toFixed(2)}\nfunction space (β₁, β₂), colour = δ`;
  };
  Runner.live(() => backend, { stepsPerFrame: () => p.stepsPerFrame, onFrame: draw });
  return n;
}
