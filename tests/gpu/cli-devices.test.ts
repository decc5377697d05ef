/**
 * Adapter choice in the CLI (issue 11, defect 9), as child processes of bin/lazyrich.js: `lazyrich devices`
 * lists the adapters, `--adapter` picks one (exit 2 listing them when none matches), `--require-gpu` exits 3
 * with one line on a software (CPU) adapter such as SwiftShader and runs on a hardware one.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { relu2Examples } from '../../src/models/relu2/examples.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'lazyrich.js');

function lazyrich(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 120_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
    });
  });
}

/** The lines lazyrich itself writes (Dawn may print driver warnings of its own). */
const ours = (err: string) => err.split('\n').filter((l) => l.startsWith('lazyrich:'));

let config: string;
let adapters: { backend: string; name: string; software: boolean }[];
beforeAll(async () => {
  config = join(mkdtempSync(join(tmpdir(), 'lazyrich-devices-')), 'tiny.json');
  writeFileSync(config, JSON.stringify({
    model: 'single-neuron', data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] }, learningRates: { a: 1, w: 1 },
    init: { explicit: [{ a: 0.3, w: [0.1, -0.2] }] }, method: 'exact', times: [0, 1],
  }));
  const r = await lazyrich('devices');
  expect(r.code, r.err).toBe(0);
  adapters = r.out.trimEnd().split('\n').map((line) => {
    const [backend, name, software] = line.split('\t');
    return { backend, name, software: software === 'software (CPU)' };
  });
});

describe('lazyrich devices, --adapter, --require-gpu', () => {
  it('devices lists at least one adapter as "<backend>\\t<name>[\\tsoftware (CPU)]"', () => {
    expect(adapters.length).toBeGreaterThan(0);
    for (const a of adapters) {
      expect(a.backend).toMatch(/^[a-z0-9]+$/);
      expect(a.name.length).toBeGreaterThan(0);
    }
  });

  it('--adapter with a part of a listed name (any case) runs on it (exit 0)', async () => {
    const part = adapters[0].name.split(/\s+/)[0].toUpperCase();
    const r = await lazyrich('simulate', config, '--adapter', part);
    expect(ours(r.err)).toEqual([]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).backend).toBe('gpu');
  });

  it('--adapter naming no adapter: exit 2, one line listing the available ones', async () => {
    const r = await lazyrich('simulate', config, '--adapter', 'no-such-gpu-xyz');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(ours(r.err)).toEqual([`lazyrich: --adapter "no-such-gpu-xyz" matches no adapter; available: ${adapters.map((a) => `"${a.name}" (${a.backend})`).join(', ')} (see lazyrich devices)`]);
  });

  it('--require-gpu: exit 3 and one clear line on a software adapter; a normal run on a hardware one', async () => {
    const r = await lazyrich('simulate', config, '--require-gpu');
    if (adapters.every((a) => a.software)) {
      expect(r.code).toBe(3);
      expect(r.out).toBe('');
      expect(ours(r.err)).toHaveLength(1);
      expect(ours(r.err)[0]).toMatch(/^lazyrich: --require-gpu: the adapter is ".*", a software \(CPU\) adapter; no GPU driver was found/);
    } else {
      expect(r.code).toBe(0);
    }
  });

  it('sweep --require-gpu on a software adapter: exit 3 before the shard lock or parts folder is made', async () => {
    if (!adapters.every((a) => a.software)) return; // a hardware adapter runs the sweep: nothing to refuse
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-require-'));
    const relu2 = join(dir, 'relu2.json');
    writeFileSync(relu2, JSON.stringify(relu2Examples.tiny));
    const out = join(dir, 'out');
    const r = await lazyrich('sweep', relu2, '--out', out, '--require-gpu');
    expect(r.code).toBe(3);
    expect(ours(r.err)).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('--require-gpu with --backend cpu is a usage error (exit 2)', async () => {
    const r = await lazyrich('sweep', config, '--out', join(tmpdir(), 'unused'), '--backend', 'cpu', '--require-gpu');
    expect(r.code).toBe(2);
    expect(ours(r.err)).toEqual(['lazyrich: --require-gpu contradicts --backend cpu (the float64 reference uses no GPU)']);
  });
});
