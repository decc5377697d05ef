/**
 * Runs a linear2 config on the GPU (Linear2Sim, f32) or the CPU (src/theory, f64) and shapes the output of
 * issue 13 item 4. The metrics are computed in f64 on the host from the state read back at each time
 * (GPU: the f32 state; the SVD, loss, Δ drift and kernel distance are not GPU kernels yet):
 * β (d×c), singular values (one-sided Jacobi SVD, descending), loss L(β) (docs/theory.md §2), relative Δ drift
 * ‖Δ_t − Δ₀‖_F/(η_W‖A₀‖² + η_A‖W₀‖²) (0 for beta-flow: Δ = δI by construction), and the NTK kernel
 * distance S(t) = 1 − ⟨K₀, K_t⟩/(‖K₀‖‖K_t‖) on the data's factor (linear2Metrics.ts ntkGram).
 */
import type { CliRunOptions, ResultDocument } from '../plugin.ts';
import {
  betaOfState, linear2BetaFlowRhs, linear2DeltaDrift, linear2FlowRhs, linear2GdStep, linear2Loss, linear2Rk4,
  packLinear2State, unpackLinear2State,
} from '../../theory/linear2.ts';
import { kernelBlocksOfBeta, kernelBlocksOfState, kernelFactor, linear2KernelDistance, ntkGram, singularValues } from '../../theory/linear2Metrics.ts';
import type { Linear2Config } from './config.ts';

/** Adapter name written for the CPU backend. */
export const LINEAR2_CPU_ADAPTER = 'cpu (f64 reference)';

/** One network of the output, in init order. */
export interface Linear2NetworkOutput {
  beta: number[][][];
  singularValues: number[][];
  loss: number[];
  deltaDrift: number[];
  kernelDistance: number[];
  /** Final W (h×d) and A (h×c); null for beta-flow (β does not determine them). */
  W: number[][] | null;
  A: number[][] | null;
  diverged: boolean;
  init: string;
  delta: number | null;
  tau?: number;
  seed?: number;
  /** The requested per-unit δ_k of a grid with deltaSigns (config.ts); absent for uniform grids and explicit inits. */
  unitDeltas?: number[];
}

const nest = (x: ArrayLike<number>, rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => x[i * cols + j]));

/** Initial state of each network for the method: y = [W, A] (gd, rk4) or β (beta-flow). */
export function initialStates(cfg: Linear2Config): Float64Array[] {
  return cfg.networks.map((n) => {
    const y = packLinear2State(n.W, n.A);
    return cfg.method === 'beta-flow' ? betaOfState(y, cfg.h, cfg.d, cfg.c) : y;
  });
}

/** f64 step function of the config's method (GD: Euler with η = step; rk4 / beta-flow: RK4 with dt = step). */
function cpuStep(cfg: Linear2Config, delta: number): (y: Float64Array) => Float64Array {
  const { quadratic: q, rates, h, step } = cfg;
  if (cfg.method === 'gd') return (y) => linear2GdStep(q, rates, h, y, step);
  if (cfg.method === 'rk4') return (y) => linear2Rk4((x) => linear2FlowRhs(q, rates, h, x), y, step);
  return (y) => linear2Rk4((b) => linear2BetaFlowRhs(q, rates, delta, b), y, step);
}

/** Runs the whole config; states[t][i] is network i at times[t]. */
async function runStates(cfg: Linear2Config, options: CliRunOptions): Promise<{ states: Float64Array[][]; diverged: boolean[]; adapter: string; backend: 'gpu' | 'cpu' }> {
  const backend = options.backend ?? cfg.backend;
  const init = initialStates(cfg);
  const total = cfg.steps[cfg.steps.length - 1];
  if (backend === 'cpu') {
    const steppers = cfg.networks.map((n) => cpuStep(cfg, n.delta ?? 0));
    const cur: Float64Array[] = init.map((y) => Float64Array.from(y));
    const diverged = cur.map(() => false);
    const states: Float64Array[][] = [];
    let done = 0;
    for (const target of cfg.steps) {
      for (; done < target; done++) {
        options.signal?.throwIfAborted();
        cur.forEach((y, i) => {
          if (diverged[i]) return;
          const next = steppers[i](y);
          if (next.every((x) => Number.isFinite(x) && Math.abs(x) <= cfg.bound)) cur[i] = next; else diverged[i] = true;
        });
        if (done % 1000 === 0) options.onProgress?.(done, total);
      }
      states.push(cur.map((y) => Float64Array.from(y)));
    }
    options.onProgress?.(total, total);
    return { states, diverged, adapter: LINEAR2_CPU_ADAPTER, backend };
  }
  const [{ initGpu }, { Linear2Sim }] = await Promise.all([import('../../gpu/device.ts'), import('./sim.ts')]);
  const ctx = await initGpu();
  const sim = Linear2Sim.create(ctx, {
    d: cfg.d, c: cfg.c, h: cfg.h, method: cfg.method, step: cfg.step, bound: cfg.bound, rates: cfg.rates,
    quadratic: cfg.quadratic, initial: init, deltas: cfg.networks.map((n) => n.delta ?? 0),
  });
  try {
    const states: Float64Array[][] = [];
    let diverged: boolean[] = [];
    for (const target of cfg.steps) {
      const base = sim.stepCount;
      await sim.advance(target - base, (k) => options.onProgress?.(base + k, total), options.signal);
      const r = await sim.readStates();
      states.push(r.states);
      diverged = r.diverged;
    }
    return { states, diverged, adapter: ctx.adapterName, backend };
  } finally {
    sim.destroy();
    ctx.device.destroy();
  }
}

/**
 * Runs the config and returns the result document { model, method, backend, adapter, times, networks }.
 * @throws DeviceLimitError (GPU) when the ensemble does not fit the device.
 */
export async function simulateLinear2(cfg: Linear2Config, options: CliRunOptions = {}): Promise<ResultDocument> {
  const { d, c, h, rates, quadratic: q } = cfg;
  const { states, diverged, adapter, backend } = await runStates(cfg, options);
  const F = kernelFactor(cfg.data);
  const beta = cfg.method === 'beta-flow';
  const y0s = cfg.networks.map((n) => packLinear2State(n.W, n.A));
  const entries: Linear2NetworkOutput[] = cfg.networks.map((n, i) => {
    const blocks = (s: Float64Array) => (beta ? kernelBlocksOfBeta(s, d, c, n.delta ?? 0, rates) : kernelBlocksOfState(s, h, d, c, rates));
    const b0 = blocks(beta ? betaOfState(y0s[i], h, d, c) : y0s[i]);
    const K0 = ntkGram(F, b0.P, b0.Q, d, c);
    const out: Linear2NetworkOutput = {
      beta: [], singularValues: [], loss: [], deltaDrift: [], kernelDistance: [], W: null, A: null,
      diverged: diverged[i], init: n.init, delta: n.delta, ...(n.tau !== undefined ? { tau: n.tau, seed: n.seed } : {}),
      ...(n.unitDeltas ? { unitDeltas: n.unitDeltas } : {}),
    };
    states.forEach((at) => {
      const s = at[i];
      const b = beta ? s : betaOfState(s, h, d, c);
      out.beta.push(nest(b, d, c));
      out.singularValues.push(singularValues(b, d, c));
      out.loss.push(linear2Loss(q, b));
      out.deltaDrift.push(beta ? 0 : linear2DeltaDrift(y0s[i], s, h, d, c, rates));
      const bl = blocks(s);
      out.kernelDistance.push(linear2KernelDistance(K0, ntkGram(F, bl.P, bl.Q, d, c)));
    });
    if (!beta) {
      const last = unpackLinear2State(states[states.length - 1][i], h, d, c);
      out.W = last.W; out.A = last.A;
    }
    return out;
  });
  const kinds = [...new Set(cfg.networks.map((n) => n.init))];
  options.log?.(`linear2: ${cfg.networks.length} networks, init ${kinds.join(' + ')}, ${backend} (${adapter})`);
  return {
    header: { model: 'linear2', method: cfg.method, backend, adapter, times: cfg.times },
    entriesKey: 'networks',
    entries,
  };
}
