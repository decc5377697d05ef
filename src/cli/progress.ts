/**
 * A step-count progress bar with ETA on stderr (cli-progress). On a non-TTY stream it prints nothing,
 * so piped stderr and test logs stay clean.
 */
import cliProgress from 'cli-progress';

/** Progress reporter of a long run: `update(done, total)` in steps, `stop()` once at the end. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * Creates a bar such as `simulate [████░░░░] 42% | 4200/10000 steps | ETA 12s`, started on the first update.
 * @param label prefix naming the command. @param stream defaults to process.stderr.
 * @param unit what `done` and `total` count (default "steps"; a model names its own, ModelCli.progressUnit, e.g. "network-steps").
 */
export function createProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit = 'steps'): ProgressReporter {
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
