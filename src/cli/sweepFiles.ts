/**
 * Integrity of a sweep's files on resume (sweep.ts): a chunk part left by an earlier run is used only when
 * it is complete (every network of its range, in order, each matching the model's output fields, and the
 * closing line); a damaged one is removed and redone. Temporary files (`<name>.tmp-<pid>-<ms>`, io.ts
 * writeFileAtomic) left by a killed run are removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
