/**
 * The runner after a device loss (issue 11 defect 1), checkpoint mode: deviceLost() stops the run at
 * once, drops the interrupted batch's backend and rewinds that batch to its first checkpoint; run() then
 * redoes it on a new backend while the batches finished before are neither re-created nor re-recorded.
 */
import { describe, expect, it } from 'vitest';
import { Runner, type RunPlan, type SteppedBackend } from '../../src/app/runner.ts';

/** A plan of 3 batches, checkpoints [0, 4, 8]; batch 1's first backend "loses its device" at step 4. */
function lossyPlan(log: string[], onLoss: () => void): RunPlan<SteppedBackend> {
  let created = 0;
  return {
    batches: 3, batchSize: () => 2, checkpoints: [0, 4, 8], work: { steps: 48, metrics: 12 },
    async create(b) {
      const id = created++;
      let steps = 0;
      log.push(`create ${b}#${id}`);
      return {
        get stepCount() { return steps; },
        async advance(k, onProgress, signal) {
          for (let i = 0; i < k; i++) {
            signal?.throwIfAborted();
            steps++;
            if (b === 1 && id === 1 && steps === 6) onLoss();
            await Promise.resolve();
            onProgress?.(i + 1, k);
          }
        },
        destroy() { log.push(`destroy ${b}#${id}`); },
      };
    },
    async record(backend, b, c) { log.push(`record ${b}.${c} @${backend.stepCount}`); },
  };
}

describe('Runner.deviceLost (checkpoint mode)', () => {
  it('stops at once, rewinds the interrupted batch to step 0, keeps finished batches, and run() completes', async () => {
    const log: string[] = [];
    let lost: Promise<string> | null = null;
    const runner: Runner = new Runner(lossyPlan(log, () => { lost = runner.deviceLost(); }));
    await runner.run();
    expect(lost).not.toBeNull();
    expect(await lost).toBe('running');
    expect(runner.progress).toMatchObject({ state: 'cancelled', batch: 1, checkpointsDone: 3 + 0 });
    expect(log).toEqual(['create 0#0', 'record 0.0 @0', 'record 0.1 @4', 'record 0.2 @8', 'destroy 0#0',
      'create 1#1', 'record 1.0 @0', 'record 1.1 @4', 'destroy 1#1']);
    log.length = 0;
    await runner.run();
    expect(runner.progress).toMatchObject({ state: 'done', batch: 3, checkpointsDone: 9 });
    // Batch 1 again from θ₀ on a new backend (all its checkpoints), then batch 2; batch 0 untouched.
    expect(log).toEqual(['create 1#2', 'record 1.0 @0', 'record 1.1 @4', 'record 1.2 @8', 'destroy 1#2',
      'create 2#3', 'record 2.0 @0', 'record 2.1 @4', 'record 2.2 @8', 'destroy 2#3']);
  });

  it('a run the user cancelled stays cancelled (resumable); a finished run stays done', async () => {
    const log: string[] = [];
    const runner = new Runner(lossyPlan(log, () => {}));
    const run = runner.run();
    runner.cancel();
    await run;
    expect(await runner.deviceLost()).toBe('cancelled');
    expect(runner.progress.state).toBe('cancelled');
    await runner.run();
    expect(runner.progress.state).toBe('done');
    expect(await runner.deviceLost()).toBe('done');
    expect(runner.progress).toMatchObject({ state: 'done', checkpointsDone: 9 });
  });
});
