/** `node bench/.build/query.js <chdb path> <sql>`: prints the rows as JSON (for the benchmarks' checks). */
import { openChdb } from './chdb-client.js';

const [dataPath, sql] = process.argv.slice(2);
if (dataPath === undefined || sql === undefined) {
  process.stderr.write('usage: query <chdb path> <sql>\n');
  process.exit(2);
}
const client = openChdb(dataPath);
try {
  const result = await client.query({ query: sql, format: 'JSONEachRow' });
  process.stdout.write(JSON.stringify(await result.json()));
} finally {
  await client.close();
}
