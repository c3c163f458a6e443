/**
 * Custom fetchers: a project module that fetches what a plain JSON GET cannot (paging, auth
 * handshakes, SDKs) and returns rows or payloads. tsdbt still validates and lands the result,
 * and hands the fetcher its own retrying `fetchText`/`fetchJson` so backoff is not rewritten.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { IngestConfig } from './ingest-config.js';

export interface FetcherRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface FetcherContext {
  /** `astro.raw_astros` */
  source: string;
  config: IngestConfig;
  /** Fires on shutdown; pass it on to long operations. */
  signal: AbortSignal;
  logger: Logger;
  /** GETs (or sends `init`) with the source's timeout and retries; `url` defaults to the config's. */
  fetchText(url?: string, init?: FetcherRequest): Promise<string>;
  /** `fetchText`, parsed. */
  fetchJson(url?: string, init?: FetcherRequest): Promise<unknown>;
}

/** Returns rows (objects), payloads (JSON strings), or a list of either. */
export type Fetcher = (context: FetcherContext) => unknown;

export type ModuleImporter = (url: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (url) => import(url);

/** Imports `modulePath` (relative to `projectDir`) and returns its `default` or `fetcher` export. */
export async function loadFetcher(modulePath: string, projectDir: string, source: string, importModule: ModuleImporter = defaultImporter): Promise<Fetcher> {
  const file = path.resolve(projectDir, modulePath);
  let loaded: unknown;
  try {
    loaded = await importModule(pathToFileURL(file).href);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    throw new TsdbtError({
      code: ErrorCodes.INGEST_CONFIG_INVALID,
      message: `The fetcher module ${modulePath} of source ${source} could not be loaded: ${detail}`,
      file,
      hint:
        code === 'ERR_UNKNOWN_FILE_EXTENSION'
          ? 'This Node cannot import TypeScript directly: compile the fetcher to .js/.mjs, or use Node 22.18 or newer.'
          : 'Check the `fetcher:` path (it is relative to the project directory) and that the module loads on its own with `node`.',
      cause: error,
    });
  }
  const exports = (loaded ?? {}) as { default?: unknown; fetcher?: unknown };
  const fn = typeof exports.default === 'function' ? exports.default : exports.fetcher;
  if (typeof fn !== 'function') {
    throw new TsdbtError({
      code: ErrorCodes.INGEST_CONFIG_INVALID,
      message: `The fetcher module ${modulePath} of source ${source} exports no function.`,
      file,
      hint: 'Export the fetcher as `export default async function (ctx) { … }` or `export async function fetcher(ctx) { … }`.',
    });
  }
  return fn as Fetcher;
}
