/**
 * Integrity of a sweep's files on resume (sweep.ts): a chunk part left by an earlier run is used only when
 * it is complete (every network of its range, in order, each matching the model's output fields, and the
 * closing line); a damaged one is removed and redone. Temporary files (`<name>.tmp-<pid>-<ms>`, io.ts
 * writeFileAtomic) left by a killed run are removed. A lock file keeps a second run of the same shard out.
 */
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './io.ts';
import { readResultEntries, ResultFileError, type JsonObject } from './resultFile.ts';

/** A temporary file of writeFileAtomic: group 1 is the base name, group 2 the writer's process id. */
const TEMP = /^(.+)\.tmp-(\d+)-\d+$/;

/** Whether process `pid` runs on this machine (signal 0 probes without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes, in `dir`, the temporary files of `owns(base name)` whose writing process no longer runs here.
 * @returns the names removed. Never throws for a missing folder.
 */
export async function removeStaleTemporaries(dir: string, owns: (base: string) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const m = TEMP.exec(name);
    return m !== null && owns(m[1]) && Number(m[2]) !== process.pid && !alive(Number(m[2]));
  });
  for (const name of stale) await rm(join(dir, name), { force: true });
  return stale;
}

/**
 * Checks that a part file holds exactly the networks [start, end) in order, each valid for the model.
 * @param checkEntry the model's SweepSupport.checkEntry, if any. @param fields the part's model header fields.
 * @returns the problem (e.g. "the file ends before its closing "]}" (truncated)"), or undefined when complete.
 */
export async function partProblem(path: string, [start, end]: [number, number], fields: JsonObject,
  checkEntry?: (entry: Record<string, unknown>, header: Record<string, unknown>) => string | undefined): Promise<string | undefined> {
  let next = start;
  try {
    for await (const { index, ...entry } of readResultEntries(path)) {
      if (index !== next) return `expected network ${next}, found ${JSON.stringify(index)}`;
      const problem = checkEntry?.(entry, fields);
      if (problem !== undefined) return `network ${next}: ${problem}`;
      next++;
    }
  } catch (e) {
    if (e instanceof ResultFileError) return e.message.replace(`${path}: `, '');
    throw e;
  }
  return next === end ? undefined : `holds networks ${start}–${next - 1} of ${start}–${end - 1}`;
}

/** How often a running shard refreshes its lock file's modification time. */
export const LOCK_REFRESH_MS = 20_000;
/** A lock not refreshed for this long belongs to a run that is gone (killed, or its machine lost). */
export const LOCK_STALE_MS = 90_000;

/**
 * Locks shard `name` in `dir` (file `<name>.lock` holding the pid, host and start time, refreshed every
 * {@link LOCK_REFRESH_MS}), so two runs of one shard cannot overwrite each other's parts. A lock is
 * stale, and taken over with a log line, when its process no longer runs on this host or it has not
 * been refreshed for {@link LOCK_STALE_MS} (a run on another machine that was killed).
 * @returns the release function (stops the refresh and removes the lock).
 * @throws UsageError when another live run holds the lock.
 */
export async function lockShard(dir: string, name: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const path = join(dir, `${name}.lock`);
  const host = hostname();
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${JSON.stringify({ pid: process.pid, host, started: new Date().toISOString() })}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    let holder: { pid?: number; host?: string } = {};
    let age = Infinity;
    try {
      holder = JSON.parse(await readFile(path, 'utf8')) as typeof holder;
      age = Date.now() - (await stat(path)).mtimeMs;
    } catch { /* an unreadable lock counts as stale */ }
    const gone = (holder.host === host && typeof holder.pid === 'number' && !alive(holder.pid)) || age > LOCK_STALE_MS;
    if (!gone) {
      throw new UsageError(`${path}: shard ${name} is already being run by process ${holder.pid} on ${holder.host} (lock refreshed ${Math.round(age / 1000)} s ago); `
        + `two runs of one shard would overwrite each other: wait for it, or delete the lock if that run is gone`);
    }
    log(`took over the stale lock ${path} of process ${holder.pid} on ${holder.host} (${holder.host === host ? 'no longer running' : `not refreshed for ${Math.round(age / 1000)} s`}).`);
    await rm(path, { force: true });
  }
  const timer = setInterval(() => { const now = new Date(); void utimes(path, now, now).catch(() => {}); }, LOCK_REFRESH_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await rm(path, { force: true });
  };
}
