/**
 * The cluster examples (examples/slurm, examples/kubernetes; README "Running on a cluster") stay in step
 * with the code: the config parses with the real parser and is the app's Fig. 1b preset (so the cluster's
 * results carry the app's config hash); every `lazyrich` command line in the scripts parses with the CLI's
 * own commander program (unknown options, missing arguments and bad values fail); `--shard auto` resolves,
 * for every array task or completion index, to shards that cover the grid exactly once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { sweepModelOf } from '../../src/cli/models.ts';
import { autoShard } from '../../src/cli/shardAuto.ts';
import { shardRange } from '../../src/cli/sweep.ts';
import { relu2ConfigFromParams } from '../../src/models/relu2/appConfig.ts';
import { RELU2_PRESETS, RELU2_SCHEMA, type Relu2AppParams } from '../../src/models/relu2/params.ts';
import { defaults } from '../../src/params/schema.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const CONFIG = 'examples/slurm/fig1b-full.json';

/** Shell words of a command line: whitespace-separated, double quotes removed, $VAR / ${VAR} from `vars`. */
function words(line: string, vars: Record<string, string>): string[] {
  const expanded = line.replace(/\$\{?([A-Z_]+)\}?/g, (m, name: string) => vars[name] ?? m);
  return [...expanded.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The `npx lazyrich …` command lines of a shell script, variables (NAME=value lines) expanded. */
function scriptCommands(path: string): string[][] {
  const text = read(path);
  const vars = Object.fromEntries([...text.matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  return text.split('\n').filter((l) => /^\s*(exec\s+)?npx lazyrich /.test(l))
    .map((l) => words(l.replace(/^\s*(exec\s+)?npx lazyrich /, ''), vars));
}

/** The `command:` arrays of a Kubernetes manifest that run lazyrich (JSON flow style), without "npx lazyrich". */
function yamlCommands(path: string): string[][] {
  return [...read(path).matchAll(/^\s*command:\s*(\[.*\])\s*$/gm)].map((m) => JSON.parse(m[1]) as string[])
    .filter((c) => c[0] === 'npx' && c[1] === 'lazyrich').map((c) => c.slice(2));
}

/**
 * Parses `args` with the CLI's commander program, the subcommands' actions replaced by a capture.
 * @returns the subcommand's name, positional arguments and options. @throws the CommanderError of a bad line.
 */
async function parse(args: string[]): Promise<{ name: string; positional: string[]; opts: Record<string, unknown> }> {
  const sink = { write: () => true } as unknown as NodeJS.WriteStream;
  const io: CliIo = { stdout: sink, stderr: sink };
  const program = buildProgram(io);
  let got: { name: string; positional: string[]; opts: Record<string, unknown> } | undefined;
  for (const command of program.commands) {
    command.action((...a: unknown[]) => {
      const cmd = a.at(-1) as Command;
      got = { name: cmd.name(), positional: a.slice(0, -2) as string[], opts: cmd.opts() };
    });
  }
  await program.parseAsync(['node', 'lazyrich', ...args]);
  if (!got) throw new Error(`no subcommand ran for ${args.join(' ')}`);
  return got;
}

/** The shards `--shard <value>` gives every task, each task's env from `envOf(task)`; checks they tile `total`. */
function shardsOf(value: string, tasks: number[], envOf: (t: number) => NodeJS.ProcessEnv, total: number): string[] {
  const shards = tasks.map((t) => autoShard(value, envOf(t)));
  const ranges = shards.map((s) => shardRange(total, s));
  let at = 0;
  for (const [a, b] of ranges.sort((x, y) => x[0] - y[0])) {
    expect(a).toBe(at);
    at = b;
  }
  expect(at).toBe(total);
  return shards.map((s) => `${s.index}/${s.count}`);
}

describe('cluster examples', () => {
  it('the Fig. 1b config parses with the real parser and is the app\'s fig1b-full preset', async () => {
    const raw = JSON.parse(read(CONFIG)) as unknown;
    const { cli } = await sweepModelOf(raw);
    const parsed = cli.parseConfig(raw);
    const app = relu2ConfigFromParams({ ...defaults(RELU2_SCHEMA), ...RELU2_PRESETS['fig1b-full'], preset: 'fig1b-full' } as Relu2AppParams, null);
    expect(parsed).toEqual(app);
    expect(cli.sweep!.count(parsed)).toBe(17 * 17 * 16);
  });

  it('the Slurm scripts: lazyrich lines parse, GPU tasks with --require-gpu, --shard auto covers the grid for the array', async () => {
    const sbatch = read('examples/slurm/fig1b.sbatch');
    expect(sbatch).toMatch(/^#SBATCH --gres=gpu:1$/m);
    const array = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(sbatch)!;
    const [sweep] = scriptCommands('examples/slurm/fig1b.sbatch');
    const s = await parse(sweep);
    expect(s).toMatchObject({ name: 'sweep', positional: [CONFIG], opts: { out: 'results/fig1b', shard: 'auto', backend: 'gpu', requireGpu: true } });
    expect(existsSync(join(ROOT, s.positional[0]))).toBe(true);
    const [lo, hi] = [Number(array[1]), Number(array[2])];
    const tasks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    const env = (t: number) => ({ SLURM_ARRAY_TASK_ID: String(t), SLURM_ARRAY_TASK_MIN: String(lo), SLURM_ARRAY_TASK_COUNT: String(tasks.length) });
    expect(shardsOf('auto', tasks, env, 4624)).toEqual(tasks.map((t) => `${t - lo + 1}/16`));
    // submit.sh resizes the array (--array=1-N): N = 5 tiles the grid too.
    expect(shardsOf('auto', [1, 2, 3, 4, 5], (t) => ({ SLURM_ARRAY_TASK_ID: String(t), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '5' }), 4624)).toHaveLength(5);

    const [merge] = scriptCommands('examples/slurm/merge.sbatch');
    expect(await parse(merge)).toMatchObject({ name: 'merge', positional: ['results/fig1b'], opts: { out: 'results/fig1b.json' } });
    expect(read('examples/slurm/submit.sh')).toMatch(/sbatch --parsable --dependency="afterok:\$DEPS" --kill-on-invalid-dep=yes examples\/slurm\/merge\.sbatch/);
  });

  it('the Kubernetes Indexed Job: auto/<n> equals completions, every index gets its shard; the merge Job parses', async () => {
    const job = read('examples/kubernetes/sweep-job.yaml');
    expect(job).toMatch(/^\s*completionMode: Indexed$/m);
    const completions = Number(/^\s*completions: (\d+)$/m.exec(job)![1]);
    const [sweep] = yamlCommands('examples/kubernetes/sweep-job.yaml');
    const s = await parse(sweep);
    expect(s).toMatchObject({ name: 'sweep', positional: [CONFIG], opts: { shard: `auto/${completions}`, requireGpu: true } });
    const indices = Array.from({ length: completions }, (_, i) => i);
    expect(shardsOf(s.opts.shard as string, indices, (i) => ({ JOB_COMPLETION_INDEX: String(i) }), 4624)).toEqual(indices.map((i) => `${i + 1}/${completions}`));
    const [merge] = yamlCommands('examples/kubernetes/merge-job.yaml');
    expect(await parse(merge)).toMatchObject({ name: 'merge', positional: [s.opts.out], opts: { out: '/results/fig1b.json' } });
  });

  it('the check bites: a misspelt option, a missing argument and a wrong shard count are refused', async () => {
    await expect(parse(['sweep', CONFIG, '--out', 'x', '--shards', 'auto'])).rejects.toThrow(/unknown option '--shards'/);
    await expect(parse(['sweep', CONFIG, '--shard', 'auto'])).rejects.toThrow(/required option '-o, --out <dir>' not specified/);
    expect(() => shardsOf('auto/15', [0, 15], (i) => ({ JOB_COMPLETION_INDEX: String(i) }), 4624)).toThrow(/JOB_COMPLETION_INDEX = 15 needs n > 15/);
  });
});
