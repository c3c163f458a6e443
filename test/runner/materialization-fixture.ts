/** The materializations fixture project (test/fixtures/materializations), copied to a temp folder per test file. */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'materializations');

/** A fresh copy of the fixture and an empty HOME; `remove()` deletes both. */
export function copyFixture(): { dir: string; home: string; remove(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-mats-'));
  const dir = path.join(root, 'project');
  const home = path.join(root, 'home');
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(path.join(home, '.tsdbt'), { recursive: true });
  return { dir, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The rows the fixture's batches put in raw.events (see macros/operations.sql). */
export const BATCH_1 =
  "INSERT INTO raw.events VALUES (1, 'ISS', 'Ada', '2024-01-01', '2024-01-01 10:00:00'), (2, 'ISS', 'Bob', '2024-01-01', '2024-01-01 11:00:00'), (3, 'Tiangong', 'Chen', '2024-01-02', '2024-01-02 09:00:00')";
export const BATCH_2 =
  "INSERT INTO raw.events VALUES (4, 'Tiangong', 'Dee', '2024-01-02', '2024-01-02 12:00:00'), (5, 'Soyuz', 'Eve', '2024-01-03', '2024-01-03 08:00:00'), (2, 'Tiangong', 'Bob', '2024-01-03', '2024-01-03 09:00:00')";
