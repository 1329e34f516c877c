import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The site's own module paths (svelte.config.js), for the site's plain modules under test.
const alias = {
  $lib: fileURLToPath(new URL('./site/src/lib', import.meta.url)),
  $emulator: fileURLToPath(new URL('./emulator', import.meta.url)),
};

// Three projects: fast pure-code tests, tests that boot real v86 guests (need static/vm/), and the built site in Chromium.
export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/vm/**', 'test/browser/**'] } },
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
