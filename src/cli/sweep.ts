/**
 * `lazyrich sweep`: a relu2 grid split into shards (one per machine or batch job) and, within a shard,
 * into resumable chunks (issue 4 item 6).
 * - Shards: the N networks (config order, relu2Plan.ts) are split into n contiguous ranges; shard i
 *   (1-based, 1 ≤ i ≤ n) covers [⌊(i−1)·N/n⌋, ⌊i·N/n⌋) ({@link shardRange}); sizes differ by at most 1.
 * - Chunks: within a shard, networks run in chunks of `chunk` networks aligned to multiples of `chunk`
 *   in the global index ({@link chunkRanges}); the default is one grid seed (#τ·#(δ|α) networks, which
 *   share one data set), or 64 networks for explicit inits.
 * - Files in `<out>`: each finished chunk is written atomically (tmp + rename) to
 *   `shard-<i>-of-<n>.parts/networks-<start>-<end>.json`; a restarted run skips every chunk whose part
 *   exists (same config hash, same backend). When all chunks are done they are joined, atomically, into
 *   `shard-<i>-of-<n>.json` and the parts folder is removed. One part per chunk, rather than one partial
 *   file rewritten after every chunk, keeps the writes linear in the shard size.
 * - Every part and shard file records the {@link relu2ConfigHash}, the shard, its range, N and the backend,
 *   so `merge` (merge.ts) can check that the shards belong together.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initGpu, type GpuContext } from '../gpu/device.ts';
import { UsageError, writeFileAtomic } from './io.ts';
import { networkFileChunks, readNetworkEntries, readNetworkFileHeader, type JsonObject } from './networkFile.ts';
import { validateRelu2Config, type Relu2Config } from './relu2Config.ts';
import { Relu2Plan } from './relu2Plan.ts';
import { relu2ConfigHash, relu2Summary, runRelu2Range, RELU2_CPU_ADAPTER, type Relu2NetworkOutput } from './relu2Run.ts';

/** `format` of a shard file. */
export const SHARD_FORMAT = 'lazyrich-relu2-shard';
/** `format` of a chunk part file. */
export const PART_FORMAT = 'lazyrich-relu2-part';
/** Version of both formats. */
export const SHARD_VERSION = 1;
/** Default chunk size (networks) for explicit inits. */
export const DEFAULT_EXPLICIT_CHUNK = 64;

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

/** The default chunk size of a config: one grid seed's networks, or {@link DEFAULT_EXPLICIT_CHUNK}. */
export function defaultChunkSize(cfg: Relu2Config): number {
  return cfg.init.kind === 'grid' ? new Relu2Plan(cfg).networksPerSeed : DEFAULT_EXPLICIT_CHUNK;
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
  /** Networks per chunk; default {@link defaultChunkSize}. */
  chunk?: number;
  /** Overrides config.backend. */
  backend?: 'gpu' | 'cpu';
  /** GPU device; when absent one is created (only if a chunk must run) and destroyed at the end. */
  ctx?: GpuContext;
  /** (network-steps done in this shard, including skipped chunks; network-steps of the shard). */
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

/** Header fields shared by part and shard files. */
function headerOf(format: string, hash: string, shard: Shard, range: [number, number], total: number, backend: string, adapter: string, checkpoints: number[]): JsonObject {
  return { format, version: SHARD_VERSION, configHash: hash, shard, range, totalNetworks: total, backend, adapter, checkpoints };
}

/**
 * Checks a part or shard header against this run.
 * @throws UsageError when it belongs to another config, backend or shard layout.
 */
function checkHeader(h: JsonObject, path: string, format: string, hash: string, backend: string, range: [number, number]): void {
  if (h.format !== format || h.version !== SHARD_VERSION) throw new UsageError(`${path}: not a ${format} file (version ${SHARD_VERSION}); remove it or choose another --out`);
  if (h.configHash !== hash) throw new UsageError(`${path} belongs to another config (hash ${String(h.configHash).slice(0, 12)}…, this config ${hash.slice(0, 12)}…); remove it or choose another --out`);
  if (h.backend !== backend) throw new UsageError(`${path} was computed with backend "${String(h.backend)}", this run uses "${backend}"; remove it or pass --backend ${String(h.backend)}`);
  const r = h.range as number[];
  if (!Array.isArray(r) || r[0] !== range[0] || r[1] !== range[1]) throw new UsageError(`${path} covers networks ${JSON.stringify(r)}, expected [${range.join(', ')}]`);
}

/**
 * Runs shard `options.shard` of a relu2 config into `options.outDir`, resuming from finished chunks.
 * @param config raw JSON or a validated Relu2Config.
 * @throws ConfigError for a malformed config; UsageError when files in outDir belong to another config or
 *   backend; DeviceLimitError when a chunk exceeds the device (use a smaller --chunk); the signal's reason
 *   when aborted (finished chunks are kept).
 */
export async function runSweep(config: unknown, options: SweepOptions): Promise<SweepResult> {
  const cfg = typeof config === 'object' && config !== null && typeof (config as Relu2Config).networks === 'number'
    ? config as Relu2Config : validateRelu2Config(config);
  const shard = options.shard ?? { index: 1, count: 1 };
  const backend = options.backend ?? cfg.backend;
  const log = options.log ?? (() => {});
  const plan = new Relu2Plan(cfg);
  const hash = relu2ConfigHash(cfg);
  const range = shardRange(plan.count, shard);
  const chunk = options.chunk ?? defaultChunkSize(cfg);
  const file = join(options.outDir, shardFileName(shard));
  const partsDir = join(options.outDir, partsDirName(shard));
  const last = cfg.checkpoints[cfg.checkpoints.length - 1];
  const total = (range[1] - range[0]) * last;
  const result: SweepResult = { file, range, computed: [], skipped: [], alreadyDone: false };

  if (existsSync(file)) {
    checkHeader(await readNetworkFileHeader(file), file, SHARD_FORMAT, hash, backend, range);
    log(`shard ${shard.index}/${shard.count}: ${file} already complete (networks ${range[0]}–${range[1] - 1}); nothing to do.`);
    options.onProgress?.(total, total);
    return { ...result, alreadyDone: true };
  }
  await mkdir(partsDir, { recursive: true });
  const chunks = chunkRanges(range[0], range[1], chunk);
  const present = new Set(await readdir(partsDir));
  const todo: [number, number][] = [];
  for (const c of chunks) {
    const name = partFileName(c);
    if (present.has(name)) {
      checkHeader(await readNetworkFileHeader(join(partsDir, name)), join(partsDir, name), PART_FORMAT, hash, backend, c);
      result.skipped.push(c);
    } else {
      todo.push(c);
    }
  }
  log(`shard ${shard.index}/${shard.count}: networks ${range[0]}–${range[1] - 1} of ${plan.count}, ${chunks.length} chunks of ≤ ${chunk} networks`
    + (result.skipped.length ? `; resuming: ${result.skipped.length} chunks already done, ${todo.length} to run.` : '.'));
  let done = result.skipped.reduce((s, [a, b]) => s + (b - a) * last, 0);
  options.onProgress?.(done, total);

  const errors: string[] = [];
  const ctx = backend === 'cpu' || todo.length === 0 ? undefined
    : options.ctx ?? await initGpu({ onError: (m) => errors.push(m), onLost: (m) => errors.push(m) });
  const adapter = backend === 'cpu' ? RELU2_CPU_ADAPTER : ctx?.adapterName ?? '';
  const start = performance.now();
  const computedNetworks: Relu2NetworkOutput[] = [];
  try {
    if (ctx) log(`adapter: ${ctx.adapterName}`);
    for (const c of todo) {
      const base = done;
      const nets = await runRelu2Range(plan, c[0], c[1], { backend, ctx, signal: options.signal, onProgress: (d) => options.onProgress?.(base + d, total) });
      if (errors.length > 0) throw new Error(errors.join('; '));
      const entries = nets.map((e, i) => ({ index: c[0] + i, ...e }));
      await writeFileAtomic(join(partsDir, partFileName(c)),
        networkFileChunks(headerOf(PART_FORMAT, hash, shard, c, plan.count, backend, adapter, cfg.checkpoints), entries));
      for (const e of nets) computedNetworks.push({ ...e, W: [], a: [] }); // summary only
      done += (c[1] - c[0]) * last;
      result.computed.push(c);
      options.onChunk?.(c);
    }
  } finally {
    if (ctx && !options.ctx) ctx.device.destroy();
  }
  if (computedNetworks.length) for (const line of relu2Summary(computedNetworks, (performance.now() - start) / 1000, last)) log(line);

  // Join the parts (in order) into the shard file; the header's adapter lists every adapter used.
  const adapters = new Set<string>();
  for (const c of chunks) adapters.add(String((await readNetworkFileHeader(join(partsDir, partFileName(c)))).adapter));
  async function* entries(): AsyncGenerator<JsonObject> {
    for (const c of chunks) yield* readNetworkEntries(join(partsDir, partFileName(c)));
  }
  const header = headerOf(SHARD_FORMAT, hash, shard, range, plan.count, backend, [...adapters].filter(Boolean).join('; ') || adapter, cfg.checkpoints);
  await writeFileAtomic(file, networkFileChunks(header, entries()));
  await rm(partsDir, { recursive: true, force: true });
  log(`shard ${shard.index}/${shard.count}: wrote ${range[1] - range[0]} networks to ${file}.`);
  return result;
}
