/**
 * `tsdbt ls` answered without parsing the project: when the last compile's record
 * (compile_stamps.json, see compile-stamps.ts) vouches that target/manifest.json describes what a
 * parse would give now (same folder, --project-dir, --profiles-dir, --target and --vars; every
 * project, profile, selectors and package file, every environment variable the parse read, and the
 * manifest itself as recorded), the nodes are read back from the manifest: its entries give
 * selection the fields it reads (GraphNode), its parent_map and child_map the graph. Selection
 * then runs the same code as on the parsed project (select-on-graph.ts), and the parse's warnings,
 * which the record keeps, are said again first, as the parse would say them.
 *
 * Whatever the manifest cannot answer exactly, and anything unexpected, is left to the parse (the
 * caller parses when this returns undefined): --state (and so `state:`, `result:`,
 * `source_status:`), `column:` (it reads the parsed project's lineage), unique ids chosen
 * beforehand, `--output json` keys the compile changes (its compiled SQL, `created_at`), a
 * selection or selectors.yml that does not parse or names a selector that is not there (the
 * parse path reports those, after the parse's own warnings), and a manifest not in the shape
 * written by this build.
 *
 * Light on purpose: Node built-ins and the record's checks; the selector modules only when there
 * is something to select by, and selectors.yml's parser (the `yaml` library) only when the
 * project has one.
 */
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { logInvocationId } from '../core/log-invocation-id.js';
import type { GraphNode, ResourceType } from '../graph/node.js';
import type { SelectionExpression } from '../graph/select/expression.js';
import { RESOURCE_TYPES as SELECTABLE_TYPES } from '../graph/select/method-names.js';
import type { SelectionGraph } from '../graph/select/selection-graph.js';
import { unselected } from '../graph/select/unselected.js';
import { readTextFile } from '../project/file-stamps.js';
import { readProjectFile } from '../project/read-file.js';
import { secretEnvValues } from '../template/secret-env.js';
import { parseRecord, type CompileStamps } from './compile-stamps.js';
import type { Invocation, TaskResult } from './invocation.js';
import type { ProjectOptions, SelectOptions } from './options.js';
import type { SelectorsSource } from './select-on-graph.js';

/** What `tsdbt ls --resource-type` accepts (with `all`). */
export const RESOURCE_TYPES: readonly ResourceType[] = ['model', 'source', 'seed', 'test', 'unit_test', 'snapshot', 'analysis', 'exposure'];

/** --resource-type checked: the kinds to keep (every kind when none or `all` is given). */
export function resourceTypes(given: readonly string[] | undefined): ResourceType[] {
  if (given === undefined || given.includes('all')) return [...RESOURCE_TYPES];
  for (const type of given) {
    if (!RESOURCE_TYPES.includes(type as ResourceType)) {
      throw new TsdbtError({ code: ErrorCodes.USAGE, message: `'${type}' is not a resource type.`, hint: `Use one of: ${RESOURCE_TYPES.join(', ')}, all.` });
    }
  }
  return given as ResourceType[];
}

export interface RecordedLsOptions extends ProjectOptions, SelectOptions {
  resourceType?: string[];
  /** The manifest fields the caller prints of each node (`--output json`); undefined when it prints none. */
  manifestKeys?: readonly string[];
}

export interface RecordedLsEntry {
  node: GraphNode;
  /** The node's manifest.json entry (when `manifestKeys` were asked for). */
  manifest?: Record<string, unknown>;
}

export interface RecordedLsResult extends TaskResult {
  /** The selected nodes, sorted by unique id. */
  nodes: RecordedLsEntry[];
}

/**
 * Fields of a manifest entry that parsing alone decides: a compile writes them as `tsdbt ls`
 * would build them. Left out: `created_at` (the time of the command that wrote them) and the
 * compiled SQL (`compiled`, `compiled_code`, `compiled_path`, `extra_ctes_injected`). A field not
 * listed here (a new one too) makes `ls --output json` parse; test/tasks/ls-recorded.test.ts
 * checks every field listed against a parse.
 */
export const PARSE_FIELDS: ReadonlySet<string> = new Set([
  // every kind
  'database',
  'schema',
  'name',
  'resource_type',
  'package_name',
  'path',
  'original_file_path',
  'unique_id',
  'fqn',
  'alias',
  'checksum',
  'config',
  'tags',
  'description',
  'columns',
  'meta',
  'relation_name',
  'raw_code',
  'language',
  'depends_on',
  // models
  'group',
  'docs',
  'patch_path',
  'build_path',
  'refs',
  'sources',
  'metrics',
  'extra_ctes',
  'contract',
  'access',
  'constraints',
  'version',
  'latest_version',
  'deprecation_date',
  // tests
  'test_metadata',
  'column_name',
  'attached_node',
  // sources
  'source_name',
  'source_description',
  'loader',
  'identifier',
  'quoting',
  'loaded_at_field',
  'freshness',
  'loaded_at_query',
  'external',
  'source_meta',
  'ingest',
  // exposures
  'type',
  'owner',
  'label',
  'maturity',
  'unrendered_config',
  'url',
  // unit tests
  'model',
  'given',
  'expect',
  'overrides',
  'versions',
]);

/** Methods whose answer needs more than the nodes and the graph (the parsed project's lineage, --state). */
const PARSE_METHODS = new Set(['column', 'state', 'result', 'source_status']);

/** `tsdbt ls` from the last compile's manifest.json, or undefined when the project must be parsed for the answer. */
export async function lsFromRecord(invocation: Invocation, options: RecordedLsOptions): Promise<RecordedLsResult | undefined> {
  const types = resourceTypes(options.resourceType);
  if (options.state !== undefined || options.ids !== undefined) return undefined;
  if (options.manifestKeys?.some((key) => !PARSE_FIELDS.has(key)) === true) return undefined;
  const texts = [...(options.select ?? []), ...(options.models ?? []), ...(options.exclude ?? [])];
  if (texts.length > 0) {
    const { parseSelection } = await import('../graph/select/parse-selection.js');
    const parseQuietly = (text: string): SelectionExpression | undefined => {
      try {
        return parseSelection(text);
      } catch {
        return undefined;
      }
    };
    if (texts.map(parseQuietly).some((expression) => expression === undefined || needsParse(expression))) return undefined;
  }

  const stamps = parseRecord(options, invocation.env);
  if (stamps === undefined) return undefined;
  // The parse's warnings come first in what the compile said; a record that does not say how many there were is of no use here.
  const parseSaid = stamps.said.length === 0 ? 0 : stamps.parseSaid;
  if (typeof parseSaid !== 'number' || parseSaid > stamps.said.length) return undefined;
  // The parse would redact the target's password from what ls prints; only a parse knows it.
  if (stamps.targetSecret !== false) return undefined;
  const selectors = await recordedSelectors(stamps, options, texts.length > 0);
  if (selectors === false) return undefined;
  const read = readManifest(path.resolve(stamps.projectDir, stamps.targetPath, 'manifest.json'));
  if (read === undefined) return undefined;

  // Redacted from what ls says and prints, as after a parse (which adds the target's secrets: none here).
  invocation.events.projectReused?.(
    { dir: stamps.projectDir, invocationId: logInvocationId(), config: { logPath: stamps.logPath } },
    secretEnvValues(process.env),
  );
  for (const [level, text] of stamps.said.slice(0, parseSaid)) invocation.log[level](text);
  invocation.log.detail(`Listed from ${stamps.targetPath}/manifest.json: nothing the last compile read has changed since.`);
  // Nothing to select by (the usual `tsdbt ls`): selection's answer for that, without loading the rest of it.
  const ids =
    texts.length === 0 && options.selector === undefined && selectors === undefined
      ? [...unselected(read.graph, types)].sort()
      : (await import('./select-on-graph.js')).selectOnGraph({
          graph: read.graph,
          options,
          resourceTypes: types,
          log: invocation.log,
          readSelectors: () => selectors,
        });
  const withEntries = options.manifestKeys !== undefined;
  return {
    status: 'ok',
    nodes: ids.map((id) => ({ node: read.labels.get(id)!, ...(withEntries ? { manifest: read.entries.get(id)! } : {}) })),
  };
}

function needsParse(expression: SelectionExpression): boolean {
  switch (expression.kind) {
    case 'criteria':
      return PARSE_METHODS.has(expression.method);
    case 'difference':
      return needsParse(expression.include) || needsParse(expression.exclude);
    default:
      return expression.members.some(needsParse);
  }
}

/**
 * selectors.yml as selection would read it (undefined: not read, or absent and not required), or
 * false when the parse path must answer: --selector without the file, a file that does not parse,
 * a selector not defined, or one whose methods need the parsed project.
 */
async function recordedSelectors(stamps: CompileStamps, options: SelectOptions, selected: boolean): Promise<SelectorsSource | undefined | false> {
  const named = options.selector;
  if (named === undefined && selected) return undefined;
  const file = path.join(stamps.projectDir, 'selectors.yml');
  // The record vouches for the file's presence and contents (absent: null).
  if (!(file in stamps.files)) return false;
  if (stamps.files[file] === null) return named === undefined ? undefined : false;
  try {
    const { defaultSelector, findSelector, parseSelectorsFile, selectorLookup } = await import('../graph/select/selectors-file.js');
    const selectors = parseSelectorsFile(readProjectFile(stamps.projectDir, 'selectors.yml'), 'selectors.yml');
    const used = named === undefined ? defaultSelector(selectors)?.expression : findSelector(selectors, named);
    if (used !== undefined && needsParse(used)) return false;
    return selectorLookup(selectors);
  } catch {
    return false;
  }
}

/** A graph read back from manifest.json: its labels from the entries, its edges from parent_map and child_map. */
interface ManifestGraph {
  graph: SelectionGraph;
  labels: Map<string, GraphNode>;
  entries: Map<string, Record<string, unknown>>;
}

/** The manifest's nodes and graph, or undefined when the file is not in the shape this build writes. */
function readManifest(file: string): ManifestGraph | undefined {
  const text = readTextFile(file);
  if (text === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(manifest)) return undefined;
  const parentMap = manifest['parent_map'];
  const childMap = manifest['child_map'];
  if (!isRecord(parentMap) || !isRecord(childMap)) return undefined;
  const entries = new Map<string, Record<string, unknown>>();
  for (const section of ['nodes', 'sources', 'exposures', 'unit_tests']) {
    const found = manifest[section];
    if (!isRecord(found)) return undefined;
    for (const [id, entry] of Object.entries(found)) {
      if (!isRecord(entry) || entries.has(id)) return undefined;
      entries.set(id, entry);
    }
  }
  // parent_map lists every node in the project's order (selection's guesses at a misspelt criterion depend on it).
  const ids = Object.keys(parentMap);
  if (ids.length !== entries.size || Object.keys(childMap).length !== ids.length) return undefined;
  const labels = new Map<string, GraphNode>();
  for (const id of ids) {
    const entry = entries.get(id);
    const label = entry === undefined ? undefined : labelOf(id, entry);
    const parents = parentMap[id];
    const children = childMap[id];
    if (label === undefined || !isStringList(parents) || !isStringList(children)) return undefined;
    labels.set(id, label);
  }
  const edges = (map: Record<string, unknown>, id: string): string[] | undefined => (labels.has(id) ? [...(map[id] as string[])] : undefined);
  return {
    graph: {
      nodes: () => [...ids],
      node: (id) => labels.get(id),
      predecessors: (id) => edges(parentMap, id),
      successors: (id) => edges(childMap, id),
    },
    labels,
    entries,
  };
}

/** Every kind a manifest entry may name (selection's `resource_type:` vocabulary). */
const KINDS: ReadonlySet<string> = new Set<string>(SELECTABLE_TYPES);

/**
 * The fields of a parsed node that selection and `ls` read, from its manifest entry (as
 * artifacts/manifest.ts writes them); undefined when the entry lacks one. Unit test entries carry
 * no `tags` (dbt's shape): a unit test's tags are its config's.
 */
function labelOf(id: string, entry: Record<string, unknown>): GraphNode | undefined {
  const { name, resource_type: kind, package_name: packageName, fqn, original_file_path: file, config } = entry;
  if (entry['unique_id'] !== id || typeof name !== 'string' || typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (typeof packageName !== 'string' || !isStringList(fqn) || typeof file !== 'string' || !isRecord(config)) return undefined;
  const tags = kind === 'unit_test' ? config['tags'] : entry['tags'];
  if (!isStringList(tags)) return undefined;
  const label: GraphNode & { testMetadata?: { name: unknown } } = {
    uniqueId: id,
    name,
    resourceType: kind as ResourceType,
    packageName,
    fqn,
    originalFilePath: file,
    tags,
    config,
  };
  if (kind === 'source') {
    if (typeof entry['source_name'] !== 'string') return undefined;
    label.sourceName = entry['source_name'];
  }
  const metadata = entry['test_metadata'];
  if (kind === 'test' && isRecord(metadata)) label.testMetadata = { name: metadata['name'] };
  return label;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
