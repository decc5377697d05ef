/**
 * Time control of the single-neuron page (issue 10): a GPU history of whole-ensemble state snapshots and
 * a slider that replays it. Snapshots are taken every `interval` of simulated time from t = 0; when the
 * ring is full every other one is dropped and the interval doubles, so the history always spans
 * [0, now] evenly with capacity/2 … capacity snapshots ({@link SnapshotSchedule}). Replaying copies a
 * snapshot into the simulation's state buffer (the portrait draws it as usual) after saving the live
 * state; "live" (or any step: play, space, →) copies the live state back first. The time-series charts
 * keep their own record of the selected trajectories (recorder.ts).
 */
import type { GpuContext } from '../../../gpu/device.ts';
import { createBuffer } from '../../../gpu/buffers.ts';
import type { SingleNeuronSim } from '../sim.ts';

/** At most this many bytes of snapshots (plus one live copy); fewer than MIN_SLOTS snapshots: replay is off. */
export const SCRUB_BUDGET_BYTES = 192 * 2 ** 20;
export const MAX_SLOTS = 48;
export const MIN_SLOTS = 4;
/** First snapshot interval, in time units (t = Σ steps × step). */
export const FIRST_INTERVAL = 0.05;

/**
 * When to take snapshots, in simulated time (pure; see the file comment).
 * Invariants: times[0] = 0, times increasing, times.length ≤ capacity; snapshot k is taken at the first
 * step at or after k·interval, so gaps are interval ± one step.
 */
export class SnapshotSchedule {
  /** Times of the snapshots kept, oldest first. */
  readonly times: number[] = [0];
  private next: number;

  /**
   * @param capacity most snapshots kept (≥ 2). @param interval first spacing (time units, > 0).
   * @throws RangeError naming the argument when capacity < 2 or interval ≤ 0.
   */
  constructor(readonly capacity: number, public interval = FIRST_INTERVAL) {
    if (!(Number.isInteger(capacity) && capacity >= 2)) throw new RangeError(`SnapshotSchedule: capacity ${capacity} must be an integer ≥ 2.`);
    if (!(interval > 0 && Number.isFinite(interval))) throw new RangeError(`SnapshotSchedule: interval ${interval} must be positive.`);
    this.next = interval;
  }

  /** True when a snapshot is due at time t. */
  due(t: number): boolean { return t >= this.next; }

  /**
   * Records a snapshot at time t (call when {@link due}).
   * @returns the indices (into the list before this call, plus the new one at its end) of the snapshots
   *   dropped to make room: after a full ring, the odd ones; otherwise none.
   */
  add(t: number): number[] {
    this.times.push(t);
    let dropped: number[] = [];
    if (this.times.length > this.capacity) {
      dropped = this.times.map((_, i) => i).filter((i) => i % 2 === 1);
      const kept = this.times.filter((_, i) => i % 2 === 0);
      this.times.splice(0, this.times.length, ...kept);
      this.interval *= 2;
    }
    // The next multiple of the interval: snapshots stay on one grid, so lateness (≤ one step) never accumulates.
    const last = this.times[this.times.length - 1];
    this.next = (Math.floor(last / this.interval + 1e-9) + 1) * this.interval;
    return dropped;
  }
}

/** Snapshot slots an ensemble of n trajectories in d dimensions gets (0 when fewer than MIN_SLOTS fit). */
export function slotsFor(n: number, d: number): number {
  const bytes = 4 * (d + 1) * n;
  const k = Math.min(MAX_SLOTS, Math.floor(SCRUB_BUDGET_BYTES / bytes) - 1);
  return k >= MIN_SLOTS ? k : 0;
}

/** What the app does when replay starts and ends. */
export interface ScrubHooks {
  /** Replay starts: pause (and freeze the trails). @returns whether it was playing. */
  enter(): boolean;
  /** Replay ends (live state restored): restore the view; resume when `wasPlaying`. */
  leave(wasPlaying: boolean): void;
}

/** The replay slider and the GPU snapshot history of one simulation at a time. */
export class Scrubber {
  private sim: SingleNeuronSim | null = null;
  private schedule: SnapshotSchedule | null = null;
  private snapshots: GPUBuffer[] = [];
  private pool: GPUBuffer[] = [];
  private live: GPUBuffer | null = null;
  private wasPlaying = false;
  private shown: number | null = null;
  readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly liveButton: HTMLButtonElement;

  /** Builds the slider row inside `container`. */
  constructor(private ctx: GpuContext, container: HTMLElement, private readonly hooks: ScrubHooks) {
    this.root = Object.assign(document.createElement('div'), { id: 'scrub' });
    this.slider = Object.assign(document.createElement('input'), { type: 'range', min: '0', max: '0', step: '1', value: '0' });
    this.slider.setAttribute('aria-label', 'replay recorded time');
    this.label = Object.assign(document.createElement('span'), { className: 'scrub-time' });
    this.liveButton = Object.assign(document.createElement('button'), { type: 'button', textContent: 'live', disabled: true });
    this.liveButton.title = 'back to the running simulation (also: space, →)';
    this.root.append(Object.assign(document.createElement('span'), { textContent: 'replay', className: 'scrub-name' }), this.slider, this.label, this.liveButton);
    container.append(this.root);
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value)));
    this.liveButton.addEventListener('click', () => this.goLive());
  }

  /** True while a recorded state is shown instead of the live one. */
  get active(): boolean { return this.shown !== null; }
  /** The time of the state shown while replaying, else null. */
  get time(): number | null { return this.shown === null || !this.schedule ? null : this.schedule.times[this.shown]; }
  /** Snapshots recorded so far. */
  get count(): number { return this.schedule?.times.length ?? 0; }

  /** After a device loss: forgets the buffers of the lost device and uses `ctx` from now on (setSim follows). */
  useContext(ctx: GpuContext): void {
    this.ctx = ctx;
    [this.snapshots, this.pool, this.live, this.shown] = [[], [], null, null];
  }

  /** Follows a new simulation (after a rebuild or reset): drops the history and any replay, records t = 0. */
  setSim(sim: SingleNeuronSim): void {
    const replaying = this.active;
    this.shown = null;
    for (const b of [...this.snapshots, ...this.pool]) b.destroy();
    this.live?.destroy();
    [this.snapshots, this.pool, this.live] = [[], [], null];
    this.sim = sim;
    const slots = slotsFor(sim.n, sim.d);
    this.schedule = slots ? new SnapshotSchedule(slots) : null;
    this.root.classList.toggle('scrub-off', !slots);
    this.root.title = slots ? '' : 'replay is off: the ensemble is too large to keep snapshots of it';
    if (this.schedule) this.snapshots.push(this.copyState());
    this.sync();
    if (replaying) this.hooks.leave(false);
  }

  /** After the app queued steps: takes a snapshot when one is due. */
  afterSteps(): void {
    const { sim, schedule } = this;
    if (!sim || !schedule || this.active || !schedule.due(sim.time)) return;
    this.snapshots.push(this.copyState());
    const dropped = new Set(schedule.add(sim.time));
    if (dropped.size) {
      this.pool.push(...this.snapshots.filter((_, i) => dropped.has(i)));
      this.snapshots = this.snapshots.filter((_, i) => !dropped.has(i));
    }
    this.sync();
  }

  /**
   * Shows snapshot k (clamped) in place of the live state; the first call saves the live state and pauses.
   * Does nothing without snapshots.
   */
  show(k: number): void {
    const { sim, schedule } = this;
    if (!sim || !schedule || this.snapshots.length === 0) return;
    const i = Math.min(this.snapshots.length - 1, Math.max(0, Math.round(k)));
    const bytes = sim.state.size;
    if (this.shown === null) {
      this.wasPlaying = this.hooks.enter();
      this.live ??= createBuffer(this.ctx.device, 'Scrub.live', GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, bytes);
      this.copy(sim.state, this.live, bytes);
    }
    this.shown = i;
    this.copy(this.snapshots[i], sim.state, bytes);
    this.sync();
  }

  /**
   * Restores the live state if a snapshot is shown (call before any step) and tells the leave hook.
   * @param resume resume when it was playing before the replay ("live" button); a step or play resumes itself.
   * @returns true when a snapshot was shown.
   */
  restoreLive(resume = false): boolean {
    if (this.shown === null || !this.sim || !this.live) return false;
    this.copy(this.live, this.sim.state, this.sim.state.size);
    this.shown = null;
    this.sync();
    this.hooks.leave(resume && this.wasPlaying);
    return true;
  }

  /** The "live" button: restores the live state and resumes when it was playing before the replay. */
  goLive(): void { this.restoreLive(true); }

  /** The HUD's first line while replaying ('' when live). */
  hudLine(liveTime: number): string {
    const t = this.time;
    return t === null ? '' : `⏪ replay: t = ${t.toFixed(2)} (recorded; live t = ${liveTime.toFixed(2)}) — "live" or space returns\n`;
  }

  destroy(): void {
    for (const b of [...this.snapshots, ...this.pool]) b.destroy();
    this.live?.destroy();
    this.root.remove();
  }

  private copyState(): GPUBuffer {
    const sim = this.sim!;
    const bytes = sim.state.size;
    const buffer = this.pool.pop() ?? createBuffer(this.ctx.device, `Scrub.snapshot`, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, bytes);
    this.copy(sim.state, buffer, bytes);
    return buffer;
  }

  private copy(from: GPUBuffer, to: GPUBuffer, bytes: number): void {
    const enc = this.ctx.device.createCommandEncoder({ label: 'Scrub.copy' });
    enc.copyBufferToBuffer(from, 0, to, 0, bytes);
    this.ctx.device.queue.submit([enc.finish()]);
  }

  private sync(): void {
    const n = this.snapshots.length;
    this.slider.max = String(Math.max(0, n - 1));
    this.slider.disabled = n < 2;
    if (this.shown === null) this.slider.value = String(Math.max(0, n - 1));
    this.liveButton.disabled = this.shown === null;
    const t = this.time;
    this.label.textContent = t === null ? 'live' : `t = ${t.toFixed(2)}`;
    this.root.classList.toggle('scrubbing', this.shown !== null);
  }
}
