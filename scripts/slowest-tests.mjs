#!/usr/bin/env node
/**
 * The slowest test files of the last `npm test`, from the JSON reporter's output that
 * vitest.config.ts asks for (test-artifacts/vitest-results.json): wall seconds per file, from
 * the file's start to its end, the slowest first. `.ci/run` prints them after the tests, so a run
 * that got slower says which files did.
 *
 *   node scripts/slowest-tests.mjs [--top N] [results.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 15;
const file = args[0] ?? 'test-artifacts/vitest-results.json';

let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`slowest-tests: cannot read ${file} (${error.message}); vitest.config.ts's json reporter writes it.`);
  process.exit(1);
}

const files = results.testResults
  .map((result) => ({
    seconds: (result.endTime - result.startTime) / 1000,
    file: path.relative(process.cwd(), result.name),
    tests: result.assertionResults.length,
    status: result.status,
  }))
  .sort((a, b) => b.seconds - a.seconds);
const total = files.reduce((sum, entry) => sum + entry.seconds, 0);

console.log(`Slowest ${Math.min(top, files.length)} of ${files.length} test files (wall seconds; the files together: ${total.toFixed(0)} s):`);
for (const entry of files.slice(0, top)) {
  const failed = entry.status === 'passed' ? '' : `  ${entry.status}`;
  console.log(`${entry.seconds.toFixed(1).padStart(8)}  ${entry.file} (${entry.tests} tests)${failed}`);
}
