#!/usr/bin/env node
// `npm run build:cli` (and `prepare`, run by npm ci / npm install): the prebuilt CLI bundle of bin/cliBundle.mjs.
// Never fails the install: without esbuild or on a build error the CLI runs through tsx, as before.
import { fileURLToPath } from 'node:url';
import { buildBundle, bundleDir } from './cliBundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
try {
  const files = await buildBundle(root);
  process.stderr.write(`lazyrich: CLI bundle of ${files} source files in ${bundleDir(root)}\n`);
} catch (e) {
  process.stderr.write(`lazyrich: no CLI bundle (${e instanceof Error ? e.message : String(e)}); the CLI runs through tsx\n`);
}
