/**
 * The JavaScript nunjucks generates for the project's macro files, kept in
 * `<target-path>/template_cache.json` for the next command: a parse defines every macro file, and
 * nunjucks' lexer, parser and code generator were about half of a parsing `tsdbt ls`'s own work
 * on the example project. With the code at hand only `new Function` runs.
 *
 * An entry's key is the SHA-256 of the file's path and the exact text nunjucks would compile (after
 * the dialect rewrite, jinja-dialect.ts), so any edit misses. The whole file is dropped when tsdbt
 * (its version or build) or the installed nunjucks changes, as the code depends on both (and on
 * the compiler patches of jinja-compiler-patches.ts, which are part of tsdbt's build).
 * `TSDBT_PARTIAL_PARSE=0` turns it off with the partial parse.
 *
 * The code runs as tsdbt's own: whoever can write the target folder can already change what tsdbt
 * runs there (a project's fetcher modules, ingest/fetcher-module.ts, are JavaScript).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeFileAtomically } from '../core/atomic-file.js';
import { buildStamp } from '../version.js';

const FILE = 'template_cache.json';
const FORMAT = 1;

interface CacheFile {
  format: number;
  /** tsdbt's and nunjucks' builds (`compilerStamp`). */
  compiler: string;
  /** Generated code by key (`keyOf`). */
  code: Record<string, string>;
}

/** Where the engine looks for a macro file's generated code before compiling it, and keeps what it compiled. */
export interface CompiledCodeStore {
  code(file: string, source: string): string | undefined;
  keep(file: string, source: string, code: string): void;
}

export class CompiledCodeCache implements CompiledCodeStore {
  private readonly used: Record<string, string> = {};
  private added = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly previous: Record<string, string>,
    private readonly compiler: string,
  ) {}

  /** The cache in `targetDir`; empty when there is none, it is unreadable, or another tsdbt or nunjucks wrote it. */
  static open(targetDir: string | undefined, env: Record<string, string | undefined> = process.env): CompiledCodeCache {
    if (targetDir === undefined || env.TSDBT_PARTIAL_PARSE === '0') return new CompiledCodeCache(undefined, {}, '');
    const file = path.join(targetDir, FILE);
    const compiler = compilerStamp();
    let previous: Record<string, string> = {};
    try {
      const read = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (read.format === FORMAT && read.compiler === compiler && typeof read.code === 'object' && read.code !== null) previous = read.code;
    } catch {
      previous = {}; // none yet, or unreadable: compile every file
    }
    return new CompiledCodeCache(file, previous, compiler);
  }

  code(file: string, source: string): string | undefined {
    const key = keyOf(file, source);
    const found = Object.hasOwn(this.previous, key) ? this.previous[key] : undefined;
    if (typeof found === 'string') this.used[key] = found;
    return typeof found === 'string' ? found : undefined;
  }

  keep(file: string, source: string, code: string): void {
    this.used[keyOf(file, source)] = code;
    this.added = true;
  }

  /**
   * Writes the code used by this command when it differs from what was read: something was
   * compiled, or an entry went unused (its file changed or is gone). A command that defines no
   * macro files (compile-patch's render of one model) writes nothing, as it never calls save.
   */
  save(): void {
    if (this.file === undefined) return;
    const unused = Object.keys(this.previous).some((key) => !Object.hasOwn(this.used, key));
    if (!this.added && !unused) return;
    try {
      const cache: CacheFile = { format: FORMAT, compiler: this.compiler, code: this.used };
      writeFileAtomically(this.file, JSON.stringify(cache));
    } catch {
      // A read-only target folder only costs the next command the compiles.
    }
  }
}

function keyOf(file: string, source: string): string {
  return createHash('sha256').update(`${file}\u0000${source}`).digest('hex');
}

/**
 * This tsdbt (`buildStamp`) and the installed nunjucks (where it is and its version: npm gives
 * every installed file the same time, so a time would not tell one nunjucks from another).
 */
function compilerStamp(): string {
  let nunjucks = 'unknown';
  try {
    const main = createRequire(import.meta.url).resolve('nunjucks');
    const { version } = JSON.parse(readFileSync(path.join(path.dirname(main), 'package.json'), 'utf8')) as { version?: unknown };
    nunjucks = `${main}@${String(version)}`;
  } catch {
    // not resolvable here: the engine fails to load it too
  }
  return `${buildStamp()}\u0000${nunjucks}`;
}
