/** Streams, usage errors and chunked output shared by the subcommands. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Where a command writes: stdout for data, stderr for progress and messages. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** A bad command line or unreadable input file (exit code 2, like a bad config). */
export class UsageError extends Error {
  override name = 'UsageError';
}

async function writeAll(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
}

/**
 * Writes `chunks` to the file `out` (created or truncated), or to io.stdout when `out` is undefined,
 * respecting back-pressure. @throws Error when the file cannot be written.
 */
export async function writeChunks(chunks: Iterable<string>, out: string | undefined, io: CliIo): Promise<void> {
  if (out === undefined) {
    await writeAll(io.stdout, chunks);
    return;
  }
  const file = createWriteStream(out);
  const failed = once(file, 'error').then(([e]) => { throw e as Error; });
  await Promise.race([writeAll(file, chunks), failed]);
  file.end();
  await Promise.race([once(file, 'finish'), failed]);
}
