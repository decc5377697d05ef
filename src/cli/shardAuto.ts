/**
 * `--shard auto` and `--shard auto/<n>`: the shard of a batch-array task, read from the scheduler's
 * environment. Slurm job arrays (`sbatch --array=A-B`): SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and
 * SLURM_ARRAY_TASK_COUNT give shard ID − MIN + 1 of COUNT, whatever A is (0-based and 1-based arrays alike).
 * Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based) gives shard INDEX + 1 of n, where n (the Job's
 * `completions`, which Kubernetes does not export) must be given as `--shard auto/<n>`.
 */
import { UsageError } from './io.ts';

/** Shard i of n (1 ≤ index ≤ count), and where it came from (for the log). */
export interface AutoShard { index: number; count: number; source: string }

/** The environment variables read, for messages. */
const VARS = 'SLURM_ARRAY_TASK_ID (a Slurm job array, sbatch --array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)';

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--shard auto: ${name} must be an integer ≥ ${min}, got "${text}"`);
  }
  return Number(text);
}

/**
 * Resolves `--shard auto` or `--shard auto/<n>` from the environment.
 * @param text the flag's value ("auto" or "auto/<n>"). @param env defaults to process.env.
 * @returns the 1-based shard, its count, and a sentence naming the variables used.
 * @throws UsageError when neither scheduler's variables are set, a variable is not an integer, a Slurm
 *   array is not contiguous (a step such as --array=0-30:2, or a task outside MIN…MIN+COUNT−1), the given
 *   n disagrees with SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX comes without n or ≥ n.
 */
export function autoShard(text: string, env: NodeJS.ProcessEnv = process.env): AutoShard {
  const m = /^\s*auto\s*(?:\/\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new UsageError(`--shard: expected i/n, auto or auto/n, got "${text}"`);
  const given = m[1] === undefined ? undefined : Number(m[1]);
  if (given !== undefined && !(given >= 1 && Number.isSafeInteger(given))) throw new UsageError(`--shard auto/n: expected n ≥ 1, got ${m[1]}`);
  const slurmId = envInt(env, 'SLURM_ARRAY_TASK_ID', 0);
  if (slurmId !== undefined) {
    const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT', 1) ?? given;
    if (count === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give --shard auto/<n>');
    if (given !== undefined && given !== count) {
      throw new UsageError(`--shard auto/${given}: the Slurm array has SLURM_ARRAY_TASK_COUNT = ${count} tasks; give --shard auto or --shard auto/${count}`);
    }
    const min = envInt(env, 'SLURM_ARRAY_TASK_MIN', 0);
    if (min === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not (is this a job array?)');
    const index = slurmId - min + 1;
    if (index < 1 || index > count) {
      throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_ID = ${slurmId} is outside ${min}…${min + count - 1} (SLURM_ARRAY_TASK_MIN = ${min}, `
        + `SLURM_ARRAY_TASK_COUNT = ${count}); use a contiguous array such as --array=${min}-${min + count - 1}, without a step`);
    }
    return { index, count, source: `SLURM_ARRAY_TASK_ID = ${slurmId}, SLURM_ARRAY_TASK_MIN = ${min}, SLURM_ARRAY_TASK_COUNT = ${count}` };
  }
  const k8s = envInt(env, 'JOB_COMPLETION_INDEX', 0);
  if (k8s !== undefined) {
    if (given === undefined) throw new UsageError('--shard auto: JOB_COMPLETION_INDEX is set but the shard count is not; give --shard auto/<completions>');
    if (k8s >= given) throw new UsageError(`--shard auto/${given}: JOB_COMPLETION_INDEX = ${k8s} needs n > ${k8s}; n must equal the Job's completions`);
    return { index: k8s + 1, count: given, source: `JOB_COMPLETION_INDEX = ${k8s}` };
  }
  throw new UsageError(`--shard ${text.trim()}: neither ${VARS} is set; run it as an array task or give --shard i/n`);
}
