import { defineConfig } from 'vitest/config';

// Browser tests: Debian's Chromium driven by playwright-core, against the real app, database and
// Stripe emulator. One file at a time: a browser per file is enough for two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
