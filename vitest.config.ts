import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // chDB allows one live session per process, so every test file gets its own process.
    pool: 'forks',
    testTimeout: 60_000,
    // The second writes RELIABILITY.md after a complete, passing run of test/reliability/.
    reporters: ['default', './test/support/reliability-reporter.ts'],
    hookTimeout: 60_000,
  },
});
