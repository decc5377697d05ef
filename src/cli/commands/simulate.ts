/**
 * The `simulate` subcommand: `lazyrich simulate <config.json> [--out <file>] [--backend gpu|cpu]`.
 * Output JSON to stdout (or --out); progress, adapter and δ-drift lines to stderr. `--help` lists the
 * methods and the output fields ({@link SIMULATE_HELP}).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseConfig } from '../config.ts';
import { createProgressBar } from '../progress.ts';
import { outputJsonChunks, runSimulate } from '../simulate.ts';
import { UsageError, writeChunks, type CliIo } from '../io.ts';

/** Text after the options in `lazyrich simulate --help`: methods, times vs steps, and the output fields. */
export const SIMULATE_HELP = `
Config (JSON; all fields in src/cli/config.ts):
  "method": "gd"         gradient descent, step η (time per step)
            "rk4"        RK4 on the parameter flow (a, w), step dt
            "beta-flow"  RK4 on the function-space flow dβ/dt = −M(β, δ)(XXβ − Xy), step dt (theory.md §1.1)
            "exact"      closed form at each output time (theory.md §1.3); needs XX = σ²I, σ > 0
  "times":  output times t (flow time, not steps), ≥ 0 and strictly ascending; for the stepped methods
            each t / step must be an integer. For "exact" any times are allowed and "step" is optional.

Output (JSON): { model, method, backend, adapter, times[T], trajectories[n] }, each trajectory with
  a[T], w[T][d], delta[T], excessLoss[T], diverged, and (theory.md §1.2)
  nu[T]              ν = a‖w‖ (signed β norm)
  mu[T]              μ = ŵ·β̂*, β* = XX⁺Xy (alignment with the target)
  kernelDistance[T]  S(t) = 1 − ⟨K₀,K_t⟩/(‖K₀‖‖K_t‖), K = X M Xᵀ, M = η_w a² I + η_a w wᵀ, from XX alone
  predictedLimit[d]  only for singular XX (λ_min ≤ 1e-10 λ_max): β∞ of theory.md §1.5, with the sign of
                     a at the last output time
Exit codes: 0 ok; 2 bad config or usage (one "lazyrich: config.<field>: …" line on stderr); 1 other failure.
`;

/** Registers `simulate` on the program; the action sets `io.exitCode` through thrown errors (see main.ts). */
export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description('integrate a single-neuron ensemble (GD, RK4, β-flow or the exact solution) and write trajectories, ν, μ, S and (singular XX) β∞ at the output times as JSON')
    .argument('<config>', 'config JSON file (see src/cli/config.ts for the fields)')
    .option('-o, --out <file>', 'write the output JSON here instead of stdout')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .addHelpText('after', SIMULATE_HELP)
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
