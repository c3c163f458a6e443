import { writeSync } from 'node:fs';

/** `writeSync` until every byte is written (one call may write fewer than asked). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}
