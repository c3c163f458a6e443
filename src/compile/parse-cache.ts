/**
 * Partial parsing: what parsing learned from each file, kept in `<target-path>/partial_parse.json`
 * for the next command, keyed by the file's checksum (sha256 of its text).
 *
 * - YAML property files: the parsed value (lines are read again from the text when an error
 *   needs one).
 * - Models: the ref(), source() and config() calls of the parse-time render, and its text when
 *   compile may reuse it (see speculation.ts). A model whose render read anything beyond its own
 *   text and the project-wide inputs below (`env_var`, `invocation_id`, `config.get`, a relation's
 *   fields, `log`…) is not kept: it is rendered again every time, as without the cache.
 *
 * Everything else a render can see is project-wide and goes into one fingerprint: the project
 * file, the vars (with --vars), the target, every macro and docs file, and tsdbt itself. When the
 * fingerprint differs, the whole cache is dropped (dbt's full re-parse on a config change).
 * Errors are never cached: a file that failed is parsed again, and fails again the same way.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { PieceBuffer, writeJsonPieces } from '../core/json-pieces.js';
import { writeAllSync } from '../core/write-all.js';
import { buildStamp } from '../version.js';
import type { ModelNode } from './nodes.js';
import type { Speculation } from './speculation.js';

const FILE = 'partial_parse.json';
const FORMAT = 1;

export interface CachedModel {
  refs: ModelNode['refs'];
  sourceCalls: ModelNode['sourceCalls'];
  inFileConfig: Record<string, unknown>;
  /** The parse-time render and what it printed, when compile may reuse it. */
  render?: Omit<Speculation, 'volatile' | 'cacheable' | 'text'>;
}

interface CacheFile {
  format: number;
  fingerprint: string;
  yaml: Record<string, { checksum: string; json: string; lines: Record<string, number | null> }>;
  models: Record<string, { checksum: string; entry: CachedModel }>;
}

export interface FingerprintInputs {
  projectFile: string;
  vars: Record<string, unknown>;
  target: Record<string, unknown>;
  /** Macro, generic test and docs files: what any render may use. */
  files: readonly { path: string; text: string }[];
}

export class ParseCache {
  private readonly next: CacheFile;
  private dirty = false;
  /** Files whose earlier parse was reused (perf_info.json). */
  hits = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly previous: CacheFile | undefined,
    fingerprint: string,
  ) {
    this.next = { format: FORMAT, fingerprint, yaml: {}, models: {} };
  }

  /** The cache in `targetDir` for these inputs; empty when there is none, it is unreadable or stale. `TSDBT_PARTIAL_PARSE=0` turns it off. */
  static open(targetDir: string | undefined, inputs: FingerprintInputs): ParseCache {
    const fingerprint = fingerprintOf(inputs);
    const file = cacheFileIn(targetDir);
    if (file === undefined) return new ParseCache(undefined, undefined, fingerprint);
    let previous: CacheFile | undefined;
    try {
      const read = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
      if (read.format === FORMAT && read.fingerprint === fingerprint) previous = read;
    } catch {
      previous = undefined; // none yet, or unreadable: parse everything
    }
    return new ParseCache(file, previous, fingerprint);
  }

  /**
   * True when `open` on `targetDir` will find nothing to reuse because there is no cache file (or
   * caching is off): every file will be parsed. Asked before the files are read (loadProject
   * parses the property files on another thread only then), so it looks only for the file.
   */
  static findsNothing(targetDir: string | undefined): boolean {
    const file = cacheFileIn(targetDir);
    return file === undefined || !existsSync(file);
  }

  /**
   * The parsed value of a YAML file, as JSON text (parsed by the caller into a fresh value nobody
   * else holds), and the lines asked of it before (path → line), which `noteLine` adds to.
   */
  yaml(file: string, checksum: string): { json: string; lines: Record<string, number | null> } | undefined {
    const hit = this.previous?.yaml[file];
    if (hit === undefined || hit.checksum !== checksum) return undefined;
    this.hits += 1;
    this.next.yaml[file] = hit;
    return hit;
  }

  /** Keeps a YAML file's value; returns where to note the lines asked of it (`noteLine`). */
  setYaml(file: string, checksum: string, value: unknown): Record<string, number | null> | undefined {
    if (!isJson(value)) return undefined;
    const json = JSON.stringify(value);
    // target/ is shared (CI keeps it as an artifact): a file that may hold credentials (an `ingest:`
    // block's url, headers or body; any `user:password@` URL) is parsed again each time instead.
    if (/"ingest":|\/\/[^/\s"@]*:[^/\s"@]*@/.test(json)) return undefined;
    const lines: Record<string, number | null> = {};
    this.next.yaml[file] = { checksum, json, lines };
    this.dirty = true;
    return lines;
  }

  /** Notes the line of a path of a kept YAML file (the next command finds it without parsing the file). */
  noteLine(lines: Record<string, number | null>, key: string, line: number | undefined): void {
    if (lines[key] === (line ?? null)) return;
    lines[key] = line ?? null;
    this.dirty = true;
  }

  /** What parsing `file` gave, when its text has not changed (a copy: the caller may keep it). */
  model(file: string, checksum: string): CachedModel | undefined {
    const hit = this.previous?.models[file];
    if (hit === undefined || hit.checksum !== checksum) return undefined;
    this.hits += 1;
    this.next.models[file] = hit;
    return copyModel(hit.entry);
  }

  /**
   * Keeps what parsing `file` gave until `save`. Its lists are kept as given, not copied: they are
   * the parsed node's and its parse-time render's, which nothing changes once parsed (a copy was
   * 10,000 more sets of ref records held through the parse of a 10k-model project). The config,
   * which later merges may share, is copied.
   */
  setModel(file: string, checksum: string, entry: CachedModel): void {
    if (!isJson(entry.inFileConfig)) return;
    this.next.models[file] = { checksum, entry: { ...entry, inFileConfig: JSON.parse(JSON.stringify(entry.inFileConfig)) as Record<string, unknown> } };
    this.dirty = true;
  }

  /** False when there is nowhere to keep it or `TSDBT_PARTIAL_PARSE=0` turned it off. */
  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** Writes the cache when it changed (a file added, changed or gone). Never fails the command. */
  save(): void {
    if (this.file === undefined) return;
    const gone = (kept: Record<string, unknown> | undefined, now: Record<string, unknown>) => Object.keys(kept ?? {}).some((key) => !(key in now));
    if (!this.dirty && this.previous !== undefined && !gone(this.previous.yaml, this.next.yaml) && !gone(this.previous.models, this.next.models)) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeJsonInGroups(temp, this.next);
      renameSync(temp, this.file);
    } catch {
      // A read-only target folder only costs the next command a full parse.
    }
  }
}

/**
 * Entries stringified per call: enough to keep JSON.stringify's cost per call small, few enough
 * that each piece stays an ordinary young string (see writeGrouped in core/json-pieces.ts).
 */
const GROUP_SIZE = 16;

/**
 * Writes `JSON.stringify(cache)` to `file` a PIECE_BYTES buffer at a time, its `yaml` and `models` maps a
 * group of entries at a time: at 10,000 models the whole text is about 26 MB, which held as one
 * string (and the rope JSON.stringify builds it from) added that much to the compile's peak memory.
 */
function writeJsonInGroups(file: string, cache: CacheFile): void {
  const fd = openSync(file, 'w');
  try {
    const buffer = new PieceBuffer((bytes) => writeAllSync(fd, bytes));
    writeJsonPieces(cache, 2, (piece) => buffer.push(piece), GROUP_SIZE);
    buffer.flush();
  } finally {
    closeSync(fd);
  }
}

export function checksumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function fingerprintOf(inputs: FingerprintInputs): string {
  const hash = createHash('sha256');
  hash.update(`${FORMAT}\u0000${buildStamp()}\u0000`);
  hash.update(inputs.projectFile);
  hash.update(`\u0000${stableJson(inputs.vars)}\u0000${stableJson(inputs.target)}\u0000`);
  for (const file of [...inputs.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${file.path}\u0000${file.text}\u0000`);
  return hash.digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function copyModel(entry: CachedModel): CachedModel {
  return {
    refs: entry.refs.map((ref) => ({ ...ref })),
    sourceCalls: entry.sourceCalls.map((call) => ({ ...call })),
    inFileConfig: JSON.parse(JSON.stringify(entry.inFileConfig)) as Record<string, unknown>,
    ...(entry.render === undefined
      ? {}
      : {
          render: {
            output: entry.render.output,
            refs: entry.render.refs.map((ref) => ({ ...ref })),
            sources: entry.render.sources.map((call) => ({ ...call })),
            printedThis: entry.render.printedThis,
            ...(entry.render.usesAdapter === true ? { usesAdapter: true } : {}),
          },
        }),
  };
}

/** Survives a JSON round trip unchanged: plain objects, arrays, strings, finite numbers, booleans, null. */
function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isJson);
  return false;
}

/** The cache file in `targetDir`; undefined when there is nowhere to keep it or `TSDBT_PARTIAL_PARSE=0` turned caching off. */
function cacheFileIn(targetDir: string | undefined): string | undefined {
  return targetDir === undefined || process.env.TSDBT_PARTIAL_PARSE === '0' ? undefined : path.join(targetDir, FILE);
}
