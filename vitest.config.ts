import { defineConfig } from 'vitest/config';

/**
 * Four projects:
 * - unit: pure TypeScript (theory, schema, config), in worker threads.
 * - gpu:  WGSL kernels on Dawn for Node; forks pool, because in worker threads Dawn returns no adapter.
 * - cluster: a one-node Slurm cluster on localhost (tests/cluster; needs root and slurm-wlm munge).
 * - e2e:  headless Chromium (playwright-core) against the built app in dist/.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], pool: 'threads', testTimeout: 60_000 } },
      {
        test: {
          name: 'gpu', include: ['tests/gpu/**/*.test.ts'], pool: 'forks',
          fileParallelism: false, testTimeout: 300_000, hookTimeout: 120_000,
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
