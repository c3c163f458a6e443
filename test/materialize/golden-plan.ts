/**
 * Plans as readable SQL, compared with golden files in ./golden. After an intended change,
 * regenerate them with `UPDATE_GOLDEN=1 npx vitest run test/materialize` and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Plan, Statement } from '../../src/materialize/plan.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

function statementText(prefix: string, s: Statement): string {
  const settings =
    s.settings === undefined
      ? ''
      : ` (settings: ${Object.entries(s.settings)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')})`;
  return `-- ${prefix}${s.purpose}${settings}\n${s.sql};\n`;
}

/**
 * Each statement with its purpose as a comment, then the cleanup. A plan that reads before going on
 * (insert_overwrite) shows the read, then the continuation planned from `rows`.
 */
export function renderPlan(plan: Plan, rows: readonly Record<string, unknown>[] = []): string {
  const parts: string[] = [];
  let part: Plan | undefined = plan;
  let number = 0;
  while (part !== undefined) {
    for (const s of part.statements) parts.push(statementText(`${++number}. `, s));
    for (const s of part.cleanup) parts.push(statementText('on failure: ', s));
    if (part.next === undefined) break;
    parts.push(
      `-- then read: ${part.next.read.purpose} (params: ${JSON.stringify(part.next.read.params ?? {})}; rows: ${JSON.stringify(rows)})\n${part.next.read.sql};\n`,
    );
    part = part.next.plan(rows);
  }
  return parts.join('\n');
}

export function expectGolden(name: string, plan: Plan, rows: readonly Record<string, unknown>[] = []): void {
  const file = path.join(GOLDEN, `${name}.sql`);
  const actual = renderPlan(plan, rows);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`No golden file ${file}: run with UPDATE_GOLDEN=1 to create it, then review it.`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}
