import { defineConfig } from 'vitest/config';

// Four projects: fast pure-code tests, tests that boot real v86 guests (need static/vm/), and the built site in Chromium.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/vm/**', 'test/vm-slow/**', 'test/browser/**'] } },
      {
        test: {
          name: 'vm',
          include: ['test/vm/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        // Not in `npm test`: minutes of convergence on 2 cores; run with `npm run test:slow`.
        test: {
          name: 'vm-slow',
          include: ['test/vm-slow/**/*.test.ts'],
          testTimeout: 1_200_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
