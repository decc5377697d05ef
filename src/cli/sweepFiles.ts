/**
 * Integrity of a sweep's files on resume (sweep.ts) and merge (merge.ts): a chunk part left by an earlier run
 * is used only when it is complete (every network of its range, in order, each matching the model's output
 * fields, the closing line, and the SHA-256 of its entries equal to its header's `sha256`); a damaged one is
 * removed and redone. A shard file's header lists each chunk's digest (`chunks`) and its own (`sha256`,
 * resultFile.ts headerSha256), checked by {@link ChunkVerifier} and {@link shardChecksums}. Files written
 * before checksums existed (no `sha256`) are accepted with a warning, checked against the schema only. Temporary files (`<name>.tmp-<pid>-<ms>`, io.ts
 * writeFileAtomic) left by a killed run are removed. A lock file keeps a second run of the same shard out.
 */
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './io.ts';
import { EntryDigest, headerSha256, readResultEntries, ResultFileError, type JsonObject } from './resultFile.ts';

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

/** The model's entry check (SweepSupport.checkEntry): a problem, or undefined for a valid entry. */
export type CheckEntry = (entry: Record<string, unknown>, header: Record<string, unknown>) => string | undefined;

/** What a wrong digest means, for messages. */
const CHANGED = 'a value was changed after it was written';
const short = (h: unknown) => `${String(h).slice(0, 12)}…`;

/**
 * Checks that a part file holds exactly the networks [start, end) in order, each valid for the model, and
 * that its entries' SHA-256 equals `sha256` (its header's; undefined for a part written before checksums).
 * @param checkEntry the model's SweepSupport.checkEntry, if any. @param fields the part's model header fields.
 * @returns the problem (e.g. "the file ends before its closing "]}" (truncated)"), or undefined when complete.
 */
export async function partProblem(path: string, [start, end]: [number, number], fields: JsonObject,
  checkEntry?: CheckEntry, sha256?: unknown): Promise<string | undefined> {
  let next = start;
  const digest = new EntryDigest();
  try {
    for await (const e of readResultEntries(path)) {
      const { index, ...entry } = e;
      if (index !== next) return `expected network ${next}, found ${JSON.stringify(index)}`;
      const problem = checkEntry?.(entry, fields);
      if (problem !== undefined) return `network ${next}: ${problem}`;
      digest.add(e);
      next++;
    }
  } catch (e) {
    if (e instanceof ResultFileError) return e.message.replace(`${path}: `, '');
    throw e;
  }
  if (next !== end) return `holds networks ${start}–${next - 1} of ${start}–${end - 1}`;
  const got = digest.hex();
  if (sha256 !== undefined && got !== sha256) return `its networks fail their SHA-256 checksum (recorded ${short(sha256)}, computed ${short(got)}): ${CHANGED}`;
  return undefined;
}

/** One chunk of a shard file as its header lists it: networks [range[0], range[1]) and their entries' digest. */
export interface ChunkSum { range: [number, number]; sha256: string }

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a shard header's checksums: its own `sha256` (resultFile.ts headerSha256) and its `chunks` list
 * tiling [start, end) in order.
 * @returns `{ chunks }` when sound, `{ legacy: true }` for a header written before checksums (neither field),
 *   or `{ problem }` (e.g. "its header fails its SHA-256 checksum …").
 */
export function shardChecksums(header: JsonObject, [start, end]: [number, number]): { chunks?: ChunkSum[]; legacy?: true; problem?: string } {
  if (header.sha256 === undefined && header.chunks === undefined) return { legacy: true };
  if (typeof header.sha256 !== 'string' || headerSha256(header) !== header.sha256) {
    return { problem: `its header fails its SHA-256 checksum (recorded ${short(header.sha256)}, computed ${short(headerSha256(header))}): a header field was changed` };
  }
  const chunks = header.chunks;
  let at = start;
  const ok = Array.isArray(chunks) && chunks.every((c: unknown) => {
    const { range, sha256 } = (c ?? {}) as Partial<ChunkSum>;
    const good = Array.isArray(range) && range[0] === at && typeof range[1] === 'number' && range[1] > at && typeof sha256 === 'string' && HEX64.test(sha256);
    if (good) at = range[1];
    return good;
  }) && at === end;
  return ok ? { chunks: chunks as ChunkSum[] } : { problem: `its chunk list does not cover networks ${start}–${end - 1} in order` };
}

/**
 * Checks a shard file's entries, fed in order, against its header's chunk digests.
 * {@link ChunkVerifier.add} returns a problem naming the chunk when the chunk's last entry completes a wrong digest.
 */
export class ChunkVerifier {
  #chunks: ChunkSum[];
  #k = 0;
  #left: number;
  #digest = new EntryDigest();
  /** @param chunks from {@link shardChecksums}. */
  constructor(chunks: ChunkSum[]) {
    this.#chunks = chunks;
    this.#left = chunks.length ? chunks[0].range[1] - chunks[0].range[0] : 0;
  }
  /** The chunk the next entry belongs to (undefined after the last). */
  get chunk(): ChunkSum | undefined { return this.#chunks[this.#k]; }
  /** Feeds the next entry (as written, `index` included). @returns a problem when it ends a chunk whose digest fails. */
  add(entry: JsonObject): string | undefined {
    const c = this.#chunks[this.#k];
    if (c === undefined) return 'more networks than its chunk list holds';
    this.#digest.add(entry);
    if (--this.#left > 0) return undefined;
    const got = this.#digest.hex();
    this.#digest = new EntryDigest();
    this.#k++;
    const next = this.#chunks[this.#k];
    this.#left = next ? next.range[1] - next.range[0] : 0;
    return got === c.sha256 ? undefined
      : `chunk networks ${c.range[0]}–${c.range[1] - 1} fails its SHA-256 checksum (recorded ${short(c.sha256)}, computed ${short(got)}): ${CHANGED}`;
  }
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
