import { writeFileAtomically } from '../core/atomic-file.js';

/**
 * Writes a small JSON file atomically (temp file + rename), with no other module loaded: for
 * the commands that answer before the compiler is loaded (tasks/compile-stamps.ts).
 */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomically(file, JSON.stringify(value));
}
