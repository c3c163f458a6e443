import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { Problems, indexedDocument, parseYaml, type IndexedYaml, type YamlDocument } from '../config/yaml-document.js';
import { describeType, isPlainObject, stringList, type Plain } from '../config/value-checks.js';
import type { ProjectFile } from '../project/project-files.js';
import { readConstraints } from './constraints.js';
import type { ColumnProperties, ConstraintProperties, SourceNode } from './nodes.js';
import { parseExposures, type ExposureNode } from './exposures.js';
import { freshnessOf } from './freshness.js';
import { columnKeyWarnings, entryKeyWarnings, sectionWarnings } from './property-keys.js';
import { checksumOf, type ParseCache } from './parse-cache.js';

/** What a YAML property file says about one model (or seed). */
export interface NodePatch {
  name: string;
  file: string;
  line: number | undefined;
  description: string;
  config: Plain;
  columns: Record<string, ColumnProperties>;
  meta: Record<string, unknown>;
  tests: unknown[];
  /** Model-level `constraints:`. */
  constraints: ConstraintProperties[];
  /** Snapshots only: dbt 1.9's `relation: ref('x')` / `source('a', 'b')`, which defines the snapshot in YAML. */
  relation?: string;
}

/** A `unit_tests:` entry as written, with its file's line lookup; checked in testing/unit-tests. */
export interface RawUnitTest {
  entry: Record<string, unknown>;
  index: number;
  doc: YamlDocument;
}

export interface ParsedProperties {
  sources: SourceNode[];
  models: Map<string, NodePatch>;
  seeds: Map<string, NodePatch>;
  snapshots: Map<string, NodePatch>;
  unitTests: RawUnitTest[];
  errors: TsdbtError[];
  /** Keys and sections read past without acting on them, each with file:line. */
  warnings: string[];
  exposures: ExposureNode[];
}

export interface PropertiesContext {
  projectName: string;
  /** Parsed YAML values from the previous command, by file checksum (partial parsing). */
  cache?: ParseCache;
  /** Renders Jinja in a YAML string value (env_var, var, doc). */
  render: (text: string, file: string, line: number | undefined) => string;
  /** Renders an `ingest:` block, where secret environment variables may be read (default: render). */
  renderIngest?: (text: string, file: string, line: number | undefined) => string;
  /** A file's YAML as another thread already read it (project/yaml-thread.ts); undefined: parse it here. */
  parsed?: (file: ProjectFile) => IndexedYaml | undefined;
}

/** Sections read here or by the other parsers (snapshots, unit tests); the rest are warned about. */
const HANDLED_SECTIONS = ['version', 'sources', 'models', 'seeds', 'snapshots', 'unit_tests', 'exposures'];

const SECTIONS = [
  'version',
  'sources',
  'models',
  'seeds',
  'snapshots',
  'macros',
  'analyses',
  'exposures',
  'metrics',
  'semantic_models',
  'saved_queries',
  'unit_tests',
  'groups',
  'data_tests',
];

/** Parses every YAML property file. One broken file never hides problems in the others. */
export function parseProperties(files: Iterable<ProjectFile>, context: PropertiesContext): ParsedProperties {
  const out: ParsedProperties = {
    sources: [],
    models: new Map(),
    seeds: new Map(),
    snapshots: new Map(),
    unitTests: [],
    errors: [],
    warnings: [],
    exposures: [],
  };
  for (const file of files) {
    let doc: YamlDocument;
    try {
      doc = cachedYaml(file, context.cache, context.parsed?.(file));
    } catch (error) {
      if (error instanceof TsdbtError) out.errors.push(...error.all());
      else throw error;
      continue;
    }
    if (doc.value === null || doc.value === undefined) continue;
    const problems = new Problems(
      doc,
      ErrorCodes.PROPERTIES_INVALID,
      "Property files take dbt's format: `models:`, `seeds:` and `sources:`, each a list of `- name: …` entries with `description`, `columns`, `config`, `tests`.",
    );
    if (!isPlainObject(doc.value)) {
      problems.add([], `must be a mapping with \`sources:\` and/or \`models:\`, but it is ${describeType(doc.value)}.`);
    } else {
      // YAML files that aren't dbt property files (e.g. selectors, other tools' config) are left alone.
      if (Object.keys(doc.value).some((key) => SECTIONS.includes(key))) {
        const root = doc.value;
        readSources(root.sources, doc, problems, context, out);
        readPatches(root.models, 'models', doc, problems, context, out.models, out.warnings);
        readPatches(root.seeds, 'seeds', doc, problems, context, out.seeds, out.warnings);
        readPatches(root.snapshots, 'snapshots', doc, problems, context, out.snapshots, out.warnings);
        out.exposures.push(...parseExposures(root.exposures, doc, problems, context.projectName));
        out.warnings.push(...sectionWarnings(root, HANDLED_SECTIONS, doc));
        readUnitTestEntries(root.unit_tests, doc, problems, out.unitTests);
      }
    }
    out.errors.push(...problems.errors);
  }
  return out;
}

/**
 * The file's YAML, from the parse cache when its text is unchanged. The lines asked of a file are
 * kept with it, so the next command reads the text again only for a line nobody asked before.
 * `parsed` is what another thread made of the text: the same document parseYaml would make.
 */
function cachedYaml(file: ProjectFile, cache: ParseCache | undefined, parsed: IndexedYaml | undefined): YamlDocument {
  const parse = () =>
    parsed === undefined ? parseYaml(file.text, file.path, ErrorCodes.PROPERTIES_INVALID) : indexedDocument(file.path, parsed.value, parsed.index);
  if (cache === undefined) return parse();
  const checksum = checksumOf(file.text);
  const hit = cache.yaml(file.path, checksum);
  let full: YamlDocument | undefined;
  let value: unknown;
  let lines: Record<string, number | null> | undefined;
  if (hit === undefined) {
    full = parse();
    value = full.value;
    lines = cache.setYaml(file.path, checksum, value);
  } else {
    value = JSON.parse(hit.json) as unknown;
    lines = hit.lines;
  }
  return {
    file: file.path,
    value,
    lineOf: (at) => {
      const key = JSON.stringify(at);
      const known = lines?.[key];
      if (known !== undefined) return known ?? undefined;
      const line = (full ??= parse()).lineOf(at);
      if (lines !== undefined) cache.noteLine(lines, key, line);
      return line;
    },
  };
}

function readSources(raw: unknown, doc: YamlDocument, problems: Problems, context: PropertiesContext, out: ParsedProperties): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    problems.add(['sources'], `must be a list of sources (\`- name: …\`), but it is ${describeType(raw)}.`);
    return;
  }
  raw.forEach((source, index) => {
    const at = ['sources', index];
    if (!isPlainObject(source) || typeof source.name !== 'string') {
      problems.add(at, 'must have a `name`.', 'Each source looks like `- name: astro` with a `tables:` list.');
      return;
    }
    const render = (value: unknown, path: (string | number)[]): unknown => renderDeep(value, (text) => context.render(text, doc.file, doc.lineOf(path)));
    const schema = String(render(source.schema ?? source.database ?? source.name, [...at, 'schema']));
    const tables = source.tables;
    if (!Array.isArray(tables)) {
      problems.add([...at, 'tables'], 'must be a list of tables (`- name: raw_astros`).');
      return;
    }
    out.warnings.push(...entryKeyWarnings(source, 'source', at, doc));
    const sourceConfig = isPlainObject(source.config) ? source.config : {};
    tables.forEach((table, tableIndex) => {
      const tableAt = [...at, 'tables', tableIndex];
      if (!isPlainObject(table) || typeof table.name !== 'string') {
        problems.add(tableAt, 'must have a `name`.');
        return;
      }
      out.warnings.push(...entryKeyWarnings(table, 'source table', tableAt, doc), ...columnKeyWarnings(table.columns, [...tableAt, 'columns'], doc));
      const identifier = String(render(table.identifier ?? table.name, [...tableAt, 'identifier']));
      const ingest =
        table.ingest === undefined
          ? undefined
          : renderDeep(table.ingest, (text) => (context.renderIngest ?? context.render)(text, doc.file, doc.lineOf([...tableAt, 'ingest'])));
      if (ingest !== undefined && !isPlainObject(ingest)) {
        problems.add([...tableAt, 'ingest'], `must be a mapping (url, format, retries, …), but it is ${describeType(ingest)}.`);
      }
      const sourceName = source.name as string;
      const tableConfig = isPlainObject(table.config) ? table.config : {};
      out.sources.push({
        uniqueId: `source.${context.projectName}.${sourceName}.${table.name}`,
        name: table.name,
        resourceType: 'source',
        packageName: context.projectName,
        fqn: [context.projectName, sourceName, table.name],
        originalFilePath: doc.file,
        tags: [...new Set([...(stringList(source.tags) ?? []), ...(stringList(table.tags) ?? [])])],
        config: { enabled: true, ...sourceConfig, ...tableConfig },
        sourceName,
        relation: { schema, identifier },
        description: description(table.description, render, [...tableAt, 'description']),
        sourceDescription: description(source.description, render, [...at, 'description']),
        columns: readColumns(table.columns, [...tableAt, 'columns'], problems, render, doc),
        meta: isPlainObject(table.meta) ? table.meta : {},
        loadedAtField: loadedAtField(source, table, ingest),
        loadedAtQuery: stringOf(table.loaded_at_query) ?? stringOf(source.loaded_at_query),
        freshness: freshnessOf(source, table, { source: at, table: tableAt }, (path, message, hint) => problems.add(path, message, hint)),
        ingest: isPlainObject(ingest) ? ingest : undefined,
        line: doc.lineOf(tableAt),
        tests: testsOf(table, tableAt, problems),
      });
    });
  });
}

/** dbt's `loaded_at_field`, the table's over the source's; a source tsdbt ingests is measured by its landing time. */
function loadedAtField(source: Plain, table: Plain, ingest: unknown): string | undefined {
  return stringOf(table.loaded_at_field) ?? stringOf(source.loaded_at_field) ?? (isPlainObject(ingest) ? '_inserted_at' : undefined);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function readPatches(
  raw: unknown,
  section: 'models' | 'seeds' | 'snapshots',
  doc: YamlDocument,
  problems: Problems,
  context: PropertiesContext,
  out: Map<string, NodePatch>,
  warnings: string[],
): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    problems.add([section], `must be a list (\`- name: …\`), but it is ${describeType(raw)}.`);
    return;
  }
  raw.forEach((entry, index) => {
    const at = [section, index];
    if (!isPlainObject(entry) || typeof entry.name !== 'string') {
      problems.add(at, 'must have a `name`.');
      return;
    }
    const previous = out.get(entry.name);
    if (previous) {
      problems.add(
        at,
        `describes '${entry.name}' again; it is already described in ${previous.file}${previous.line ? `:${previous.line}` : ''}.`,
        'Keep one entry per model.',
      );
      return;
    }
    warnings.push(
      ...entryKeyWarnings(entry, section === 'models' ? 'model' : section === 'seeds' ? 'seed' : 'snapshot', at, doc),
      ...columnKeyWarnings(entry.columns, [...at, 'columns'], doc),
    );
    const render = (value: unknown, path: (string | number)[]): unknown => renderDeep(value, (text) => context.render(text, doc.file, doc.lineOf(path)));
    if (entry.config !== undefined && !isPlainObject(entry.config)) {
      problems.add([...at, 'config'], `must be a mapping of configs, but it is ${describeType(entry.config)}.`);
    }
    out.set(entry.name, {
      name: entry.name,
      file: doc.file,
      line: doc.lineOf(at),
      description: description(entry.description, render, [...at, 'description']),
      config: isPlainObject(entry.config) ? entry.config : {},
      columns: readColumns(entry.columns, [...at, 'columns'], problems, render, doc),
      meta: isPlainObject(entry.meta) ? entry.meta : {},
      tests: testsOf(entry, at, problems),
      constraints: readConstraints(entry.constraints, [...at, 'constraints'], doc, problems, true),
      ...(section === 'snapshots' ? snapshotRelation(entry, at, problems) : {}),
    });
  });
}

/** A YAML-defined snapshot's `relation:`, which must be one ref() or source() call. */
function snapshotRelation(entry: Plain, at: (string | number)[], problems: Problems): { relation?: string } {
  const relation = entry.relation;
  if (relation === undefined || relation === null) return {};
  const text = typeof relation === 'string' ? relation.trim().replace(/^\{\{\s*|\s*\}\}$/g, '') : '';
  if (!/^(ref|source)\s*\([^()]*\)$/.test(text)) {
    problems.add(
      [...at, 'relation'],
      `must be a ref() or source() call, but it is ${describeType(relation)}.`,
      "For example: relation: ref('orders'), or relation: source('shop', 'orders').",
    );
    return {};
  }
  return { relation: text };
}

type Render = (value: unknown, path: (string | number)[]) => unknown;

/** Keeps each `unit_tests:` entry with its document; the entries are checked once models are known. */
function readUnitTestEntries(raw: unknown, doc: YamlDocument, problems: Problems, out: RawUnitTest[]): void {
  if (raw === undefined || raw === null) return;
  if (!Array.isArray(raw)) {
    problems.add(['unit_tests'], `must be a list of unit tests (\`- name: …\`), but it is ${describeType(raw)}.`);
    return;
  }
  raw.forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') {
      problems.add(['unit_tests', index], 'must have a `name`.', 'Each unit test looks like `- name: test_x` with `model:`, `given:` and `expect:`.');
      return;
    }
    out.push({ entry, index, doc });
  });
}

/**
 * What a column declared without meta or tags holds: one frozen object and list for all of them
 * (a 10,000-model project declares about 30,000 columns, each held for the whole command).
 */
const NO_COLUMN_META: Record<string, unknown> = Object.freeze({});
const NO_COLUMN_TAGS: string[] = Object.freeze([]) as unknown as string[];

function readColumns(raw: unknown, at: (string | number)[], problems: Problems, render: Render, doc: YamlDocument): Record<string, ColumnProperties> {
  const out: Record<string, ColumnProperties> = {};
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) {
    problems.add(at, `must be a list of columns (\`- name: …\`), but it is ${describeType(raw)}.`);
    return out;
  }
  raw.forEach((column, index) => {
    if (!isPlainObject(column) || (typeof column.name !== 'string' && typeof column.name !== 'number')) {
      problems.add([...at, index], 'must have a `name`.');
      return;
    }
    const name = String(column.name);
    out[name] = {
      name,
      description: description(column.description, render, [...at, index, 'description']),
      dataType: typeof column.data_type === 'string' ? column.data_type : undefined,
      meta: isPlainObject(column.meta) ? column.meta : NO_COLUMN_META,
      tags: stringList(column.tags) ?? NO_COLUMN_TAGS,
      tests: testsOf(column, [...at, index], problems),
      ...(column.quote === true ? { quote: true } : {}),
      // dbt-clickhouse's per-column compression and TTL, applied to the table the model builds.
      ...(typeof column.codec === 'string' && column.codec.trim() !== '' ? { codec: column.codec.trim() } : {}),
      ...(typeof column.ttl === 'string' && column.ttl.trim() !== '' ? { ttl: column.ttl.trim() } : {}),
      ...(column.constraints === undefined ? {} : { constraints: readConstraints(column.constraints, [...at, index, 'constraints'], doc, problems, false) }),
    };
  });
  return out;
}

function testsOf(entry: Plain, at: (string | number)[], problems: Problems): unknown[] {
  for (const key of ['tests', 'data_tests']) {
    const value = entry[key];
    // `tests: unique` would otherwise declare no test at all, in silence.
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      problems.add(
        [...at, key],
        `must be a list of tests, but it is ${describeType(value)}.`,
        `Write each test as a list item: \`${key}: [${typeof value === 'string' ? value : 'unique'}]\`, or \`- ${typeof value === 'string' ? value : 'unique'}\` on the next line.`,
      );
    }
  }
  const tests = [...(Array.isArray(entry.tests) ? entry.tests : []), ...(Array.isArray(entry.data_tests) ? entry.data_tests : [])];
  return tests;
}

function description(raw: unknown, render: Render, path: (string | number)[]): string {
  if (raw === undefined || raw === null) return '';
  return String(render(String(raw), path));
}

/** Renders Jinja in every string of a YAML value. */
function renderDeep(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') return /\{[{%]/.test(value) ? render(value) : value;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, render));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, render)]));
  return value;
}
