import { createRequire } from 'node:module';
import type NunjucksLib from 'nunjucks';

/**
 * nunjucks bundled into one file beside the CLI bundle's chunks (scripts/build-cli-bundle.mjs):
 * from the installed package Node resolves, reads and compiles about twenty modules one by one,
 * which took a parsing `tsdbt ls` about twice as long as loading the one file. Absent where this
 * module is not bundled (dist/index.js, the tests): there the installed package is loaded.
 */
const BUNDLED = '../nunjucks.cjs';

let loaded: typeof NunjucksLib | undefined;

/**
 * nunjucks, loaded the first time a template engine is made: importing the compiler (as every
 * command module does) costs nothing until a project is read, so `tsdbt <command> --help` stays fast.
 */
export function nunjucksLib(): typeof NunjucksLib {
  loaded ??= loadNunjucks();
  return loaded;
}

function loadNunjucks(): typeof NunjucksLib {
  const require = createRequire(import.meta.url);
  try {
    return require(BUNDLED) as typeof NunjucksLib;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(BUNDLED);
    if (!missing) throw error;
  }
  return require('nunjucks') as typeof NunjucksLib;
}
