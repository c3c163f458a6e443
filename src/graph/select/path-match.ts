/**
 * The `path` method: a file, a folder (everything below it), or a glob over either, always
 * relative to the project root with forward slashes. dbt globs the file system; tsdbt matches
 * the node's recorded path instead, so selection needs no disk access and gives the same answer
 * for a manifest read from elsewhere (`--state`).
 */

import { hasWildcard, pathGlobMatch } from './glob.js';

export function pathMatches(filePath: string, selector: string): boolean {
  const wanted = normalise(selector);
  const path = normalise(filePath);
  if (wanted === '') return true;
  if (path === wanted || path.startsWith(`${wanted}/`)) return true;
  if (!hasWildcard(wanted)) return false;
  // A glob naming a folder selects everything below that folder, as a plain folder does.
  return folderAndParents(path).some((candidate) => pathGlobMatch(candidate, wanted));
}

function normalise(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

/** `a/b/c.sql` → `['a/b/c.sql', 'a/b', 'a']`. */
function folderAndParents(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('/'));
}
