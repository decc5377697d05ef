import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Four projects:
 * - unit: pure TypeScript (theory, schema, config), in worker threads.
 * - gpu:  WGSL kernels on Dawn for Node; forks pool, because in worker threads Dawn returns no adapter.
 * - cluster: a one-node Slurm cluster on localhost (tests/cluster; needs root and slurm-wlm munge).
 * - e2e:  headless Chromium (playwright-core) against the built app in dist/.
 *
 * unit and gpu run in one pool of WORKERS (at least 2: vitest's default, cores − 1, is 1 on a 2-core machine,
 * which ran all 74 files one after another with one core idle most of the time). cluster and e2e keep one
 * file at a time (fileParallelism: false puts them in vitest's sequential group): a Slurm cluster and a
 * browser that time page responses each want the machine to themselves.
 */
const WORKERS = Math.min(4, Math.max(2, availableParallelism() - 1));

export default defineConfig({
  test: {
    maxWorkers: WORKERS,
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], pool: 'threads', testTimeout: 60_000 } },
      {
        test: {
          name: 'gpu', include: ['tests/gpu/**/*.test.ts'], pool: 'forks',
          testTimeout: 300_000, hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'cluster', include: ['tests/cluster/**/*.test.ts'], pool: 'forks',
          fileParallelism: false, testTimeout: 600_000, hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e', include: ['tests/e2e/**/*.test.ts'], pool: 'forks',
          fileParallelism: false, testTimeout: 300_000, hookTimeout: 180_000,
        },
      },
    ],
  },
});
