/**
 * `lazyrich sweep`: a config of any model with sweep support (models/plugin.ts SweepSupport) split into
 * shards (one per machine or batch job) and, within a shard, into resumable chunks.
 * - Shards: the N networks (the model's plan order) are split into n contiguous ranges; shard i
 *   (1-based, 1 ≤ i ≤ n) covers [⌊(i−1)·N/n⌋, ⌊i·N/n⌋) ({@link shardRange}); sizes differ by at most 1.
 * - Chunks: within a shard, networks run in chunks of `chunk` networks aligned to multiples of `chunk`
 *   in the global index ({@link chunkRanges}); the default is the model's (SweepSupport.defaultChunk,
 *   e.g. one grid seed's networks, which share one data set).
 * - Files in `<out>`: each finished chunk is written atomically (tmp + rename) to
 *   `shard-<i>-of-<n>.parts/networks-<start>-<end>.json`; a restarted run skips every chunk whose part
 *   exists (same model, config hash and backend) and is complete (sweepFiles.ts: a truncated or damaged
 *   part is redone, and temporaries of killed runs removed; a lock file keeps a second run of the same
 *   shard out). When all chunks are done they are joined, atomically,
 *   into `shard-<i>-of-<n>.json` and the parts folder is removed. One part per chunk, rather than one
 *   partial file rewritten after every chunk, keeps the writes linear in the shard size.
 * - Every part and shard file (resultFile.ts 'lines' layout) has the header {format, version, model,
 *   configHash, shard, range, totalNetworks, backend, adapter, …the model's own header fields}, entries
 *   carrying their global `index`, so `merge` (merge.ts) can check that the shards belong together.
 * - Checksums (issue 11, defect 8): a part's header ends with `sha256`, the digest of its entries
 *   (resultFile.ts EntryDigest); a shard's with `chunks` ([{range, sha256}], one per chunk) and `sha256`, the
 *   digest of the header itself (headerSha256), so it covers every entry. Checked on resume (a damaged part
 *   is redone; a damaged shard file keeps its sound chunks as parts and the rest is redone, said on the log)
 *   and by merge. Files from before checksums are accepted with a warning (schema check only).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initGpu, type GpuContext } from '../gpu/device.ts';
import type { ResultDocument } from '../models/plugin.ts';
import { UsageError, writeFileAtomic } from './io.ts';
import { sweepModelOf } from './models.ts';
import { entriesSha256, EntryDigest, headerSha256, readResultEntries, readResultHeader, ResultFileError, resultFileChunks, type JsonObject } from './resultFile.ts';
import { ChunkVerifier, lockShard, partProblem, removeStaleTemporaries, shardChecksums, type CheckEntry, type ChunkSum } from './sweepFiles.ts';

/** `format` of a shard file. */
export const SHARD_FORMAT = 'lazyrich-shard';
/** `format` of a chunk part file. */
export const PART_FORMAT = 'lazyrich-part';
/** Version of both formats. */
export const SHARD_VERSION = 1;
/**
 * The format names of the first sweeps, which ran one model only: `lazyrich-<id>-shard` and
 * `lazyrich-<id>-part`, without a `model` field. Such files are read as model <id>'s.
 */
const LEGACY_FORMAT = /^lazyrich-(.+)-(shard|part)$/;
/** Header fields of part and shard files that are the sweep's, not the model's. */
export const SHARD_FIELDS = ['format', 'version', 'model', 'configHash', 'shard', 'range', 'totalNetworks', 'backend', 'adapter', 'chunks', 'sha256'] as const;

/**
 * The format and model of a part or shard header, old format names mapped to the current ones.
 * @returns format undefined when the header has no known format.
 */
export function formatOf(h: JsonObject): { format: string | undefined; model: unknown } {
  if (h.format === SHARD_FORMAT || h.format === PART_FORMAT) return { format: h.format, model: h.model };
  const legacy = typeof h.format === 'string' ? LEGACY_FORMAT.exec(h.format) : null;
  if (legacy) return { format: legacy[2] === 'shard' ? SHARD_FORMAT : PART_FORMAT, model: h.model ?? legacy[1] };
  return { format: undefined, model: h.model };
}

/** The model's own header fields of a part or shard header (everything but {@link SHARD_FIELDS}). */
export function modelFields(h: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !(SHARD_FIELDS as readonly string[]).includes(k)));
}

/** Shard i of n (1 ≤ index ≤ count). */
export interface Shard { index: number; count: number }

/**
 * Parses `--shard i/n`: integers with 1 ≤ i ≤ n.
 * @throws UsageError naming the flag otherwise.
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UsageError(`--shard: expected i/n with integers 1 ≤ i ≤ n (e.g. 3/16), got "${text}"`);
  const index = Number(match[1]), count = Number(match[2]);
  if (!(count >= 1 && index >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new UsageError(`--shard: expected 1 ≤ i ≤ n (shards are numbered from 1), got ${index}/${count}`);
  }
  return { index, count };
}

/**
 * The network range [start, end) of shard i of n over `total` networks: [⌊(i−1)·total/n⌋, ⌊i·total/n⌋).
 * Shards are contiguous, cover [0, total) exactly once, and differ in size by at most 1 (empty when n > total).
 */
export function shardRange(total: number, shard: Shard): [number, number] {
  const at = (k: number) => Math.floor((k * total) / shard.count);
  return [at(shard.index - 1), at(shard.index)];
}

/** Chunks of [start, end): boundaries at multiples of `size` in the global index (so chunks = grid seeds by default). */
export function chunkRanges(start: number, end: number, size: number): [number, number][] {
  if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`chunk size must be an integer ≥ 1 (got ${size})`);
  const out: [number, number][] = [];
  for (let s = start; s < end;) {
    const e = Math.min(end, (Math.floor(s / size) + 1) * size);
    out.push([s, e]);
    s = e;
  }
  return out;
}

/** File name of shard i of n. */
export const shardFileName = (s: Shard) => `shard-${s.index}-of-${s.count}.json`;
/** Folder of the finished chunks of shard i of n while it runs. */
export const partsDirName = (s: Shard) => `shard-${s.index}-of-${s.count}.parts`;
const partFileName = ([start, end]: [number, number]) => `networks-${start}-${end}.json`;

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Output folder (created if missing). */
  outDir: string;
  /** Default: 1/1 (the whole grid). */
  shard?: Shard;
  /** Networks per chunk; default the model's SweepSupport.defaultChunk. */
  chunk?: number;
  /** Overrides config.backend. */
  backend?: 'gpu' | 'cpu';
  /** GPU device; when absent one is created (only if a chunk must run) and destroyed at the end. */
  ctx?: GpuContext;
  /**
   * (work done in this shard, including skipped chunks; work of the shard), in the model's progress unit
   * (e.g. network-steps); reported once the first chunk has reported its own.
   */
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
  /** Aborts between GPU submissions / CPU slices; finished chunks stay on disk. */
  signal?: AbortSignal;
  /** Called after each chunk is computed and written (not for skipped chunks). */
  onChunk?: (range: [number, number]) => void;
}

/** What {@link runSweep} did. */
export interface SweepResult {
  file: string;
  range: [number, number];
  computed: [number, number][];
  skipped: [number, number][];
  /** True when the shard file already existed (nothing was run). */
  alreadyDone: boolean;
}

/** The header of a part or shard file: the sweep's fields, then the model's own (`fields`). */
function headerOf(format: string, model: string, hash: string, shard: Shard, range: [number, number], total: number,
  backend: string, adapter: string, fields: JsonObject): JsonObject {
  return { format, version: SHARD_VERSION, model, configHash: hash, shard, range, totalNetworks: total, backend, adapter, ...fields };
}

/**
 * Checks a part or shard header against this run (files of the old format names count as their model's).
 * @throws UsageError when it belongs to another model, config, backend or shard layout.
 */
function checkHeader(h: JsonObject, path: string, format: string, model: string, hash: string, backend: string, range: [number, number]): void {
  const known = formatOf(h);
  if (known.format !== format || h.version !== SHARD_VERSION) throw new UsageError(`${path}: not a ${format} file (version ${SHARD_VERSION}); remove it or choose another --out`);
  if (known.model !== model) throw new UsageError(`${path} belongs to model ${JSON.stringify(known.model)}, this config is "${model}"; remove it or choose another --out`);
  if (h.configHash !== hash) throw new UsageError(`${path} belongs to another config (hash ${String(h.configHash).slice(0, 12)}…, this config ${hash.slice(0, 12)}…); remove it or choose another --out`);
  if (h.backend !== backend) throw new UsageError(`${path} was computed with backend "${String(h.backend)}", this run uses "${backend}"; remove it or pass --backend ${String(h.backend)}`);
  const r = h.range as number[];
  if (!Array.isArray(r) || r[0] !== range[0] || r[1] !== range[1]) throw new UsageError(`${path} covers networks ${JSON.stringify(r)}, expected [${range.join(', ')}]`);
}

/**
 * Runs shard `options.shard` of a config into `options.outDir`, resuming from finished chunks. The model
 * is the config's "model" (src/models/registry.ts); it must have sweep support.
 * @param config the parsed config JSON.
 * @throws ConfigError for a malformed config or a model without sweep support; UsageError when files in
 *   outDir belong to another model, config or backend, or another live run holds the shard's lock; DeviceLimitError when a chunk exceeds the device
 *   (use a smaller --chunk); the signal's reason when aborted (finished chunks are kept).
 */
export async function runSweep(config: unknown, options: SweepOptions): Promise<SweepResult> {
  const { plugin, cli } = await sweepModelOf(config);
  const sweep = cli.sweep;
  const cfg = cli.parseConfig(config);
  const model = plugin.id;
  const shard = options.shard ?? { index: 1, count: 1 };
  const backend = options.backend ?? sweep.backend(cfg);
  const log = options.log ?? (() => {});
  const count = sweep.count(cfg);
  const hash = sweep.configHash(cfg);
  const range = shardRange(count, shard);
  const chunk = options.chunk ?? sweep.defaultChunk(cfg);
  const file = join(options.outDir, shardFileName(shard));
  const partsDir = join(options.outDir, partsDirName(shard));
  const shardNetworks = range[1] - range[0];
  const result: SweepResult = { file, range, computed: [], skipped: [], alreadyDone: false };
  // Progress in the model's unit (e.g. network-steps); its work per network is learnt from the first chunk.
  let perNetwork: number | undefined;
  const report = (networks: number, extra = 0) => {
    if (perNetwork !== undefined) options.onProgress?.(networks * perNetwork + extra, shardNetworks * perNetwork);
  };

  let damagedShard: JsonObject | undefined;
  if (existsSync(file)) {
    const { header } = await readResultHeader(file);
    checkHeader(header, file, SHARD_FORMAT, model, hash, backend, range);
    const problem = await shardFileProblem(file, header, range, sweep.checkEntry, log);
    if (problem === undefined) {
      log(`shard ${shard.index}/${shard.count}: ${file} already complete (networks ${range[0]}–${range[1] - 1}); nothing to do.`);
      options.onProgress?.(shardNetworks, shardNetworks);
      return { ...result, alreadyDone: true };
    }
    log(`shard file ${file} is damaged (${problem}); redoing its damaged chunks.`);
    damagedShard = header;
  }
  await mkdir(partsDir, { recursive: true });
  const release = await lockShard(options.outDir, `shard-${shard.index}-of-${shard.count}`, log);
  try {
    const stale = [...await removeStaleTemporaries(options.outDir, (base) => base === shardFileName(shard)),
      ...await removeStaleTemporaries(partsDir, () => true)];
    if (stale.length) log(`removed ${stale.length} temporary file${stale.length > 1 ? 's' : ''} left by a killed run: ${stale.join(', ')}.`);
    if (damagedShard) {
      const kept = await salvageShard(file, damagedShard, range, partsDir, sweep.checkEntry);
      log(`kept ${kept.length} sound chunk${kept.length === 1 ? '' : 's'} of ${file} as parts${kept.length ? ` (${kept.map(([a, b]) => `${a}–${b - 1}`).join(', ')})` : ''}.`);
      await rm(file, { force: true });
    }
    const chunks = chunkRanges(range[0], range[1], chunk);
    const present = new Set(await readdir(partsDir));
    const todo: [number, number][] = [];
    for (const c of chunks) {
      const name = partFileName(c);
      const path = join(partsDir, name);
      let problem: string | undefined;
      if (present.has(name)) {
        let header: JsonObject | undefined;
        try {
          header = (await readResultHeader(path)).header;
        } catch (e) {
          if (!(e instanceof ResultFileError)) throw e;
          problem = e.message.replace(`${path}: `, '');
        }
        if (header) {
          checkHeader(header, path, PART_FORMAT, model, hash, backend, c);
          problem = await partProblem(path, c, modelFields(header), sweep.checkEntry, header.sha256);
          if (problem === undefined && header.sha256 === undefined) log(`warning: chunk ${name} has no checksum (written by an older lazyrich); its entries were checked against the output fields only.`);
        }
        if (problem === undefined) {
          result.skipped.push(c);
          continue;
        }
        log(`chunk ${name} is damaged (${problem}); redoing it.`);
        await rm(path, { force: true });
      }
      todo.push(c);
    }
    log(`shard ${shard.index}/${shard.count}: networks ${range[0]}–${range[1] - 1} of ${count}, ${chunks.length} chunks of ≤ ${chunk} networks`
      + (result.skipped.length ? `; resuming: ${result.skipped.length} chunks already done, ${todo.length} to run.` : '.'));
    let done = result.skipped.reduce((s, [a, b]) => s + (b - a), 0);

    const errors: string[] = [];
    const ctx = backend === 'cpu' || todo.length === 0 ? undefined
      : options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
    const start = performance.now();
    const digests: object[] = [];
    let last: ResultDocument | undefined;
    try {
      if (ctx) log(`adapter: ${ctx.adapterName}`);
      for (const c of todo) {
        const base = done;
        const doc = await sweep.runRange(cfg, c[0], c[1], {
          backend, ctx, signal: options.signal,
          onProgress: (d, t) => { perNetwork ??= t / (c[1] - c[0]); report(base, d); },
        });
        if (errors.length > 0) throw new Error(errors.join('; '));
        const { model: _m, backend: _b, adapter, configHash: _h, ...fields } = doc.header;
        const entries: object[] = [];
        let i = 0;
        for await (const e of doc.entries) {
          entries.push({ index: c[0] + i++, ...e });
          if (sweep.summary) digests.push(sweep.summary.digest(e));
        }
        const header = { ...headerOf(PART_FORMAT, model, hash, shard, c, count, backend, String(adapter), fields), sha256: entriesSha256(entries) };
        await writeFileAtomic(join(partsDir, partFileName(c)), resultFileChunks(header, doc.entriesKey, entries));
        last = doc;
        done += c[1] - c[0];
        result.computed.push(c);
        options.onChunk?.(c);
      }
    } finally {
      if (ctx && !options.ctx) ctx.device.destroy();
    }
    report(done);
    if (digests.length && sweep.summary) for (const line of sweep.summary.lines(cfg, digests, (performance.now() - start) / 1000)) log(line);

    // Join the parts (in order) into the shard file; the header's adapter lists every adapter used, its
    // chunk list each part's digest (computed for a part from before checksums); the join re-checks them.
    const adapters = new Set<string>();
    const sums: ChunkSum[] = [];
    let first: { header: JsonObject; entriesKey: string } | undefined;
    for (const c of chunks) {
      const path = join(partsDir, partFileName(c));
      const part = await readResultHeader(path);
      first ??= part;
      adapters.add(String(part.header.adapter));
      let sha = part.header.sha256;
      if (typeof sha !== 'string') {
        const d = new EntryDigest();
        for await (const e of readResultEntries(path)) d.add(e);
        sha = d.hex();
      }
      sums.push({ range: c, sha256: sha as string });
    }
    const verifier = new ChunkVerifier(sums);
    async function* entries(): AsyncGenerator<JsonObject> {
      for (const c of chunks) {
        for await (const e of readResultEntries(join(partsDir, partFileName(c)))) {
          const problem = verifier.add(e);
          if (problem !== undefined) throw new ResultFileError(`${join(partsDir, partFileName(c))}: ${problem} while joining; rerun to redo it`);
          yield e;
        }
      }
    }
    const adapter = [...adapters].filter(Boolean).join('; ') || (ctx?.adapterName ?? String(last?.header.adapter ?? ''));
    const header: JsonObject = { ...headerOf(SHARD_FORMAT, model, hash, shard, range, count, backend, adapter, first ? modelFields(first.header) : {}), chunks: sums };
    header.sha256 = headerSha256(header);
    await writeFileAtomic(file, resultFileChunks(header, first?.entriesKey ?? last?.entriesKey ?? 'networks', entries()));
    await rm(partsDir, { recursive: true, force: true });
    log(`shard ${shard.index}/${shard.count}: wrote ${range[1] - range[0]} networks to ${file}.`);
    return result;
  } finally {
    await release();
  }
}

/**
 * Checks a finished shard file: header checksum, chunk digests, indices and the model's entry check.
 * A shard from before checksums is checked without digests, with a warning on `log`.
 * @returns the first problem, or undefined when sound.
 */
async function shardFileProblem(path: string, header: JsonObject, range: [number, number], checkEntry: CheckEntry | undefined,
  log: (line: string) => void): Promise<string | undefined> {
  const sums = shardChecksums(header, range);
  if (sums.problem !== undefined) return sums.problem;
  if (sums.legacy) {
    log(`warning: ${path} has no checksums (written by an older lazyrich); its entries were checked against the output fields only.`);
    return partProblem(path, range, modelFields(header), checkEntry);
  }
  return (await scanShard(path, header, sums.chunks!, checkEntry)).find((c) => c.problem !== undefined)?.problem;
}

/** Each chunk of a shard file with its problem (undefined when sound); chunks cut off by a truncation have one. */
async function scanShard(path: string, header: JsonObject, chunks: ChunkSum[], checkEntry: CheckEntry | undefined)
  : Promise<{ range: [number, number]; problem?: string }[]> {
  const verifier = new ChunkVerifier(chunks);
  const out: { range: [number, number]; problem?: string }[] = chunks.map((c) => ({ range: c.range }));
  const fields = modelFields(header);
  let k = 0, next = chunks[0]?.range[0] ?? 0;
  try {
    for await (const e of readResultEntries(path)) {
      while (k < chunks.length && next >= chunks[k].range[1]) k++;
      if (k >= chunks.length) break;
      const { index, ...entry } = e;
      const bad = index !== next ? `expected network ${next}, found ${JSON.stringify(index)}` : checkEntry?.(entry, fields);
      if (bad !== undefined) out[k].problem ??= `network ${next}: ${bad}`;
      const sum = verifier.add(e);
      if (sum !== undefined) out[k].problem ??= sum;
      next++;
    }
  } catch (e) {
    if (!(e instanceof ResultFileError)) throw e;
    const problem = e.message.replace(`${path}: `, '');
    for (const c of out) if (c.range[1] > next) c.problem ??= problem;
    return out;
  }
  for (const c of out) if (c.range[1] > next) c.problem ??= `holds networks ${chunks[0].range[0]}–${next - 1} only`;
  return out;
}

/**
 * Writes the sound chunks of a damaged shard file (one with a sound header and chunk list) as part files
 * of `partsDir`, so that a resumed run redoes only the damaged ones. @returns the ranges kept.
 */
async function salvageShard(path: string, header: JsonObject, range: [number, number], partsDir: string,
  checkEntry: CheckEntry | undefined): Promise<[number, number][]> {
  const sums = shardChecksums(header, range);
  if (!sums.chunks) return [];
  const status = await scanShard(path, header, sums.chunks, checkEntry);
  const { entriesKey } = await readResultHeader(path);
  const kept: [number, number][] = [];
  let k = 0;
  let buffer: JsonObject[] = [];
  try {
    for await (const e of readResultEntries(path)) {
      const c = sums.chunks[k];
      if (c === undefined) break;
      buffer.push(e);
      if (buffer.length < c.range[1] - c.range[0]) continue;
      if (status[k].problem === undefined) {
        const part: JsonObject = { ...header, format: PART_FORMAT, range: c.range, sha256: c.sha256 };
        delete part.chunks;
        await writeFileAtomic(join(partsDir, partFileName(c.range)), resultFileChunks(part, entriesKey, buffer));
        kept.push(c.range);
      }
      buffer = [];
      k++;
    }
  } catch (e) {
    if (!(e instanceof ResultFileError)) throw e; // a truncated end: the chunks before it are kept
  }
  return kept;
}
