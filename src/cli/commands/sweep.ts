/**
 * The `sweep` and `merge` subcommands (sweep.ts, merge.ts): a config of any model with sweep support
 * (models/plugin.ts SweepSupport) run in shards and resumable chunks, and the shard files joined into one
 * `simulate`-format result. {@link sweepHelp} and {@link MERGE_HELP} document the layout.
 */
import type { Command } from 'commander';
import { sweepModelOf } from '../models.ts';
import { sweepModels } from '../help.ts';
import { addGpuOptions, applyGpuOptions, type GpuOptions } from '../gpuOptions.ts';
import { createProgressBar } from '../progress.ts';
import { readConfigFile, UsageError, writeChunks, writeFileAtomic, type CliIo } from '../io.ts';
import { resultFileChunks } from '../resultFile.ts';
import { initGpu } from '../../gpu/device.ts';

/** Text after the options in `lazyrich sweep --help` (the models come from src/cli/help.ts, loaded for help only). */
export const sweepHelp = (): string => `
Runs a ${sweepModels()} config (see lazyrich simulate --help) in pieces that survive interruption:
  Shards   The N networks, in config order (the model's order; see its help), are split into n
           contiguous ranges. Shard i (1 ≤ i ≤ n, numbered from 1) runs networks
           [floor((i−1)·N/n), floor(i·N/n)); sizes differ by at most one. Give each machine or batch job
           one --shard, e.g. with SLURM: --shard \${SLURM_ARRAY_TASK_ID}/16 and --array=1-16, or --shard auto.
  auto     --shard auto reads a Slurm job array: shard SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN + 1 of
           SLURM_ARRAY_TASK_COUNT (so --array=0-15 and --array=1-16 both give shards 1…16; no step).
           --shard auto/<n> also reads a Kubernetes Indexed Job: shard JOB_COMPLETION_INDEX + 1 of n
           (n = the Job's completions). Neither set, or inconsistent: exit 2 naming the variable.
  Chunks   Within a shard, networks run in chunks of --chunk networks (default: the model's, e.g. one
           grid seed's networks sharing one data set; 64 for explicit inits), aligned to multiples of --chunk.
  Files    Each finished chunk is written atomically (temporary file, then rename) to
           <dir>/shard-<i>-of-<n>.parts/networks-<start>-<end>.json. Rerunning the same command after a
           crash, kill or Ctrl-C skips the finished chunks and runs the rest. When all are done they are
           joined into <dir>/shard-<i>-of-<n>.json (atomically) and the .parts folder is removed; rerunning
           a finished shard does nothing. Every file records the model, the config hash (SHA-256 of what
           determines the results: data, init, learning rate, …), the backend, the shard and its network
           range; files from another model, config or backend in <dir> are refused (exit 2), never overwritten.
           Each part records the SHA-256 of its networks, each shard file that of each chunk and of its
           header. On resume a truncated or damaged part (wrong checksum, missing or malformed network) is
           redone (and logged); a damaged shard file keeps its sound chunks and redoes the rest. Temporaries
           of killed runs are removed. shard-<i>-of-<n>.lock keeps a second run of the same shard out (exit 2); the lock of a run
           that is gone (its process ended here, or not refreshed for 90 s) is taken over.
  Then     lazyrich merge <dir> > result.json
Exit codes: 0 ok; 2 bad config, usage or foreign files in <dir>; 1 other failure.
`;

/** Text after the options in `lazyrich merge --help`. */
export const MERGE_HELP = `
Joins <dir>/shard-<i>-of-<n>.json (i = 1…n) into the JSON document "lazyrich simulate" writes for the same
config: { model, backend, adapter, configHash, …the model's fields, networks[N] }, networks in config order.
Checks first (exit 2 with a one-line reason, nothing written): all shards of one split n, none missing,
none duplicated (a file whose header names another shard), one model, one config hash, one backend, each
shard covering exactly its range, every network exactly once, every entry matching the model's output
fields, and the SHA-256 checksums each shard file records (of its header, and of each chunk's networks;
a failure names the file and the chunk). Shards written before checksums are accepted with a warning.
`;

const BACKENDS = ['gpu', 'cpu'];

function checkBackend(b: string | undefined): 'gpu' | 'cpu' | undefined {
  if (b !== undefined && !BACKENDS.includes(b)) throw new UsageError(`--backend: expected "gpu" or "cpu", got "${b}"`);
  return b as 'gpu' | 'cpu' | undefined;
}

/** Registers `sweep`. */
export function registerSweep(program: Command, io: CliIo): void {
  addGpuOptions(program
    .command('sweep'))
    .description('run a grid in shards and resumable chunks, one result file per shard (merge them with "lazyrich merge")')
    .argument('<config>', 'config JSON file of a model with sweep support (listed below; see lazyrich simulate --help)')
    .requiredOption('-o, --out <dir>', 'output folder for the shard files (created if missing)')
    .option('-s, --shard <i/n|auto|auto/n>', 'run shard i of n (1 ≤ i ≤ n); auto: from a Slurm array or Kubernetes Indexed Job (see below)', '1/1')
    .option('-c, --chunk <networks>', 'networks per chunk (default: one grid seed; 64 for explicit inits)')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .addHelpText('after', sweepHelp)
    .action(async (file: string, opts: { out: string; shard: string; chunk?: string; backend?: string } & GpuOptions) => {
      const backend = checkBackend(opts.backend);
      applyGpuOptions(opts, backend);
      // Imported here, not at the top: a `simulate` run loads none of the sweep machinery.
      const [{ autoShard }, { parseShard, runSweep }] = await Promise.all([import('../shardAuto.ts'), import('../sweep.ts')]);
      const auto = /^\s*auto\b/.test(opts.shard) ? autoShard(opts.shard) : undefined;
      const shard = auto ? { index: auto.index, count: auto.count } : parseShard(opts.shard);
      let chunk: number | undefined;
      if (opts.chunk !== undefined) {
        chunk = /^\d+$/.test(opts.chunk) ? Number(opts.chunk) : NaN; // plain digits: no hex, "1e1", "+2", blanks
        if (!(Number.isSafeInteger(chunk) && chunk >= 1)) throw new UsageError(`--chunk: expected an integer ≥ 1, got "${opts.chunk}"`);
      }
      const raw = await readConfigFile(file);
      const { cli } = await sweepModelOf(raw);
      const cfg = cli.parseConfig(raw); // a bad config fails before the progress bar starts
      if (auto) io.stderr.write(`shard ${shard.index}/${shard.count} (--shard auto: ${auto.source})\n`);
      // --require-gpu / --adapter are checked before the shard's lock and folders are made (exit 3 leaves nothing).
      const ctx = (opts.requireGpu || opts.adapter !== undefined) && (backend ?? cli.sweep.backend(cfg)) !== 'cpu'
        ? await initGpu() : undefined;
      const bar = createProgressBar(`sweep ${shard.index}/${shard.count}`, io.stderr, cli.progressUnit);
      try {
        await runSweep(raw, {
          outDir: opts.out, shard, chunk, backend, ctx,
          onProgress: (done, total) => bar.update(done, total),
          log: (line) => { bar.stop(); io.stderr.write(`${line}\n`); },
        });
      } finally {
        bar.stop();
        ctx?.device.destroy();
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
      const { planMerge } = await import('../merge.ts');
      const plan = await planMerge(dir);
      for (const w of plan.warnings) io.stderr.write(`${w}\n`);
      const chunks = resultFileChunks(plan.header, plan.entriesKey, plan.networks());
      if (opts.out) await writeFileAtomic(opts.out, chunks);
      else await writeChunks(chunks, undefined, io);
      io.stderr.write(`merged ${plan.shards} shards, ${plan.total} networks${opts.out ? ` into ${opts.out}` : ''}\n`);
    });
}
