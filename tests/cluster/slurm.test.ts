/**
 * A sweep on a real Slurm cluster (issue 11, "A real distributed engine, in CI"): a one-node cluster on
 * localhost (slurmCluster.ts) runs a 27-network relu2 grid as `sbatch --array=1-3` of
 * `lazyrich sweep --shard auto` tasks; task 2 is cancelled with scancel after its first chunk is written
 * (mid-run), requeued, and resumes; `lazyrich merge` runs as a dependent job. The merged file must equal a
 * one-shot `lazyrich simulate` of the same config byte for byte (the CPU backend is float64 and
 * deterministic, so shards, resumes and merges change no number). The cluster's log lines for the array,
 * the kill, the requeue and the merge are printed.
 * Needs root and `slurm-wlm munge`: without them the test fails when CI is set, and is skipped (loudly) otherwise.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSlurm, OneNodeCluster, waitFor } from './slurmCluster.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin', 'lazyrich.js');
const TASKS = 3;
/** 3 τ × 3 δ × 3 seeds = 27 networks, 9 per shard, one network per chunk (--chunk 1), float64 CPU backend. */
const CONFIG = {
  model: 'relu2', backend: 'cpu',
  data: { teacher: { seed: 0, d: 5, n: 32, m0: 3, nTest: 16 } },
  init: { grid: { m: 16, tau: { from: 0.3, to: 1.5, count: 3, log: true }, delta: [-0.5, 0, 0.5], seeds: [0, 1, 2] } },
  learningRate: { base: 0.02, scaleByTauSquared: true }, checkpoints: [0, 100, 1000, 20000],
};
const PER_SHARD = 9;

const { missing } = findSlurm();
const notRoot = process.getuid?.() !== 0;
const why = missing.length ? `the Slurm tools ${missing.join(', ')} are missing` : notRoot ? 'it needs root (the daemons run as SlurmUser=root)' : undefined;
const HOW = 'to run it: `apt-get install -y slurm-wlm munge` (as .ci/run does), and run the tests as root';

if (why !== undefined && !process.env.CI) {
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING tests/cluster/slurm.test.ts: ${why}; ${HOW}.\n${'!'.repeat(100)}\n`);
}

describe.runIf(why !== undefined && !!process.env.CI)('slurm cluster (CI)', () => {
  it('has Slurm and root', () => {
    throw new Error(`tests/cluster/slurm.test.ts cannot run in CI: ${why}; ${HOW}`);
  });
});

describe.skipIf(why !== undefined)('a relu2 sweep on a one-node Slurm cluster', () => {
  let cluster: OneNodeCluster | undefined;
  let work: string;
  const started = Date.now();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'lazyrich-slurm-work-'));
    cluster = await OneNodeCluster.start();
    console.log(`cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${cluster.dir}`);
  });

  afterAll(async () => {
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    console.log(`cluster test wall time ${((Date.now() - started) / 1000).toFixed(1)} s (cluster stopped, folders removed)`);
  });

  it('array of --shard auto tasks, one killed mid-run and requeued, merge equals a one-shot simulate exactly', async () => {
    const c = cluster!;
    const config = join(work, 'grid.json');
    const out = join(work, 'out');
    writeFileSync(config, JSON.stringify(CONFIG));
    // The reference, run beside the array (a plain child process, not a Slurm job).
    const simulate = promisify(execFile)(process.execPath, [CLI, 'simulate', config, '--out', join(work, 'simulate.json')], { cwd: ROOT, maxBuffer: 1 << 24 });

    const script = join(work, 'sweep.sbatch');
    // --open-mode=append: the requeued run's log follows the killed run's instead of replacing it.
    writeFileSync(script, `#!/bin/bash\n#SBATCH --job-name=lazyrich-sweep\n#SBATCH --output=${work}/sweep-%A_%a.log\n#SBATCH --open-mode=append\n`
      + `exec "${process.execPath}" "${CLI}" sweep "${config}" --out "${out}" --shard auto --chunk 1\n`);
    const array = c.run('sbatch', ['--parsable', `--array=1-${TASKS}`, script], ROOT);
    const parts2 = join(out, `shard-2-of-${TASKS}.parts`);
    const chunks2 = () => (existsSync(parts2) ? readdirSync(parts2).filter((n) => /^networks-\d+-\d+\.json$/.test(n)).length : 0);

    // Kill task 2 once its first chunk is on disk and before its shard is complete: really mid-run.
    await waitFor('task 2\'s first chunk file', 240_000, () => (chunks2() > 0 ? true : undefined), 200);
    c.run('scancel', [`${array}_2`]);
    await waitFor('task 2 to be cancelled', 60_000, () => (c.states(array).get('2')?.state === 'CANCELLED' ? true : undefined));
    const doneAtKill = chunks2();
    console.log(`task ${array}_2 cancelled with ${doneAtKill} of ${PER_SHARD} chunks written`);
    expect(existsSync(join(out, `shard-2-of-${TASKS}.json`)), 'task 2 finished before the kill: the grid is too small for this machine').toBe(false);
    expect(doneAtKill).toBeGreaterThan(0);
    expect(doneAtKill).toBeLessThan(PER_SHARD);

    // Resubmit the task (same array index, so --shard auto names the same shard); a requeued job waits
    // for a begin time ~2 min ahead: start it now. Then merge as a job depending on every task.
    c.run('scontrol', ['requeue', `${array}_2`]);
    c.run('scontrol', ['update', `JobId=${array}_2`, 'StartTime=now']);
    const merged = join(work, 'merged.json');
    // afterok on each task: on the whole array Slurm remembers the cancelled run and never starts it.
    const tasks = Array.from({ length: TASKS }, (_, i) => `${array}_${i + 1}`).join(':');
    const merge = c.run('sbatch', ['--parsable', `--dependency=afterok:${tasks}`, '--kill-on-invalid-dep=yes', '--job-name=lazyrich-merge',
      `--output=${work}/merge-%j.log`, '--wrap', `exec "${process.execPath}" "${CLI}" merge "${out}" --out "${merged}"`], ROOT);
    const mergeState = await waitFor('the merge job to finish', 300_000, () => {
      const s = c.states(merge).get('')?.state;
      return s && !['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING'].includes(s) ? s : undefined;
    }, 1000);
    await simulate;

    // The cluster's own record: slurmctld's lines for the array and merge jobs, and the job completion log.
    const ids = new RegExp(`JobId=(${array}|${merge})\\b|JobId=${array}_`);
    const ctld = c.log('slurmctld.log').split('\n').filter((l) => ids.test(l) && !/error|Trying backup/.test(l));
    const comp = c.log('jobcomp.log').split('\n').filter((l) => l.includes(`ArrayJobId=${array} `) || l.includes(`JobId=${merge} `))
      .map((l) => l.replace(/ (UserId|GroupId|Partition|TimeLimit|NodeCnt|ProcCnt|WorkDir|ReservationName|Tres|Account|QOS|WcKey|Cluster|SubmitTime|EligibleTime|DerivedExitCode)=\S*/g, ''));
    const text = (name: string) => (existsSync(join(work, name)) ? readFileSync(join(work, name), 'utf8').trim() : `(no ${name})`);
    const task2 = text(`sweep-${array}_2.log`);
    console.log(['--- slurmctld.log', ...ctld, '--- jobcomp.log', ...comp, `--- sweep-${array}_2.log (killed, then requeued)`, task2,
      `--- merge-${merge}.log (${mergeState})`, text(`merge-${merge}.log`)].join('\n'));

    const states = c.states(array);
    expect(mergeState).toBe('COMPLETED');
    expect([...states.entries()].map(([t, s]) => `${t}:${s.state}`).sort()).toEqual(['1:COMPLETED', '2:COMPLETED', '3:COMPLETED']);
    expect(states.get('2')!.restarts).toBe(1);
    expect(ctld.some((l) => l.includes(`REQUEST_KILL_JOB JobId=${array}_2`))).toBe(true);
    expect(ctld.some((l) => new RegExp(`Requeuing JobId=${array}_2\\b`).test(l))).toBe(true);
    expect(ctld.filter((l) => new RegExp(`sched: Allocate JobId=${array}_2\\b`).test(l))).toHaveLength(2);
    expect(comp.some((l) => / JobState=CANCELLED /.test(l) && / ArrayTaskId=2 /.test(l))).toBe(true);
    // The rerun resumed from the killed run's chunks and took over its lock.
    expect(task2).toMatch(/shard 2\/3 \(--shard auto: SLURM_ARRAY_TASK_ID = 2, SLURM_ARRAY_TASK_MIN = 1, SLURM_ARRAY_TASK_COUNT = 3\)/);
    expect(task2).toMatch(new RegExp(`CANCELLED AT .*\\n[^]*shard 2/3: networks 9–17 of 27, 9 chunks of ≤ 1 networks; resuming: \\d+ chunks already done`));
    // A chunk may land between the scancel and the process's end: at least those seen, never all.
    const resumed = Number(/resuming: (\d+) chunks already done, (\d+) to run/.exec(task2)![1]);
    expect(resumed).toBeGreaterThanOrEqual(doneAtKill);
    expect(resumed).toBeLessThan(PER_SHARD);
    expect(task2).toMatch(/took over the stale lock .*shard-2-of-3\.lock/);
    expect(text(`merge-${merge}.log`)).toMatch(/merged 3 shards, 27 networks/);

    const reference = readFileSync(join(work, 'simulate.json'), 'utf8');
    const result = readFileSync(merged, 'utf8');
    expect(JSON.parse(result).networks).toHaveLength(27);
    expect(result === reference, 'merged file differs from the one-shot simulate').toBe(true);
  });

  it('examples/slurm as written: sbatch takes its directives (--gres=gpu:1, the array, the dependent merge); '
    + 'without a GPU driver --require-gpu fails every task with exit 3 and the merge never starts', async () => {
    const c = cluster!;
    // A folder that looks like the repository root (submit.sh writes results/ there, not in the checkout).
    const site = join(work, 'site');
    mkdirSync(site);
    for (const name of ['examples', 'bin', 'node_modules', 'package.json', 'tsconfig.json']) symlinkSync(join(ROOT, name), join(site, name));
    // No Vulkan driver at all in the jobs, even on a machine with a GPU: the tasks must refuse, not run the grid.
    const env = { ...c.env, VK_ICD_FILENAMES: join(work, 'no-driver.json') };
    const submit = spawnSync('bash', ['examples/slurm/submit.sh', '2'], { cwd: site, env, encoding: 'utf8', timeout: 60_000 });
    expect(submit.status, submit.stderr).toBe(0);
    console.log(`--- examples/slurm/submit.sh 2\n${submit.stdout.trim()}`);
    const [, array, merge] = /sweep: job array (\d+) \(shards 1-2\); merge: job (\d+)/.exec(submit.stdout)!;
    const done = (s?: { state: string }) => s !== undefined && !['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING'].includes(s.state);
    await waitFor('the example\'s tasks and merge to end', 240_000, () => {
      const tasks = c.states(array);
      return tasks.size === 2 && [...tasks.values()].every(done) && done(c.states(merge).get('')) ? true : undefined;
    }, 1000);
    const tasks = c.states(array);
    const log = (t: number) => readFileSync(join(site, 'results', 'fig1b', `slurm-${array}_${t}.log`), 'utf8');
    console.log(`tasks: ${[...tasks].map(([t, s]) => `${array}_${t} ${s.state} exit ${s.exit}`).join(', ')}; merge ${merge}: ${c.states(merge).get('')!.state} (${c.states(merge).get('')!.reason})`);
    console.log(`--- slurm-${array}_1.log\n${log(1).trim()}`);
    for (const t of ['1', '2']) expect(tasks.get(t)).toMatchObject({ state: 'FAILED', exit: '3:0' });
    for (const t of [1, 2]) expect(log(t)).toMatch(new RegExp(`shard ${t}/2 \\(--shard auto: SLURM_ARRAY_TASK_ID = ${t}, SLURM_ARRAY_TASK_MIN = 1, SLURM_ARRAY_TASK_COUNT = 2\\)\\n[^]*lazyrich: --require-gpu: `));
    expect(c.states(merge).get('')).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect(c.log('slurmctld.log')).toMatch(new RegExp(`_kill_dependent: Job dependency can't be satisfied, cancelling JobId=${merge}\\b`));
  });
});
