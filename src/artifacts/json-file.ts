import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes a small JSON file atomically (temp file + rename), with no other module loaded: for
 * the commands that answer before the compiler is loaded (tasks/compile-stamps.ts).
 */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomically(file, JSON.stringify(value));
}

/** Writes `text` to `file` atomically (temp file + rename), creating its folder. */
export function writeFileAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}
