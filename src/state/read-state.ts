import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isPlainObject as isRecord } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { PreviousResults, SourceLoadTimes } from '../graph/select/state.js';
import type { ManifestLike } from './manifest-types.js';

/** What `--state DIR` holds: the manifest of an earlier run and, when present, its results. */
export interface PreviousState {
  /** The folder as given (for messages). */
  dir: string;
  manifest: ManifestLike;
  /** From run_results.json next to the manifest; undefined when there is none. */
  results: PreviousResults | undefined;
  /** From sources.json next to the manifest (`tsdbt source freshness`); undefined when there is none. */
  sourceLoadTimes: SourceLoadTimes | undefined;
}

/** One run_results.json: statuses by node and the arguments of the command that wrote it. */
export interface PreviousRunResults {
  file: string;
  statuses: Map<string, string>;
  /** Microbatch models' failed batches (`batch_results.failed`), by unique id. */
  failedBatches: Map<string, [string, string][]>;
  /** The `args` block: `which` (run, build…) and the options the command was given. */
  args: Record<string, unknown>;
  generatedAt: string | undefined;
}

/**
 * Reads a state folder (typically production's `target/`, copied or downloaded). The
 * manifest is required; run_results.json is optional (it only feeds `result:` selectors).
 */
export function readState(dir: string, cwd: string = process.cwd()): PreviousState {
  const full = path.resolve(cwd, dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_NOT_FOUND,
      message: `The state folder '${dir}' does not exist (looked for ${full}).`,
      hint: "Pass --state with the folder holding the manifest.json of the run to compare with, e.g. a copy of production's target/.",
    });
  }
  const manifestFile = path.join(full, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_NOT_FOUND,
      message: `The state folder '${dir}' has no manifest.json.`,
      file: path.join(dir, 'manifest.json'),
      hint: 'tsdbt run, build and compile write target/manifest.json; copy that folder (e.g. from the production job) and point --state at it.',
    });
  }
  const manifest = readJson(manifestFile, path.join(dir, 'manifest.json'));
  if (!isRecord(manifest) || !isRecord(manifest['nodes'])) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_INVALID,
      message: `${path.join(dir, 'manifest.json')} is not a manifest: it has no "nodes" mapping.`,
      file: path.join(dir, 'manifest.json'),
      hint: 'Point --state at a target/ folder written by tsdbt (or dbt).',
    });
  }
  const resultsFile = path.join(full, 'run_results.json');
  const results = existsSync(resultsFile) ? readRunResults(resultsFile, path.join(dir, 'run_results.json')).statuses : undefined;
  return {
    dir,
    manifest: {
      metadata: isRecord(manifest['metadata']) ? (manifest['metadata'] as ManifestLike['metadata']) : undefined,
      nodes: manifest['nodes'] as ManifestLike['nodes'],
      sources: isRecord(manifest['sources']) ? (manifest['sources'] as ManifestLike['sources']) : {},
      macros: isRecord(manifest['macros']) ? (manifest['macros'] as ManifestLike['macros']) : {},
    },
    results,
    sourceLoadTimes: readSourceLoadTimes(path.join(full, 'sources.json'), path.join(dir, 'sources.json')),
  };
}

/** The `max_loaded_at` of each source in a sources.json; undefined when the file is absent. */
export function readSourceLoadTimes(file: string, label: string): SourceLoadTimes | undefined {
  if (!existsSync(file)) return undefined;
  const value = readJson(file, label);
  const results = isRecord(value) && Array.isArray(value['results']) ? (value['results'] as unknown[]) : undefined;
  if (results === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_INVALID,
      message: `${label} is not a sources.json: it has no "results" list.`,
      file: label,
      hint: 'It is written by `tsdbt source freshness` (or `dbt source freshness`).',
    });
  }
  const times = new Map<string, string>();
  for (const entry of results) {
    if (isRecord(entry) && typeof entry['unique_id'] === 'string' && typeof entry['max_loaded_at'] === 'string')
      times.set(entry['unique_id'], entry['max_loaded_at']);
  }
  return times;
}

/** Reads a run_results.json; `label` is how messages name it (a path relative to the user). */
export function readRunResults(file: string, label: string = file): PreviousRunResults {
  const value = readJson(file, label);
  const results = isRecord(value) ? value['results'] : undefined;
  if (!Array.isArray(results)) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_INVALID,
      message: `${label} is not a run_results.json: it has no "results" list.`,
      file: label,
      hint: 'It is written by tsdbt run (and build, seed, test); run one of them again to get a fresh one.',
    });
  }
  const statuses = new Map<string, string>();
  const failedBatches = new Map<string, [string, string][]>();
  for (const result of results) {
    if (isRecord(result) && typeof result['unique_id'] === 'string' && typeof result['status'] === 'string')
      statuses.set(result['unique_id'], result['status']);
    const batches = isRecord(result) && isRecord(result['batch_results']) ? result['batch_results']['failed'] : undefined;
    if (Array.isArray(batches) && batches.length > 0) {
      const windows = batches.filter(
        (pair): pair is [string, string] => Array.isArray(pair) && pair.length === 2 && pair.every((time) => typeof time === 'string'),
      );
      failedBatches.set(String(result['unique_id']), windows);
    }
  }
  const record = value as Record<string, unknown>;
  const metadata = isRecord(record['metadata']) ? record['metadata'] : {};
  return {
    file,
    statuses,
    failedBatches,
    args: isRecord(record['args']) ? record['args'] : {},
    generatedAt: typeof metadata['generated_at'] === 'string' ? metadata['generated_at'] : undefined,
  };
}

function readJson(file: string, label: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TsdbtError({
      code: ErrorCodes.STATE_INVALID,
      message: `${label} is not valid JSON: ${(error as Error).message}.`,
      file: label,
      hint: 'The file may be cut short (an interrupted copy or download); fetch it again.',
      cause: error,
    });
  }
}
