/**
 * The single-neuron GD path through the CLI against numpy (issue 12 "done means"): the same 10⁵ trajectories
 * (a grid of 400 directions of β₀ (norm 1) × 250 δ ∈ [−2, 2], docs/theory.md §1), GD with η = 0.01, on
 * whitened data XX = I (the σ²I kernel) and on a general SPD XX = [[1, 0.3], [0.3, 1]], Xy = (0.5, 0.5).
 * lazyrich: `node bin/lazyrich.js simulate <config> --out <file>` in a child process; its rate is N·T over
 * the whole process's wall time (start-up, device, compile, integration, output file: the target) and over
 * the integration time the CLI reports ("integrated … in X s").
 * numpy: bench/numpy_euler.py, f64, loop time only, three loops: "plain" (the allocating vectorised loop on the
 * coordinate-major (d, N) layout, the target's baseline), "optimised" (the same with out= buffers) and "textbook"
 * (the row-per-trajectory (N, d) layout one writes first, reductions over axis 1; ~10× slower than plain here,
 * so it runs {@link TEXTBOOK_FRACTION} of the steps and is checked against plain at that step count).
 * plain and optimised run the same T steps from the same (a, w) as the CLI; the final a of the first
 * trajectories must agree (f32 vs f64, 1e-3 relative). Each kind runs 3× back to back (medians, with the load
 * average of each repeat), since this machine is shared.
 * Run alone: `npm run bench:numpy [-- --steps T --repeats R]`; `npm run bench` runs it after the single-neuron rows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../src/models/singleNeuron/config.ts';
import { expandInits } from '../src/models/singleNeuron/cliEnsemble.ts';
import { fmt, table } from './common.ts';
import { CHECK_DATA } from './checkCost.ts';
// @ts-expect-error: plain JavaScript module of bin/, no declarations
import { bundleDir, isFresh } from '../bin/cliBundle.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Default GD steps of one comparison: 6·10⁸ trajectory-steps, so the CLI's start-up (~0.5 s) is a small part of
 * its wall time, and the whole comparison (2 kinds × 3 repeats × CLI + 2 numpy loops) stays near a minute here.
 */
export const NUMPY_STEPS = 6000;
const ETA = 0.01;
/** Fraction of the T steps the (slow) textbook loop runs; its rate is per trajectory-step, like the others. */
const TEXTBOOK_FRACTION = 0.1;
/** The issue's targets: lazyrich / numpy ≥ 3 on XX = I, ≥ 2 on a general SPD XX. */
const TARGET = { whitened: 3, SPD: 2 } as const;

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** One repeat of one data kind: the CLI, then numpy's plain, optimised and textbook loops, back to back. */
interface Repeat { load: number; wall: number; integrated: number; plain: number; optimised: number; textbook: number }

type Loop = 'plain' | 'optimised' | 'textbook';
interface NumpyResult { seconds: number; rate: number; whitened: boolean; a: number[] }

/** One numpy loop on the state file. @throws NumpyMissing when python3 or numpy does not run. */
async function numpyLoop(stateFile: string, steps: number, loop: Loop): Promise<NumpyResult> {
  const py = await run('python3', ['bench/numpy_euler.py', stateFile, `${steps}`, '--loop', loop]).catch(() => null);
  if (!py || py.code !== 0) throw new NumpyMissing(`numpy comparison skipped: python3 with numpy did not run${py ? `: ${py.stderr.trim().split('\n').pop()}` : ''}.`);
  return JSON.parse(py.stdout) as NumpyResult;
}

/** The first trajectories' final a agree within 1e-3 relative. @throws Error naming both sides. */
function agree(a: number[], b: number[], what: string): void {
  a.slice(0, 4).forEach((x, i) => {
    if (!(Math.abs(x - b[i]) <= 1e-3 * (1 + Math.abs(b[i])))) throw new Error(`bench numpy: trajectory ${i}: a = ${x} vs ${b[i]} (${what})`);
  });
}

/**
 * Runs both comparisons, each `repeats` times (CLI, numpy plain, numpy optimised back to back; medians
 * reported), and returns the report lines (a table and notes). The target ratio is the CLI's whole-process
 * rate over the plain loop's rate; the optimised loop's ratio is reported beside it.
 * @param steps GD steps T of each run. @param log progress lines (stderr). @param repeats ≥ 1 (odd for a true median).
 * @throws Error when the CLI fails or the final states disagree; a missing python3/numpy gives a note instead.
 */
export async function benchNumpy(steps: number, log: (s: string) => void, repeats = 3): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lazyrich-numpy-'));
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    for (const kind of ['whitened', 'SPD'] as const) {
      const raw = {
        model: 'single-neuron', data: CHECK_DATA[kind], method: 'gd', step: ETA, times: [0, steps * ETA],
        init: { grid: { delta: { from: -2, to: 2, count: 250 }, beta0: { directions: 400, norm: 1 } } },
      };
      const cfg = validateConfig(raw);
      const inits = expandInits(cfg);
      const n = inits.length;
      const configFile = join(dir, `${kind}.json`), stateFile = join(dir, `${kind}.state.json`), outFile = join(dir, `${kind}.out.json`);
      writeFileSync(configFile, JSON.stringify(raw));
      const d = cfg.d;
      writeFileSync(stateFile, JSON.stringify({
        XX: cfg.data.XX, Xy: cfg.data.Xy, eta: ETA, etaA: cfg.rates.a, etaW: cfg.rates.w,
        a: inits.map((p) => p.a), w: Array.from({ length: d }, (_, j) => inits.map((p) => p.w[j])),
      }));
      const reps: Repeat[] = [];
      let whitened = false;
      for (let r = 0; r < repeats; r++) {
        const load = loadavg()[0];
        const cli = await run(process.execPath, ['bin/lazyrich.js', 'simulate', configFile, '--out', outFile]);
        if (cli.code !== 0) throw new Error(`bench numpy: the CLI failed (${cli.code}): ${cli.stderr.trim()}`);
        const m = /integrated (\d+) trajectories × (\d+) steps in ([\d.]+) s/.exec(cli.stderr);
        if (!m || Number(m[1]) !== n || Number(m[2]) !== steps) throw new Error(`bench numpy: no "integrated ${n} trajectories × ${steps} steps" line in the CLI's stderr`);
        const integrated = Number(m[3]);
        const out = JSON.parse(readFileSync(outFile, 'utf8')) as { trajectories: { a: number[] }[] };
        const rates: Record<Loop, number> = { plain: NaN, optimised: NaN, textbook: NaN };
        for (const loop of ['plain', 'optimised'] as const) {
          const np = await numpyLoop(stateFile, steps, loop);
          agree(out.trajectories.map(({ a }) => a[a.length - 1]), np.a, `CLI f32 vs numpy ${loop} f64`);
          rates[loop] = np.rate;
          whitened = np.whitened;
        }
        const short = Math.max(1, Math.round(steps * TEXTBOOK_FRACTION));
        const textbook = await numpyLoop(stateFile, short, 'textbook');
        if (r === 0) agree(textbook.a, (await numpyLoop(stateFile, short, 'plain')).a, `numpy textbook vs plain at ${short} steps`);
        rates.textbook = textbook.rate;
        reps.push({ load, wall: cli.seconds, integrated, ...rates });
        log(`bench: numpy comparison ${kind} ${r + 1}/${repeats} (load ${load.toFixed(1)}): CLI ${cli.seconds.toFixed(2)} s wall (${integrated.toFixed(2)} s integrating), `
          + `numpy plain ${fmt(rates.plain)}, optimised ${fmt(rates.optimised)}, textbook ${fmt(rates.textbook)} traj-steps/s`);
      }
      const work = n * steps;
      const ratio = (f: (x: Repeat) => number) => median(reps.map(f));
      const wallPlain = ratio((x) => work / x.wall / x.plain);
      rows.push([`XX ${kind}${whitened ? ' (σ²I)' : ''}`, n.toLocaleString('en'), `${steps}`, reps.map((x) => x.load.toFixed(1)).join(' / '),
        fmt(median(reps.map((x) => x.plain))), fmt(median(reps.map((x) => x.optimised))), fmt(median(reps.map((x) => x.textbook))),
        median(reps.map((x) => x.wall)).toFixed(2),
        fmt(ratio((x) => work / x.wall)), fmt(ratio((x) => work / x.integrated)),
        `${wallPlain.toFixed(2)}× (target ≥ ${TARGET[kind]}×${wallPlain >= TARGET[kind] ? ', met' : ', NOT met'})`,
        `${ratio((x) => work / x.wall / x.optimised).toFixed(2)}×`, `${ratio((x) => work / x.wall / x.textbook).toFixed(2)}×`,
        `${ratio((x) => work / x.integrated / x.plain).toFixed(2)}×`,
        `${ratio((x) => work / x.integrated / x.optimised).toFixed(2)}×`]);
    }
  } catch (e) {
    if (!(e instanceof NumpyMissing)) throw e;
    notes.push(e.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    table(['single-neuron GD vs numpy', 'N', 'steps', 'load (1 min)', 'numpy plain', 'numpy optimised', 'numpy textbook', 'CLI wall s', 'CLI wall',
      'CLI integrating', 'wall/plain', 'wall/optimised', 'wall/textbook', 'integrating/plain', 'integrating/optimised'], rows, 1),
    `numpy comparison (bench/numpyCompare.ts): the same ${'10⁵'} trajectories and ${steps} GD steps (η = ${ETA}) through \`lazyrich simulate\` (f32) and bench/numpy_euler.py (f64; `
      + '"plain" = the allocating vectorised loop on the coordinate-major (d, N) layout (W[j] contiguous over trajectories), "optimised" = the same with out= buffers and einsum, '
      + `"textbook" = the row-per-trajectory (N, d) layout one writes first (W[i] = trajectory i, reductions over axis 1; run for ${TEXTBOOK_FRACTION * 100}% of the steps, checked against plain there); `
      + 'loop time only), rates in trajectory-steps/s. '
      + '"CLI wall" counts the whole process (start-up, device, compile, integration, output file), "CLI integrating" the integration time it reports. '
      + `Each kind ${repeats}× back to back (CLI, plain, optimised, textbook), medians; load = the host's 1-minute load average before each repeat. The target is wall/plain. `
      + 'The final a of the first 4 trajectories agree within 1e-3.',
    (isFresh(bundleDir(ROOT), ROOT) as boolean)
      ? 'The CLI ran from its prebuilt bundle (bin/cliBundle.mjs), as after npm ci.'
      : 'NOTE: the CLI bundle is missing or older than the sources, so the CLI ran through tsx (~0.3 s more start-up); run npm run build:cli first.',
    ...notes,
  ];
}

/** python3 or numpy is missing: the comparison is skipped with a note. */
class NumpyMissing extends Error {}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: expected an integer ≥ 1, got ${process.argv[i + 1]}`);
    return v;
  };
  benchNumpy(arg('--steps', NUMPY_STEPS), (s) => process.stderr.write(`${s}\n`), arg('--repeats', 3)).then((lines) => process.stdout.write(`${lines.join('\n')}\n`), (e: unknown) => {
    process.stderr.write(`bench:numpy failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
