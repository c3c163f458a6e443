import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Folders whose test files only compute: no chDB session, no process started, no environment
 * variable set, no module mocked. They share forks (`isolate: false`): vitest evaluates tsdbt's
 * modules once per worker instead of once per file, most of what such a file costs (measured in
 * bench/notes.md). A file in these folders that changes process-wide state (environment, mocks,
 * timers, the working directory, module state) and does not put it back, or leaves a chDB
 * session open, belongs in OWN_FORK_FILES; one that closes its sessions may stay
 * (CLOSES_ITS_CHDB_SESSIONS), and so may one that runs commands in-process and puts back what
 * they change (RUNS_COMMANDS_IN_PROCESS). Starting a child process is no reason to leave: the child's state
 * is its own (STARTS_PROCESSES_ONLY below).
 */
const SHARED_FORK_FOLDERS = ['graph', 'state', 'artifacts', 'seed', 'materialize', 'config', 'template', 'testing', 'compile', 'report'];
/** Files of those folders that need a fork of their own, as `test/<folder>/<name>.test.ts`: none at present. */
const OWN_FORK_FILES: string[] = [];
/**
 * Files that start processes (the built CLI, a fake API, a ClickHouse client) but open no chDB
 * session in the test's process, set no environment variable, mock nothing and leave nothing
 * running: a child's chDB session, environment and working directory are the child's.
 */
const STARTS_PROCESSES_ONLY = [
  'adapter/cluster',
  'adapter/failpoint',
  'adapter/server',
  'adapter/server-profile',
  'adapter/tls-handshake',
  'adapter/translate-error',
  'cli/bundled-commander',
  'cli/bundled-engine-client',
  'cli/bundled-nunjucks',
  'cli/code-cache',
  'cli/commands',
  'cli/first-hour',
  'cli/init',
  'cli/output',
  'cli/output-clean-completion',
  'cli/patch-modules',
  'cli/perf-info',
  'cli/readme-commands',
  'core/wasm-tier-up',
  'docs/docs-cli',
  'docs/site-model',
  'e2e/analyses',
  'e2e/ch-parity-server',
  'e2e/dbt-namespace',
  'e2e/dbt-project-build',
  'e2e/exposures',
  'e2e/lineage',
  'e2e/server-cluster',
  'e2e/server-tls',
  'e2e/source-freshness',
  'e2e/unit-tests',
  'ingest/file-url',
  'ingest/shutdown-signals',
  'project/definition-files',
  'project/folder-stamps',
  'reliability/fuzz-cli',
  'reliability/fuzz-inputs',
  'reliability/security-secrets',
  'runner/materializations-server',
  'runner/micro-batch',
  'runner/snapshot-executor',
  'scripts/forget-stale-build-info',
  'tasks/ls-recorded',
  'tasks/ls-recorded-cli',
  'template/jinja2-differential',
];
/**
 * Files that open chDB sessions in the test's own process and close every one before they end
 * (`withChdb`, test/ingest/chdb-fixture.ts's afterAll, a `connect` closed in afterAll or finally),
 * and otherwise change nothing process-wide. chDB allows one live session per process, not one per
 * process's life: sessions on different paths, one after the other, work in one fork (what
 * test/adapter/chdb-pool.test.ts checks in-process), and every file's data is in its own temp
 * folder. Sharing a fork spares each file a fork, the evaluation of tsdbt's modules and the
 * loading of chDB's library (bench/notes.md, fifth pass). A session left open by a file would make
 * the next file's first connect fail loudly (tsdbt's "one embedded database open per process" error), never pass
 * silently. Files that run commands in-process are in RUNS_COMMANDS_IN_PROCESS; files that change
 * process-wide state and put it back, and the browser tests, are listed in SHARED_FORK_FILES.
 */
const CLOSES_ITS_CHDB_SESSIONS = [
  'adapter/chdb',
  'adapter/chdb-pool',
  'adapter/connection-checks',
  'adapter/query-text',
  'adapter/sql-literals',
  'bench/generated-project',
  'cli/errors',
  'cli/output-exit-codes',
  'docs/catalog',
  'e2e/astros',
  'e2e/atomic',
  'e2e/ch-parity',
  'e2e/ch-parity-views',
  'e2e/check',
  'e2e/check-verdicts',
  'e2e/ingest',
  'e2e/ingest-watch',
  'e2e/materializations',
  'e2e/server',
  'e2e/server-database-engine',
  'ingest/ingest-http',
  'ingest/landing-server',
  'ingest/landing-text',
  'ingest/watch',
  'materialize/plans-chdb',
  'reliability/concurrency',
  'reliability/crash-ingest',
  'reliability/data-edges',
  'reliability/hostile-inputs',
  'reliability/ingest-faults',
  'reliability/ingest-large-reply',
  'reliability/secrets-edges',
  'reliability/security-identifiers',
  'runner/materializations',
  'runner/needless-statements',
  'tasks/build-task',
  'tasks/check-engine',
  'tasks/compile-index',
  'tasks/compile-sums',
  'tasks/frozen-manifest',
  'template/adapter-api',
  'template/builtin-macros',
  'template/dbt-utils-macros',
  'testing/data-tests-chdb',
];
/**
 * Files that run tsdbt's commands in the test's own process: the CLI's `main` through
 * test/support/cli-in-process.ts, or a command's function with a terminal writing to a buffer
 * (runNodesCommand). While a command runs it changes process-wide state (the working directory,
 * process.env, stdout and stderr, process.exitCode, the command name lock files record), and
 * runCliInProcess puts all of it back after (test/cli/errors.test.ts, in a shared fork, checks
 * the name a library user's lock records); commands run one at a time, and a shared fork runs
 * one file at a time. What else a command leaves behind is taken by the next one (the exit
 * status) or only speeds the next one up (loaded libraries, the heap growth flag), its signal handlers are
 * removed when it ends, and every command closes its chDB session (a session left open would make
 * the next file's first connect fail loudly, as for CLOSES_ITS_CHDB_SESSIONS). Each such file had
 * a fork of its own, about 2 s of a worker's time to start and load tsdbt's modules again
 * (bench/notes.md).
 */
const RUNS_COMMANDS_IN_PROCESS = [
  'bench/patch-compile',
  'bench/warm-compile',
  'cli/version-flag',
  'e2e/ch-parity-microbatch',
  'e2e/contracts',
  'e2e/dbt-project',
  'e2e/materializations-example',
  'e2e/packages',
  'e2e/snapshots',
  'e2e/state',
  'e2e/state-retry',
  'reliability/crash-safety',
  'reliability/crash-snapshot',
  'reliability/materialized-view-refresh',
  'support/cli-in-process',
];
/** Files of other folders that only compute, too. */
const SHARED_FORK_FILES = [
  'adapter/template-capabilities',
  'cli/output-summary',
  'cli/output-terminal',
  'core/flat-string',
  'core/piece-buffer',
  'core/sha1',
  'docs/site-data',
  'ingest/fetch-with-retry',
  'ingest/ingest-config',
  'ingest/json-scan',
  'ingest/json-text-fast',
  'ingest/payload',
  'ingest/spooled-rows',
  'ingest/string-run',
  'ingest/url-credentials',
  'project/fast-stat',
  'project/stamp-from-text',
  'runner/dag-scheduler',
  'runner/model-error-place',
  'runner/render-with-queries',
  'support/json-array-stream',
  'tasks/compile-columns',
  // These change process-wide state and put it back before the next test: the command name lock
  // files record (engine-lock's onTestFinished), node:v8's setFlagsFromString (heap-growth's spy,
  // restored in finally; it loads fresh copies of its module by a query, not vi.resetModules) and
  // the working directory (stat-from-inside's afterEach).
  'adapter/engine-lock',
  'core/heap-growth',
  'project/stat-from-inside',
  // young-generation sets no flag of this process (fake flags, fresh copies of its module; V8
  // itself is checked in a child) and restores its spy on Atomics.wait; full-collection runs one
  // full collection here and sets `--expose-gc` back off, as the module does.
  'core/young-generation',
  'core/full-collection',
  // These spy on a module and restore it when the test ends (yaml-thread), or start a browser and
  // close it in afterAll, which removes the signal handlers playwright adds while it runs.
  'docs/browser',
  'docs/browser-column-lineage',
  'project/yaml-thread',
  // These start CLI processes, servers or a ClickHouse client, but change nothing process-wide in
  // the test's own process, and neither do the helpers they import (checked in bench/notes.md,
  // fourth pass): what a child process does is its own.
  ...STARTS_PROCESSES_ONLY,
  ...CLOSES_ITS_CHDB_SESSIONS,
  ...RUNS_COMMANDS_IN_PROCESS,
].map((file) => `test/${file}.test.ts`);
const SHARED_FORK = [...SHARED_FORK_FOLDERS.map((folder) => `test/${folder}/**/*.test.ts`), ...SHARED_FORK_FILES];

export default defineConfig({
  test: {
    // chDB allows one live session per process, so a test file that opens it gets a process of its own (projects below).
    pool: 'forks',
    // Vitest's default is one worker less than the cores: a single worker on this repository's 2-core
    // machine, so every file ran after the other while most of them wait on the CLI processes and the
    // engine they start. Test files use their own temp folders, ports and databases (testDatabase()),
    // so two at a time is safe. TSDBT_TEST_WORKERS overrides (1: the old behaviour).
    maxWorkers: Number(process.env.TSDBT_TEST_WORKERS ?? Math.max(2, availableParallelism() - 1)),
    testTimeout: 60_000,
    // The suite starts some 570 Node processes (forks, the CLI processes the tests are about, helpers),
    // and each would parse the machine's extra CA bundle at start when NODE_EXTRA_CA_CERTS names one
    // (this machine's does: about 40 ms of CPU per process, bench/notes.md). No test trusts a public
    // CA: they reach 127.0.0.1 only, and the TLS tests name their own CA (`ca_cert`). Empty = unset.
    env: { NODE_EXTRA_CA_CERTS: '' },
    // The second writes RELIABILITY.md after a complete, passing run of test/reliability/. The JSON one
    // keeps each file's start and end times, so scripts/slowest-tests.mjs (run by .ci/run) can name the
    // files that make the suite slow.
    reporters: ['default', './test/support/reliability-reporter.ts', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
    hookTimeout: 60_000,
    // Every test file is in exactly one of these.
    projects: [
      { extends: true, test: { name: 'shared-fork', include: SHARED_FORK, exclude: [...configDefaults.exclude, ...OWN_FORK_FILES], isolate: false } },
      { extends: true, test: { name: 'own-fork', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SHARED_FORK] } },
      { extends: true, test: { name: 'own-fork-listed', include: OWN_FORK_FILES } },
    ],
  },
});
