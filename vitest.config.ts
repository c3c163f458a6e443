import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // chDB allows one live session per process, so every test file gets its own process.
    pool: 'forks',
    // Vitest's default is one worker less than the cores: a single worker on this repository's 2-core
    // machine, so every file ran after the other while most of them wait on the CLI processes and the
    // engine they start. Test files use their own temp folders, ports and databases (testDatabase()),
    // so two at a time is safe. TSDBT_TEST_WORKERS overrides (1: the old behaviour).
    maxWorkers: Number(process.env.TSDBT_TEST_WORKERS ?? Math.max(2, availableParallelism() - 1)),
    testTimeout: 60_000,
    // The second writes RELIABILITY.md after a complete, passing run of test/reliability/. The JSON one
    // keeps each file's start and end times, so scripts/slowest-tests.mjs (run by .ci/run) can name the
    // files that make the suite slow.
    reporters: ['default', './test/support/reliability-reporter.ts', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
    hookTimeout: 60_000,
  },
});
