/**
 * Exports: the portrait as PNG, the ensemble state as CSV (papaparse) or JSON. Each row is one
 * trajectory in grid order (see src/models/singleNeuron/ensemble.ts).
 */
import Papa from 'papaparse';
import type { SingleNeuronParams } from '../params.ts';
import { DIVERGED_FLAG } from '../layout.ts';
import type { SingleNeuronSim } from '../sim.ts';
import { excessLoss } from '../../../theory/index.ts';
import { download } from '../../../app/download.ts';

/**
 * Renders one frame and saves every canvas in #portrait-wrap (the WebGPU portrait and its overlays),
 * composited in DOM order, as `lazyrich-portrait.png`. Reads the WebGPU canvas in the same task as the
 * render, before it is presented.
 */
export function savePng(portrait: { render(): void }): void {
  const canvases = [...document.querySelectorAll<HTMLCanvasElement>('#portrait-wrap canvas')].filter((c) => c.width > 0);
  const [first] = canvases;
  if (!first) return;
  portrait.render();
  const out = Object.assign(document.createElement('canvas'), { width: first.width, height: first.height });
  const g = out.getContext('2d') as CanvasRenderingContext2D;
  for (const c of canvases) g.drawImage(c, 0, 0, out.width, out.height);
  out.toBlob((blob) => blob && download(blob, 'lazyrich-portrait.png'), 'image/png');
}

/** One exported row: the trajectory's grid index, δ₀, current θ, β = a w and excess loss. */
export interface TrajectoryRow {
  index: number; delta0: number; a: number; w: number[]; beta: number[]; excessLoss: number; diverged: boolean;
}

/**
 * Converts a state readback (SoA f32, (d+1)·n) into rows.
 * @throws Error when the arrays do not match the sim's n and d.
 */
export function trajectoryRows(sim: SingleNeuronSim, snapshot: { state: Float32Array; flags: Uint32Array }): TrajectoryRow[] {
  const { n, d, ensemble } = sim;
  if (snapshot.state.length !== (d + 1) * n || snapshot.flags.length !== n) {
    throw new Error(`snapshot has ${snapshot.state.length} floats and ${snapshot.flags.length} flags; expected ${(d + 1) * n} and ${n}`);
  }
  const rows: TrajectoryRow[] = [];
  for (let i = 0; i < n; i++) {
    const a = snapshot.state[i];
    const w = Array.from({ length: d }, (_, j) => snapshot.state[(1 + j) * n + i]);
    const beta = w.map((x) => a * x);
    rows.push({
      index: i, delta0: ensemble.delta0[i], a, w, beta,
      excessLoss: excessLoss(beta, ensemble.data.XX, ensemble.betaOls), diverged: (snapshot.flags[i] & DIVERGED_FLAG) !== 0,
    });
  }
  return rows;
}

/** Saves `lazyrich-state.csv`: index, delta0, a, w1..wd, beta1..betad, excessLoss, diverged. */
export function exportCsv(sim: SingleNeuronSim, snapshot: { state: Float32Array; flags: Uint32Array }): void {
  const d = sim.d;
  const header = ['index', 'delta0', 'a', ...Array.from({ length: d }, (_, j) => `w${j + 1}`),
    ...Array.from({ length: d }, (_, j) => `beta${j + 1}`), 'excessLoss', 'diverged'];
  const data = trajectoryRows(sim, snapshot).map((r) => [r.index, r.delta0, r.a, ...r.w, ...r.beta, r.excessLoss, r.diverged]);
  download(new Blob([Papa.unparse({ fields: header, data })], { type: 'text/csv' }), 'lazyrich-state.csv');
}

/** Saves `lazyrich-state.json` with the params, step count, time t and one object per trajectory. */
export function exportJson(
  sim: SingleNeuronSim, snapshot: { state: Float32Array; flags: Uint32Array }, params: SingleNeuronParams, adapter: string,
): void {
  const body = {
    model: 'single-neuron', params, adapter, step: sim.stepCount, time: sim.time,
    trajectories: trajectoryRows(sim, snapshot),
  };
  download(new Blob([JSON.stringify(body)], { type: 'application/json' }), 'lazyrich-state.json');
}
