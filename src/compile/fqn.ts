import path from 'node:path';
import { trimmed } from '../core/trimmed.js';

/** `./models/` → `models`: a project path as files are named (relative, forward slashes, no trailing slash). */
export function stripSlash(dir: string): string {
  return dir.replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * dbt's fully qualified name of a file-based node: the project, the folders between the
 * resource's root (one of `roots`, e.g. `models`) and the file, then the node name.
 * `models/marts/orders.sql` → `['shop', 'marts', 'orders']`.
 */
export function fqnOfFile(projectName: string, roots: readonly string[], file: string, name: string): string[] {
  const root = roots.map(stripSlash).find((dir) => file.startsWith(`${dir}/`));
  const inner = root === undefined ? file : file.slice(root.length + 1);
  const folders = path.posix.dirname(inner) === '.' ? [] : path.posix.dirname(inner).split('/');
  return trimmed([projectName, ...folders, name]);
}
