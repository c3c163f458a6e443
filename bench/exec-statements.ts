/**
 * The baseline of the run benchmarks: `node bench/.build/exec-statements.js <chdb path> <statements.json>`
 * opens chDB with @clickhouse/client (as tsdbt's adapter does) and sends each statement with
 * `client.command`, in order, one at a time, then closes. Nothing else: no project, no plan, no log.
 */
import { readFileSync } from 'node:fs';
import { openChdb } from './chdb-client.js';

const [dataPath, statementsFile] = process.argv.slice(2);
if (dataPath === undefined || statementsFile === undefined) {
  process.stderr.write('usage: exec-statements <chdb path> <statements.json>\n');
  process.exit(2);
}
const statements = JSON.parse(readFileSync(statementsFile, 'utf8')) as string[];
const client = openChdb(dataPath);
try {
  for (const query of statements) await client.command({ query });
} finally {
  await client.close();
}
