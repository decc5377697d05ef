/**
 * The mlp app and the CLI train the same networks in the same order (issue 14; docs/architecture.md "appConfig"): the
 * app's plan (app/experiment.ts + app/plan.ts, run by src/app/runner.ts on the f64 CPU backend) gives exactly the
 * metrics of `lazyrich simulate` (run.ts simulateMlp) on the app's own config, entry by entry, and the app's JSON
 * export has the CLI's header and `networks[]` plus that config. Exact equality: both are the same f64 arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { defaults, validate } from '../../src/params/schema.ts';
import { Runner } from '../../src/app/runner.ts';
import { parseMlpConfig } from '../../src/models/mlp/config.ts';
import { MlpCpuBackend } from '../../src/models/mlp/cpu.ts';
import { MLP_SCHEMA } from '../../src/models/mlp/params.ts';
import { MLP_CPU_ADAPTER, mlpHeader, simulateMlp } from '../../src/models/mlp/run.ts';
import { buildMlpExperiment, mlpResultJson } from '../../src/models/mlp/app/experiment.ts';
import { mlpCpuAppBackend, mlpRunPlan } from '../../src/models/mlp/app/plan.ts';
import { MlpResults } from '../../src/models/mlp/app/stats.ts';
import { parseMlpCsv, uploadedMlpData } from '../../src/models/mlp/app/csv.ts';
import type { MlpExplicitData } from '../../src/models/mlp/params.ts';

async function appVersusCli(raw: Record<string, unknown>, upload?: MlpExplicitData): Promise<void> {
  const p = validate(MLP_SCHEMA, raw, defaults(MLP_SCHEMA));
  const e = buildMlpExperiment(p, upload);
  const results = new MlpResults(e.cfg.networks.length, e.cfg.checkpoints);
  const runner = new Runner(mlpRunPlan(e, results, async () => new MlpCpuBackend(e.job)));
  await runner.run();
  expect(runner.progress.state).toBe('done');
  const app = mlpResultJson(e, mlpHeader(e.cfg, 'cpu', MLP_CPU_ADAPTER, e.data), results.entries(e.skeleton), results.recorded);
  const cli = await simulateMlp(parseMlpConfig(JSON.parse(JSON.stringify(app.config))), { backend: 'cpu' });
  const { networks, config, complete, ...header } = app;
  expect(complete).toBe(true);
  expect(header).toEqual(cli.header);
  expect(networks).toEqual(cli.entries);
  expect(config).toMatchObject({ model: 'mlp', backend: 'cpu' });
}

describe('mlp app vs CLI (same plan, same order, CPU f64)', () => {
  it('RHM grid with minibatches: τ × α × size × seed', { timeout: 60_000 }, async () => {
    await appVersusCli({
      task: 'rhm', levels: 2, classes: 3, synonyms: 3, branching: 2, vocabulary: 4, testSize: 12, width: 8, hidden: 2, batchSize: 8,
      steps: 12, checkpoints: 3, alphas: [0.5, 2], taus: [1, 2], trainSizes: [8, 12], seeds: 2, seed: 3, probe: 4,
    });
  });

  it('modular addition with AdamW, full batch', { timeout: 60_000 }, async () => {
    await appVersusCli({
      task: 'modular', modulus: 5, trainFraction: 0.6, width: 8, hidden: 1, optimizer: 'adamw', lr: 0.01, weightDecay: 1, batchSize: 0,
      steps: 10, checkpoints: 3, alphas: [0.3, 3], taus: [0.5, 1], seeds: 1, probe: 4,
    });
  });

  it('uploaded CSV data (task csv): layers from the data\'s width and classes', { timeout: 60_000 }, async () => {
    const file = parseMlpCsv('a,b,label,split\n1,0,0,train\n0,1,1,train\n1,1,2,train\n0.5,0,0,train\n0,0.5,1,test\n1,0.5,2,test\n', 'u.csv');
    await appVersusCli({ task: 'csv', width: 6, hidden: 1, batchSize: 0, steps: 8, checkpoints: 2, alphas: [1, 4], taus: [1], seeds: 2, probe: 2 }, uploadedMlpData(file, null));
  });

  it('task csv without an upload, or a batch above the smallest training set, is refused naming the field', () => {
    const p = validate(MLP_SCHEMA, { task: 'csv' }, defaults(MLP_SCHEMA));
    expect(() => buildMlpExperiment(p)).toThrow(expect.objectContaining({ name: 'ParamError', field: 'task' }));
    const q = validate(MLP_SCHEMA, { trainSizes: [64, 256], batchSize: 128, testSize: 64, probe: 8 }, defaults(MLP_SCHEMA));
    expect(() => buildMlpExperiment(q)).toThrow(expect.objectContaining({ field: 'batchSize', message: expect.stringContaining('smallest training set (64 rows)') }));
    const r = validate(MLP_SCHEMA, { task: 'csv', probe: 9, batchSize: 0 }, defaults(MLP_SCHEMA));
    const up = uploadedMlpData(parseMlpCsv('1,0\n2,1\n'), null);
    expect(() => buildMlpExperiment(r, up)).toThrow(expect.objectContaining({ field: 'probe', message: expect.stringContaining('config.probe') }));
  });

  it('the app\'s CPU backend reports progress in steps (ModelBackend\'s unit, which the runner multiplies by N), not network-steps', async () => {
    const p = validate(MLP_SCHEMA, { task: 'modular', modulus: 5, width: 8, hidden: 1, batchSize: 0, steps: 30, checkpoints: 2, alphas: [0.5, 1, 2], taus: [1], seeds: 2, probe: 4 }, defaults(MLP_SCHEMA));
    const e = buildMlpExperiment(p);
    const b = mlpCpuAppBackend(e.job);
    const seen: [number, number][] = [];
    await b.advance(30, (done, total) => seen.push([done, total]));
    expect(seen.at(-1)).toEqual([30, 30]); // 6 networks: MlpCpuBackend itself ends at [180, 180]
    expect(seen.every(([d, t]) => t === 30 && d <= 30)).toBe(true);
    // The runner's rate is then network-steps per second: N · steps over the time spent stepping.
    const results = new MlpResults(6, e.cfg.checkpoints);
    const runner = new Runner(mlpRunPlan(e, results, async () => mlpCpuAppBackend(e.job)));
    const t0 = performance.now();
    await runner.run();
    const wall = (performance.now() - t0) / 1000;
    expect(runner.progress.networkStepsPerSecond).toBeGreaterThan((6 * 30) / wall); // stepping is a part of the wall time
  });
});
