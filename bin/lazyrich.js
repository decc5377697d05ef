#!/usr/bin/env node
// Entry point of `npx lazyrich`: registers tsx's ESM loader so the TypeScript sources run without a build
// step, then hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// Flush stdout and stderr, then exit: the Dawn (webgpu) instance can keep handles open after the device
// is destroyed, which would otherwise keep the process alive.
const flush = (stream) => new Promise((resolve) => stream.write('', resolve));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
