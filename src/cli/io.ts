/** Streams, usage errors and chunked output shared by the subcommands. */
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { parseJson } from './validate.ts';
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

/** Output pieces: a (sync or async) iterable of strings or bytes (e.g. ASCII JSON, numberFormat.ts AsciiWriter), written in order. */
export type Chunks = Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Characters gathered before one stream write: 10⁵ small pieces cost more in writes than in JSON (issue 12). */
const WRITE_BATCH_CHARS = 1 << 20;
/** A gathered batch is written at the latest this long after its first piece, so slow entries still stream. */
const WRITE_BATCH_MS = 50;

async function writeAll(stream: NodeJS.WritableStream, chunks: Chunks): Promise<void> {
  let batch: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const take = (): string => {
    const text = batch.join('');
    batch = [];
    size = 0;
    if (timer) clearTimeout(timer);
    timer = null;
    return text;
  };
  try {
    for await (const chunk of chunks) {
      if (typeof chunk !== 'string') { // bytes: large already; written as they are, after the strings before them
        if (size > 0) stream.write(take());
        if (!stream.write(chunk)) await once(stream, 'drain');
        continue;
      }
      batch.push(chunk);
      size += chunk.length;
      if (size >= WRITE_BATCH_CHARS) {
        if (!stream.write(take())) await once(stream, 'drain');
      } else {
        timer ??= setTimeout(() => { timer = null; if (size > 0) stream.write(take()); }, WRITE_BATCH_MS);
      }
    }
    if (size > 0 && !stream.write(take())) await once(stream, 'drain');
  } catch (e) {
    if (size > 0) stream.write(take()); // what came before the failure is written, as piece by piece
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The chunks with bytes (ASCII) turned into strings. */
async function* asStrings(chunks: Chunks): AsyncGenerator<string> {
  for await (const c of chunks) yield typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1');
}

/**
 * Writes `chunks` to the file `out` (created or truncated), or to io.stdout when `out` is undefined,
 * respecting back-pressure. @throws Error when the file cannot be written.
 */
export async function writeChunks(chunks: Chunks, out: string | undefined, io: CliIo): Promise<void> {
  if (out === undefined) {
    // stdout gets strings only (callers and tests may hand in a writer of strings); files take the bytes as they are
    await writeAll(io.stdout, asStrings(chunks));
    return;
  }
  const file = createWriteStream(out);
  const failed = once(file, 'error').then(([e]) => { throw e as Error; });
  await Promise.race([writeAll(file, chunks), failed]);
  file.end();
  await Promise.race([once(file, 'finish'), failed]);
}

/**
 * Writes `chunks` to `path` atomically: to a temporary file beside it, then rename. A reader (or a resumed
 * run) sees either the old file or the complete new one, never a partial write, even after a kill.
 * @throws Error when the file cannot be written (the temporary file is removed).
 */
export async function writeFileAtomic(path: string, chunks: Chunks): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    const file = createWriteStream(tmp);
    const failed = once(file, 'error').then(([e]) => { throw e as Error; });
    await Promise.race([writeAll(file, chunks), failed]);
    file.end();
    await Promise.race([once(file, 'finish'), failed]);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Reads and parses a config file (JSON, not yet validated).
 * @throws UsageError when the file cannot be read; ConfigError (path `config`) when it is not JSON.
 */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  return parseJson(text);
}
