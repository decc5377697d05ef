/**
 * A one-node Slurm cluster on localhost for tests/cluster (issue 11, "A real distributed engine, in CI"):
 * munged, slurmctld and slurmd started in the foreground as children of the test process, with a generated
 * slurm.conf and every state, spool, log and socket file in one temporary folder. Needs root (the daemons
 * run as root: SlurmUser=root) and the Debian packages `slurm-wlm munge` (.ci/run installs them).
 * {@link OneNodeCluster.stop} cancels every job, kills the daemons it started (by their process ids) and
 * removes the folder; it never touches a system-wide Slurm or munge.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { delimiter, join } from 'node:path';

/** The programs the test needs. */
export const SLURM_TOOLS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'scontrol', 'scancel', 'sinfo'] as const;
export type SlurmTool = (typeof SLURM_TOOLS)[number];

/** Where each tool is (PATH, then the sbin folders a non-login shell may lack), and which are missing. */
export function findSlurm(): { paths: Partial<Record<SlurmTool, string>>; missing: SlurmTool[] } {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'].filter(Boolean);
  const paths: Partial<Record<SlurmTool, string>> = {};
  for (const tool of SLURM_TOOLS) {
    const dir = dirs.find((d) => existsSync(join(d, tool)));
    if (dir) paths[tool] = join(dir, tool);
  }
  return { paths, missing: SLURM_TOOLS.filter((t) => !paths[t]) };
}

/** A free TCP port on localhost (the kernel's choice; released before Slurm binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` every `everyMs` until it returns a value other than undefined.
 * @throws Error naming `what` after `timeoutMs`.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined, everyMs = 500): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (load: ${readFileSync('/proc/loadavg', 'utf8').trim()})`);
    await sleep(everyMs);
  }
}

/** A running one-node cluster; see the module comment. */
export class OneNodeCluster {
  /** The temporary folder holding slurm.conf, state, spool, logs and the munge socket. */
  readonly dir: string;
  /** The node's name in slurm.conf (slurmd runs with -N). */
  readonly node = 'lazyrich-node';
  /** Environment for the client commands (SLURM_CONF). */
  readonly env: NodeJS.ProcessEnv;
  readonly #paths: Record<SlurmTool, string>;
  readonly #daemons: { name: string; child: ChildProcess }[] = [];
  #onExit = () => { for (const d of this.#daemons) d.child.kill('SIGKILL'); };

  private constructor(paths: Record<SlurmTool, string>) {
    this.#paths = paths;
    this.dir = mkdtempSync(join(tmpdir(), 'lazyrich-slurm-'));
    this.env = { ...process.env, SLURM_CONF: join(this.dir, 'slurm.conf') };
    process.once('exit', this.#onExit);
  }

  /**
   * Starts munged, slurmctld and slurmd and waits (≤ `timeoutMs`) until the node is idle. On failure the
   * daemons already started are stopped and the folder removed before the error is thrown.
   * @throws Error when a tool is missing, a daemon exits, or the node does not come up in time (the logs' tails in the message).
   */
  static async start(timeoutMs = 90_000): Promise<OneNodeCluster> {
    const { paths, missing } = findSlurm();
    if (missing.length) throw new Error(`Slurm tools missing: ${missing.join(', ')} (apt-get install slurm-wlm munge)`);
    const c = new OneNodeCluster(paths as Record<SlurmTool, string>);
    try {
      await c.#boot(timeoutMs);
      return c;
    } catch (e) {
      const logs = ['slurmctld.log', 'slurmd.log', 'munged.log'].map((f) => `--- ${f}:\n${c.log(f).split('\n').slice(-15).join('\n')}`).join('\n');
      await c.stop();
      throw new Error(`${(e as Error).message}\n${logs}`);
    }
  }

  async #boot(timeoutMs: number): Promise<void> {
    const d = this.dir;
    for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(d, sub));
    chmodSync(join(d, 'munge'), 0o700);
    writeFileSync(join(d, 'munge', 'munge.key'), randomBytes(1024), { mode: 0o400 });
    const sock = join(d, 'munge', 'munge.socket');
    this.#daemon('munged', [this.#paths.munged, '-F', '-f', `--socket=${sock}`, `--key-file=${join(d, 'munge', 'munge.key')}`,
      `--log-file=${join(d, 'log', 'munged.log')}`, `--pid-file=${join(d, 'munge', 'munged.pid')}`, `--seed-file=${join(d, 'munge', 'seed')}`]);
    await waitFor('the munge socket', 20_000, () => (existsSync(sock) ? true : undefined), 100);

    // The node's real CPUs and memory, as slurmd itself reports them.
    const probe = spawnSync(this.#paths.slurmd, ['-C'], { encoding: 'utf8' });
    const cpus = /CPUs=(\d+)/.exec(probe.stdout)?.[1];
    const memory = /RealMemory=(\d+)/.exec(probe.stdout)?.[1];
    if (!cpus || !memory) throw new Error(`slurmd -C gave no CPUs/RealMemory: ${probe.stdout}${probe.stderr}`);
    const host = hostname().split('.')[0];
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    writeFileSync(this.env.SLURM_CONF!, [
      'ClusterName=lazyrich-test',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`, `SlurmdPort=${dPort}`,
      'SlurmUser=root', 'SlurmdUser=root',
      'AuthType=auth/munge', `AuthInfo=socket=${sock}`, 'CredType=cred/munge',
      `StateSaveLocation=${join(d, 'state')}`, `SlurmdSpoolDir=${join(d, 'spool')}`,
      `SlurmctldPidFile=${join(d, 'slurmctld.pid')}`, `SlurmdPidFile=${join(d, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(d, 'log', 'slurmctld.log')}`, `SlurmdLogFile=${join(d, 'log', 'slurmd.log')}`,
      'SlurmctldDebug=info', 'SlurmdDebug=info',
      // No cgroups in containers: track processes through /proc, bind no tasks.
      'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      // One line per finished job (its state: COMPLETED, CANCELLED, …), for the test's report.
      'JobCompType=jobcomp/filetxt', `JobCompLoc=${join(d, 'log', 'jobcomp.log')}`,
      'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core',
      'MpiDefault=none', 'ReturnToService=2', 'SchedulerType=sched/builtin', 'KillWait=5', 'MinJobAge=3600',
      // One "gpu" generic resource without a device file, so that `--gres=gpu:1` jobs (examples/slurm) are
      // accepted; what runs in them finds no GPU driver unless the machine has one.
      'GresTypes=gpu',
      `NodeName=${this.node} NodeHostname=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory} Gres=gpu:1 State=UNKNOWN`,
      `PartitionName=debug Nodes=${this.node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'));
    writeFileSync(join(d, 'gres.conf'), `NodeName=${this.node} Name=gpu File=/dev/null\n`);
    this.#daemon('slurmctld', [this.#paths.slurmctld, '-D', '-i', '-f', this.env.SLURM_CONF!]);
    this.#daemon('slurmd', [this.#paths.slurmd, '-D', '-N', this.node, '-f', this.env.SLURM_CONF!]);
    await waitFor('the node to be idle (sinfo)', timeoutMs, () => {
      for (const { name, child } of this.#daemons) if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
      const r = spawnSync(this.#paths.sinfo, ['-h', '-o', '%T'], { env: this.env, encoding: 'utf8' });
      return r.status === 0 && r.stdout.trim() === 'idle' ? true : undefined;
    }, 1000);
  }

  #daemon(name: string, [cmd, ...args]: string[]): void {
    const out = openSync(join(this.dir, 'log', `${name}.stdio`), 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: this.env });
    this.#daemons.push({ name, child });
  }

  /**
   * Runs a client command (sbatch, scontrol, …) with this cluster's SLURM_CONF.
   * @returns its stdout, trimmed. @throws Error with its stderr when it exits non-zero.
   */
  run(tool: SlurmTool, args: string[], cwd?: string): string {
    const r = spawnSync(this.#paths[tool], args, { env: this.env, encoding: 'utf8', cwd, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.error?.message ?? ''}`);
    return r.stdout.trim();
  }

  /**
   * State of each task of a job, from `scontrol show job -o`: task id (or "" for a plain job) → JobState,
   * restart count, ExitCode ("code:signal") and Reason.
   */
  states(job: string): Map<string, { state: string; restarts: number; exit: string; reason: string }> {
    const out = new Map<string, { state: string; restarts: number; exit: string; reason: string }>();
    for (const line of this.run('scontrol', ['show', 'job', '-o', job]).split('\n')) {
      const task = /ArrayTaskId=(\S+)/.exec(line)?.[1] ?? '';
      const state = /JobState=(\S+)/.exec(line)?.[1];
      if (state) {
        out.set(task, { state, restarts: Number(/Restarts=(\d+)/.exec(line)?.[1] ?? 0), exit: / ExitCode=(\S+)/.exec(line)?.[1] ?? '', reason: /Reason=(\S+)/.exec(line)?.[1] ?? '' });
      }
    }
    return out;
  }

  /** The text of log file `name` in the cluster's log folder ("" when absent). */
  log(name: string): string {
    const path = join(this.dir, 'log', name);
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  /**
   * Cancels every job, waits (≤ 30 s) for their processes to end, kills the daemons (SIGTERM, then
   * SIGKILL after 10 s) and removes the folder. Never throws.
   */
  async stop(): Promise<void> {
    const ctld = this.#daemons.find((x) => x.name === 'slurmctld');
    if (ctld && ctld.child.exitCode === null) {
      try {
        this.run('scancel', ['--full', '-u', 'root']);
        await waitFor('jobs to end', 30_000, () => (this.run('scontrol', ['show', 'job', '-o']).split('\n')
          .every((l) => !/JobState=(RUNNING|PENDING|COMPLETING|REQUEUED|CONFIGURING)/.test(l)) ? true : undefined), 500);
      } catch { /* the daemons are killed below regardless */ }
    }
    for (const { child } of [...this.#daemons].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      if (await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]) === false) {
        child.kill('SIGKILL');
        await gone;
      }
    }
    process.removeListener('exit', this.#onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
