/** An empty HOME (with an empty ~/.tsdbt) for CLI runs, so a developer's own profiles never leak into tests. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempHomeDir(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
  mkdirSync(path.join(home, '.tsdbt'));
  return home;
}
