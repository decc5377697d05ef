/**
 * The `simulate` subcommand: `lazyrich simulate <config.json> [--out <file>] [--backend gpu|cpu]`.
 * Output JSON to stdout (or --out); progress, adapter and δ-drift lines to stderr.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseConfig } from '../config.ts';
import { createProgressBar } from '../progress.ts';
import { outputJsonChunks, runSimulate } from '../simulate.ts';
import { UsageError, writeChunks, type CliIo } from '../io.ts';

/** Registers `simulate` on the program; the action sets `io.exitCode` through thrown errors (see main.ts). */
export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description('integrate a single-neuron ensemble (GD or RK4) and write trajectories at the output times as JSON')
    .argument('<config>', 'config JSON file (see src/cli/config.ts for the fields)')
    .option('-o, --out <file>', 'write the output JSON here instead of stdout')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .action(async (file: string, opts: { out?: string; backend?: string }) => {
      if (opts.backend !== undefined && opts.backend !== 'gpu' && opts.backend !== 'cpu') {
        throw new UsageError(`--backend: expected "gpu" or "cpu", got "${opts.backend}"`);
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read config file ${file}: ${(e as Error).message}`);
      }
      const config = parseConfig(text);
      const bar = createProgressBar('simulate', io.stderr);
      let result;
      try {
        result = await runSimulate(config, {
          backend: opts.backend as 'gpu' | 'cpu' | undefined,
          onProgress: (done, total) => bar.update(done, total),
          log: (line) => { bar.stop(); io.stderr.write(`${line}\n`); },
        });
      } finally {
        bar.stop();
      }
      await writeChunks(outputJsonChunks(result.output), opts.out, io);
      if (opts.out) io.stderr.write(`wrote ${result.output.trajectories.length} trajectories to ${opts.out}\n`);
    });
}
