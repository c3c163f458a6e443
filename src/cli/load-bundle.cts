import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * Loads the CLI bundle (dist/cli-bundle/main.cjs, made by scripts/build-cli-bundle.mjs) the way
 * Node loads a CommonJS file, but through `vm.Script` so that V8 can start from the code cache the
 * build left beside it (main.cjs.v8cache): the functions a parsing `tsdbt ls` ran, already compiled.
 * Not part of the bundle: bin/tsdbt requires this module, and this module loads the bundle. It is
 * CommonJS (.cts) so that it and the Node modules it uses are loaded by `require`: an ES module's
 * import of node:fs makes Node build all of node:fs's exports, streams included.
 *
 * The cache is used only when its header says it was made by this Node (and V8), on this
 * platform, for this build of the bundle (the build id the build wrote first in it, a hash of the
 * rest, and its length), and the cache bytes themselves are whole (length and CRC-32): V8 checks
 * its version and flags but only the source's length (a rebuilt bundle of the same length must not
 * meet an old cache), and it does not checksum the data (a damaged cache can crash Node while it
 * is read). The bundle is named by its id rather than checksummed: 1.5 MB at every start. Anything
 * else (no cache, another Node, another build or a bundle without an id, a damaged file, V8
 * refusing it) loads the bundle from source, silently: a cache only ever saves compile time.
 */

/** The bundle bin/tsdbt runs. */
export const CLI_BUNDLE = path.join(__dirname, '..', 'cli-bundle', 'main.cjs');

/** Set to 1 by the build: the run writes the code cache (what V8 compiled by its exit) beside the bundle. */
export const WRITE_CODE_CACHE_ENV = 'TSDBT_WRITE_CODE_CACHE';

const CACHE_FORMAT = 2;

/** How the bundle's first bytes name its build (scripts/build-cli-bundle.mjs writes them): `/*tsdbt-build:<32 hex digits>*\/`. */
const BUILD_ID = /^\/\*tsdbt-build:([0-9a-f]{32})\*\//;
const BUILD_ID_BYTES = 48;

/** Where the cache data starts in the file: a multiple of this many bytes (headerLine). */
const DATA_ALIGNMENT = 8;

/** How the code cache served a load: `used`, `refused` by V8, `unusable` (not for this Node or these bytes, or damaged), `absent`. */
export type CodeCacheStatus = 'used' | 'refused' | 'unusable' | 'absent';

export interface LoadedCli {
  main: (argv: string[]) => Promise<void>;
  codeCache: CodeCacheStatus;
}

interface CacheHeader {
  format: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  bundleBytes: number;
  buildId: string;
  dataBytes: number;
  dataCrc32: number;
}

export async function loadCliBundle(file: string = CLI_BUNDLE, env: NodeJS.ProcessEnv = process.env): Promise<LoadedCli> {
  const bytes = readFileSync(file);
  const cacheFile = `${file}.v8cache`;
  const producing = env[WRITE_CODE_CACHE_ENV] === '1';
  const cached = producing ? { status: 'absent' as const } : readCodeCache(cacheFile, bytes);
  // The file is its build id and one function expression (scripts/build-cli-bundle.mjs): Node's CommonJS wrapper
  // with one more parameter, the bundle's `import()` (of installed packages, Node's modules, a
  // project's fetcher module), which is a call of it (the build says why). The build keeps the
  // file ASCII, so latin1 is its text, without UTF-8 decoding.
  const script = new vm.Script(bytes.toString('latin1'), { filename: file, cachedData: cached.data });
  const codeCache: CodeCacheStatus = cached.data === undefined ? cached.status : script.cachedDataRejected === true ? 'refused' : 'used';
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), importFromBundle);
  if (producing) {
    // Loaded only here: every other start would pay for one more module.
    const { writeFileAtomically } = await import('../core/atomic-file.js');
    process.once('exit', () => {
      const data = script.createCachedData();
      const header = headerFor(bytes, data);
      if (header !== undefined) writeFileAtomically(cacheFile, Buffer.concat([headerLine(header), data]));
    });
  }
  return { main: module.exports.main as LoadedCli['main'], codeCache };
}

/** This module's own `import()`: it resolves from dist/cli/ what the bundle would from dist/cli-bundle/ (the same node_modules). */
function importFromBundle(specifier: string): Promise<unknown> {
  return import(specifier);
}

function readCodeCache(cacheFile: string, bundle: Buffer): { status: CodeCacheStatus; data?: Buffer } {
  let raw: Buffer;
  try {
    raw = readFileSync(cacheFile);
  } catch {
    return { status: 'absent' };
  }
  try {
    const end = raw.indexOf(0x0a);
    if (end < 0) return { status: 'unusable' };
    const header = JSON.parse(raw.subarray(0, end).toString('latin1')) as Partial<CacheHeader>;
    const data = raw.subarray(end + 1);
    const expected = headerFor(bundle, data);
    if (expected === undefined) return { status: 'unusable' };
    const matches = (Object.keys(expected) as (keyof CacheHeader)[]).every((key) => header[key] === expected[key]);
    return matches ? { status: 'used', data } : { status: 'unusable' };
  } catch {
    return { status: 'unusable' };
  }
}

/**
 * The header's JSON line, padded with spaces so that the cache data after it starts at a multiple
 * of DATA_ALIGNMENT bytes into the file: V8 copies cached data that is not pointer-aligned before
 * reading it (the whole cache, at every start). readFileSync's buffer starts aligned.
 */
function headerLine(header: CacheHeader): Buffer {
  const json = JSON.stringify(header);
  const padding = (DATA_ALIGNMENT - ((json.length + 1) % DATA_ALIGNMENT)) % DATA_ALIGNMENT;
  return Buffer.from(`${json}${' '.repeat(padding)}\n`, 'latin1');
}

/** The header a cache of `data` for `bundle` has; undefined for a bundle that names no build (no cache can vouch for it). */
function headerFor(bundle: Buffer, data: Buffer): CacheHeader | undefined {
  const buildId = BUILD_ID.exec(bundle.toString('latin1', 0, BUILD_ID_BYTES))?.[1];
  if (buildId === undefined) return undefined;
  return {
    format: CACHE_FORMAT,
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    bundleBytes: bundle.length,
    buildId,
    dataBytes: data.length,
    dataCrc32: crc32(data),
  };
}
