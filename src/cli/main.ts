/**
 * `lazyrich` command-line entry (bin/lazyrich.js imports this through tsx). Builds the commander program
 * from the registry in commands/index.ts and maps errors to exit codes with one stderr line each:
 * 0 success; 2 bad config, bad usage, an unknown --adapter, or a grid beyond the device limits; 3 --require-gpu
 * and only a software adapter (or none); 1 any other failure.
 */
import { Command, CommanderError } from 'commander';
import { AdapterNotFoundError, DeviceLimitError, GpuRequirementError } from '../gpu/device.ts';
import { COMMANDS } from './commands/index.ts';
import { ConfigError } from './validate.ts';
import { UsageError, type CliIo } from './io.ts';
import { loadHelpTexts, wantsHelp } from './help.ts';
import { mark, resetTiming, timingEnabled, timingLine } from './timing.ts';

/** Exit code of a malformed config, a bad command line, or a grid that exceeds the device limits. */
export const EXIT_BAD_INPUT = 2;
/** Exit code of any other failure (no WebGPU adapter, device error, I/O error). */
export const EXIT_FAILURE = 1;
/** Exit code of `--require-gpu` when the adapter is a software (CPU) one, or there is none. */
export const EXIT_NO_GPU = 3;

/** The root program with every registered subcommand; commander's own exits become CommanderErrors. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('lazyrich')
    .description('lazy, rich and delayed-rich learning dynamics (Kunin et al., NeurIPS 2024) on WebGPU')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run lazyrich --help for usage)');
  for (const register of COMMANDS) register(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** One line for an error: `lazyrich: <message>` with newlines folded. */
function errorLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `lazyrich: ${message.replace(/\s*\n\s*/g, ' ')}\n`;
}

/**
 * Runs the CLI.
 * @param argv full process argv (node, script, ...args).
 * @returns the exit code (see {@link EXIT_BAD_INPUT}, {@link EXIT_FAILURE}); never throws.
 */
export async function main(argv: readonly string[] = process.argv, io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  resetTiming();
  mark('start-up');
  const program = buildProgram(io);
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_BAD_INPUT;
    }
    if (wantsHelp(argv)) await loadHelpTexts();
    await program.parseAsync([...argv]);
    if (timingEnabled()) io.stderr.write(`${timingLine()}\n`);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed its message (or the help/version text).
      return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    io.stderr.write(errorLine(e));
    if (e instanceof GpuRequirementError) return EXIT_NO_GPU;
    return e instanceof ConfigError || e instanceof UsageError || e instanceof DeviceLimitError || e instanceof AdapterNotFoundError
      ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
}
