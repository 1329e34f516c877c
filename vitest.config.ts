import { defineConfig } from 'vitest/config';

// Two projects: fast pure-code tests, and tests that boot real v86 guests (need static/vm/).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/vm/**', 'test/browser/**'] } },
      {
        test: {
          name: 'vm',
          include: ['test/vm/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
