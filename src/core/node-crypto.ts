import { createRequire } from 'node:module';

/**
 * node:crypto, loaded on first use rather than at start-up: it costs about 8 ms to load, and the
 * fast paths (`tsdbt compile` with nothing changed, `tsdbt ls` from the record) usually never
 * checksum a file or make an id.
 */
export function nodeCrypto(): typeof import('node:crypto') {
  return createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
}
