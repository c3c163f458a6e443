import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Files larger than this are identified by path and size instead of content, as dbt does for big seeds. */
const MAX_HASHED_BYTES = 1024 * 1024;

/**
 * A checksum for `state:modified` of a file read only at run time (a seed CSV): sha256 of
 * the content, or for files over 1 MiB of the path and size, so parsing never reads big seeds.
 */
export function fileChecksum(projectDir: string, relative: string): string {
  const file = path.join(projectDir, relative);
  const size = statSync(file).size;
  const hash = createHash('sha256');
  if (size > MAX_HASHED_BYTES) hash.update(`${relative}\u0000${size}`);
  else hash.update(readFileSync(file));
  return hash.digest('hex');
}
