/**
 * The featured trajectories of the first load: the paper's Fig. 2 (docs/theory.md §1.6), seven δ from
 * β₀ = (−1, 0) to β* = (0, 1) (those inside a narrower δ range, e.g. Fig. 8's), drawn as thick persistent lines
 * and followed by the time series from t = 0.
 * `fig2Trajectories` finds them in a grid; `FeaturedReader` gathers their (a, w) from the GPU state.
 */
import type { GpuContext } from '../../../gpu/device.ts';
import { initialDirections, linspace } from '../ensemble.ts';
import { FIG2_DELTAS, type SingleNeuronParams } from '../params.ts';
import type { SingleNeuronSim } from '../sim.ts';
import type { PortraitPaths } from '../views/portraitPaths.ts';
import { deltaColor, type DeltaScale } from '../../../views/deltaScale.ts';
import type { ViewMode, ViewRect } from '../../../views/viewMath.ts';

/** |δ − δ_grid| and |direction − (−1, 0)| below this count as on the grid. */
const ON_GRID_TOL = 1e-9;

/** Fewest Fig. 2 δ values inside a grid's δ range for it to feature them. */
const MIN_FEATURED = 3;

/**
 * Grid indices (README "Conventions": iδ · directions + iDir) of the Fig. 2 trajectories in `p`'s grid, in
 * FIG2_DELTAS order: grid "delta", d = 2, a direction equal to (−1, 0) and every δ of FIG2_DELTAS inside the
 * grid's δ range on the δ grid: the seven of Fig. 2 over [−4, 4]; −2 … 2 over Fig. 8's [−2, 2]. (β₀ is the
 * paper's (−1, 0) when ‖β₀‖ = 1; other norms keep the direction.) Empty unless each of those δ (at least
 * {@link MIN_FEATURED}) is on the grid (e.g. an even δ count over [−4, 4] has only ±4, the τ × α grid none),
 * so other grids start with no selection.
 */
export function fig2Trajectories(p: SingleNeuronParams): Uint32Array {
  if (p.grid !== 'delta' || p.d !== 2) return new Uint32Array(0);
  const dir = initialDirections(2, p.directions, p.seed).findIndex(([x, y]) => Math.abs(x + 1) < ON_GRID_TOL && Math.abs(y) < ON_GRID_TOL);
  if (dir < 0) return new Uint32Array(0);
  const deltas = linspace(p.deltaMin, p.deltaMax, p.deltaCount);
  const lo = Math.min(p.deltaMin, p.deltaMax), hi = Math.max(p.deltaMin, p.deltaMax);
  const inRange = FIG2_DELTAS.filter((delta) => delta >= lo - ON_GRID_TOL && delta <= hi + ON_GRID_TOL);
  if (inRange.length < MIN_FEATURED) return new Uint32Array(0);
  const out: number[] = [];
  for (const delta of inRange) {
    const row = deltas.findIndex((v) => Math.abs(v - delta) < ON_GRID_TOL * Math.max(1, Math.abs(delta)));
    if (row < 0) return new Uint32Array(0);
    out.push(row * p.directions + dir);
  }
  return Uint32Array.from(out);
}

/** (a, w) of the featured trajectories at one time: `state` is SoA, (d + 1) rows × k (row 0 a, then w_j). */
export interface FeaturedSample { time: number; state: Float32Array }

/** Captures kept on the GPU between two reads (more are dropped until the read lands). */
export const FEATURED_SLOTS = 64;
/** Simulated time between two captures within a frame (time units), so paths stay smooth at many steps per frame. */
export const FEATURED_CAPTURE_DT = 0.05;
/** Most captures per frame (the sub-chunks grow beyond FEATURED_CAPTURE_DT when steps per frame is large). */
export const FEATURED_CAPTURES_PER_FRAME = 16;

/**
 * Gathers the state of a few trajectories (4-byte buffer copies, no kernel) into a GPU ring of
 * FEATURED_SLOTS captures; {@link FeaturedReader.read} copies the filled slots to a readback buffer, one
 * read in flight at a time ("latest wins"), so a slow adapter never queues reads.
 */
export class FeaturedReader {
  private readonly ring: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly slotFloats: number;
  private times: number[] = [];
  private pending = false;

  /**
   * @throws RangeError when an index is ≥ sim.n.
   */
  constructor(private readonly ctx: GpuContext, private readonly sim: SingleNeuronSim, readonly indices: Uint32Array) {
    for (const i of indices) if (i >= sim.n) throw new RangeError(`FeaturedReader: trajectory ${i} ≥ n = ${sim.n}.`);
    this.slotFloats = (sim.d + 1) * indices.length;
    const size = Math.max(4, 4 * this.slotFloats * FEATURED_SLOTS);
    this.ring = ctx.device.createBuffer({ label: 'Featured.ring', size, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.staging = ctx.device.createBuffer({ label: 'Featured.staging', size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Queues a copy of the featured states now (after the sim's queued steps) into the next free slot. */
  capture(): void {
    const k = this.indices.length;
    if (k === 0 || this.times.length >= FEATURED_SLOTS) return;
    const { sim } = this;
    const base = this.times.length * this.slotFloats;
    const enc = this.ctx.device.createCommandEncoder({ label: 'Featured.capture' });
    for (let r = 0; r <= sim.d; r++) {
      this.indices.forEach((i, j) => enc.copyBufferToBuffer(sim.state, 4 * (r * sim.n + i), this.ring, 4 * (base + r * k + j), 4));
    }
    this.ctx.device.queue.submit([enc.finish()]);
    this.times.push(sim.time);
  }

  /**
   * Reads the captures since the last read, oldest first; [] when a read is still in flight, nothing was
   * captured, or the buffers were destroyed meanwhile.
   */
  async read(): Promise<FeaturedSample[]> {
    const count = this.times.length;
    if (this.pending || count === 0) return [];
    this.pending = true;
    const times = this.times;
    this.times = [];
    const bytes = 4 * this.slotFloats * count;
    const enc = this.ctx.device.createCommandEncoder({ label: 'Featured.read' });
    enc.copyBufferToBuffer(this.ring, 0, this.staging, 0, bytes);
    this.ctx.device.queue.submit([enc.finish()]);
    try {
      await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
      const all = new Float32Array(this.staging.getMappedRange(0, bytes).slice(0));
      this.staging.unmap();
      return times.map((time, c) => ({ time, state: all.subarray(c * this.slotFloats, (c + 1) * this.slotFloats) }));
    } catch {
      return []; // destroyed while mapping (a rebuild)
    } finally {
      this.pending = false;
    }
  }

  destroy(): void {
    this.ring.destroy();
    this.staging.destroy();
  }
}

/**
 * Keeps the featured paths of the running ensemble: one FeaturedReader per sim, captures within each
 * frame's steps, the samples appended to the overlay every frame (one read in flight), the overlay
 * re-projected on view changes.
 */
export class FeaturedPathsController {
  private reader: FeaturedReader | null = null;

  constructor(private ctx: GpuContext, readonly paths: PortraitPaths) {}

  /** After a device loss: forgets the reader of the lost device and uses `ctx` from now on (setSource follows). */
  useContext(ctx: GpuContext): void {
    this.ctx = ctx;
    this.reader = null;
  }

  /**
   * Follows `indices` of `sim` from now on (empty paths; the first sample is the state now, t = 0 after a
   * rebuild). Colours: the portrait's δ colour on `scale` (src/views/deltaScale.ts, linear or symlog).
   * @throws RangeError when an index is ≥ sim.n.
   */
  setSource(sim: SingleNeuronSim, indices: Uint32Array, scale: DeltaScale): void {
    const old = this.reader;
    this.reader = new FeaturedReader(this.ctx, sim, indices);
    void this.ctx.device.queue.onSubmittedWorkDone().then(() => old?.destroy());
    const e = sim.ensemble;
    this.paths.reset(sim.d, Array.from(indices, (i) => ({
      label: `δ = ${formatDelta(e.delta0[i])}`, color: deltaColor(e.delta0[i], scale), delta: e.delta0[i],
    })));
    this.reader.capture();
  }

  /** Recolours the paths on a new δ colour scale (the portrait's, src/views/deltaScale.ts). */
  setDeltaScale(scale: DeltaScale): void {
    this.paths.recolor(this.paths.drawn.map((p) => deltaColor(p.delta, scale)));
  }

  /**
   * Queues `steps` steps of `sim` in sub-chunks of FEATURED_CAPTURE_DT simulated time (fewer and longer
   * beyond FEATURED_CAPTURES_PER_FRAME), capturing the featured states after each (the live loop's advance;
   * the same steps as one sim.queueSteps).
   */
  queueSteps(sim: SingleNeuronSim, steps: number): void {
    const reader = this.reader;
    if (!reader || reader.indices.length === 0 || sim.config.method === 'exact') {
      sim.queueSteps(steps);
      reader?.capture();
      return;
    }
    // At most FEATURED_CAPTURES_PER_FRAME sub-chunks, so a large steps-per-frame adds few submits.
    const chunk = Math.max(1, Math.floor(FEATURED_CAPTURE_DT / sim.config.step), Math.ceil(steps / FEATURED_CAPTURES_PER_FRAME));
    for (let done = 0; done < steps; done += chunk) {
      sim.queueSteps(Math.min(chunk, steps - done));
      reader.capture();
    }
  }

  /** Starts a read of the captured states (skipped while one is in flight) and redraws the overlay. */
  frame(rect: ViewRect, mode: ViewMode): void {
    this.sample();
    this.paths.render(rect, mode);
  }

  private sample(): void {
    const reader = this.reader;
    if (!reader || reader.indices.length === 0) return;
    void reader.read().then((samples) => {
      if (reader === this.reader) for (const s of samples) this.paths.add(s.time, s.state);
    });
  }

  destroy(): void {
    this.reader?.destroy();
    this.paths.destroy();
  }
}

/** δ for labels: integers as "−4", else two decimals (U+2212 minus). */
export function formatDelta(delta: number): string {
  const r = Math.round(delta);
  const s = Math.abs(delta - r) < 1e-9 ? String(r) : delta.toFixed(2);
  return s.replace('-', '−');
}
