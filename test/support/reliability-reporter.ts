/**
 * A vitest reporter (added in vitest.config.ts) that writes RELIABILITY.md at the end of a run from
 * the figures the reliability tests attached (test/support/reliability-figures.ts). It writes only
 * when every file of test/reliability/ ran and passed, so a partial or failing run never replaces
 * the figures of a complete one. The file holds no times or dates: it changes only when a figure does.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { REPO_ROOT } from './cli.js';
import type { ReliabilityFigure, ReliabilitySection } from './reliability-figures.js';

const SUITE_DIR = path.join(REPO_ROOT, 'test', 'reliability');
const OUTPUT = path.join(REPO_ROOT, 'RELIABILITY.md');

const SECTIONS: Record<ReliabilitySection, { title: string; what: string }> = {
  crash: {
    title: 'Crash safety: `tsdbt run` killed with SIGKILL mid-build',
    what: "After every kill the model's relation served complete rows (the previous build's until the new table was swapped in, then the new build's), and the next `tsdbt run` took over the dead run's lock, completed, and left no `__tsdbt_tmp`/`__tsdbt_backup` relation.",
  },
  data: {
    title: 'Data kept',
    what: 'Builds that must not lose or stale rows, and files and tables tsdbt must never delete: each through the built CLI on real chDB.',
  },
  concurrency: { title: 'Concurrency', what: 'One embedded database, several tsdbt processes; one run, several threads.' },
  ingest: { title: 'Ingestion under faults', what: 'The ingest library against a fake API replaying seeded replies, real HTTP on loopback, real chDB.' },
  fuzz: {
    title: 'Fuzzed inputs',
    what: 'Broken projects and command lines; each must give one error with a stable code, where (file:line) when it applies, and a hint; never an internal error or a stack trace.',
  },
  security: { title: 'Security', what: 'Quoting of names, values sent as values, secrets kept out of every output.' },
};

const TOTALS: { section: ReliabilitySection; label: string }[] = [
  { section: 'crash', label: 'kill points survived' },
  { section: 'ingest', label: 'faults survived' },
  { section: 'fuzz', label: 'inputs tried' },
];

const KNOWN_LIMITS = [
  '`incremental_strategy: delete+insert` deletes the old versions of the staged keys, then inserts the new ones: a run killed between the two leaves those keys missing until the next run puts them back (the heavy sweep checks exactly this). `default` (staged and swapped) has no such window.',
  '`append` and `delete+insert` insert into the live table; ClickHouse applies an INSERT of more than about a million rows as several parts, so a kill during such an insert can leave part of it (these tests insert one block).',
  'A `materialized_view` rebuilt (`--full-refresh`, a missing view, or a source rebuilt by swap) keeps its old view until the new table is complete, then drops it, swaps the table in and creates the view: rows inserted into the source in that short window, or while the new table is being filled, are not captured (as in dbt-clickhouse). A run killed inside the window leaves no view; the next run sees that and rebuilds the table with a backfill.',
  'The lock is for the embedded database. Against a ClickHouse server nothing stops two runs building into the same databases at once, and the start-of-run sweep of one can drop a `__tsdbt_tmp` table the other is filling (that build then fails; no published table loses rows). Run one build per target at a time (one CI job, or a lock in the scheduler). The sweep drops only relations tsdbt recorded creating (`tsdbt-made-relations.json` beside the embedded database, `.tsdbt/made-relations/` for a server), never a table that merely carries the suffix.',
  "A reply over 8 MiB is spooled to disk and streamed to the database, but the process is not yet bounded to a fixed size: chDB alone takes about 250 MB, the JavaScript side stays under about 100 MB (plus 8 bytes per element of the reply), and chDB's background merges of the landing table while the parts are written add more as the reply grows (a 310 MB reply peaked at about 700 MB, a 630 MB one at about 930 MB; held in memory, replies took about 15 times their size). A spooled reply of more than one insert block (about 65,000 rows or 16 MiB) lands as several parts: a process killed mid-insert can leave part of the batch, which the next poll lands whole under a newer stamp (same hashes, so nothing is doubled under FINAL). With `format: json` the reply is one row, which the database holds whole.",
  'A rejected reply over 8 MiB is quarantined by its first MiB (the reason gives its full size), not whole.',
];

/** The limits tsdbt enforces on what it reads and waits for (each refused with a coded error past it). */
const RESOURCE_LIMITS = [
  'Ingest reply size: `max_reply_bytes` per source, default 64 MiB (67,108,864 bytes); a larger reply is TSDBT5800 and is not retried. A reply up to 8 MiB is handled in memory; a larger one is spooled to a file in the temporary folder (TMPDIR), checked and landed from there, and removed. Redirects: at most 10 hops, http(s) only, no loops (TSDBT5801).',
  'YAML aliases: at most 100 alias expansions per file (counting aliases inside aliased values again), in project.yml, profiles.yml, property files, selectors and `--vars`; an alias bomb is TSDBT1002.',
  'Durations (`timeout`, `schedule`, retry delays): at most 2,147,483,647 ms (about 24.8 days, the longest timer Node keeps); longer is TSDBT5003.',
  'Project files (models, macros, YAML, seeds, profiles.yml, project.yml): regular files only (not folders, FIFOs or devices), at most 256 MiB each (TSDBT1801).',
  'Templates: nesting deep enough to exhaust the stack is TSDBT2802, not a crash.',
  'The embedded database lock is a unix socket (`tsdbt.lock.sock` in the data folder) that the OS closes when its process dies: no pid, start time or host name is consulted, so a dead, zombie or other-host holder never blocks the next command.',
];

export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const suiteFiles = readdirSync(SUITE_DIR)
      .filter((file) => file.endsWith('.test.ts'))
      .sort();
    const ran = testModules.filter((module) => path.dirname(module.moduleId) === SUITE_DIR).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    if (suiteFiles.length === 0 || ran.length !== suiteFiles.length) return;
    const failed = ran.filter((module) => module.state() !== 'passed').map((module) => path.basename(module.moduleId));
    if (failed.length > 0) {
      process.stderr.write(`RELIABILITY.md not updated: ${failed.join(', ')} did not pass.\n`);
      return;
    }
    const figures: ReliabilityFigure[] = [];
    for (const module of ran) {
      for (const test of module.children.allTests()) {
        const provedBy = `\`test/reliability/${path.basename(module.moduleId)}\` › ${test.name}`;
        if (test.result().state === 'passed') figures.push(...(test.meta().reliability ?? []).map((figure) => ({ ...figure, provedBy })));
      }
    }
    const text = render(figures, process.env['TSDBT_HEAVY_TESTS'] === '1');
    let previous: string | undefined;
    try {
      previous = readFileSync(OUTPUT, 'utf8');
    } catch {
      previous = undefined;
    }
    if (previous !== text) writeFileSync(OUTPUT, text);
  }
}

function render(figures: readonly (ReliabilityFigure & { provedBy?: string })[], heavy: boolean): string {
  const sum = (section: ReliabilitySection) => figures.filter((figure) => figure.section === section).reduce((total, figure) => total + figure.count, 0);
  const lines = [
    '# Reliability',
    '',
    'Written by the test suite (`test/support/reliability-reporter.ts`) from what the tests in',
    '`test/reliability/` proved on its last complete, passing run; do not edit it by hand.',
    heavy
      ? 'This run was the heavy sweep (`TSDBT_HEAVY_TESTS=1`): every materialization killed at every statement boundary and mid-statement, and more ingest seeds.'
      : 'This run was the default sweep (`npm test`); `TSDBT_HEAVY_TESTS=1 npm test` kills every incremental strategy and the view too, also mid-statement, and replays more ingest seeds.',
    '',
    '| figure | count |',
    '|---|---|',
    ...TOTALS.map(({ section, label }) => `| ${label} | ${sum(section).toLocaleString('en-US')} |`),
    '',
  ];
  for (const [section, { title, what }] of Object.entries(SECTIONS) as [ReliabilitySection, (typeof SECTIONS)[ReliabilitySection]][]) {
    const rows = figures.filter((figure) => figure.section === section);
    if (rows.length === 0) continue;
    lines.push(`## ${title}`, '', what, '', '| what was tried | count | what held | proved by |', '|---|---|---|---|');
    for (const figure of rows)
      lines.push(
        `| ${cell(figure.subject)} | ${figure.count.toLocaleString('en-US')} ${cell(figure.unit)} | ${cell(figure.outcome)} | ${cell(figure.provedBy ?? '')} |`,
      );
    lines.push('');
  }
  lines.push('## Resource limits', '', ...RESOURCE_LIMITS.map((limit) => `- ${limit}`), '');
  lines.push('## Known limits', '', ...KNOWN_LIMITS.map((limit) => `- ${limit}`), '');
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
