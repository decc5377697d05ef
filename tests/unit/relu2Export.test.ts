/**
 * relu2 app exports (issue 10, defect 11): the JSON and CSV list the networks in the order of the CLI's
 * output for the exported config, and carry that config and the CLI's configHash of it (computed in the
 * page with WebCrypto, here with Node's WebCrypto; the CLI uses node:crypto). Checked against the CLI
 * itself: `simulate` of the exported config on the f64 CPU backend, and the sweep's configHash of the
 * config as the CLI parses it. Exact comparisons (labels and hex strings).
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { defaults, validate } from '../../src/params/schema.ts';
import { RELU2_PRESETS, RELU2_SCHEMA as S, type Relu2AppParams } from '../../src/models/relu2/params.ts';
import { buildExperiment } from '../../src/models/relu2/grid.ts';
import { Relu2Results } from '../../src/models/relu2/results.ts';
import { relu2Cli } from '../../src/models/relu2/cli.ts';
import { relu2ConfigHashAsync } from '../../src/models/relu2/configHash.ts';
import { relu2ConfigHash, runRelu2Simulate } from '../../src/models/relu2/run.ts';
import { uploadedData, parseDataCsv } from '../../src/models/relu2/app/csv.ts';

const base = defaults(S);
const small = (over: Partial<Record<keyof Relu2AppParams, unknown>>): Relu2AppParams =>
  validate(S, { tauCount: 2, deltaCount: 3, seeds: 2, d: 2, n: 4, nTest: 0, m: 2, steps: 10, checkpoints: 1, ...over }, base);

type Json = { configHash: string; config: Record<string, unknown>; networks: Record<string, unknown>[] };

async function exported(p: Relu2AppParams, uploaded: Parameters<typeof buildExperiment>[1] = null) {
  const e = buildExperiment(p, uploaded);
  const r = new Relu2Results(e);
  const configHash = await relu2ConfigHashAsync(e.plan.config);
  return { e, r, configHash, json: r.toJson({ adapter: 'test', date: 'now', configHash }) as Json };
}

describe('relu2 exports carry the CLI order, config and hash', () => {
  it.each([
    ['τ × δ grid, teacher data', small({})],
    ['τ × α grid', small({ shape: 'alpha' })],
    ['Fig. 1a (points)', validate(S, { ...RELU2_PRESETS.fig1a, preset: 'fig1a', n: 4, steps: 10, checkpoints: 1, m: 2 }, base)],
  ])('%s: same networks in the same order as `simulate` of the exported config; configHash = the CLI\'s', async (_name, p) => {
    const { configHash, json, r } = await exported(p);
    const cfg = relu2Cli.parseConfig(json.config);
    expect(configHash).toBe(relu2Cli.sweep!.configHash(cfg));
    expect(configHash).toBe(relu2ConfigHash(cfg));
    expect(json.configHash).toBe(configHash);
    const { output } = await runRelu2Simulate({ ...cfg, backend: 'cpu' });
    expect(output.configHash).toBe(configHash);
    const label = (n: Record<string, unknown>) => [n.tau, n.delta, n.alpha, n.seed];
    expect(json.networks.map(label)).toEqual(output.networks.map((n) => label(n as unknown as Record<string, unknown>)));
    // CSV: every computed row names its network by the CLI's index, with that network's labels and the hash.
    for (let q = 0; q < r.networks; q++) r.set(q, 0, { trainLoss: 1, testLoss: 1, hamming: 0, paramDistance: 0, kernelDistance: 0, deltaDrift: 0, diverged: false });
    const rows = Papa.parse<Record<string, string>>(r.toCsv(configHash).trim(), { header: true }).data;
    expect(rows).toHaveLength(r.networks);
    rows.forEach((row) => {
      const n = output.networks[Number(row.network)] as unknown as Record<string, number>;
      expect([Number(row.tau), Number(row.delta), Number(row.alpha), Number(row.seed)]).toEqual([n.tau, n.delta, n.alpha, n.seed]);
      expect(row.configHash).toBe(configHash);
    });
  });

  it('uploaded data: the config (with X, y) and its hash are exported too', async () => {
    const csv = parseDataCsv('x1,x2,y\n1,0,1\n0,1,0\n0.6,0.8,0.5\n');
    const { json, configHash } = await exported(small({ data: 'upload', seeds: 1 }), { data: uploadedData(csv), name: 'a.csv' });
    expect(json.config).toMatchObject({ data: { X: [[1, 0], [0, 1], [0.6, 0.8]], y: [1, 0, 0.5] } });
    expect(configHash).toBe(relu2ConfigHash(relu2Cli.parseConfig(json.config)));
  });
});
