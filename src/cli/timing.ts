/**
 * Phase timestamps of one CLI process (issue 12: where a `simulate` run's fixed overhead goes). With the
 * environment variable LAZYRICH_TIMING set (any non-empty value), `main` prints one stderr line at the end:
 * `timing: start-up 0.31 s (0.28), config 0.04 s (0.04), …, total 0.92 s (cpu 1.10 s)`, each phase the wall time
 * since the previous mark and the process's CPU time in it; "start-up" is node's boot, the TypeScript loader and the module imports (from the process start,
 * performance.timeOrigin). Without the variable {@link mark} only stores a number.
 */

const marks: { label: string; ms: number; cpuMs: number }[] = [];

/** CPU time of the whole process (every thread: JS, Dawn, SwiftShader's workers), ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Whether LAZYRICH_TIMING asks for the timing line. */
export function timingEnabled(): boolean {
  return typeof process !== 'undefined' && !!process.env.LAZYRICH_TIMING;
}

/** Ends the phase `label` now (wall ms since the process started). */
export function mark(label: string): void {
  marks.push({ label, ms: performance.now(), cpuMs: cpuMs() });
}

/**
 * The timing line (without newline): each marked phase's wall duration in s and, in parentheses, the process's
 * CPU time in it (all threads; on a shared machine the steadier measure), then the totals; '' without marks.
 */
export function timingLine(): string {
  if (marks.length === 0) return '';
  let last = 0, lastCpu = 0;
  const parts = marks.map(({ label, ms, cpuMs: cpu }) => {
    const s = `${label} ${((ms - last) / 1000).toFixed(3)} s (${((cpu - lastCpu) / 1000).toFixed(3)})`;
    last = ms;
    lastCpu = cpu;
    return s;
  });
  return `timing: ${parts.join(', ')}, total ${(last / 1000).toFixed(3)} s (cpu ${(lastCpu / 1000).toFixed(3)} s)`;
}

/** Forgets every mark (tests; a process runs one command). */
export function resetTiming(): void {
  marks.length = 0;
}
