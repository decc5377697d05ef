/**
 * The linear2 app's f64 CPU backend (no WebGPU, or no device after a loss): the same steps as run.ts's CPU
 * path (src/theory/linear2.ts: GD = Euler with η = step, RK4 on (W, A), RK4 on the Thm 4.2 β flow), with
 * {@link Linear2Sim}'s stepping interface (stepCount, advance, readStates, destroy). advance() works in slices
 * of about 12 ms and yields between them, so the page stays responsive. A network whose next state would be
 * non-finite or beyond the bound is frozen and flagged, as on the GPU.
 */
import { linear2BetaFlowRhs, linear2FlowRhs, linear2GdStep, linear2Rk4 } from '../../../theory/linear2.ts';
import type { Linear2Experiment } from './experiment.ts';

/** Time slice of one uninterrupted stretch of work (ms). */
const SLICE_MS = 12;

/** The stepping interface the app uses on both backends. */
export interface Linear2Stepper {
  readonly kind: 'gpu' | 'cpu';
  readonly stepCount: number;
  advance(steps: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void>;
  readStates(): Promise<{ states: Float64Array[]; diverged: boolean[] }>;
  destroy(): void;
}

/** The f64 CPU ensemble of an experiment. */
export class CpuLinear2Backend implements Linear2Stepper {
  readonly kind = 'cpu' as const;
  stepCount = 0;
  private readonly states: Float64Array[];
  private readonly diverged: boolean[];
  private readonly steppers: ((y: Float64Array) => Float64Array)[];
  private destroyed = false;

  constructor(private readonly e: Linear2Experiment) {
    const { quadratic: q, rates, h, step, method } = e.cfg;
    this.states = e.initial.map((y) => Float64Array.from(y));
    this.diverged = this.states.map(() => false);
    this.steppers = e.networks.map((n) => {
      if (method === 'gd') return (y) => linear2GdStep(q, rates, h, y, step);
      if (method === 'rk4') return (y) => linear2Rk4((x) => linear2FlowRhs(q, rates, h, x), y, step);
      const delta = n.scalarDelta ?? 0;
      return (y) => linear2Rk4((b) => linear2BetaFlowRhs(q, rates, delta, b), y, step);
    });
  }

  /** Advances every network by `steps` steps, yielding every ~12 ms. @param signal aborts between slices (throws its reason). */
  async advance(steps: number, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
    const bound = this.e.cfg.bound;
    for (let done = 0; done < steps && !this.destroyed;) {
      signal?.throwIfAborted();
      const t0 = performance.now();
      while (done < steps && performance.now() - t0 < SLICE_MS) {
        for (let i = 0; i < this.states.length; i++) {
          if (this.diverged[i]) continue;
          const next = this.steppers[i](this.states[i]);
          if (next.every((x) => Number.isFinite(x) && Math.abs(x) <= bound)) this.states[i] = next; else this.diverged[i] = true;
        }
        done++;
        this.stepCount++;
      }
      onProgress?.(done, steps);
      if (done < steps) await new Promise((r) => setTimeout(r, 0));
    }
  }

  /** Copies of the states (the method's layout) and the diverged flags. */
  async readStates(): Promise<{ states: Float64Array[]; diverged: boolean[] }> {
    return { states: this.states.map((y) => Float64Array.from(y)), diverged: [...this.diverged] };
  }

  /** Stops any advance at its next slice. */
  destroy(): void { this.destroyed = true; }
}
