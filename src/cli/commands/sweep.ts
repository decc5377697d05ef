/**
 * The `sweep` and `merge` subcommands (sweep.ts, merge.ts): a relu2 grid run in shards and resumable
 * chunks, and the shard files joined into one `simulate`-format result. {@link SWEEP_HELP} and
 * {@link MERGE_HELP} document the layout.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createProgressBar } from '../progress.ts';
import { UsageError, writeChunks, writeFileAtomic, type CliIo } from '../io.ts';
import { planMerge } from '../merge.ts';
import { networkFileChunks } from '../networkFile.ts';
import { validateRelu2Config } from '../relu2Config.ts';
import { parseShard, runSweep } from '../sweep.ts';
import { ConfigError, describeValue, parseJson } from '../validate.ts';

/** Text after the options in `lazyrich sweep --help`. */
export const SWEEP_HELP = `
Runs a "relu2" config (see lazyrich simulate --help) in pieces that survive interruption:
  Shards   The N networks, in config order (grid: q = (iSeed·#τ + iτ)·#δ + iδ), are split into n
           contiguous ranges. Shard i (1 ≤ i ≤ n, numbered from 1) runs networks
           [floor((i−1)·N/n), floor(i·N/n)); sizes differ by at most one. Give each machine or batch job
           one --shard, e.g. with SLURM: --shard \${SLURM_ARRAY_TASK_ID}/16 and --array=1-16.
  Chunks   Within a shard, networks run in chunks of --chunk networks (default: one grid seed, #τ·#δ
           networks sharing one data set; 64 for explicit inits), aligned to multiples of --chunk.
  Files    Each finished chunk is written atomically (temporary file, then rename) to
           <dir>/shard-<i>-of-<n>.parts/networks-<start>-<end>.json. Rerunning the same command after a
           crash, kill or Ctrl-C skips the finished chunks and runs the rest. When all are done they are
           joined into <dir>/shard-<i>-of-<n>.json (atomically) and the .parts folder is removed; rerunning
           a finished shard does nothing. Every file records the config hash (SHA-256 of the data, init,
           learning rate, activation and checkpoints), the backend, the shard and its network range;
           files from another config or backend in <dir> are refused (exit 2), never overwritten.
  Then     lazyrich merge <dir> > result.json
Exit codes: 0 ok; 2 bad config, usage or foreign files in <dir>; 1 other failure.
`;

/** Text after the options in `lazyrich merge --help`. */
export const MERGE_HELP = `
Joins <dir>/shard-<i>-of-<n>.json (i = 1…n) into the JSON document "lazyrich simulate" writes for the same
config: { model, backend, adapter, configHash, checkpoints, networks[N] }, networks in config order.
Checks first (exit 2 with a one-line reason, nothing written): all shards of one split n, none missing,
none duplicated (a file whose header names another shard), one config hash, one backend, each shard
covering exactly its range, every network exactly once.
`;

const BACKENDS = ['gpu', 'cpu'];

function checkBackend(b: string | undefined): 'gpu' | 'cpu' | undefined {
  if (b !== undefined && !BACKENDS.includes(b)) throw new UsageError(`--backend: expected "gpu" or "cpu", got "${b}"`);
  return b as 'gpu' | 'cpu' | undefined;
}

/** Registers `sweep`. */
export function registerSweep(program: Command, io: CliIo): void {
  program
    .command('sweep')
    .description('run a relu2 grid in shards and resumable chunks, one result file per shard (merge them with "lazyrich merge")')
    .argument('<config>', 'relu2 config JSON file (see lazyrich simulate --help)')
    .requiredOption('-o, --out <dir>', 'output folder for the shard files (created if missing)')
    .option('-s, --shard <i/n>', 'run shard i of n (1 ≤ i ≤ n)', '1/1')
    .option('-c, --chunk <networks>', 'networks per chunk (default: one grid seed; 64 for explicit inits)')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .addHelpText('after', SWEEP_HELP)
    .action(async (file: string, opts: { out: string; shard: string; chunk?: string; backend?: string }) => {
      const backend = checkBackend(opts.backend);
      const shard = parseShard(opts.shard);
      let chunk: number | undefined;
      if (opts.chunk !== undefined) {
        chunk = Number(opts.chunk);
        if (!(Number.isInteger(chunk) && chunk >= 1)) throw new UsageError(`--chunk: expected an integer ≥ 1, got "${opts.chunk}"`);
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read config file ${file}: ${(e as Error).message}`);
      }
      const raw = parseJson(text);
      const model = (raw as { model?: unknown } | null)?.model;
      if (typeof raw === 'object' && raw !== null && model !== 'relu2') {
        throw new ConfigError('config.model', `sweep runs "relu2" configs only, got ${describeValue(model)}`);
      }
      const config = validateRelu2Config(raw);
      const bar = createProgressBar(`sweep ${shard.index}/${shard.count}`, io.stderr, 'network-steps');
      try {
        await runSweep(config, {
          outDir: opts.out, shard, chunk, backend,
          onProgress: (done, total) => bar.update(done, total),
          log: (line) => { bar.stop(); io.stderr.write(`${line}\n`); },
        });
      } finally {
        bar.stop();
      }
    });
}

/** Registers `merge`. */
export function registerMerge(program: Command, io: CliIo): void {
  program
    .command('merge')
    .description('join the shard files of "lazyrich sweep" into one result JSON (the simulate format)')
    .argument('<dir>', 'the --out folder of the sweep')
    .option('-o, --out <file>', 'write the merged JSON here (atomically) instead of stdout')
    .addHelpText('after', MERGE_HELP)
    .action(async (dir: string, opts: { out?: string }) => {
      const plan = await planMerge(dir);
      const chunks = networkFileChunks(plan.header, plan.networks());
      if (opts.out) await writeFileAtomic(opts.out, chunks);
      else await writeChunks(chunks, undefined, io);
      io.stderr.write(`merged ${plan.shards} shards, ${plan.total} networks${opts.out ? ` into ${opts.out}` : ''}\n`);
    });
}
