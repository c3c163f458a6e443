import { readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir` (but `target/`) an hour old: a compile does not vouch for files changed less than a second before it started. */
export function ageProjectFiles(dir: string): void {
  const hourAgo = new Date(Date.now() - 3_600_000);
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'target') walk(full);
      } else utimesSync(full, hourAgo, hourAgo);
    }
  };
  walk(dir);
}
