/**
 * Seeded config fuzz (issue 11, "measure and keep measuring"): every CLI input — simulate and sweep configs of
 * every registered model, sweep's --shard/--chunk, merge's shard files, the relu2 data CSV — mutated from the
 * plugins' own examples (type swaps, NaN/Infinity/1e308/-0/5e-324, huge arrays, deep nesting, BOMs,
 * unknown/missing/misspelt `model`, hex/`+2`/`.2e1` numbers, text values). Asserted for every case: no
 * uncaught error other than the input's own error class (0 crashes), a per-case time bound (0 hangs), a
 * refusal is one line starting with a JSON path that exists in the input (or its parent does), and a refused
 * config leaves the process's peak memory (maxRSS) within a bound. A sample runs through the CLI entry
 * (src/cli/main.ts in process, a few as a child process): exit 2 and one stderr line.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { UsageError } from '../../src/cli/io.ts';
import { modelOfConfig, sweepModelOf } from '../../src/cli/models.ts';
import { parseShard } from '../../src/cli/sweep.ts';
import { autoShard } from '../../src/cli/shardAuto.ts';
import { ConfigError, parseJson } from '../../src/cli/validate.ts';
import { MODELS } from '../../src/models/registry.ts';
import { CsvDataError, parseDataCsv } from '../../src/models/relu2/app/csv.ts';
import { Chooser, deepText, getAt, mutate, paths, RAW_NUMBERS, type JsonPath } from '../helpers/fuzz.ts';
import { capture } from '../helpers/cliCapture.ts';

/** Config cases per model and command (3 models × 2 commands × 200 = 1,200). */
const CASES = 200;
/** Per-case time bound (ms), generous for a loaded machine; real configs parse in well under 10 ms. */
const CASE_MS = 3000;
/** Peak-memory growth (MB) a refused config may cause beyond 20 bytes per input byte (JSON.parse's own copy). */
const RSS_MB = 96;

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 'config.init.grid.tau[3]' → ['init', 'grid', 'tau', 3] (relative to the config object). */
function pathSegments(path: string): JsonPath | undefined {
  if (!/^config((\.[^.[\]\s]+)|(\[\d+\]))*$/.test(path)) return undefined;
  return [...path.slice('config'.length).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/** camelCase words a message may quote from the input (config field names), not internal function names. */
const INPUT_WORDS = new Set(['learningRate', 'learningRates', 'scaleByTauSquared', 'nTest', 'Xtest', 'ytest', 'beta0', 'checkpoints']);

/** The problem with a refusal's message, or undefined when it is one line naming an existing JSON path. */
function refusalProblem(e: ConfigError, raw: unknown, text: string): string | undefined {
  if (!e.message.startsWith(`${e.path}: `)) return `message does not start with its path ${e.path}`;
  if (/[\n\r]/.test(e.message)) return 'message has more than one line';
  if (e.message.length > 400) return `message is ${e.message.length} characters long`;
  const seg = pathSegments(e.path);
  if (!seg) return `"${e.path}" is not a JSON path under config`;
  if (raw !== undefined && seg.length > 0 && getAt(raw, seg) === undefined && getAt(raw, seg.slice(0, -1)) === undefined) {
    return `neither ${e.path} nor its parent exists in the config`;
  }
  if (/\bundefined\b/.test(e.message)) return 'message says "undefined"';
  const internal = /\b[a-z]+[A-Z]\w*(: |\()/.exec(e.message.slice(e.path.length + 2));
  if (internal && !INPUT_WORDS.has(internal[0].replace(/(: |\()$/, ''))) return `message names an internal function (${internal[0]})`;
  if (/\bNaN\b/.test(e.message) && !/NaN/.test(text)) return 'message says NaN, which the input does not hold';
  return undefined;
}

type Verdict = { kind: 'accepted' } | { kind: 'refused'; error: ConfigError; problem?: string } | { kind: 'crash'; error: unknown };

/** Runs one config text as `simulate` or `sweep` would before any run: parse, find the model, validate, plan. */
async function judge(text: string, command: 'simulate' | 'sweep'): Promise<Verdict> {
  let raw: unknown;
  try {
    raw = parseJson(text);
    if (command === 'sweep') {
      const { cli } = await sweepModelOf(raw);
      const config = cli.parseConfig(raw);
      cli.sweep.count(config); cli.sweep.defaultChunk(config); cli.sweep.configHash(config);
    } else {
      (await modelOfConfig(raw).loadCli()).parseConfig(raw);
    }
    return { kind: 'accepted' };
  } catch (e) {
    if (!(e instanceof ConfigError)) return { kind: 'crash', error: e };
    return { kind: 'refused', error: e, problem: refusalProblem(e, raw, text) };
  }
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

describe('config fuzz: simulate and sweep configs of every model', () => {
  it('the peak-memory probe (maxRSS) sees an allocation the size of the bound', () => {
    const before = maxRssMb();
    const big = new Float64Array(((RSS_MB + 64) * 2 ** 20) / 8).fill(1); // touched, so resident
    expect(big[big.length - 1]).toBe(1);
    expect(maxRssMb() - before).toBeGreaterThan(RSS_MB);
  });

  const stats = { accepted: 0, refused: 0, cli: 0, slowestMs: 0, slowest: '' };
  const sample: { text: string; message: string; command: string }[] = [];

  for (const command of ['simulate', 'sweep'] as const) {
    for (const [m, plugin] of MODELS.entries()) {
      it(`${command}: ${CASES} mutated ${plugin.id} configs are accepted or refused naming the field, in time`, async () => {
        const failures: string[] = [];
        const c = new Chooser(1000 * m + (command === 'sweep' ? 17 : 0) + 11);
        const bases = [plugin.examples.tiny, plugin.examples.diverging];
        for (let k = 0; k < CASES; k++) {
          const mutated = mutate(c, c.pick(bases));
          const rssBefore = maxRssMb();
          const t0 = performance.now();
          const v = await judge(mutated.text, command);
          const ms = performance.now() - t0;
          const grew = maxRssMb() - rssBefore;
          const id = `${plugin.id} ${command} #${k} (${mutated.what})`;
          if (ms > stats.slowestMs) Object.assign(stats, { slowestMs: ms, slowest: id });
          if (ms > CASE_MS) failures.push(`${id}: took ${ms.toFixed(0)} ms`);
          if (v.kind === 'crash') failures.push(`${id}: crashed with ${String((v.error as Error)?.stack ?? v.error).split('\n').slice(0, 3).join(' | ')}`);
          else if (v.kind === 'accepted') stats.accepted++;
          else {
            stats.refused++;
            if (v.problem) failures.push(`${id}: ${v.problem}: ${v.error.message}`);
            if (grew > RSS_MB + (20 * mutated.text.length) / 2 ** 20) failures.push(`${id}: refused, but peak memory grew by ${grew.toFixed(0)} MB`);
            if (k % 25 === 0) sample.push({ text: mutated.text, message: v.error.message, command });
          }
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it('every number of every example at every extreme (1e308, 5e-324, -0, 3.5e38, 2⁵³, …): accepted or refused by name, never a crash', async () => {
    const EXTREMES = [1e308, -1e308, 5e-324, -5e-324, 1e-320, 1e-45, 3.5e38, -3.5e38, 0, -0, 2 ** 53, 1e9 + 0.5, -1];
    const failures: string[] = [];
    let cases = 0;
    for (const plugin of MODELS) {
      for (const base of [plugin.examples.tiny, plugin.examples.diverging]) {
        for (const path of paths(base).filter((p) => typeof getAt(base, p) === 'number')) {
          for (const x of EXTREMES) {
            const v = structuredClone(base) as Record<string, unknown>;
            const parent = getAt(v, path.slice(0, -1)) as Record<string | number, unknown>;
            parent[path[path.length - 1]] = x;
            const text = JSON.stringify(v);
            for (const command of ['simulate', 'sweep'] as const) {
              cases++;
              const verdict = await judge(text, command);
              const id = `${plugin.id} ${command} ${path.join('.')} = ${Object.is(x, -0) ? '-0' : x}`;
              if (verdict.kind === 'crash') failures.push(`${id}: crashed with ${String((verdict.error as Error)?.message ?? verdict.error)}`);
              if (verdict.kind === 'refused' && verdict.problem) failures.push(`${id}: ${verdict.problem}: ${verdict.error.message}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(1000);
    console.log(`extremes: ${cases} cases`);
  });

  it('a sample of refused configs through the CLI entry: exit 2, nothing on stdout, one stderr line (the same message)', async () => {
    expect(sample.length).toBeGreaterThanOrEqual(24);
    for (const [k, s] of sample.entries()) {
      const file = join(dir, `refused-${k}.json`);
      writeFileSync(file, s.text);
      const c = capture();
      const args = s.command === 'sweep' ? ['sweep', file, '--out', join(dir, `out-${k}`), '--backend', 'cpu'] : ['simulate', file, '--backend', 'cpu'];
      const code = await main(['node', 'lazyrich', ...args], c.io);
      expect({ code, out: c.out(), lines: c.err().trimEnd().split('\n').length }, `${s.command} ${s.text.slice(0, 200)}`).toEqual({ code: 2, out: '', lines: 1 });
      expect(c.err()).toBe(`lazyrich: ${s.message}\n`);
      stats.cli++;
    }
    console.log(`config fuzz: ${stats.accepted} accepted, ${stats.refused} refused, ${stats.cli} through main; slowest ${stats.slowestMs.toFixed(0)} ms (${stats.slowest.slice(0, 160)})`);
  });

  it('a few as a child process (bin/lazyrich.js): deep nesting, a BOM before a bad field, a hex number', () => {
    const cases = [
      [deepText(100_000), /^lazyrich: config: nested more than 64 levels deep/],
      [`\ufeff${JSON.stringify({ ...MODELS[1].examples.tiny, checkpoints: [10, 5] })}`, /^lazyrich: config\.checkpoints\[1\]: /],
      [JSON.stringify(MODELS[0].examples.tiny).replace('"step":0.01', '"step":0x10'), /^lazyrich: config: not valid JSON/],
    ] as const;
    for (const [k, [text, pattern]] of cases.entries()) {
      const file = join(dir, `child-${k}.json`);
      writeFileSync(file, text);
      let status = 0, stderr = '', stdout = '';
      try {
        stdout = execFileSync('node', ['bin/lazyrich.js', 'simulate', file, '--backend', 'cpu'], { encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
      } catch (e) {
        ({ status, stderr, stdout } = e as { status: number; stderr: string; stdout: string });
      }
      expect({ status, stdout, lines: stderr.trimEnd().split('\n').length }).toEqual({ status: 2, stdout: '', lines: 1 });
      expect(stderr).toMatch(pattern);
    }
  }, 180_000);
});

describe('sweep options fuzz: --shard and --chunk', () => {
  const PIECES = ['1', '2', '0', '-1', '16', '1e0', '0x1', '+1', ' 1', '1 ', '1.0', '1.5', '', 'NaN', 'Infinity', '99999999999999999999', '٣', 'auto', '/', 'a'];
  it('300 fuzzed --shard and --chunk values: a refusal names the flag (exit 2, one line); only plain integers are taken', async () => {
    const c = new Chooser(7);
    const config = join(dir, 'sweep-tiny.json');
    writeFileSync(config, JSON.stringify({ ...MODELS.find((p) => p.id === 'linear2')!.examples.tiny, backend: 'cpu' }));
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const shard = c.chance(0.4) ? c.pick(['1/1', '1/2', '2/2', ' 1 / 2 ']) : c.chance(0.15) ? c.pick(['auto', 'auto/0', 'auto/x', 'auto/1e3', 'auto/2']) : `${c.pick(PIECES)}${c.pick(['/', '/', ' / ', '//', ''])}${c.pick(PIECES)}`;
      const chunk = c.chance(0.5) ? undefined : c.pick([...PIECES, ...RAW_NUMBERS]);
      const shardOk = /^\s*([1-9]\d*)\s*\/\s*([1-9]\d*)\s*$/.test(shard) && (() => { const [i, n] = shard.split('/').map(Number); return i <= n && Number.isSafeInteger(n); })();
      const chunkOk = chunk === undefined || (/^\d+$/.test(chunk) && Number.isSafeInteger(Number(chunk)) && Number(chunk) >= 1);
      try { parseShard(shard); expect(shardOk, `--shard ${JSON.stringify(shard)} was taken`).toBe(true); } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
      }
      try { autoShard(shard, { SLURM_ARRAY_TASK_ID: c.pick(PIECES), SLURM_ARRAY_TASK_COUNT: c.pick(PIECES), SLURM_ARRAY_TASK_MIN: c.pick(PIECES) }); } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
      }
      if (shardOk && chunkOk) continue; // a valid command line would run the sweep
      const out = join(dir, `opt-${k}`);
      const cap = capture();
      const code = await main(['node', 'lazyrich', 'sweep', config, '--out', out, '--shard', shard, ...(chunk === undefined ? [] : ['--chunk', chunk])], cap.io);
      expect({ code, lines: cap.err().trimEnd().split('\n').length, files: readdirSync(dir).includes(`opt-${k}`) },
        `--shard ${JSON.stringify(shard)} --chunk ${JSON.stringify(chunk)}: ${cap.err()}`).toEqual({ code: 2, lines: 1, files: false });
      expect(cap.err()).toMatch(shardOk ? /^lazyrich: --chunk/ : /^lazyrich: --shard/);
      refused++;
    }
    expect(refused).toBeGreaterThan(150);
  });
});

describe('merge fuzz: damaged shard files', () => {
  const base = join(dir, 'shards');
  beforeAll(async () => {
    const config = join(dir, 'merge-tiny.json');
    writeFileSync(config, JSON.stringify({ ...MODELS.find((p) => p.id === 'relu2')!.examples.tiny, checkpoints: [0, 5], backend: 'cpu' }));
    for (const shard of ['1/2', '2/2']) {
      const cap = capture();
      expect(await main(['node', 'lazyrich', 'sweep', config, '--out', base, '--shard', shard], cap.io), cap.err()).toBe(0);
    }
  }, 120_000);

  it('150 damaged shard folders: merge exits 0 or 2 with one stderr line, never 1 or a throw', async () => {
    const c = new Chooser(3);
    const counts = { 0: 0, 2: 0 } as Record<number, number>;
    const mergedBy: Record<number, number> = {};
    const files = readdirSync(base).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(2);
    for (let k = 0; k < 150; k++) {
      const at = join(dir, `m-${k}`);
      cpSync(base, at, { recursive: true });
      const file = join(at, c.pick(files));
      const original = readFileSync(file, 'utf8');
      const lines = original.split('\n');
      const i = c.int(lines.length);
      const what = c.int(9);
      if (what === 0) lines.splice(i, 1);
      else if (what === 1) lines.splice(i, 0, lines[i]);
      else if (what === 2) lines[i] = lines[i].replace(/-?\d+(\.\d+)?(e-?\d+)?/, c.pick(['"corrupt"', '1e999', 'NaN', '-0', '0x10', '1e308', 'null', '[]']));
      else if (what === 3) lines[i] = deepText(c.pick([70, 100_000]));
      else if (what === 4) lines[0] = `\ufeff${lines[0]}`;
      else if (what === 5) lines[i] = lines[i].slice(0, c.int(lines[i].length + 1));
      else if (what === 6) lines[i] = lines[i].replace(/"(\w+)":/, '"$1x":');
      else if (what === 7) lines[i] = `${lines[i]}${' '.repeat(c.int(3))}`;
      else lines[i] = lines[i].replace(/\d/, (d) => String((Number(d) + 1) % 10));
      writeFileSync(file, lines.join('\n'));
      const cap = capture();
      let code: number;
      try { code = await main(['node', 'lazyrich', 'merge', at], cap.io); } catch (e) { throw new Error(`merge #${k} threw: ${String(e)}`); }
      expect([0, 2], `merge #${k} (mutation ${what} at line ${i}): ${cap.err()}`).toContain(code);
      if (code === 2) expect(cap.err().trimEnd().split('\n'), cap.err()).toHaveLength(1);
      counts[code]++;
      if (code === 0 && lines.join('\n') !== original) {
        mergedBy[what] = (mergedBy[what] ?? 0) + 1;
        // A changed file merges only when the change is whitespace (a blank line, trailing blanks).
        expect(lines.join('\n').replace(/\s+/g, ''), `merge #${k} (mutation ${what} at line ${i}) merged changed content`).toBe(original.replace(/\s+/g, ''));
      }
      rmSync(at, { recursive: true, force: true });
    }
    // Merged though changed: only whitespace changes (0 and 7 on the last line: a newline, blanks); text after
    // the closing "]}" (1 and 3 on the last lines) is refused (resultFile.ts readResultEntries).
    console.log(`merge fuzz: ${counts[0]} merged (changed ones by mutation: ${JSON.stringify(mergedBy)}), ${counts[2]} refused`);
  }, 120_000);
});

describe('relu2 data CSV fuzz', () => {
  const BASE = 'x1,x2,y\n0.5,-1,1\n2,3e-2,-0.25\n-1.5,0,0.75\n';
  const parsedBase = parseDataCsv(BASE);
  it('a BOM, CRLF line ends and # comments read the same data', () => {
    for (const text of [`\ufeff${BASE}`, BASE.replace(/\n/g, '\r\n'), `# from a spreadsheet\n${BASE}`, `\ufeff${BASE.replace(/\n/g, '\r\n')}`]) {
      expect(parseDataCsv(text), JSON.stringify(text)).toEqual(parsedBase);
    }
  });

  it('300 mutated CSV files: parsed or refused with a CsvDataError naming the file (and row and column for a bad cell)', () => {
    const c = new Chooser(5);
    const cells = ['0x10', '+2', '.2e1', 'NaN', 'Infinity', '1e999', '', ' ', '"1"', '1,5', '"', 'abc', '-0', '5e-324', '1e308', '<img src=x onerror=alert(1)>'];
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      const rows = BASE.trimEnd().split('\n').map((r) => r.split(','));
      for (let j = 0; j <= c.int(3); j++) {
        const r = c.int(rows.length), col = c.int(3);
        const kind = c.int(5);
        if (kind <= 1) rows[r][col] = c.pick(cells);
        else if (kind === 2) rows[r].push(c.pick(cells));
        else if (kind === 3) rows[r].splice(col, 1);
        else rows.push(c.pick([['x3'], ['x1', 'x1', 'y'], ['y'], Array(300).fill('1')]));
      }
      let text = rows.map((r) => r.join(',')).join(c.pick(['\n', '\r\n']));
      if (c.chance(0.2)) text = `\ufeff${text}`;
      try {
        parseDataCsv(text, 'train.csv');
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(CsvDataError);
        const m = (e as Error).message;
        expect(m).toMatch(/^train\.csv\b/);
        expect(m).not.toMatch(/\n/);
        if (/is not a finite number/.test(m)) expect(m).toMatch(/row \d+, column (x\d+|y):/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

/** What the fuzz found, each as a fixed case (each failed before its fix). */
describe('fuzz findings', () => {
  const linear2 = MODELS.find((p) => p.id === 'linear2')!;
  const relu2 = MODELS.find((p) => p.id === 'relu2')!;
  const refusal = async (plugin: typeof linear2, raw: unknown): Promise<ConfigError> => {
    try { (await plugin.loadCli()).parseConfig(raw); } catch (e) { if (e instanceof ConfigError) return e; throw e; }
    throw new Error('accepted');
  };
  const grid = (g: Record<string, unknown>) => ({ ...linear2.examples.tiny, init: { grid: { h: 2, delta: [0.5], tau: [0.5], seeds: [0], ...g } } });

  it('linear2: a grid δ or τ whose initial weights overflow is refused at config.init.grid (was an internal symmetricEigen error, exit 1)', async () => {
    expect((await refusal(linear2, grid({ delta: { from: 1e308, to: 1, count: 2 } }))).message).toMatch(/^config\.init\.grid\.delta: δ = 1e\+308, τ = 0\.5 gives initial weights/);
    expect((await refusal(linear2, grid({ tau: [1e200] }))).message).toMatch(/^config\.init\.grid\.tau: δ = 0\.5, τ = 1e\+200 gives initial weights/);
    const explicit = { ...linear2.examples.tiny, init: { explicit: [{ W: [[1e39, 0, 0]], A: [[1, 0]] }] } };
    expect((await refusal(linear2, explicit)).message).toMatch(/^config\.init\.explicit\[0\]\.W\[0\]\[0\]: 1e\+39 is Infinity in float32/);
  });

  it('linear2: learning rates that are 0 or Infinity in float32 are refused at the rate (was blamed on δ and τ)', async () => {
    for (const [W, A, at] of [[1e-320, 1, 'W'], [1, 1e39, 'A']] as const) {
      expect((await refusal(linear2, { ...linear2.examples.tiny, learningRates: { W, A } })).message).toMatch(new RegExp(`^config\\.learningRates\\.${at}: expected a number in \\[1\\.4e-45, 3\\.4e38\\] \\(float32`));
    }
  });

  it('data and explicit weights beyond float32 (|x| ≥ 3.4e38, Infinity on the GPU) are refused naming the entry, every model', async () => {
    const sn = MODELS.find((p) => p.id === 'single-neuron')!;
    const cases: [typeof sn, Record<string, unknown>, RegExp][] = [
      [sn, { ...sn.examples.tiny, data: { XX: [[1, 0], [0, 1e39]], Xy: [0.5, 0.5] } }, /^config\.data\.XX\[1\]\[1\]: 1e\+39 is Infinity in float32/],
      [sn, { ...sn.examples.tiny, data: { XX: [[1, 0], [0, 1]], Xy: [-1e300, 0.5] } }, /^config\.data\.Xy\[0\]: -1e\+300 is -Infinity in float32/],
      [sn, { ...sn.examples.diverging }, /^accepted$/],
      [sn, { ...sn.examples.diverging, init: { explicit: [{ a: 1e39, w: [0, 0] }] } }, /^config\.init\.explicit\[0\]\.a: 1e\+39 is Infinity in float32/],
      [relu2, { ...relu2.examples.tiny, data: { X: [[1, 2e38 * 2], [0, 1]], y: [1, 0] } }, /^config\.data\.X\[0\]\[1\]: 4e\+38 is Infinity in float32/],
      [relu2, { ...relu2.examples.tiny, data: { X: [[1, 2], [0, 1]], y: [1, 0], Xtest: [[1, 1]], ytest: [1e39] } }, /^config\.data\.ytest\[0\]: 1e\+39 is Infinity/],
      [relu2, { ...relu2.examples.diverging, data: { X: [[1, 0, 0]], y: [1] }, init: { explicit: [{ W: [[1, 0, 0], [0, 1, 0]], a: [1e39, 1] }] } }, /^config\.init\.explicit\[0\]\.a\[0\]: 1e\+39 is Infinity/],
      [linear2, { ...linear2.examples.tiny, data: { XX: [[1, 0], [0, 1]], XY: [[1e39], [0]] } }, /^config\.data\.XY\[0\]\[0\]: 1e\+39 is Infinity in float32/],
    ];
    for (const [plugin, cfg, pattern] of cases) {
      let message = 'accepted';
      try { (await plugin.loadCli()).parseConfig(cfg); } catch (e) { expect(e).toBeInstanceOf(ConfigError); message = (e as Error).message; }
      expect(message, JSON.stringify(cfg).slice(0, 160)).toMatch(pattern);
    }
  });

  it('linear2: a grid that would build more than 2²² weights on the host is refused before it is built, naming the size and the limit', async () => {
    const big = grid({ h: 32, delta: { from: -1, to: 1, count: 1000 }, tau: { from: 0.1, to: 1, count: 1000 }, seeds: [0] });
    const t0 = performance.now();
    expect((await refusal(linear2, big)).message).toMatch(/^config\.init\.grid: 1,000,000 networks × 32 × \(3 \+ 2\) = 160,000,000 initial weights exceed the limit of 4,194,304/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('relu2: a limit message writes a huge value as 1e+308, not 300 digits', async () => {
    const cfg = { ...relu2.examples.tiny, data: { teacher: { seed: 0, d: 3, n: 1e308, m0: 3, nTest: 8 } } };
    const e = await refusal(relu2, cfg);
    expect(e.message).toBe('config.data.teacher.n: n (training samples) = 1e+308 exceeds the limit of 65,536 (more than 4,096 only while the buffers fit the device)');
  });

  it('sweep --chunk takes plain integers only (0x10, 1e1, +2 and " 4" were read as numbers)', async () => {
    const config = join(dir, 'chunk.json');
    writeFileSync(config, JSON.stringify({ ...linear2.examples.tiny, backend: 'cpu' }));
    for (const chunk of ['0x10', '1e1', '+2', ' 4', '0b1']) {
      const cap = capture();
      expect(await main(['node', 'lazyrich', 'sweep', config, '--out', join(dir, 'chunk-out'), '--chunk', chunk], cap.io), chunk).toBe(2);
      expect(cap.err()).toBe(`lazyrich: --chunk: expected an integer ≥ 1, got "${chunk}"\n`);
    }
  });

  it('CSV: a stray quote in the header gives a one-line message (the column name was quoted raw, newlines and all)', () => {
    expect(() => parseDataCsv('x1,",y\n1,2,3\n",4\n', 'train.csv')).toThrow(/^train\.csv: unexpected column ",y\\n1,2,3" in the header[^\n]*$/);
    expect(() => parseDataCsv('x1,y\n"1\n2",3\n', 'train.csv')).toThrow(/^train\.csv, row 2, column x1: "1\\n2" is not a finite number\.$/);
  });
});
