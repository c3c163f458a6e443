/**
 * tsdbt's own record of the temporary and backup relations it creates (`…__tsdbt_tmp`,
 * `…__tsdbt_backup`), written before the statement that creates one is sent. The start-of-run
 * sweep drops only what this record names, so a table a person (or another tool) named with one
 * of these suffixes is never taken for a leftover of an interrupted run.
 *
 * Where: beside the embedded database (`<chdb path>/tsdbt-made-relations.json`, so it travels
 * with the data), or for a server `<project>/.tsdbt/made-relations/<host>_<port>.json`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Adapter } from '../core/adapter-types.js';
import { writeFileAtomically } from '../core/atomic-file.js';
import type { Target } from '../config/target.js';

export interface MadeRelation {
  database: string;
  name: string;
}

export function madeRelationsFile(projectDir: string, target: Target): string {
  if (target.type === 'chdb') return path.join(target.path, 'tsdbt-made-relations.json');
  return path.join(projectDir, '.tsdbt', 'made-relations', `${target.host.replace(/[^A-Za-z0-9.-]/g, '_')}_${target.port}.json`);
}

export function readMadeRelations(file: string): MadeRelation[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((entry): entry is MadeRelation => typeof entry?.database === 'string' && typeof entry?.name === 'string');
  } catch {
    return [];
  }
}

/** Replaces the record (written to a temporary file and renamed, so a kill never leaves half a record). */
export function writeMadeRelations(file: string, entries: readonly MadeRelation[]): void {
  writeFileAtomically(file, `${JSON.stringify(entries)}\n`);
}

/** Adds entries not yet recorded. */
export function recordMadeRelations(file: string, made: readonly MadeRelation[]): void {
  const entries = readMadeRelations(file);
  const known = new Set(entries.map(key));
  const fresh = made.filter((entry) => !known.has(key(entry)));
  if (fresh.length > 0) writeMadeRelations(file, [...entries, ...fresh]);
}

const key = (entry: MadeRelation) => `${entry.database}\u0000${entry.name}`;

const QUALIFIED = /`((?:[^`\\]|\\.)*)`\.`((?:[^`\\]|\\.)*(?:__tsdbt_tmp|__tsdbt_backup))`/g;
const CREATES = /^\s*(CREATE|RENAME|EXCHANGE)\b/i;

/** The temporary or backup relations a statement may bring into being (CREATE, RENAME … TO, EXCHANGE). */
export function relationsCreatedBy(sql: string): MadeRelation[] {
  if (!CREATES.test(sql)) return [];
  const unescaped = (text: string) => text.replace(/\\(.)/g, '$1');
  return [...sql.matchAll(QUALIFIED)].map((match) => ({ database: unescaped(match[1]!), name: unescaped(match[2]!) }));
}

/** The same adapter, recording every temporary or backup relation in `file` before the statement that makes it is sent. */
export function recordingAdapter(adapter: Adapter, file: string): Adapter {
  const execute: Adapter['execute'] = (sql, options) => {
    const made = relationsCreatedBy(sql);
    if (made.length > 0) recordMadeRelations(file, made);
    return adapter.execute(sql, options);
  };
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'execute') return execute;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
