/**
 * A CliIo (src/cli/io.ts) that records what the CLI writes to stdout and stderr, for tests that run `main` in-process.
 * Strings and byte chunks (UTF-8) are both kept; a write's callback is called at once.
 */
import type { CliIo } from '../../src/cli/io.ts';

/** @returns the io to pass to the CLI and readers of everything written so far to each stream. */
export function capture(): { io: CliIo; out: () => string; err: () => string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const stream = (into: string[]) => ({
    write: (s: string | Uint8Array, cb?: () => void) => { into.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')); cb?.(); return true; },
    isTTY: false,
  }) as unknown as NodeJS.WriteStream;
  return { io: { stdout: stream(chunks.out), stderr: stream(chunks.err) }, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}
