/**
 * The baseline of the ingest benchmark: `node bench/.build/raw-insert.js <chdb path> <url> <database> <table>`
 * fetches the reply, makes the rows tsdbt lands (each element of `items` as minified JSON text,
 * its sha256, the URL, one timestamp), creates the same landing table and inserts them with one
 * `client.insert` (JSONEachRow). No validation, no retry, no duplicate check, no log.
 */
import { createHash } from 'node:crypto';
import { openChdb } from './chdb-client.js';

const [dataPath, url, database, table] = process.argv.slice(2);
if (dataPath === undefined || url === undefined || database === undefined || table === undefined) {
  process.stderr.write('usage: raw-insert <chdb path> <url> <database> <table>\n');
  process.exit(2);
}
const reply = (await (await fetch(url)).json()) as { items: unknown[] };
const stamp = new Date().toISOString().replace('T', ' ').replace('Z', '');
const rows = reply.items.map((item) => {
  const payload = JSON.stringify(item);
  return { payload, _hash: createHash('sha256').update(payload, 'utf8').digest('hex'), _source_url: url, _inserted_at: stamp };
});
const client = openChdb(dataPath);
try {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS \`${database}\`.\`${table}\` (payload String, _hash String, _source_url String, _inserted_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree(_inserted_at) ORDER BY _hash`,
  });
  await client.insert({ table: `\`${database}\`.\`${table}\``, values: rows, format: 'JSONEachRow' });
} finally {
  await client.close();
}
