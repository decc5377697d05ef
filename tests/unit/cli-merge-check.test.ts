/**
 * `lazyrich merge` checks every entry against the model's output schema (issue 11, defect 8): damaged
 * content that is still valid JSON is refused, naming the file and the line (exit 2, nothing on stdout).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { relu2Examples } from '../../src/models/relu2/examples.ts';
import { checkRelu2Entry } from '../../src/models/relu2/entryCheck.ts';
import { capture } from '../helpers/cliCapture.ts';

let dir: string;
let shard1: string;
let original: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lazyrich-mergecheck-'));
  const config = join(dir, 'tiny.json');
  writeFileSync(config, JSON.stringify({ ...relu2Examples.tiny, backend: 'cpu' }));
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

/** Replaces shard 1 with `text`, runs merge, restores the file. */
async function mergeText(text: string): Promise<{ code: number; out: string; err: string }> {
  writeFileSync(shard1, text);
  const c = capture();
  try {
    return { code: await main(['node', 'lazyrich', 'merge', join(dir, 'out')], c.io), out: c.out(), err: c.err() };
  } finally {
    writeFileSync(shard1, original);
  }
}

describe('merge validates entries against the output fields', () => {
  it('the undamaged shards merge (exit 0)', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'merge', join(dir, 'out')], c.io)).toBe(0);
    expect(JSON.parse(c.out()).networks).toHaveLength(8);
  });

  it.each([
    ['"trainLoss": "corrupt"', 1, (e: Record<string, unknown>) => { (e.trainLoss as unknown[])[1] = 'corrupt'; }, /line 3 \(network 1\): trainLoss\[1\]: expected a number or null, got "corrupt"/],
    ['a whole field replaced', 0, (e: Record<string, unknown>) => { e.trainLoss = 'corrupt'; }, /line 2 \(network 0\): trainLoss: expected an array, got "corrupt"/],
    ['a deleted "hamming"', 2, (e: Record<string, unknown>) => { delete e.hamming; }, /line 4 \(network 2\): missing field "hamming"/],
    ['a series cut short', 0, (e: Record<string, unknown>) => { (e.kernelDistance as unknown[]).pop(); }, /kernelDistance: expected 3 values \(one per checkpoint\), got 2/],
    ['diverged as a string', 3, (e: Record<string, unknown>) => { e.diverged = 'false'; }, /line 5 \(network 3\): diverged: expected true or false, got "false"/],
    ['an extra field', 0, (e: Record<string, unknown>) => { e.note = 1; }, /unknown field "note"/],
    ['a W row of the wrong length', 0, (e: Record<string, unknown>) => { (e.W as number[][])[2].push(0); }, /W\[2\]: expected a row of 3 numbers/],
  ])('%s: exit 2 naming file and line', async (_name, k, edit, pattern) => {
    const r = await mergeWith(k, edit);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^lazyrich: .*shard-1-of-2\.json, line \d+ \(network \d+\): /);
    expect(r.err).toMatch(pattern);
    expect(r.err).toMatch(/the file is damaged: delete it and rerun lazyrich sweep --shard 1\/2\n$/);
  });

  it('a changed digit (valid JSON, valid schema) fails the chunk\'s SHA-256: exit 2 naming file and chunk', async () => {
    const lines = original.split('\n');
    const m = /"trainLoss":\[(-?\d\.\d{5})(\d)/.exec(lines[2])!;
    lines[2] = lines[2].replace(m[0], `"trainLoss":[${m[1]}${(Number(m[2]) + 1) % 10}`);
    const c = await mergeText(lines.join('\n'));
    expect(c.code).toBe(EXIT_BAD_INPUT);
    expect(c.out).toBe('');
    expect(c.err).toMatch(/^lazyrich: .*shard-1-of-2\.json, lines 2–5: chunk networks 0–3 fails its SHA-256 checksum \(recorded [0-9a-f]{12}…, computed [0-9a-f]{12}…\): a value was changed after it was written; the file is damaged: delete it and rerun lazyrich sweep --shard 1\/2\n$/);
  });

  it.each([
    ['appended text', (t: string) => `${t}garbage\n`],
    ['a repeated closing line', (t: string) => `${t}]}\n`],
  ])('%s after the closing "]}": exit 2 naming the file and line', async (_name, edit) => {
    const c = await mergeText(edit(original.endsWith('\n') ? original : `${original}\n`));
    expect(c.code).toBe(EXIT_BAD_INPUT);
    expect(c.out).toBe('');
    expect(c.err).toMatch(/^lazyrich: .*shard-1-of-2\.json: text after the closing "\]\}" at line \d+/);
  });

  it('a changed header field fails the shard\'s own SHA-256: exit 2 naming the file', async () => {
    const c = await mergeText(original.replace(/"adapter":"[^"]*"/, '"adapter":"another adapter"'));
    expect(c.code).toBe(EXIT_BAD_INPUT);
    expect(c.err).toMatch(/shard-1-of-2\.json: its header fails its SHA-256 checksum .*: a header field was changed; the file is damaged/);
  });

  it('a shard written before checksums merges, with a warning on stderr', async () => {
    const c = await mergeText(original.replace(/,"chunks":\[[^\]]*\][^\]]*\],"sha256":"[0-9a-f]{64}"/, ''));
    expect(c.err).toMatch(/^warning: .*shard-1-of-2\.json has no checksums \(written by an older lazyrich\); its entries were checked against the output fields only\nmerged 2 shards, 8 networks\n$/);
    expect(c.code).toBe(0);
    expect(JSON.parse(c.out).networks).toHaveLength(8);
  });

  it('null (a diverged network\'s NaN) is a valid metric value', () => {
    const entry = JSON.parse(original.split('\n')[1].replace(/,$/, '')) as Record<string, unknown>;
    const { index: _i, ...e } = entry;
    (e.trainLoss as unknown[])[2] = null;
    expect(checkRelu2Entry(e, { checkpoints: [0, 10, 100] })).toBeUndefined();
  });
});
