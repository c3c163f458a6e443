/**
 * The CLI bundle's V8 code cache (scripts/build-cli-bundle.mjs, src/cli/load-bundle.cts): the
 * build leaves one this Node uses, and a cache that is not for the bundle beside it (another
 * build, a bundle that names none, damaged or cut file, another Node, one V8 refuses) is never
 * used and changes nothing: the bundle loads from source and the command prints what it prints
 * without a cache.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, projectYml, removeProject, writeProject } from '../support/cli.js';

const LOADER = path.join(REPO_ROOT, 'dist', 'cli', 'load-bundle.cjs');
const BUNDLE = path.join(REPO_ROOT, 'dist', 'cli-bundle', 'main.cjs');

interface Loaded {
  status: string;
  stdout: string;
  code: number | null;
}

/** Loads `bundle` with the built loader in a new Node process and runs `args`; the cache's status is on stderr's first line. */
function runBundle(bundle: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Loaded> {
  const script = `require(${JSON.stringify(LOADER)}).loadCliBundle(${JSON.stringify(bundle)}).then((cli) => { process.stderr.write(cli.codeCache + '\\n'); return cli.main(process.argv); })`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', script, 'tsdbt', ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, NO_COLOR: '1', TSDBT_WRITE_CODE_CACHE: undefined, ...options.env } },
      (error, stdout, stderr) => resolve({ status: stderr.split('\n')[0] ?? '', stdout, code: error ? (error.code as number) : 0 }),
    );
  });
}

/** The build id the build wrote first in a bundle. */
function buildIdOf(bundle: Buffer): string | undefined {
  return /^\/\*tsdbt-build:([0-9a-f]{32})\*\//.exec(bundle.toString('latin1', 0, 48))?.[1];
}

function header(bundle: Buffer, data: Buffer, overrides: Record<string, unknown> = {}): Buffer {
  const fields = {
    format: 2,
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    bundleBytes: bundle.length,
    buildId: buildIdOf(bundle),
    dataBytes: data.length,
    dataCrc32: crc32(data),
    ...overrides,
  };
  return Buffer.from(`${JSON.stringify(fields)}\n`, 'latin1');
}

describe('the CLI bundle code cache', () => {
  let dir: string;
  let builtCache: Buffer;
  let cacheData: Buffer;
  let bundleBytes: Buffer;
  let plainHelp: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-code-cache-test-'));
    bundleBytes = readFileSync(BUNDLE);
    builtCache = readFileSync(`${BUNDLE}.v8cache`);
    cacheData = builtCache.subarray(builtCache.indexOf(0x0a) + 1);
    // The same bundle with no cache beside it: what every load below must print.
    const plain = path.join(dir, 'plain', 'main.cjs');
    copyInto(plain, bundleBytes);
    const result = await runBundle(plain, ['--help']);
    expect(result.status).toBe('absent');
    expect(result.code).toBe(0);
    plainHelp = result.stdout;
    expect(plainHelp).toContain('run again what failed or was skipped last time');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A folder of its own holding `bytes` as the bundle and, when given, `cache` as its code cache. */
  function copyInto(file: string, bytes: Buffer, cache?: Buffer): void {
    rmSync(path.dirname(file), { recursive: true, force: true });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    if (cache !== undefined) writeFileSync(`${file}.v8cache`, cache);
  }

  it('is left by the build and used by this Node, and a parsing ls through it lists the project', async () => {
    const project = writeProject({
      'project.yml': projectYml('demo'),
      'macros/pick.sql': "{% macro pick(x) %}{{ x if x else 'none' }}{% endmacro %}",
      'models/a.sql': 'select {{ pick(1) }} as x',
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    try {
      const result = await runBundle(BUNDLE, ['ls'], { cwd: project, env: { HOME: project } });
      expect(result.status).toBe('used');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('demo.a\ndemo.b\n');
    } finally {
      removeProject(project);
    }
  });

  it('is made for a bundle without whitespace or comments, whose functions keep their names (stack traces name them)', () => {
    const text = bundleBytes.toString('latin1');
    // One line per 500 bytes at most (unminified, one per 40).
    expect(text.split('\n').length).toBeLessThan(text.length / 500);
    expect(text).toMatch(/function loadProject\(/);
    expect(text).toMatch(/function openRenderEnvironment\(/);
  });

  it('keeps its data at a multiple of 8 bytes into the file (V8 copies cached data that is not pointer-aligned)', () => {
    const dataStart = builtCache.indexOf(0x0a) + 1;
    expect(dataStart % 8).toBe(0);
    expect(JSON.parse(builtCache.subarray(0, dataStart).toString('latin1'))).toMatchObject({
      format: 2,
      buildId: buildIdOf(bundleBytes),
      dataBytes: cacheData.length,
    });
  });

  it('names the bundle by a build id first in it, a hash of the rest of the file', () => {
    const id = buildIdOf(bundleBytes);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const rest = bundleBytes.subarray(`/*tsdbt-build:${id}*/`.length);
    expect(createHash('sha256').update(rest).digest('hex').slice(0, 32)).toBe(id);
  });

  it('is not used for another build of the same length (V8 checks only the length), nor for a bundle that names no build', async () => {
    const text = bundleBytes.toString('latin1');
    const summary = 'run again what failed or was skipped last time';
    expect(text).toContain(summary);
    const id = buildIdOf(bundleBytes)!;
    const otherId = id.replace(/^./, (digit) => (digit === '0' ? '1' : '0'));
    const rebuilt = Buffer.from(text.replace(summary, summary.toUpperCase()).replace(id, otherId), 'latin1');
    const unnamed = Buffer.from(text.replace(`/*tsdbt-build:${id}*/`, `/*${' '.repeat(id.length + 12)}*/`), 'latin1');
    for (const [name, bytes] of Object.entries({ 'another build': rebuilt, 'no build id': unnamed })) {
      expect(bytes.length, name).toBe(bundleBytes.length);
      expect(buildIdOf(bytes), name).not.toBe(id);
      const file = path.join(dir, 'changed', 'main.cjs');
      copyInto(file, bytes, builtCache);
      const result = await runBundle(file, ['--help']);
      expect(result.status, name).toBe('unusable');
      expect(result.stdout, name).toBe(name === 'another build' ? plainHelp.replace(summary, summary.toUpperCase()) : plainHelp);
    }
  });

  it('is not used when damaged, cut, or made by another Node, and the command prints the same', async () => {
    const flipped = Buffer.from(builtCache);
    const middle = builtCache.indexOf(0x0a) + 1 + Math.floor(cacheData.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
    const variants: Record<string, Buffer> = {
      'a flipped byte': flipped,
      'cut short': builtCache.subarray(0, builtCache.length - 1000),
      'the header alone': builtCache.subarray(0, builtCache.indexOf(0x0a) + 1),
      empty: Buffer.alloc(0),
      'no header': cacheData,
      'a header that is not JSON': Buffer.concat([Buffer.from('{"format":1,\n'), cacheData]),
      'another Node': Buffer.concat([header(bundleBytes, cacheData, { node: 'v0.0.0' }), cacheData]),
      'another V8': Buffer.concat([header(bundleBytes, cacheData, { v8: '0.0' }), cacheData]),
      'another format': Buffer.concat([header(bundleBytes, cacheData, { format: 0 }), cacheData]),
      'the format before build ids': Buffer.concat([
        header(bundleBytes, cacheData, { format: 1, buildId: undefined, bundleCrc32: crc32(bundleBytes) }),
        cacheData,
      ]),
    };
    for (const [name, cache] of Object.entries(variants)) {
      const file = path.join(dir, 'damaged', 'main.cjs');
      copyInto(file, bundleBytes, cache);
      const result = await runBundle(file, ['--help']);
      expect(result.status, name).toBe('unusable');
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toBe(plainHelp);
    }
  });

  it('falls back to the source when V8 refuses a cache whose header vouches for it', async () => {
    // Another bundle's cache under a header made for this one: the loader's checks pass, V8's do not.
    const other = Buffer.concat([bundleBytes, Buffer.from('\n// one more line\n', 'latin1')]);
    const file = path.join(dir, 'refused', 'main.cjs');
    copyInto(file, other, Buffer.concat([header(other, cacheData), cacheData]));
    const result = await runBundle(file, ['--help']);
    expect(result.status).toBe('refused');
    expect(result.stdout).toBe(plainHelp);
  });

  it('is written by a run asked to, and used by the next', async () => {
    const file = path.join(dir, 'written', 'main.cjs');
    copyInto(file, bundleBytes);
    const first = await runBundle(file, ['--help'], { env: { TSDBT_WRITE_CODE_CACHE: '1' } });
    expect(first.status).toBe('absent');
    expect(first.stdout).toBe(plainHelp);
    const written = readFileSync(`${file}.v8cache`);
    expect((written.indexOf(0x0a) + 1) % 8).toBe(0);
    const second = await runBundle(file, ['--help']);
    expect(second.status).toBe('used');
    expect(second.stdout).toBe(plainHelp);
  });
});
