/**
 * `lazyrich merge <dir>`: joins the shard files of one `sweep` (sweep.ts) into the document `simulate`
 * writes for the same config (relu2Run.ts Relu2SimulateOutput), networks in config order. Before anything
 * is written it checks that the shards belong together: one split (all `-of-n` equal), every shard 1…n
 * present, each file's header naming its own shard (a copied file is a duplicate), one config hash, one
 * backend, one network count and checkpoint list, each shard covering exactly its range, and each network
 * index appearing exactly once.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readNetworkEntries, readNetworkFileHeader, ResultFileError, type JsonObject } from './networkFile.ts';
import { partsDirName, shardFileName, shardRange, SHARD_FORMAT, SHARD_VERSION, type Shard } from './sweep.ts';

/** Shards that do not belong together, or a missing/duplicated shard or network (exit code 2). */
export class MergeError extends ResultFileError {
  override name = 'MergeError';
}

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.json$/;

/** A checked merge: the output header and a generator of the networks in order (without `index`). */
export interface MergePlan {
  /** {model, backend, adapter, configHash, checkpoints}: the head of a Relu2SimulateOutput. */
  header: JsonObject;
  /** The networks in config order; each read from its shard file on demand. */
  networks(): AsyncGenerator<JsonObject>;
  /** Number of shards and of networks. */
  shards: number;
  total: number;
}

const short = (h: unknown) => `${String(h).slice(0, 12)}…`;

/**
 * Finds and checks the shard files in `dir` (see the module comment); reads every network line once to
 * check the indices.
 * @throws MergeError naming the offending file(s), e.g. "missing shard 2 of 3 (shard-2-of-3.json)…";
 *   ResultFileError when a file cannot be read or parsed.
 */
export async function planMerge(dir: string): Promise<MergePlan> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new MergeError(`cannot read the folder ${dir}: ${(e as Error).message}`);
  }
  const found = names.map((name) => SHARD_FILE.exec(name)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], index: Number(m[1]), count: Number(m[2]) }));
  if (found.length === 0) throw new MergeError(`no shard files (shard-<i>-of-<n>.json) in ${dir}; run lazyrich sweep <config> --out ${dir} first`);
  const counts = [...new Set(found.map((f) => f.count))].sort((a, b) => a - b);
  if (counts.length > 1) {
    throw new MergeError(`${dir} holds shards of different splits (${counts.map((n) => `-of-${n}`).join(', ')}): `
      + `${found.map((f) => f.name).sort().join(', ')}; keep the files of one split`);
  }
  const n = counts[0];
  const missing: number[] = [];
  for (let i = 1; i <= n; i++) if (!found.some((f) => f.index === i)) missing.push(i);
  if (missing.length > 0 || found.some((f) => f.index < 1 || f.index > n)) {
    const bad = found.filter((f) => f.index < 1 || f.index > n).map((f) => f.name);
    if (bad.length) throw new MergeError(`${bad.join(', ')}: shard index outside 1…${n}`);
    const unfinished = missing.filter((i) => existsSync(join(dir, partsDirName({ index: i, count: n }))));
    throw new MergeError(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} `
      + `(${missing.map((i) => shardFileName({ index: i, count: n })).join(', ')}) in ${dir}; run lazyrich sweep <config> --out ${dir} --shard ${missing[0]}/${n}`
      + (unfinished.length ? ` (unfinished runs left partial chunks for shard ${unfinished.join(', ')}; rerunning resumes them)` : ''));
  }

  const shards: { shard: Shard; path: string; header: JsonObject }[] = [];
  for (let i = 1; i <= n; i++) {
    const shard = { index: i, count: n };
    const path = join(dir, shardFileName(shard));
    const header = await readNetworkFileHeader(path);
    if (header.format !== SHARD_FORMAT || header.version !== SHARD_VERSION) throw new MergeError(`${path}: not a ${SHARD_FORMAT} file (version ${SHARD_VERSION})`);
    const s = header.shard as Shard | undefined;
    if (s?.index !== i || s?.count !== n) {
      throw new MergeError(`${path} holds shard ${s?.index}/${s?.count}, not ${i}/${n}: a duplicate of another shard's file (renamed or copied); rerun --shard ${i}/${n}`);
    }
    shards.push({ shard, path, header });
  }
  const first = shards[0];
  const total = first.header.totalNetworks as number;
  for (const { path, header, shard } of shards) {
    if (header.configHash !== first.header.configHash) {
      throw new MergeError(`${path} belongs to a different config (hash ${short(header.configHash)}) than ${first.path} (hash ${short(first.header.configHash)}); `
        + 'all shards must come from the same config file');
    }
    if (header.backend !== first.header.backend) throw new MergeError(`${path} ran on backend "${String(header.backend)}", ${first.path} on "${String(first.header.backend)}"; rerun one of them`);
    if (header.totalNetworks !== total || JSON.stringify(header.checkpoints) !== JSON.stringify(first.header.checkpoints)) {
      throw new MergeError(`${path} disagrees with ${first.path} on the network count or checkpoints`);
    }
    const expected = shardRange(total, shard);
    if (JSON.stringify(header.range) !== JSON.stringify(expected)) throw new MergeError(`${path} covers networks ${JSON.stringify(header.range)}, but shard ${shard.index}/${n} of ${total} is [${expected.join(',')}]`);
  }
  // Every network exactly once, in order.
  for (const { path, shard } of shards) {
    const [start, end] = shardRange(total, shard);
    let next = start;
    for await (const e of readNetworkEntries(path)) {
      const index = e.index;
      if (typeof index === 'number' && index < next && index >= start) throw new MergeError(`${path}: network ${index} appears more than once (duplicate)`);
      if (index !== next) throw new MergeError(`${path}: expected network ${next}, found ${JSON.stringify(index)} (missing networks ${next}–${typeof index === 'number' ? index - 1 : '?'})`);
      next++;
    }
    if (next !== end) throw new MergeError(`${path}: networks ${next}–${end - 1} are missing (the file holds ${next - start} of ${end - start})`);
  }
  const adapters = [...new Set(shards.flatMap(({ header }) => String(header.adapter).split('; ')))].filter(Boolean);
  const header: JsonObject = {
    model: 'relu2', backend: first.header.backend, adapter: adapters.join('; '), configHash: first.header.configHash, checkpoints: first.header.checkpoints,
  };
  async function* networks(): AsyncGenerator<JsonObject> {
    for (const { path } of shards) {
      for await (const { index: _index, ...e } of readNetworkEntries(path)) yield e;
    }
  }
  return { header, networks, shards: n, total };
}
