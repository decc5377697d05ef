/**
 * The JSON files of CLI results (`simulate` output, sweep shards and chunk parts, `merge` output) for any
 * model: a header object and one array of entries (a ResultDocument of src/models/plugin.ts), written last.
 * Two layouts. 'lines' (the default):
 * ```
 * {…header fields…,"<entries>":[
 * {…entry 0…},
 * {…entry 1…}
 * ]}
 * ```
 * with the header on the first line and one entry per line, so files larger than the largest JavaScript
 * string (~512 MiB; a full grid of trained networks is ~0.5 GB) are written and read in pieces; a file
 * re-formatted by another tool (still valid JSON) is read whole as a fallback. 'compact': exactly
 * `JSON.stringify(document)` and a newline, also written in pieces (one entry per piece).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ResultDocument } from '../models/plugin.ts';
import { UsageError, type Chunks } from './io.ts';

/**
 * Entries already serialised (issue 12: a model that formats its own numbers, e.g. float32 values as their
 * shortest round-trip decimals, src/cli/numberFormat.ts): `text` is `count` entries' JSON texts joined by ",",
 * written as is where an entry object would be written as JSON.stringify(entry). In the 'lines' layout each
 * JsonText is one line, so it should hold one entry there.
 */
export class JsonText {
  /**
   * @param text the entries' JSON, comma-separated: a string, or its bytes (ASCII), written without a copy to a string.
   * @param count how many entries it holds (≥ 1).
   */
  constructor(readonly text: string | Uint8Array, readonly count = 1) {}

  /** The text as a string. */
  toString(): string {
    return typeof this.text === 'string' ? this.text : Buffer.from(this.text.buffer, this.text.byteOffset, this.text.byteLength).toString('latin1');
  }
}

/** The JSON text of an entry: a {@link JsonText}'s text (string or ASCII bytes), else JSON.stringify(entry). */
export function entryJson(entry: object): string | Uint8Array {
  return entry instanceof JsonText ? entry.text : JSON.stringify(entry);
}

/** How many entries an iterated item stands for: a {@link JsonText}'s count, else 1. */
export function entryCount(entry: object): number {
  return entry instanceof JsonText ? entry.count : 1;
}

/** A JSON object read from a file. */
export type JsonObject = Record<string, unknown>;

/** A result file that cannot be read or is not in the expected format (exit code 2, like bad input). */
export class ResultFileError extends UsageError {
  override name = 'ResultFileError';
}

/**
 * SHA-256 of result entries, as sweep part and shard files record it (sweep.ts, defect 8 of issue 11): the
 * digest of each entry's `JSON.stringify` text followed by "\n", in file order. Entries are hashed as
 * parsed objects, not as bytes, so a file re-formatted by another JSON tool keeps its digest, while any
 * changed value (one digit) changes it. Feed entries with {@link EntryDigest.add}; read with `hex()`.
 */
export class EntryDigest {
  #hash: Hash = createHash('sha256');
  /** Adds one entry (the object as written, `index` included). */
  add(entry: object): void {
    this.#hash.update(JSON.stringify(entry instanceof JsonText ? JSON.parse(entry.toString()) : entry));
    this.#hash.update('\n');
  }
  /** The digest, 64 lowercase hex digits; the object cannot be used after. */
  hex(): string {
    return this.#hash.digest('hex');
  }
}

/** {@link EntryDigest} of a list of entries. */
export function entriesSha256(entries: Iterable<object>): string {
  const d = new EntryDigest();
  for (const e of entries) d.add(e);
  return d.hex();
}

/**
 * SHA-256 of a header: of `JSON.stringify(header)` without its own `sha256` field (key order as written).
 * A shard header lists its chunks' entry digests, so this one digest covers the header and every entry.
 */
export function headerSha256(header: JsonObject): string {
  const { sha256: _own, ...rest } = header;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** The header line's end: `,"<key>":[` (or `{"<key>":[` for an empty header); group 1 is the entries key. */
const ENTRIES_OPEN = /(?:^\{|,)"([A-Za-z_$][\w$]*)":\[$/;

/** `{…header,"<key>":[` : the document up to its entries. @throws Error when the header has the key. */
function openDocument(header: object, key: string): string {
  if (key in header) throw new Error(`result file: the header must not contain the entries key "${key}"`);
  const head = JSON.stringify(header);
  return head === '{}' ? `{${JSON.stringify(key)}:[` : `${head.slice(0, -1)},${JSON.stringify(key)}:[`;
}

/**
 * The 'lines' layout (see the module comment) of `{...header, [key]: [entries...]}`, one entry per line;
 * concatenated the pieces are valid JSON.
 * @param header must not contain `key`. @param key the entries' name, e.g. "networks".
 */
export async function* resultFileChunks(header: object, key: string, entries: Iterable<object> | AsyncIterable<object>): AsyncGenerator<string | Uint8Array> {
  yield openDocument(header, key);
  let first = true;
  for await (const e of entries) {
    const json = entryJson(e);
    if (typeof json === 'string') yield `${first ? '\n' : ',\n'}${json}`;
    else { yield first ? '\n' : ',\n'; yield json; }
    first = false;
  }
  yield '\n]}\n';
}

/**
 * The 'compact' layout of `{...header, [key]: [entries...]}`: concatenated, the pieces are exactly
 * `JSON.stringify({ ...header, [key]: entries })` and a newline; one piece per entry.
 * @param header must not contain `key`.
 */
export function* compactChunks(header: object, key: string, entries: Iterable<object>): Generator<string> {
  yield openDocument(header, key);
  let i = 0;
  for (const e of entries) yield (i++ > 0 ? ',' : '') + (e instanceof JsonText ? e.toString() : JSON.stringify(e));
  yield ']}\n';
}

async function* compactChunksAsync(header: object, key: string, entries: Iterable<object> | AsyncIterable<object>): AsyncGenerator<string | Uint8Array> {
  yield openDocument(header, key);
  let i = 0;
  for await (const e of entries) {
    const json = entryJson(e);
    if (typeof json === 'string') yield (i++ > 0 ? ',' : '') + json;
    else { if (i++ > 0) yield ','; yield json; }
  }
  yield ']}\n';
}

/** The pieces of a model's result document in its {@link ResultDocument.layout} (default 'lines'). */
export function resultDocumentChunks(doc: ResultDocument): Chunks {
  return doc.layout === 'compact'
    ? compactChunksAsync(doc.header, doc.entriesKey, doc.entries)
    : resultFileChunks(doc.header, doc.entriesKey, doc.entries);
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

/** The entries key of a whole document: its last key, whose value must be an array. */
function entriesKeyOf(doc: JsonObject): string | undefined {
  const key = Object.keys(doc).at(-1);
  return key !== undefined && Array.isArray(doc[key]) ? key : undefined;
}

/** The whole document and its entries key (fallback for files not in the line layout). */
async function readWhole(path: string): Promise<{ doc: JsonObject; key: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  }
  const doc = parseObject(text, path, 'the file');
  const key = entriesKeyOf(doc);
  if (key === undefined) throw new ResultFileError(`${path}: no array of entries at the end; not a lazyrich result`);
  return { doc, key };
}

/**
 * The header of a result file (every field but the entries) and the entries' key, reading only its first
 * line when the file has the 'lines' layout.
 * @throws ResultFileError when the file cannot be read or is not a result file.
 */
export async function readResultHeader(path: string): Promise<{ header: JsonObject; entriesKey: string }> {
  const input = lines(path);
  let first: string | undefined;
  try {
    for await (const line of input.iter) { first = line; break; }
  } catch (e) {
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    input.close();
  }
  const open = first === undefined ? null : ENTRIES_OPEN.exec(first);
  if (first !== undefined && open) {
    const rest = first.slice(0, open.index);
    return { header: parseObject(`${rest === '' ? '{' : rest}}`, path, 'the header'), entriesKey: open[1] };
  }
  const { doc, key } = await readWhole(path);
  const { [key]: _entries, ...header } = doc;
  return { header, entriesKey: key };
}

/**
 * The entries of a result file, in file order, one line at a time (or from the whole document for files
 * not in the 'lines' layout).
 * @throws ResultFileError on a damaged line, a truncated file, text after the closing "]}" or an unreadable file.
 */
export async function* readResultEntries(path: string): AsyncGenerator<JsonObject> {
  const input = lines(path);
  let lineNo = 0;
  let layout: boolean | null = null;
  let closed = false;
  try {
    for await (const line of input.iter) {
      lineNo++;
      if (layout === null) {
        layout = ENTRIES_OPEN.test(line);
        if (!layout) break;
        continue;
      }
      if (line === '') continue;
      if (closed) throw new ResultFileError(`${path}: text after the closing "]}" at line ${lineNo} (appended or repeated content)`);
      if (line === ']}') { closed = true; continue; }
      yield parseObject(line.endsWith(',') ? line.slice(0, -1) : line, path, `line ${lineNo}`);
    }
  } catch (e) {
    if (e instanceof ResultFileError) throw e;
    throw new ResultFileError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    input.close();
  }
  if (layout === false) {
    const { doc, key } = await readWhole(path);
    for (const e of doc[key] as unknown[]) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ResultFileError(`${path}: an entry of "${key}" is not an object`);
      yield e as JsonObject;
    }
  } else if (!closed) {
    throw new ResultFileError(`${path}: the file ends before its closing "]}" (truncated)`);
  }
}
