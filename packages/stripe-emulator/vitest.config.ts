import { defineConfig } from 'vitest/config';

// The emulator's own tests: no database, no app; each file starts its own emulator on a free port.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
