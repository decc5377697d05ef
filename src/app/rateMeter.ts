/** The HUD's throughput meter, shared by every model's live view. */

/** Steps completed per wall-clock second over a sliding window of about two seconds. */
export class RateMeter {
  private samples: { t: number; steps: number }[] = [];
  /** Records `steps` completed at time `t` (ms, performance.now()). */
  add(steps: number, t: number): void {
    this.samples.push({ t, steps });
    while (this.samples.length > 2 && t - this.samples[0].t > 2000) this.samples.shift();
  }
  /** Steps per second, or 0 before two samples exist. */
  perSecond(now: number): number {
    if (this.samples.length < 2 || now - this.samples[this.samples.length - 1].t > 1000) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const steps = this.samples.slice(1).reduce((s, x) => s + x.steps, 0);
    return last.t > first.t ? (1000 * steps) / (last.t - first.t) : 0;
  }
  /** Forgets every sample (a new ensemble). */
  reset(): void { this.samples = []; }
}
