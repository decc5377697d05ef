/**
 * Batch use (issue 11, defect 9): plain progress lines on a non-terminal stderr at a bounded rate, and
 * `--shard auto` from a Slurm job array or a Kubernetes Indexed Job.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { createPlainProgress, createProgressBar } from '../../src/cli/progress.ts';
import { autoShard } from '../../src/cli/shardAuto.ts';
import { UsageError } from '../../src/cli/io.ts';
import { relu2Examples } from '../../src/models/relu2/examples.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-batch-'));

function sink(isTTY = false): { stream: NodeJS.WriteStream; text: () => string } {
  const into: string[] = [];
  return { stream: { write: (s: string) => { into.push(String(s)); return true; }, isTTY } as unknown as NodeJS.WriteStream, text: () => into.join('') };
}

describe('progress on a non-terminal stderr', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('createProgressBar prints plain lines (not nothing) when stderr is not a terminal', () => {
    vi.useFakeTimers();
    const out = sink(false);
    const bar = createProgressBar('sweep 2/4', out.stream, 'network-steps');
    bar.update(0, 1000);
    vi.advanceTimersByTime(12_000);
    bar.update(250, 1000);
    bar.stop();
    expect(out.text()).toBe('sweep 2/4: 25% (250/1,000 network-steps), 12 s elapsed, ETA 36 s\n');
  });

  it('lines come every 10 s, and at 10 % steps at most once a second; a fast run prints nothing', () => {
    let t = 0;
    const out = sink();
    const p = createPlainProgress('simulate', out.stream, 'steps', () => t);
    for (let done = 0; done <= 100_000; done += 100) { t += 5; p.update(done, 100_000); } // 5 s in all: at most 5 lines
    const fast = out.text().trimEnd().split('\n');
    expect(fast.length).toBeLessThanOrEqual(5);
    expect(fast.length).toBeGreaterThanOrEqual(4);
    expect(fast[0]).toMatch(/^simulate: (10|20)% \(\d{2},\d{3}\/100,000 steps\), 1 s elapsed, ETA \d+ s$/);

    const slow = sink();
    t = 0;
    const q = createPlainProgress('simulate', slow.stream, 'steps', () => t);
    for (let done = 0; done <= 1000; done++) { t += 100; q.update(done, 100_000); } // 100 s, 1 %: a line per 10 s
    expect(slow.text().trimEnd().split('\n')).toHaveLength(10);
    expect(slow.text()).toMatch(/^simulate: 0% \(100\/100,000 steps\), 10 s elapsed, ETA 2 h 46 min$/m);

    const quick = sink();
    t = 0;
    const r = createPlainProgress('simulate', quick.stream, 'steps', () => t);
    for (let done = 0; done <= 10; done++) { t += 50; r.update(done, 10); }
    expect(quick.text()).toBe('');
  });
});

describe('--shard auto', () => {
  const slurm = (id: number, min: number, count: number) => ({
    SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_COUNT: String(count),
  });

  it.each([
    ['0-based Slurm array, first task', 'auto', slurm(0, 0, 16), 1, 16],
    ['0-based Slurm array, last task', 'auto', slurm(15, 0, 16), 16, 16],
    ['1-based Slurm array', 'auto', slurm(3, 1, 4), 3, 4],
    ['offset Slurm array', 'auto/4', slurm(12, 10, 4), 3, 4],
    ['Kubernetes Indexed Job', 'auto/16', { JOB_COMPLETION_INDEX: '0' }, 1, 16],
    ['Kubernetes Indexed Job, last index', 'auto/16', { JOB_COMPLETION_INDEX: '15' }, 16, 16],
  ])('%s', (_name, text, env, index, count) => {
    const s = autoShard(text, env);
    expect([s.index, s.count]).toEqual([index, count]);
  });

  it.each([
    ['no scheduler variables', 'auto', {}, /^--shard auto: neither SLURM_ARRAY_TASK_ID \(a Slurm job array, sbatch --array\) nor JOB_COMPLETION_INDEX \(a Kubernetes Indexed Job\) is set; run it as an array task or give --shard i\/n$/],
    ['Kubernetes without a count', 'auto', { JOB_COMPLETION_INDEX: '2' }, /JOB_COMPLETION_INDEX is set but the shard count is not; give --shard auto\/<completions>/],
    ['Kubernetes index beyond the count', 'auto/4', { JOB_COMPLETION_INDEX: '4' }, /JOB_COMPLETION_INDEX = 4 needs n > 4/],
    ['Slurm count disagrees', 'auto/8', slurm(0, 0, 16), /SLURM_ARRAY_TASK_COUNT = 16 tasks; give --shard auto or --shard auto\/16/],
    ['Slurm array with a step', 'auto', slurm(30, 0, 16), /SLURM_ARRAY_TASK_ID = 30 is outside 0…15 .* without a step/],
    ['Slurm without MIN', 'auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '4' }, /SLURM_ARRAY_TASK_MIN is not/],
    ['Slurm id not an integer', 'auto', { SLURM_ARRAY_TASK_ID: 'x' }, /SLURM_ARRAY_TASK_ID must be an integer ≥ 0, got "x"/],
    ['bad spelling', 'automatic', {}, /--shard: expected i\/n, auto or auto\/n, got "automatic"/],
  ])('%s: a UsageError naming the variable', (_name, text, env, pattern) => {
    expect(() => autoShard(text, env)).toThrow(UsageError);
    expect(() => autoShard(text, env)).toThrow(pattern);
  });

  it('lazyrich sweep --shard auto runs the array task\'s shard and says where it came from', async () => {
    const config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify({ ...relu2Examples.tiny, backend: 'cpu' }));
    const saved = { ...process.env };
    Object.assign(process.env, slurm(1, 0, 3));
    try {
      const out = sink(), err = sink();
      const io: CliIo = { stdout: out.stream, stderr: err.stream };
      expect(await main(['node', 'lazyrich', 'sweep', config, '--out', join(dir, 'auto'), '--shard', 'auto'], io)).toBe(0);
      expect(err.text()).toMatch(/^shard 2\/3 \(--shard auto: SLURM_ARRAY_TASK_ID = 1, SLURM_ARRAY_TASK_MIN = 0, SLURM_ARRAY_TASK_COUNT = 3\)$/m);
      expect(existsSync(join(dir, 'auto', 'shard-2-of-3.json'))).toBe(true);
      for (const k of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_COUNT']) delete process.env[k];
      const err2 = sink();
      expect(await main(['node', 'lazyrich', 'sweep', config, '--out', join(dir, 'auto'), '--shard', 'auto'], { stdout: out.stream, stderr: err2.stream })).toBe(EXIT_BAD_INPUT);
      expect(err2.text()).toMatch(/^lazyrich: --shard auto: neither SLURM_ARRAY_TASK_ID/);
    } finally {
      process.env = saved;
    }
  });
});
