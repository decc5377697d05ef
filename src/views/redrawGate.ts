/**
 * When a WebGPU point view redraws (docs/architecture.md, "Design rules"). A frame is drawn when something changed:
 * the simulated time (new steps landed), the view's own settings or size, or an {@link RedrawGate.invalidate}
 * from its owner (a buffer rewritten behind the view's back). A paused, untouched view draws only every
 * `idleIntervalMs` (a safety net against a missed invalidation), instead of every animation frame: on a
 * software adapter each frame of the trail and composite passes costs the CPU that the simulation needs
 * (a paused 1280 × 800 portrait kept 1.7 cores of this 2-core machine busy). On a software adapter the
 * redraws that only show new steps are paced to `minIntervalMs` apart, for the same reason; trails fade by
 * simulated time (trailCanvas.trailFade), so pacing does not change how they look.
 */

/** Pacing of a {@link RedrawGate}, in milliseconds of wall time. */
export interface RedrawPacing {
  /** Least time between two frames drawn only because the simulated time moved on. */
  minIntervalMs: number;
  /** Longest time without a frame while nothing is known to have changed. */
  idleIntervalMs: number;
}

/** Pacing by adapter: every animation frame on a GPU; at most 20 frames per second of new steps on a CPU adapter. */
export const REDRAW_PACING: Readonly<Record<'hardware' | 'software', RedrawPacing>> = {
  hardware: { minIntervalMs: 0, idleIntervalMs: 1000 },
  software: { minIntervalMs: 50, idleIntervalMs: 1000 },
};

/** Decides, once per animation frame, whether a view draws; {@link drawn} records each frame it drew. */
export class RedrawGate {
  private lastTime: number | null = null;
  private lastAt = -Infinity;
  private stale = true;
  /** Frames drawn so far (every {@link drawn}: the app's frames, exports and forced ones). */
  frames = 0;

  /**
   * @param pacing see {@link RedrawPacing}; both intervals ≥ 0.
   * @param now wall clock in ms (performance.now by default; a test passes its own).
   * @throws RangeError when an interval is negative or not finite.
   */
  constructor(private readonly pacing: RedrawPacing, private readonly now: () => number = () => performance.now()) {
    for (const [name, v] of Object.entries(pacing)) {
      if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`RedrawGate: ${name} must be a finite number ≥ 0 (got ${v}).`);
    }
  }

  /** The next {@link due} is true whatever the time (a setting, the selection or a bound buffer changed). */
  invalidate(): void { this.stale = true; }

  /**
   * Whether the frame of simulated time `time` (time units) is to be drawn now.
   * @param changed the view's own pending changes (settings, size), drawn at once like an invalidation.
   */
  due(time: number, changed = false): boolean {
    if (this.stale || changed || this.lastTime === null) return true;
    const since = this.now() - this.lastAt;
    return since >= (time !== this.lastTime ? this.pacing.minIntervalMs : this.pacing.idleIntervalMs);
  }

  /** Records a drawn frame at simulated `time` (undefined: a frame for an export, which keeps the last time). */
  drawn(time: number | undefined): void {
    this.lastAt = this.now();
    if (time !== undefined) this.lastTime = time;
    this.stale = false;
    this.frames++;
  }
}
