/**
 * The `simulate` subcommand: `lazyrich simulate <config.json> [--out <file>] [--backend gpu|cpu]`.
 * Dispatches on the config's "model": "single-neuron" (config.ts, simulate.ts) or "relu2" (relu2Config.ts,
 * relu2Run.ts). Output JSON to stdout (or --out); progress, adapter and δ-drift lines to stderr. `--help`
 * lists the methods and the output fields ({@link SIMULATE_HELP}, {@link RELU2_SIMULATE_HELP}).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { validateConfig } from '../config.ts';
import { createProgressBar } from '../progress.ts';
import { outputJsonChunks, runSimulate } from '../simulate.ts';
import { networkFileChunks } from '../networkFile.ts';
import { validateRelu2Config } from '../relu2Config.ts';
import { runRelu2Simulate } from '../relu2Run.ts';
import { UsageError, writeChunks, type CliIo } from '../io.ts';
import { parseJson } from '../validate.ts';

/** Text after the options in `lazyrich simulate --help`: methods, times vs steps, and the output fields. */
export const SIMULATE_HELP = `
Model "single-neuron" config (JSON; all fields in src/cli/config.ts):
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

/** `simulate --help` text for "model": "relu2" (theory.md §3; the full contract is in src/cli/relu2Config.ts). */
export const RELU2_SIMULATE_HELP = `
Model "relu2" (two-layer (leaky) ReLU networks f(x) = Σ_k a_k σ(w_kᵀx), full-batch GD, theory.md §3):
  { "model": "relu2", "activation"?: "relu" | {"leaky": slope},
    "data": {"X": [[…d]…n], "y": [n], "Xtest"?, "ytest"?} | {"teacher": {"seed","d","n","m0","nTest"}},
    "init": {"explicit": [{"W": [[…d]…m], "a": [m]}, …]}
          | {"grid": {"m": even, "tau": [..] | {"from","to","count","log": true},
                      "delta": [..] | {"from","to","count"}   (or "alpha": [..] | {"from","to","count","log"?}),
                      "seeds": [..]}},
    "learningRate": η | {"base": η₀, "scaleByTauSquared": true}   (η = η₀/τ², the paper's rule),
    "checkpoints": [GD step counts, strictly ascending, may include 0], "backend"?: "gpu" | "cpu" }
  Grid order: network q = (iSeed·#τ + iτ)·#δ + iδ. Teacher data: grid seed s draws its teacher and data
  with seed teacher.seed + s, shared by all (τ, δ) of that seed; its init directions come from s.
  Limits: m ≤ 256, d ≤ 128, n, nTest ≤ 65,536 while the buffers fit the device (exit 2 otherwise; grids
  too large for one device run in chunks with "lazyrich sweep").
  Output (JSON): { model, backend, adapter, configHash, checkpoints[C], networks[N] }, one entry per
  network in init order: tau, delta, alpha, seed (grid only), checkpoints[C], trainLoss[C],
  testLoss[C] (with test data), hamming[C], paramDistance[C], kernelDistance[C], deltaDrift[C],
  W[m][d], a[m] (final), diverged, stepsTaken. Progress (stderr) counts network-steps.
`;

/** Registers `simulate` on the program; the action sets `io.exitCode` through thrown errors (see main.ts). */
export function registerSimulate(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description('single neuron: integrate an ensemble (GD, RK4, β-flow or the exact solution) and write trajectories, ν, μ, S and (singular XX) β∞ at the output times; relu2: train two-layer ReLU networks by GD and write loss, H, ‖θ−θ₀‖, S and δ drift at the checkpoints (JSON)')
    .argument('<config>', 'config JSON file (fields: src/cli/config.ts for "single-neuron", src/cli/relu2Config.ts for "relu2")')
    .option('-o, --out <file>', 'write the output JSON here instead of stdout')
    .option('-b, --backend <backend>', 'gpu (WebGPU, float32) or cpu (float64 reference); overrides the config')
    .addHelpText('after', `${SIMULATE_HELP}${RELU2_SIMULATE_HELP}`)
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
      const raw = parseJson(text);
      const backend = opts.backend as 'gpu' | 'cpu' | undefined;
      if (typeof raw === 'object' && raw !== null && (raw as { model?: unknown }).model === 'relu2') {
        await simulateRelu2(raw, backend, opts.out, io);
        return;
      }
      const config = validateConfig(raw);
      const bar = createProgressBar('simulate', io.stderr);
      let result;
      try {
        result = await runSimulate(config, {
          backend,
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

/** `simulate` of a relu2 config: one run over all networks, JSON (one network per line) to `out` or stdout. */
async function simulateRelu2(raw: unknown, backend: 'gpu' | 'cpu' | undefined, out: string | undefined, io: CliIo): Promise<void> {
  const config = validateRelu2Config(raw);
  const bar = createProgressBar('simulate', io.stderr, 'network-steps');
  let result;
  try {
    result = await runRelu2Simulate(config, {
      backend,
      onProgress: (done, total) => bar.update(done, total),
      log: (line) => { bar.stop(); io.stderr.write(`${line}\n`); },
    });
  } finally {
    bar.stop();
  }
  const { networks, ...header } = result.output;
  await writeChunks(networkFileChunks(header, networks), out, io);
  if (out) io.stderr.write(`wrote ${networks.length} networks to ${out}\n`);
}
