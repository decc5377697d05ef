/**
 * The `devices` subcommand: `lazyrich devices` lists the WebGPU adapters the `webgpu` package (Dawn) can
 * open on this machine, one per line (`<backend>  <name>` and "software" for CPU adapters), for `--adapter`.
 */
import type { Command } from 'commander';
import { listAdapters } from '../../gpu/device.ts';
import type { CliIo } from '../io.ts';

/** Text after the options in `lazyrich devices --help`. */
export const DEVICES_HELP = `
Lists every adapter Dawn (the "webgpu" package) reports for the installed drivers (Vulkan, Metal or D3D),
read from its adapter enumeration; when no driver gives one and VK_ICD_FILENAMES is unset, SwiftShader's
(the CPU fallback), as simulate and sweep would use it. Pick one with --adapter <part of its name>;
--require-gpu refuses the software ones (exit 3). Exit 1 when there is no adapter at all.
`;

/** Registers `devices`. */
export function registerDevices(program: Command, io: CliIo): void {
  program
    .command('devices')
    .description('list the WebGPU adapters (for --adapter); software (CPU) adapters are marked')
    .addHelpText('after', DEVICES_HELP)
    .action(async () => {
      const { adapters, swiftShader } = await listAdapters();
      if (adapters.length === 0) throw new Error('no WebGPU adapter: install a Vulkan driver, or apt-get install -y libvulkan1 chromium (SwiftShader)');
      for (const a of adapters) io.stdout.write(`${a.backend}\t${a.name}${a.isSoftware ? '\tsoftware (CPU)' : ''}\n`);
      if (swiftShader) io.stderr.write('no GPU driver gave an adapter; listed SwiftShader, the CPU fallback\n');
    });
}
