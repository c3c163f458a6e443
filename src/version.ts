import { readFileSync } from 'node:fs';

/** tsdbt's version, read from package.json next to src/ or dist/. */
export const TSDBT_VERSION: string = (() => {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
