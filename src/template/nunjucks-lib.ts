import { createRequire } from 'node:module';
import type NunjucksLib from 'nunjucks';

let loaded: typeof NunjucksLib | undefined;

/**
 * nunjucks, loaded the first time a template engine is made: importing the compiler (as every
 * command module does) costs nothing until a project is read, so `tsdbt <command> --help` stays fast.
 * In the CLI bundle the build makes this line a `require` of the copy bundled into the file
 * (scripts/build-cli-bundle.mjs), so that its code is in the bundle's code cache; elsewhere
 * (dist/index.js, the tests) it is the installed package.
 */
export function nunjucksLib(): typeof NunjucksLib {
  loaded ??= createRequire(import.meta.url)('nunjucks') as typeof NunjucksLib;
  return loaded;
}
