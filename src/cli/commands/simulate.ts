/**
 * The `simulate` subcommand: `lazyrich simulate <config.json> [--out <file>] [--backend gpu|cpu]`.
 * Finds the config's model in the registry (its required "model" field), parses the
 * config with that model's CLI half and streams the result document it returns (models/plugin.ts
 * ModelCli, ResultDocument). Output JSON to stdout (or --out); progress, adapter and drift lines to
 * stderr. `--help` appends every registered model's help text (config fields, methods, output fields).
 */
import type { Command } from 'commander';
import { MODEL_IDS, MODELS } from '../../models/registry.ts';
import { modelOfConfig } from '../models.ts';
import { simulateHelp } from '../help.ts';
import { addGpuOptions, applyGpuOptions, type GpuOptions } from '../gpuOptions.ts';
import { createProgressBar } from '../progress.ts';
import { entryCount, resultDocumentChunks } from '../resultFile.ts';
import { readConfigFile, UsageError, writeChunks, type CliIo } from '../io.ts';
import { mark } from '../timing.ts';

/** Registers `simulate` on the program; the action sets `io.exitCode` through thrown errors (see main.ts). */
export function registerSimulate(program: Command, io: CliIo): void {
  addGpuOptions(program
    .command('simulate'))
    .description(`run a config of one model (${MODELS.map((m) => m.title).join('; ')}) and write its result at the output times or checkpoints (JSON); each model's fields, methods and outputs are listed below`)
    .argument('<config>', `config JSON file; "model": ${MODEL_IDS.map((id) => `"${id}"`).join(' | ')} (required), fields below`)
    .option('-o, --out <file>', 'write the output JSON here instead of stdout')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .addHelpText('after', simulateHelp)
    .action(async (file: string, opts: { out?: string; backend?: string } & GpuOptions) => {
      if (opts.backend !== undefined && opts.backend !== 'gpu' && opts.backend !== 'cpu') {
        throw new UsageError(`--backend: expected "gpu" or "cpu", got "${opts.backend}"`);
      }
      applyGpuOptions(opts, opts.backend);
      const raw = await readConfigFile(file);
      const cli = await modelOfConfig(raw).loadCli();
      const config = cli.parseConfig(raw);
      mark('config');
      const bar = createProgressBar('simulate', io.stderr, cli.progressUnit);
      let doc;
      try {
        doc = await cli.simulate(config, {
          backend: opts.backend as 'gpu' | 'cpu' | undefined,
          onProgress: (done, total) => bar.update(done, total),
          log: (line) => { bar.stop(); io.stderr.write(`${line}\n`); },
        });
      } finally {
        bar.stop();
      }
      let count = 0;
      async function* counted(): AsyncGenerator<object> {
        for await (const e of doc!.entries) { count += entryCount(e); yield e; }
      }
      await writeChunks(resultDocumentChunks({ ...doc, entries: counted() }), opts.out, io);
      mark('output');
      if (opts.out) io.stderr.write(`wrote ${count} ${doc.entriesKey} to ${opts.out}\n`);
    });
}
