/**
 * The adapter options of the commands that run on the GPU (`simulate`, `sweep`): `--adapter <name>` picks an
 * adapter listed by `lazyrich devices`, `--require-gpu` refuses a software (CPU) adapter such as
 * SwiftShader with exit 3. Both set the process-wide choice of src/gpu/device.ts (setGpuChoice).
 * `--kernel thread|workgroup|tiled` overrides the relu2 step kernel (src/models/relu2/layout.ts
 * setRelu2KernelOverride; other models ignore it).
 */
import type { Command } from 'commander';
import { setGpuChoice } from '../gpu/device.ts';
import { RELU2_KERNELS, setRelu2KernelOverride, type Relu2Kernel } from '../models/relu2/layout.ts';
import { UsageError } from './io.ts';

/** The parsed adapter options. */
export interface GpuOptions { adapter?: string; requireGpu?: boolean; kernel?: string }

/** Adds `--adapter <name>`, `--require-gpu` and `--kernel <kernel>` to a command. @returns the command. */
export function addGpuOptions(command: Command): Command {
  return command
    .option('--adapter <name>', 'run on this adapter (a case-insensitive part of a name listed by "lazyrich devices")')
    .option('--require-gpu', 'exit 3 with one line instead of running on a software (CPU) adapter such as SwiftShader, or with no adapter')
    .option('--kernel <kernel>', `relu2 step kernel: ${RELU2_KERNELS.join(' | ')} (default: thread on a software adapter, tiled on a GPU)`);
}

/**
 * Applies the options to every later GPU initialisation of this process (and clears those of an earlier
 * command when absent).
 * @param backend the --backend flag, if given.
 * @throws UsageError for an empty --adapter, an unknown --kernel, or --require-gpu / --adapter / --kernel with --backend cpu.
 */
export function applyGpuOptions(opts: GpuOptions, backend: string | undefined): void {
  if (opts.adapter !== undefined && opts.adapter.trim() === '') throw new UsageError('--adapter: expected an adapter name (see lazyrich devices), got ""');
  if (opts.kernel !== undefined && !RELU2_KERNELS.includes(opts.kernel as Relu2Kernel)) {
    throw new UsageError(`--kernel: expected ${RELU2_KERNELS.map((k) => `"${k}"`).join(', ')}, got "${opts.kernel}"`);
  }
  if (backend === 'cpu' && (opts.requireGpu || opts.adapter !== undefined || opts.kernel !== undefined)) {
    throw new UsageError(`${opts.requireGpu ? '--require-gpu' : opts.adapter !== undefined ? '--adapter' : '--kernel'} contradicts --backend cpu (the float64 reference uses no GPU)`);
  }
  setRelu2KernelOverride(opts.kernel as Relu2Kernel | undefined);
  setGpuChoice({ adapter: opts.adapter?.trim(), requireGpu: opts.requireGpu === true });
}
