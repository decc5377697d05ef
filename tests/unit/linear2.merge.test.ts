/**
 * linear2's SweepSupport.checkEntry (src/models/linear2/entryCheck.ts): `lazyrich merge` refuses a shard whose entry is
 * valid JSON but breaks the output schema (wrong shapes, a non-finite value in a network that did not diverge, singular
 * values not descending), naming the file and the line (exit 2, nothing on stdout).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { linear2Examples } from '../../src/models/linear2/examples.ts';
import { checkLinear2Entry } from '../../src/models/linear2/entryCheck.ts';
import { capture } from '../helpers/cliCapture.ts';

let dir: string;
let shard1: string;
let original: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lazyrich-linear2-merge-'));
  const config = join(dir, 'tiny.json');
  writeFileSync(config, JSON.stringify({ ...linear2Examples.tiny, backend: 'cpu' }));
  for (const s of ['1/2', '2/2']) {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'sweep', config, '--out', join(dir, 'out'), '--shard', s], c.io), c.err()).toBe(0);
  }
  shard1 = join(dir, 'out', 'shard-1-of-2.json');
  original = readFileSync(shard1, 'utf8');
});

/** Rewrites entry `k` (line k + 2) of shard 1 with `edit`, runs merge, restores the file. */
async function mergeWith(k: number, edit: (e: Record<string, unknown>) => void): Promise<{ code: number; out: string; err: string }> {
  const lines = original.split('\n');
  const line = lines[k + 1];
  const comma = line.endsWith(',');
  const e = JSON.parse(comma ? line.slice(0, -1) : line) as Record<string, unknown>;
  edit(e);
  lines[k + 1] = JSON.stringify(e) + (comma ? ',' : '');
  writeFileSync(shard1, lines.join('\n'));
  const c = capture();
  try {
    return { code: await main(['node', 'lazyrich', 'merge', join(dir, 'out')], c.io), out: c.out(), err: c.err() };
  } finally {
    writeFileSync(shard1, original);
  }
}

type Entry = Record<string, unknown>;
const sv = (e: Entry) => e.singularValues as number[][];

describe('linear2 merge validates entries against the output schema', () => {
  it('the undamaged shards merge (exit 0, 6 networks)', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'merge', join(dir, 'out')], c.io), c.err()).toBe(0);
    expect(JSON.parse(c.out()).networks).toHaveLength(6);
  });

  it.each([
    ['a loss as a string', 1, (e: Entry) => { (e.loss as unknown[])[1] = 'corrupt'; }, /line 3 \(network 1\): loss\[1\]: expected a finite number \(the network did not diverge\), got "corrupt"/],
    ['null (NaN) in a network that did not diverge', 0, (e: Entry) => { (e.kernelDistance as unknown[])[2] = null; }, /line 2 \(network 0\): kernelDistance\[2\]: expected a finite number \(the network did not diverge\), got null/],
    ['singular values not descending', 2, (e: Entry) => { sv(e)[2].reverse(); }, /line 4 \(network 2\): singularValues\[2\]\[1\]: not descending/],
    ['a negative singular value', 0, (e: Entry) => { sv(e)[1][1] = -1e-3; }, /singularValues\[1\]\[1\]: expected ≥ 0, got -0\.001/],
    ['a β of the wrong shape', 0, (e: Entry) => { (e.beta as number[][][])[1].pop(); }, /line 2 \(network 0\): beta\[1\]: expected 3 rows, got 2/],
    ['a series cut short', 1, (e: Entry) => { (e.deltaDrift as unknown[]).pop(); }, /deltaDrift: expected 3 values \(one per time\), got 2/],
    ['an A row of the wrong length', 0, (e: Entry) => { (e.A as number[][])[1].push(0); }, /A\[1\]: expected 2 entries, got 3/],
    ['a deleted field', 2, (e: Entry) => { delete e.singularValues; }, /missing field "singularValues"/],
    ['an extra field', 0, (e: Entry) => { e.note = 1; }, /unknown field "note"/],
    ['diverged as a string', 0, (e: Entry) => { e.diverged = 'false'; }, /diverged: expected true or false, got "false"/],
  ])('%s: exit 2 naming file and line', async (_name, k, edit, pattern) => {
    const r = await mergeWith(k, edit);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^lazyrich: .*shard-1-of-2\.json, line \d+ \(network \d+\): /);
    expect(r.err).toMatch(pattern);
  });

  it('accepts null in a diverged network, null W and A for beta-flow, and unitDeltas of length h; refuses W for beta-flow', () => {
    const { index: _i, ...e } = JSON.parse(original.split('\n')[1].replace(/,$/, '')) as Entry;
    const header = { times: [0, 0.1, 0.5], method: 'rk4' };
    expect(checkLinear2Entry(e, header)).toBeUndefined();
    expect(checkLinear2Entry({ ...e, diverged: true, loss: [0, null, null] }, header)).toBeUndefined();
    expect(checkLinear2Entry({ ...e, unitDeltas: [1, -1] }, header)).toBeUndefined();
    expect(checkLinear2Entry({ ...e, unitDeltas: [1] }, header)).toMatch(/^unitDeltas: expected 2 values/);
    expect(checkLinear2Entry({ ...e, W: null, A: null }, { ...header, method: 'beta-flow' })).toBeUndefined();
    expect(checkLinear2Entry(e, { ...header, method: 'beta-flow' })).toMatch(/^W, A: expected null for beta-flow/);
    expect(checkLinear2Entry(e, { times: [0, 1] })).toMatch(/^beta: expected 2 matrices/);
  });
});
