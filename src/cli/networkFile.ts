/**
 * The line-oriented JSON files of relu2 results (simulate output, sweep shards and chunk parts, merge
 * output). Each file is one valid JSON document
 * ```
 * {"format":…, …header fields…,"networks":[
 * {…network 0…},
 * {…network 1…}
 * ]}
 * ```
 * with the header on the first line and one network per line, so files larger than the largest
 * JavaScript string (~512 MiB; the full Fig. 1b grid with W is ~0.5 GB) are written and read in pieces.
 * A file re-formatted by another tool (still valid JSON) is read whole as a fallback.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from './io.ts';

/** A JSON object read from a file. */
export type JsonObject = Record<string, unknown>;

/** A result file that cannot be read or is not in the expected format (exit code 2, like bad input). */
export class ResultFileError extends UsageError {
  override name = 'ResultFileError';
}

const NETWORKS_OPEN = ',"networks":[';

/**
 * The pieces of `{...header, "networks": [entries...]}`, one entry per line; concatenated they are valid JSON.
 * @param header must not contain a `networks` key.
 */
export async function* networkFileChunks(header: object, entries: Iterable<object> | AsyncIterable<object>): AsyncGenerator<string> {
  if ('networks' in header) throw new Error('networkFileChunks: the header must not contain "networks"');
  const head = JSON.stringify(header);
  yield head === '{}' ? '{"networks":[' : `${head.slice(0, -1)}${NETWORKS_OPEN}`;
  let first = true;
  for await (const e of entries) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(e)}`;
    first = false;
  }
  yield '\n]}\n';
}

function lines(path: string): { iter: AsyncIterable<string>; close(): void } {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  return { iter: rl, close: () => { rl.close(); stream.destroy(); } };
}

function parseObject(text: string, path: string, what: string): JsonObject {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ResultFileError(`${path}: ${what} is not valid JSON (${(e as Error).message}); the file is damaged or not a lazyrich result`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ResultFileError(`${path}: ${what} is not a JSON object`);
  return v as JsonObject;
}

/** The whole document (fallback for files not in the line layout). */
async function readWhole(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const doc = parseObject(text, path, 'the file');
  if (!Array.isArray(doc.networks)) throw new ResultFileError(`${path}: no "networks" array; not a lazyrich relu2 result`);
  return doc;
}

/**
 * The header of a result file (every field but `networks`), reading only its first line when the file
 * has the line layout.
 * @throws ResultFileError when the file cannot be read or is not a result file.
 */
export async function readNetworkFileHeader(path: string): Promise<JsonObject> {
  const input = lines(path);
  let first: string | undefined;
  try {
    for await (const line of input.iter) { first = line; break; }
  } catch (e) {
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    input.close();
  }
  if (first !== undefined && first.endsWith(NETWORKS_OPEN)) return parseObject(`${first.slice(0, -NETWORKS_OPEN.length)}}`, path, 'the header');
  const { networks: _n, ...header } = await readWhole(path);
  return header;
}

/**
 * The network entries of a result file, in file order, one line at a time (or from the whole document
 * for files not in the line layout).
 * @throws ResultFileError on a damaged line or an unreadable file.
 */
export async function* readNetworkEntries(path: string): AsyncGenerator<JsonObject> {
  const input = lines(path);
  let lineNo = 0;
  let layout: boolean | null = null;
  let closed = false;
  try {
    for await (const line of input.iter) {
      lineNo++;
      if (layout === null) {
        layout = line.endsWith(NETWORKS_OPEN);
        if (!layout) break;
        continue;
      }
      if (line === ']}') { closed = true; break; }
      if (line === '') continue;
      yield parseObject(line.endsWith(',') ? line.slice(0, -1) : line, path, `line ${lineNo}`);
    }
  } catch (e) {
    if (e instanceof ResultFileError) throw e;
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    input.close();
  }
  if (layout === false) {
    for (const e of (await readWhole(path)).networks as unknown[]) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ResultFileError(`${path}: a "networks" entry is not an object`);
      yield e as JsonObject;
    }
  } else if (!closed) {
    throw new ResultFileError(`${path}: the file ends before its closing "]}" (truncated)`);
  }
}
