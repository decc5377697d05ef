/**
 * `lazyrich merge <dir>`: joins the shard files of one `sweep` (sweep.ts) into the document `simulate`
 * writes for the same config (the model's ResultDocument: header {model, backend, adapter, configHash,
 * …the model's fields}, entries in config order), for any model with sweep support. Before anything is
 * written it checks that the shards belong together: one split (all `-of-n` equal), every shard 1…n
 * present, each file's header naming its own shard (a copied file is a duplicate), one registered model,
 * one config hash, one backend, one network count and the same model fields (e.g. the checkpoint list),
 * each shard covering exactly its range, each network index appearing exactly once, and each entry
 * matching the model's output schema (SweepSupport.checkEntry; the message names file and line), and the
 * checksums (issue 11, defect 8): each shard header's own SHA-256 and each chunk's entry digest
 * (sweepFiles.ts shardChecksums, ChunkVerifier; a mismatch names file and chunk). Shards written before
 * checksums are accepted with a warning ({@link MergePlan.warnings}). Shards written
 * with the old format names (sweep.ts LEGACY_FORMATS) are read as that model's.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findModel, MODEL_IDS } from '../models/registry.ts';
import { readResultEntries, readResultHeader, ResultFileError, type JsonObject } from './resultFile.ts';
import { formatOf, modelFields, partsDirName, shardFileName, shardRange, SHARD_FORMAT, SHARD_VERSION, type Shard } from './sweep.ts';
import { ChunkVerifier, shardChecksums } from './sweepFiles.ts';

/** Shards that do not belong together, or a missing/duplicated shard or network (exit code 2). */
export class MergeError extends ResultFileError {
  override name = 'MergeError';
}

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.json$/;

/** A checked merge: the output header and a generator of the networks in order (without `index`). */
export interface MergePlan {
  /** {model, backend, adapter, configHash, …the model's fields}: the header `simulate` writes. */
  header: JsonObject;
  /** Name of the entries' array ("networks"). */
  entriesKey: string;
  /** The networks in config order; each read from its shard file on demand. */
  networks(): AsyncGenerator<JsonObject>;
  /** Number of shards and of networks. */
  shards: number;
  total: number;
  /** Warnings for stderr, e.g. a shard without checksums (written by an older lazyrich). */
  warnings: string[];
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

  const shards: { shard: Shard; path: string; header: JsonObject; entriesKey: string; model: unknown }[] = [];
  for (let i = 1; i <= n; i++) {
    const shard = { index: i, count: n };
    const path = join(dir, shardFileName(shard));
    const { header, entriesKey } = await readResultHeader(path);
    const { format, model } = formatOf(header);
    if (format !== SHARD_FORMAT || header.version !== SHARD_VERSION) throw new MergeError(`${path}: not a ${SHARD_FORMAT} file (version ${SHARD_VERSION})`);
    const s = header.shard as Shard | undefined;
    if (s?.index !== i || s?.count !== n) {
      throw new MergeError(`${path} holds shard ${s?.index}/${s?.count}, not ${i}/${n}: a duplicate of another shard's file (renamed or copied); rerun --shard ${i}/${n}`);
    }
    shards.push({ shard, path, header, entriesKey, model });
  }
  const first = shards[0];
  const total = first.header.totalNetworks as number;
  // The model's fields and entries key come from a shard that holds networks (an empty shard has none).
  const full = shards.find(({ header }) => Array.isArray(header.range) && header.range[1] > header.range[0]) ?? first;
  const fields = JSON.stringify(modelFields(full.header));
  for (const { path, header, shard, model, entriesKey } of shards) {
    if (model !== first.model) {
      throw new MergeError(`${path} holds model ${JSON.stringify(model)}, ${first.path} model ${JSON.stringify(first.model)}; all shards must come from the same config file`);
    }
    if (header.configHash !== first.header.configHash) {
      throw new MergeError(`${path} belongs to a different config (hash ${short(header.configHash)}) than ${first.path} (hash ${short(first.header.configHash)}); `
        + 'all shards must come from the same config file');
    }
    if (header.backend !== first.header.backend) throw new MergeError(`${path} ran on backend "${String(header.backend)}", ${first.path} on "${String(first.header.backend)}"; rerun one of them`);
    const expected = shardRange(total, shard);
    const empty = expected[0] === expected[1];
    if (header.totalNetworks !== total || (!empty && (JSON.stringify(modelFields(header)) !== fields || entriesKey !== full.entriesKey))) {
      const keys = Object.keys(modelFields(full.header));
      throw new MergeError(`${path} disagrees with ${full.path} on the network count${keys.length ? ` or ${keys.join(', ')}` : ''}`);
    }
    if (JSON.stringify(header.range) !== JSON.stringify(expected)) throw new MergeError(`${path} covers networks ${JSON.stringify(header.range)}, but shard ${shard.index}/${n} of ${total} is [${expected.join(',')}]`);
  }
  if (typeof first.model !== 'string' || !findModel(first.model)) {
    throw new MergeError(`${first.path} holds model ${JSON.stringify(first.model)}, which is not registered (known: ${MODEL_IDS.map((id) => `"${id}"`).join(', ')})`);
  }
  // Every network exactly once, in order, each matching the model's output schema (when it gives one).
  const checkEntry = (await findModel(first.model)!.loadCli()).sweep?.checkEntry;
  const warnings: string[] = [];
  // Checksums after the checks that the shards belong together (a foreign file is named as such).
  for (const { path, shard, header: shardHeader } of shards) {
    const [start, end] = shardRange(total, shard);
    const damaged = `the file is damaged: delete it and rerun lazyrich sweep --shard ${shard.index}/${shard.count}`;
    const sums = shardChecksums(shardHeader, [start, end]);
    if (sums.problem !== undefined) throw new MergeError(`${path}: ${sums.problem}; ${damaged}`);
    if (sums.legacy) warnings.push(`warning: ${path} has no checksums (written by an older lazyrich); its entries were checked against the output fields only`);
    const verifier = sums.chunks ? new ChunkVerifier(sums.chunks) : undefined;
    let next = start;
    for await (const e of readResultEntries(path)) {
      const index = e.index;
      const { index: _i, ...entry } = e;
      const problem = checkEntry?.(entry, modelFields(shardHeader));
      if (problem !== undefined) {
        throw new MergeError(`${path}, line ${next - start + 2} (network ${JSON.stringify(index)}): ${problem}; the file is damaged: `
          + `delete it and rerun lazyrich sweep --shard ${shard.index}/${shard.count}`);
      }
      if (typeof index === 'number' && index < next && index >= start) throw new MergeError(`${path}: network ${index} appears more than once (duplicate)`);
      if (index !== next) throw new MergeError(`${path}: expected network ${next}, found ${JSON.stringify(index)} (missing networks ${next}–${typeof index === 'number' ? index - 1 : '?'})`);
      const chunk = verifier?.chunk;
      const bad = verifier?.add(e);
      if (bad !== undefined) {
        throw new MergeError(`${path}, lines ${chunk!.range[0] - start + 2}–${chunk!.range[1] - start + 1}: ${bad}; ${damaged}`);
      }
      next++;
    }
    if (next !== end) throw new MergeError(`${path}: networks ${next}–${end - 1} are missing (the file holds ${next - start} of ${end - start})`);
  }
  const adapters = [...new Set(shards.flatMap(({ header }) => String(header.adapter).split('; ')))].filter(Boolean);
  const header: JsonObject = {
    model: first.model, backend: first.header.backend, adapter: adapters.join('; '), configHash: first.header.configHash, ...modelFields(full.header),
  };
  async function* networks(): AsyncGenerator<JsonObject> {
    for (const { path } of shards) {
      for await (const { index: _index, ...e } of readResultEntries(path)) yield e;
    }
  }
  return { header, entriesKey: full.entriesKey, networks, shards: n, total, warnings };
}
