/**
 * Progress of a long run on stderr. On a terminal: a bar with ETA (cli-progress). On anything else (a
 * Slurm or Kubernetes log, a pipe): plain lines at a bounded rate, so a log tells a long run from a hang.
 */
import cliProgress from 'cli-progress';

/** Progress reporter of a long run: `update(done, total)` in steps, `stop()` once at the end. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

/** When a non-terminal stream gets a line: every {@link PLAIN_INTERVAL_MS}, and at each 10 % step at most once a second. */
export const PLAIN_INTERVAL_MS = 10_000;
/** The shortest gap between two plain lines at 10 % steps (a fast run prints nothing). */
export const PLAIN_MIN_GAP_MS = 1_000;

/** Seconds as "12 s", "3 min 5 s", "2 h 4 min". */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Plain progress lines for a non-terminal stream, e.g.
 * `sweep 3/16: 40% (4,000/10,000 network-steps), 12 s elapsed, ETA 18 s`. A line is written when
 * {@link PLAIN_INTERVAL_MS} has passed since the last one, or when a new 10 % step is reached and at
 * least {@link PLAIN_MIN_GAP_MS} has passed; nothing for runs shorter than that.
 * @param now the clock in milliseconds (tests pass a fake one).
 */
export function createPlainProgress(label: string, stream: NodeJS.WritableStream, unit = 'steps', now: () => number = Date.now): ProgressReporter {
  let start: number | undefined;
  let last = 0;
  let lastDecile = 0;
  return {
    update(done, total) {
      const t = now();
      if (start === undefined) { start = t; last = t; }
      const fraction = total > 0 ? Math.min(1, done / total) : 1;
      const decile = Math.floor(fraction * 10);
      const due = t - last >= PLAIN_INTERVAL_MS || (decile > lastDecile && t - last >= PLAIN_MIN_GAP_MS);
      if (!due) return;
      const elapsed = (t - start) / 1000;
      const eta = fraction > 0 && fraction < 1 ? `, ETA ${duration((elapsed * (1 - fraction)) / fraction)}` : '';
      stream.write(`${label}: ${Math.floor(fraction * 100)}% (${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit}), `
        + `${duration(elapsed)} elapsed${eta}\n`);
      last = t;
      lastDecile = decile;
    },
    stop() { /* lines are complete; nothing to clear */ },
  };
}

/**
 * Creates the progress reporter for `stream`: on a terminal a bar such as
 * `simulate [████░░░░] 42% | 4200/10000 steps | ETA 12s`, started on the first update; elsewhere
 * {@link createPlainProgress}.
 * @param label prefix naming the command. @param stream defaults to process.stderr.
 * @param unit what `done` and `total` count (default "steps"; a model names its own, ModelCli.progressUnit, e.g. "network-steps").
 */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit = 'steps'): ProgressReporter {
  if (!stream.isTTY) return createPlainProgress(label, stream, unit);
  const bar = new cliProgress.SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    etaBuffer: 20,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
