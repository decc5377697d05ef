/**
 * The adapter options of the commands that run on the GPU (`simulate`, `sweep`): `--adapter <name>` picks an
 * adapter listed by `lazyrich devices`, `--require-gpu` refuses a software (CPU) adapter such as
 * SwiftShader with exit 3. Both set the process-wide choice of src/gpu/device.ts (setGpuChoice).
 */
import type { Command } from 'commander';
import { setGpuChoice } from '../gpu/device.ts';
import { UsageError } from './io.ts';

/** The parsed adapter options. */
export interface GpuOptions { adapter?: string; requireGpu?: boolean }

/** Adds `--adapter <name>` and `--require-gpu` to a command. @returns the command. */
export function addGpuOptions(command: Command): Command {
  return command
    .option('--adapter <name>', 'run on this adapter (a case-insensitive part of a name listed by "lazyrich devices")')
    .option('--require-gpu', 'exit 3 with one line instead of running on a software (CPU) adapter such as SwiftShader, or with no adapter');
}

/**
 * Applies the options to every later GPU initialisation of this process (and clears those of an earlier
 * command when absent).
 * @param backend the --backend flag, if given.
 * @throws UsageError for an empty --adapter, or --require-gpu / --adapter with --backend cpu.
 */
export function applyGpuOptions(opts: GpuOptions, backend: string | undefined): void {
  if (opts.adapter !== undefined && opts.adapter.trim() === '') throw new UsageError('--adapter: expected an adapter name (see lazyrich devices), got ""');
  if (backend === 'cpu' && (opts.requireGpu || opts.adapter !== undefined)) {
    throw new UsageError(`${opts.requireGpu ? '--require-gpu' : '--adapter'} contradicts --backend cpu (the float64 reference uses no GPU)`);
  }
  setGpuChoice({ adapter: opts.adapter?.trim(), requireGpu: opts.requireGpu === true });
}
