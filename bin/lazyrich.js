#!/usr/bin/env node
// Entry point of `npx lazyrich`: runs the prebuilt bundle of src/cli/main.ts when it matches the sources
// (bin/cliBundle.mjs; built by `npm ci` / `npm run build:cli`), else registers tsx's ESM loader so the
// TypeScript sources run without a build step. LAZYRICH_NO_BUNDLE=1 always uses tsx.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleDir, isFresh } from './cliBundle.mjs';

// A reader that stops early (`lazyrich simulate --help | head`, a result piped into head) closes the pipe: end
// quietly with status 0, as Unix tools do, instead of an unhandled EPIPE stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = bundleDir(root);
let main;
if (!process.env.LAZYRICH_NO_BUNDLE && isFresh(dir, root)) {
  ({ main } = await import(pathToFileURL(join(dir, 'main.js')).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv);
// Flush stdout and stderr, then exit: the Dawn (webgpu) instance can keep handles open after the device
// is destroyed, which would otherwise keep the process alive.
const flush = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
