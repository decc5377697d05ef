/**
 * Sweep resume integrity (issue 11, defect 8): a truncated or damaged chunk part is redone (and said so)
 * instead of passing the resume check and failing at the final join; a value changed in a finished part or
 * shard file fails its SHA-256 checksum and is redone; temporaries left by a killed run are removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { runSweep } from '../../src/cli/sweep.ts';
import { relu2Examples } from '../../src/models/relu2/examples.ts';

const CONFIG = { ...relu2Examples.tiny, backend: 'cpu' };

/** Runs the sweep until its first chunk is written, then aborts (a killed run). @returns the parts folder. */
async function interrupted(dir: string): Promise<string> {
  const controller = new AbortController();
  await expect(runSweep(CONFIG, { outDir: dir, chunk: 2, signal: controller.signal, onChunk: () => controller.abort(new Error('killed')) }))
    .rejects.toThrow('killed');
  return join(dir, 'shard-1-of-1.parts');
}

/** A process id that no longer runs (a finished child's). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('sweep resume', () => {
  it.each([
    ['truncated mid-line', (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2)), /chunk networks-0-2\.json is damaged \(.*\); redoing it\./],
    ['without its closing line', (path: string) => writeFileSync(path, readFileSync(path, 'utf8').replace(/\n\]\}\n$/, '\n')), /chunk networks-0-2\.json is damaged \(the file ends before its closing "\]\}" \(truncated\)\); redoing it\./],
    ['an entry lost', (path: string) => { const lines = readFileSync(path, 'utf8').split('\n'); lines.splice(2, 1); lines[1] = lines[1].replace(/,$/, ''); writeFileSync(path, lines.join('\n')); },
      /chunk networks-0-2\.json is damaged \(holds networks 0–0 of 0–1\); redoing it\./],
    ['a corrupt value', (path: string) => writeFileSync(path, readFileSync(path, 'utf8').replace(/"trainLoss":\[[^,\]]+/, '"trainLoss":["corrupt"')),
      /chunk networks-0-2\.json is damaged \(network 0: trainLoss\[0\]: expected a number or null, got "corrupt"\); redoing it\./],
  ])('a part %s is redone, and the shard equals an uninterrupted run', async (_name, damage, pattern) => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-resume-'));
    const parts = await interrupted(dir);
    damage(join(parts, 'networks-0-2.json'));
    const lines: string[] = [];
    const r = await runSweep(CONFIG, { outDir: dir, chunk: 2, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(pattern);
    expect(r.computed).toContainEqual([0, 2]);
    const whole = mkdtempSync(join(tmpdir(), 'lazyrich-resume-whole-'));
    await runSweep(CONFIG, { outDir: whole, chunk: 2 });
    const body = (p: string) => readFileSync(p, 'utf8').split('\n').slice(1).join('\n');
    expect(body(join(dir, 'shard-1-of-1.json'))).toBe(body(join(whole, 'shard-1-of-1.json')));
  });

  it('temporaries of a killed run are removed and reported; a complete part is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-resume-tmp-'));
    const parts = await interrupted(dir);
    const pid = deadPid();
    writeFileSync(join(parts, `networks-2-4.json.tmp-${pid}-1700000000000`), '{"format":');
    writeFileSync(join(dir, `shard-1-of-1.json.tmp-${pid}-1700000000001`), '{"format":');
    writeFileSync(join(dir, `shard-1-of-2.json.tmp-${pid}-1700000000002`), 'another shard\'s');
    const lines: string[] = [];
    const r = await runSweep(CONFIG, { outDir: dir, chunk: 2, log: (l) => lines.push(l) });
    expect(lines).toContain(`removed 2 temporary files left by a killed run: shard-1-of-1.json.tmp-${pid}-1700000000001, networks-2-4.json.tmp-${pid}-1700000000000.`);
    expect(r.skipped).toEqual([[0, 2]]);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([`shard-1-of-2.json.tmp-${pid}-1700000000002`]);
    expect(existsSync(join(dir, 'shard-1-of-1.json'))).toBe(true);
  });
});

/** Changes one digit of the first trainLoss value of network `index`'s line (still valid JSON, still a number). */
function changeDigit(path: string, index: number): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const k = lines.findIndex((l) => l.startsWith(`{"index":${index},`));
  const m = /"trainLoss":\[(-?\d\.\d{5})(\d)/.exec(lines[k])!;
  lines[k] = lines[k].replace(m[0], `"trainLoss":[${m[1]}${(Number(m[2]) + 1) % 10}`);
  writeFileSync(path, lines.join('\n'));
}

const body = (p: string) => readFileSync(p, 'utf8').split('\n').slice(1).join('\n');

/** The shard file of an uninterrupted run (chunks of 2). */
async function wholeShard(): Promise<string> {
  const whole = mkdtempSync(join(tmpdir(), 'lazyrich-resume-whole-'));
  await runSweep(CONFIG, { outDir: whole, chunk: 2 });
  return join(whole, 'shard-1-of-1.json');
}

describe('sweep checksums on resume', () => {
  it('a changed digit in a finished part fails its SHA-256, is redone, and the CLI says so on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-resume-sum-'));
    const parts = await interrupted(dir);
    changeDigit(join(parts, 'networks-0-2.json'), 1);
    const config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify(CONFIG));
    const err: string[] = [];
    const stream = (into: string[]) => ({ write: (t: string) => { into.push(String(t)); return true; }, isTTY: false }) as unknown as NodeJS.WriteStream;
    const io: CliIo = { stdout: stream([]), stderr: stream(err) };
    expect(await main(['node', 'lazyrich', 'sweep', config, '--out', dir, '--chunk', '2'], io), err.join('')).toBe(0);
    expect(err.join('')).toMatch(/chunk networks-0-2\.json is damaged \(its networks fail their SHA-256 checksum \(recorded [0-9a-f]{12}…, computed [0-9a-f]{12}…\): a value was changed after it was written\); redoing it\./);
    expect(body(join(dir, 'shard-1-of-1.json'))).toBe(body(await wholeShard()));
  });

  it('a changed digit in a finished shard file: that chunk is redone, the sound chunks kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-resume-shardsum-'));
    await runSweep(CONFIG, { outDir: dir, chunk: 2 });
    const file = join(dir, 'shard-1-of-1.json');
    changeDigit(file, 3);
    const lines: string[] = [];
    const r = await runSweep(CONFIG, { outDir: dir, chunk: 2, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/shard file .*shard-1-of-1\.json is damaged \(chunk networks 2–3 fails its SHA-256 checksum .*\); redoing its damaged chunks\./);
    expect(lines).toContain(`kept 3 sound chunks of ${file} as parts (0–1, 4–5, 6–7).`);
    expect(r.alreadyDone).toBe(false);
    expect(r.computed).toEqual([[2, 4]]);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(await wholeShard(), 'utf8'));
  });

  it('a part written before checksums (no sha256) is kept with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-resume-legacy-'));
    const parts = await interrupted(dir);
    const path = join(parts, 'networks-0-2.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/,"sha256":"[0-9a-f]{64}"/, ''));
    const lines: string[] = [];
    const r = await runSweep(CONFIG, { outDir: dir, chunk: 2, log: (l) => lines.push(l) });
    expect(r.skipped).toEqual([[0, 2]]);
    expect(lines).toContain('warning: chunk networks-0-2.json has no checksum (written by an older lazyrich); its entries were checked against the output fields only.');
    expect(readFileSync(join(dir, 'shard-1-of-1.json'), 'utf8')).toBe(readFileSync(await wholeShard(), 'utf8'));
  });
});

describe('shard lock', () => {
  it('a second run of the same shard is refused by name while the first runs; the lock goes with the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-lock-'));
    let second: Promise<unknown> | undefined;
    const first = runSweep(CONFIG, {
      outDir: dir, chunk: 2,
      onChunk: () => { second ??= runSweep(CONFIG, { outDir: dir, chunk: 2 }).then(() => 'ran', (e: Error) => e); },
    });
    await first;
    const e = await second;
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/shard-1-of-1\.lock: shard shard-1-of-1 is already being run by process \d+ on .* two runs of one shard would overwrite each other/);
    expect(existsSync(join(dir, 'shard-1-of-1.json'))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lock'))).toEqual([]);
  });

  it('a lock left by a process that no longer runs is taken over, with a log line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-lock-stale-'));
    const { hostname } = await import('node:os');
    const pid = deadPid();
    writeFileSync(join(dir, 'shard-1-of-1.lock'), JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00Z' }));
    const lines: string[] = [];
    await runSweep(CONFIG, { outDir: dir, chunk: 2, log: (l) => lines.push(l) });
    expect(lines.some((l) => l.includes(`took over the stale lock`) && l.includes(`of process ${pid} on ${hostname()} (no longer running)`))).toBe(true);
    expect(existsSync(join(dir, 'shard-1-of-1.json'))).toBe(true);
  });
});
