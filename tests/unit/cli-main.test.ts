/**
 * The CLI entry (src/cli/main.ts) in process with the CPU backend (no GPU): exit codes, one error line,
 * JSON on stdout only, and the output serialiser.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { outputJsonChunks, runSimulate, type SimulateOutput } from '../../src/models/singleNeuron/run.ts';
import { capture } from '../helpers/cliCapture.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-main-'));

const CONFIG = {
  model: 'single-neuron', data: { XX: [[2, 0.5], [0.5, 1]], Xy: [1, -0.5] }, learningRates: { a: 1, w: 2 },
  init: { explicit: [{ a: 0.3, w: [0.1, -0.2] }, { a: -1, w: [0.5, 0.5] }] }, method: 'rk4', step: 0.05, times: [0, 0.5, 2], backend: 'cpu',
};

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('lazyrich main (CPU backend)', () => {
  it('simulate writes the JSON document to stdout and status lines to stderr', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', file('ok.json', CONFIG)], c.io)).toBe(0);
    const out = JSON.parse(c.out()) as SimulateOutput;
    expect(out.backend).toBe('cpu');
    expect(out.trajectories).toHaveLength(2);
    expect(out.trajectories[1].w[2]).toHaveLength(2);
    expect(c.err()).toMatch(/^adapter: cpu \(f64 reference\)$/m);
    expect(c.err()).toMatch(/^δ drift: /m);
  });

  it.each([
    ['bad field', () => file('bad.json', { ...CONFIG, step: -1 }), /^lazyrich: config\.step: expected a finite number > 0, got -1\n$/],
    ['unknown key', () => file('typo.json', { ...CONFIG, tims: [1] }), /^lazyrich: config\.tims: unknown field/],
    ['missing file', () => join(dir, 'absent.json'), /^lazyrich: cannot read config file .*absent\.json/],
  ])('%s: exit 2 and one stderr line', async (_name, path, pattern) => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', path()], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.out()).toBe('');
    expect(c.err().trimEnd().split('\n')).toHaveLength(1);
    expect(c.err()).toMatch(pattern);
  });

  it('simulate with "exact" and no step: off-grid times, ν/μ/S in the output (exit 0)', async () => {
    const c = capture();
    const exact = { ...CONFIG, data: { XX: [[2, 0], [0, 2]], Xy: [1, -0.5] }, method: 'exact', step: undefined, times: [0, 0.33, 7] };
    expect(await main(['node', 'lazyrich', 'simulate', file('exact.json', exact)], c.io)).toBe(0);
    const out = JSON.parse(c.out()) as SimulateOutput;
    expect(out.method).toBe('exact');
    expect(out.times).toEqual([0, 0.33, 7]);
    for (const t of out.trajectories) {
      for (const key of ['nu', 'mu', 'kernelDistance'] as const) expect(t[key]).toHaveLength(3);
      expect(t.predictedLimit).toBeUndefined();
    }
    expect(c.err()).toMatch(/^evaluated the closed form for 2 trajectories at 3 times/m);
  });

  it.each([
    ['exact on non-identity XX', { ...CONFIG, method: 'exact' },
      /^lazyrich: config\.method: "exact" is unavailable for config\.data\.XX: no closed form for this data: XX must be a multiple of the identity \(docs\/theory\.md §1\.3\); use "rk4" or "beta-flow"\n$/],
    ['beta-flow without step', { ...CONFIG, method: 'beta-flow', step: undefined }, /^lazyrich: config\.step: missing required field \(method "beta-flow"/],
  ])('%s: exit 2 and one stderr line', async (name, config, pattern) => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', file(`${name.replace(/\W+/g, '-')}.json`, config)], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.out()).toBe('');
    expect(c.err()).toMatch(pattern);
  });

  it('--help lists the four methods and the new output fields', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', '--help'], c.io)).toBe(0);
    for (const word of ['"gd"', '"rk4"', '"beta-flow"', '"exact"', 'nu[T]', 'mu[T]', 'kernelDistance[T]', 'predictedLimit[d]', '"step" is optional']) {
      expect(c.out()).toContain(word);
    }
  });

  it('rejects an unknown --backend with exit 2', async () => {
    const c = capture();
    expect(await main(['node', 'lazyrich', 'simulate', file('ok2.json', CONFIG), '--backend', 'tpu'], c.io)).toBe(EXIT_BAD_INPUT);
    expect(c.err()).toMatch(/--backend: expected "gpu" or "cpu", got "tpu"/);
  });

  it('chunked serialisation equals JSON.stringify', async () => {
    const { output } = await runSimulate(CONFIG);
    expect([...outputJsonChunks(output)].join('')).toBe(`${JSON.stringify(output)}\n`);
  });

  it('a reader that closes the pipe early (`lazyrich simulate --help | head`) ends the CLI quietly with status 0, no EPIPE trace', async () => {
    const { spawn } = await import('node:child_process');
    const bin = new URL('../../bin/lazyrich.js', import.meta.url).pathname;
    const child = spawn(process.execPath, [bin, 'simulate', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(code).toBe(0);
  }, 60_000);
});
