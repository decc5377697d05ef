/**
 * The prebuilt CLI bundle (bin/cliBundle.mjs, issue 12): it runs only while its manifest matches the sources,
 * and it writes byte for byte what the TypeScript sources (through tsx) write.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module of bin/, no declarations
import { buildBundle, bundleDir, isFresh } from '../../bin/cliBundle.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('CLI bundle (bin/cliBundle.mjs)', () => {
  it('is fresh only while every recorded source has its size and mtime, for this root', () => {
    const root = mkdtempSync(join(tmpdir(), 'lazyrich-bundle-'));
    const dir = join(root, 'cache');
    mkdirSync(dir);
    writeFileSync(join(root, 'a.ts'), 'export const a = 1;\n');
    expect(isFresh(dir, root)).toBe(false); // no manifest
    const s = statSync(join(root, 'a.ts'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ root, inputs: [['a.ts', s.size, s.mtimeMs]] }));
    expect(isFresh(dir, root)).toBe(true);
    expect(isFresh(dir, `${root}-other`)).toBe(false);
    utimesSync(join(root, 'a.ts'), new Date(), new Date(s.mtimeMs + 5000)); // touched
    expect(isFresh(dir, root)).toBe(false);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ root, inputs: [['gone.ts', 1, 1]] }));
    expect(isFresh(dir, root)).toBe(false);
  });

  it('built from this checkout, it is fresh and writes the same output as the sources through tsx', async () => {
    // built beside the checkout's own bundle (which CLI runs of other tests may be using), removed after
    const bundle = `${bundleDir(ROOT) as string}-test-${process.pid}`;
    const files = await buildBundle(ROOT, bundle) as number;
    expect(files).toBeGreaterThan(50);
    expect(isFresh(bundle, ROOT)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'lazyrich-bundle-run-'));
    const runner = join(bundle, 'run.mjs');
    writeFileSync(runner, "import { main } from './main.js';\nprocess.exitCode = await main(process.argv);\n");
    const config = join(dir, 'cfg.json');
    writeFileSync(config, JSON.stringify({
      model: 'single-neuron', data: { XX: [[1, 0.3], [0.3, 1]], Xy: [0.5, 0.5] }, method: 'gd', step: 0.01, times: [0, 0.5], backend: 'cpu',
      init: { grid: { delta: { from: -1, to: 1, count: 3 }, beta0: { directions: 4, norm: 1 } } },
    }));
    const run = (script: string, env: Record<string, string>) => execFileSync(process.execPath, [script, 'simulate', config],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const bundled = run(runner, {});
      const sources = run(join(ROOT, 'bin', 'lazyrich.js'), { LAZYRICH_NO_BUNDLE: '1' });
      expect(bundled.length).toBeGreaterThan(100);
      expect(bundled).toBe(sources);
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  }, 180_000);
});
