import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every `.sql` template of the repository under `dir` (models, macros, fixtures; not golden plans or build output). */
export function repoTemplates(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (['node_modules', '.git', 'dist', 'target', '.tsdbt', 'logs', 'test-artifacts', '.build'].includes(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) repoTemplates(full, out);
    else if (entry.endsWith('.sql') && !full.includes(`${path.sep}golden${path.sep}`)) out.push(full);
  }
  return out;
}
