/**
 * The single-neuron app's restart point after a device loss (docs/architecture.md "Device loss"): the
 * whole state of the running sim, read back every {@link SNAPSHOT_INTERVAL_MS} with the step count and
 * time t it was queued at, and written into a rebuilt sim on the new device.
 */
import type { GpuContext } from '../../../gpu/device.ts';
import type { SingleNeuronSim } from '../sim.ts';

/** How often (ms) the whole state is read back. */
export const SNAPSHOT_INTERVAL_MS = 1000;

/** A read-back state of one sim: SoA state ((d+1)·n f32), flags (n u32), at `step` steps and time `time`. */
interface Snapshot { sim: SingleNeuronSim; state: Float32Array; flags: Uint32Array; step: number; time: number }

/** The last read-back state of the running sim (see the file comment). */
export class StateSnapshots {
  private last: Snapshot | null = null;
  private pending = false;
  private lastAt = -Infinity;

  /**
   * Every frame: reads `sim`'s state back when one is due and none is in flight. The copy is queued
   * after every step queued so far, so it holds the state at `sim.stepCount` now. A read that fails
   * (lost device) or finishes after `current()` changed is dropped.
   */
  maybeTake(sim: SingleNeuronSim, ctx: GpuContext, now: number, current: () => SingleNeuronSim): void {
    if (this.pending || now - this.lastAt < SNAPSHOT_INTERVAL_MS) return;
    this.lastAt = now;
    this.pending = true;
    const at = { step: sim.stepCount, time: sim.time };
    void sim.readState().then(({ state, flags }) => {
      if (sim === current() && !ctx.lost) this.last = { sim, state, flags, ...at };
    }, (e: unknown) => { if (!ctx.lost) console.error(e); }).finally(() => { this.pending = false; });
  }

  /**
   * Writes the last state of `old` into `sim` (the same ensemble rebuilt on a new device) and sets its
   * step count and time.
   * @returns the step count and time restored, or null when there is no state of `old` (sim stays at θ₀).
   */
  restore(old: SingleNeuronSim, sim: SingleNeuronSim, ctx: GpuContext): { step: number; time: number } | null {
    const snap = this.last?.sim === old ? this.last : null;
    if (!snap) return null;
    ctx.device.queue.writeBuffer(sim.state, 0, snap.state);
    ctx.device.queue.writeBuffer(sim.flags, 0, snap.flags);
    sim.stepCount = snap.step;
    sim.time = snap.time;
    this.last = { ...snap, sim };
    return { step: snap.step, time: snap.time };
  }
}
