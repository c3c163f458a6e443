#!/usr/bin/env node
/**
 * A fixed JavaScript workload, timed: `.ci/run` prints it before and after `npm test`, so a
 * run's wall time can be read against how fast the machine was at that moment. The shared
 * machines this project is measured on change speed by a third within an hour (bench/notes.md),
 * more than the margin of some targets. The work is what the suite's processes do most: building,
 * serializing and parsing objects, and matching text. The figure is the fastest of seven rounds.
 *
 *   node scripts/cpu-gauge.mjs [label]
 */
const label = process.argv[2] ?? 'cpu gauge';

function round() {
  const started = process.hrtime.bigint();
  let checksum = 0;
  for (let batch = 0; batch < 40; batch += 1) {
    const rows = Array.from({ length: 2_000 }, (_, id) => ({
      id,
      name: `model_${id % 97}_${batch}`,
      config: { materialized: id % 3 === 0 ? 'table' : 'view', tags: [`t${id % 7}`, `t${id % 11}`] },
      sql: `select ${id} as id, '${'x'.repeat(id % 40)}' as pad from {{ ref('model_${(id + 1) % 97}') }}`,
    }));
    const text = JSON.stringify(rows);
    const parsed = JSON.parse(text);
    for (const row of parsed) {
      const match = /ref\('(\w+)'\)/.exec(row.sql);
      checksum = (checksum + (match === null ? 0 : match[1].length) + row.config.tags.length) % 1_000_003;
    }
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, checksum };
}

const rounds = Array.from({ length: 7 }, round);
const fastest = Math.min(...rounds.map((r) => r.ms));
const slowest = Math.max(...rounds.map((r) => r.ms));
// The checksum keeps the work from being optimized away, and shows every round did the same.
if (new Set(rounds.map((r) => r.checksum)).size !== 1) throw new Error('cpu-gauge: rounds differ');
console.log(`${label}: ${fastest.toFixed(0)} ms (fastest of 7 rounds of a fixed workload; slowest ${slowest.toFixed(0)} ms)`);
