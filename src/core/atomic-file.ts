import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let written = 0;

/**
 * Writes `text` to `file` whole or not at all: into a temporary file beside it (named for this
 * process and unique within it, ending `.tmp`), then renamed over it, so that a reader or a kill
 * never sees half a file. Creates the folder when it is missing.
 */
export function writeFileAtomically(file: string, text: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  written += 1;
  const temp = `${file}.${process.pid}.${written}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
