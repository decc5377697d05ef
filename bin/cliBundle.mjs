// The prebuilt CLI bundle (issue 12: tsx's loader and transpiling ~100 modules took ~0.3 s of every CLI run).
// `npm ci` / `npm install` run the package's `prepare` script, which bundles src/cli/main.ts with esbuild (tsx's
// own dependency) into node_modules/.cache/lazyrich-cli/<this checkout>/ with a manifest of every source file
// it read (path, size, mtime). bin/lazyrich.js runs the bundle only while that manifest still matches the
// sources, so an edited checkout falls back to tsx and runs exactly its sources; LAZYRICH_NO_BUNDLE=1 forces tsx.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

/** The bundle's folder for the checkout at `root` (one per checkout: worktrees may share node_modules). */
export function bundleDir(root) {
  return join(root, 'node_modules', '.cache', 'lazyrich-cli', root.replace(/[^A-Za-z0-9]+/g, '_'));
}

/**
 * Whether the bundle in `dir` was built from the sources now at `root`: its manifest names this root and every
 * input file still has the recorded size and mtime. Any error (no manifest, a file gone) means not fresh.
 */
export function isFresh(dir, root) {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    if (manifest.root !== root || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return false;
    return manifest.inputs.every(([path, size, mtimeMs]) => {
      const s = statSync(join(root, path));
      return s.size === size && s.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

/** esbuild: the package's own, else tsx's (whose dependency it is). */
async function loadEsbuild(root) {
  try {
    return await import('esbuild');
  } catch {
    return createRequire(createRequire(join(root, 'package.json')).resolve('tsx/package.json'))('esbuild');
  }
}

/**
 * Bundles src/cli/main.ts (ESM, split chunks, packages external) into `dir` (default bundleDir(root); it must lie
 * under root/node_modules so the bundle resolves the packages): built beside it, the manifest written last, then
 * moved into place, so a failed or interrupted build is never run. @returns the number of source files bundled.
 */
export async function buildBundle(root, dir = bundleDir(root)) {
  const esbuild = await loadEsbuild(root);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root, entryPoints: ['src/cli/main.ts'], bundle: true, splitting: true, format: 'esm',
    platform: 'node', target: 'node20', packages: 'external', outdir: tmp, metafile: true, logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((p) => relative(root, join(root, p)))
    .filter((p) => !p.startsWith('node_modules') && !p.startsWith('..'))
    .map((p) => { const s = statSync(join(root, p)); return [p, s.size, s.mtimeMs]; });
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ root, inputs }));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return inputs.length;
}
