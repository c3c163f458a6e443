/**
 * `tsdbt source freshness`: for each selected source table with a `freshness:` rule, the newest
 * `loaded_at_field` (or `loaded_at_query`) against `warn_after`/`error_after`, written to
 * target/sources.json in dbt's shape. A table without a rule is left out, as in dbt.
 */
import { connect } from '../adapter/connect.js';
import { writeJsonArtifact } from '../artifacts/write-artifacts.js';
import type { Project } from '../compile/load-project.js';
import { freshnessJson, thresholdSeconds, type FreshnessRule } from '../compile/freshness.js';
import type { SourceNode } from '../compile/nodes.js';
import type { Adapter } from '../core/adapter-types.js';
import { isTsdbtError } from '../core/errors.js';
import { freshnessQuery } from '../materialize/plan-freshness.js';
import { TSDBT_VERSION } from '../version.js';
import type { Invocation, TaskResult } from './invocation.js';
import { openProject } from './open-project.js';
import type { ProjectOptions, SelectOptions } from './options.js';
import { resolveSelection } from './selection.js';

export type SourceFreshnessOptions = ProjectOptions & SelectOptions;

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  uniqueId: string;
  /** `astro.raw_astros`. */
  name: string;
  status: FreshnessStatus;
  maxLoadedAt: Date | undefined;
  snapshottedAt: Date | undefined;
  ageSeconds: number | undefined;
  rule: FreshnessRule;
  message: string;
  executionSeconds: number;
}

export interface SourceFreshnessResult extends TaskResult {
  project: Project;
  results: FreshnessResult[];
  /** Selected sources that have no freshness rule (or nothing to measure it by). */
  unmeasured: string[];
  /** Where sources.json was written. */
  artifact: string | undefined;
}

export async function sourceFreshness(invocation: Invocation, options: SourceFreshnessOptions = {}): Promise<SourceFreshnessResult> {
  const project = openProject(options, invocation);
  const ids = resolveSelection(project, options, ['source'], invocation.log).ids;
  const sources = ids.map((id) => project.sources.get(id)).filter((source): source is SourceNode => source !== undefined);
  const measured = sources.filter((source) => source.freshness !== undefined && (source.loadedAtField !== undefined || source.loadedAtQuery !== undefined));
  const unmeasured = sources.filter((source) => !measured.includes(source)).map(nameOf);
  for (const source of sources.filter((source) => source.freshness !== undefined && !measured.includes(source))) {
    invocation.log.warn(
      `${source.originalFilePath}:${source.line ?? 1}: source ${nameOf(source)} has a freshness rule but no \`loaded_at_field\` or \`loaded_at_query\`, so it is not checked.`,
    );
  }
  if (measured.length === 0) {
    invocation.log.warn('Nothing to check: no selected source has both a `freshness:` rule and a `loaded_at_field`.');
    return { status: 'ok', project, results: [], unmeasured, artifact: writeSourcesJson(project, invocation, [], 0) };
  }
  const started = invocation.now();
  const adapter = await connect(project.target, { projectDir: project.dir, logger: invocation.logger });
  const results: FreshnessResult[] = [];
  try {
    for (const [index, source] of measured.entries()) {
      invocation.log.info(`${index + 1} of ${measured.length} START freshness of ${nameOf(source)}`);
      const result = await measure(adapter, source, invocation.now);
      results.push(result);
      invocation.log.info(`${index + 1} of ${measured.length} ${result.status.toUpperCase()} freshness of ${nameOf(source)}: ${result.message}`);
    }
  } finally {
    await adapter.close();
  }
  const elapsed = (invocation.now().getTime() - started.getTime()) / 1000;
  const artifact = writeSourcesJson(project, invocation, results, elapsed);
  const failed = results.some((result) => result.status === 'error' || result.status === 'runtime error');
  return { status: failed ? 'failed' : 'ok', project, results, unmeasured, artifact };
}

async function measure(adapter: Adapter, source: SourceNode, now: () => Date): Promise<FreshnessResult> {
  const rule = source.freshness!;
  const started = now();
  const base = { uniqueId: source.uniqueId, name: nameOf(source), rule };
  const seconds = () => (now().getTime() - started.getTime()) / 1000;
  try {
    const sql = freshnessQuery({ ...source.relation, loadedAtField: source.loadedAtField, loadedAtQuery: source.loadedAtQuery, filter: rule.filter });
    const [row] = await adapter.query<{ measured: string | number; max_loaded_at: string | number; snapshotted_at: string | number }>(sql);
    const snapshottedAt = new Date(Number(row?.snapshotted_at ?? 0) * 1000);
    if (row === undefined || Number(row.measured) === 0) {
      return {
        ...base,
        status: 'error',
        maxLoadedAt: undefined,
        snapshottedAt,
        ageSeconds: undefined,
        message: 'no rows to measure (the table is empty, or the filter matches nothing)',
        executionSeconds: seconds(),
      };
    }
    const maxLoadedAt = new Date(Number(row.max_loaded_at) * 1000);
    const age = Number(row.snapshotted_at) - Number(row.max_loaded_at);
    const status = verdict(rule, age);
    return {
      ...base,
      status,
      maxLoadedAt,
      snapshottedAt,
      ageSeconds: age,
      message: `last loaded ${describeAge(age)} ago (${maxLoadedAt.toISOString()})`,
      executionSeconds: seconds(),
    };
  } catch (error) {
    const message = isTsdbtError(error) ? `${error.code}: ${error.message}` : String(error);
    return { ...base, status: 'runtime error', maxLoadedAt: undefined, snapshottedAt: undefined, ageSeconds: undefined, message, executionSeconds: seconds() };
  }
}

function verdict(rule: FreshnessRule, ageSeconds: number): FreshnessStatus {
  if (rule.errorAfter !== undefined && ageSeconds > thresholdSeconds(rule.errorAfter)) return 'error';
  if (rule.warnAfter !== undefined && ageSeconds > thresholdSeconds(rule.warnAfter)) return 'warn';
  return 'pass';
}

function describeAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

function nameOf(source: SourceNode): string {
  return `${source.sourceName}.${source.name}`;
}

/** target/sources.json in dbt's v3 shape. */
function writeSourcesJson(project: Project, invocation: Invocation, results: FreshnessResult[], elapsed: number): string {
  const json = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json',
      dbt_version: TSDBT_VERSION,
      tsdbt_version: TSDBT_VERSION,
      generated_at: invocation.now().toISOString(),
      invocation_id: project.invocationId,
      env: {},
    },
    results: results.map((result) => ({
      unique_id: result.uniqueId,
      max_loaded_at: result.maxLoadedAt?.toISOString() ?? null,
      snapshotted_at: result.snapshottedAt?.toISOString() ?? null,
      max_loaded_at_time_ago_in_s: result.ageSeconds ?? null,
      status: result.status,
      criteria: freshnessJson(result.rule),
      adapter_response: {},
      timing: [],
      thread_id: 'Thread-1',
      execution_time: result.executionSeconds,
      ...(result.status === 'runtime error' ? { error: result.message } : {}),
    })),
    elapsed_time: elapsed,
  };
  return writeJsonArtifact(project, 'sources.json', json);
}
