import { isPlainObject, stringList } from '../config/value-checks.js';
import { didYouMean } from '../config/value-checks.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ModelNode, SeedNode, SnapshotNode, SourceNode, UnitTestInput, UnitTestNode } from './nodes.js';
import type { RawUnitTest } from './properties.js';
import type { ProjectFile } from '../project/project-files.js';
import { parseInputCall } from '../testing/unit-tests/input-call.js';

export interface UnitTestParseContext {
  projectName: string;
  models: ReadonlyMap<string, ModelNode>;
  /** Models, seeds and snapshots by name (what `ref()` finds). */
  refable: ReadonlyMap<string, ModelNode | SeedNode | SnapshotNode>;
  sources: ReadonlyMap<string, SourceNode>;
  /** Names of disabled models. */
  disabled: ReadonlySet<string>;
  /** Files under `<test-path>/fixtures/`. */
  fixtures: readonly ProjectFile[];
}

export interface ParsedUnitTests {
  unitTests: UnitTestNode[];
  errors: TsdbtError[];
  /** `file:line: …` lines for what is accepted but not acted on. */
  warnings: string[];
}

const KNOWN_KEYS = new Set(['name', 'model', 'description', 'given', 'expect', 'overrides', 'config', 'versions']);
const FORMATS = ['dict', 'csv', 'sql'] as const;
type Format = (typeof FORMATS)[number];

/** Checks each `unit_tests:` entry against the project's models and turns it into a node; every problem names file:line. */
export function parseUnitTests(raw: readonly RawUnitTest[], context: UnitTestParseContext): ParsedUnitTests {
  const out: ParsedUnitTests = { unitTests: [], errors: [], warnings: [] };
  const seen = new Map<string, string>();
  for (const item of raw) {
    const node = parseOne(item, context, out);
    if (node === undefined) continue;
    const previous = seen.get(node.uniqueId);
    if (previous !== undefined) {
      out.errors.push(
        invalid(
          item,
          [],
          `Unit test '${node.name}' on model '${node.model}' is defined twice: in ${previous} and in ${node.originalFilePath}.`,
          'Unit test names must be unique per model; rename one.',
        ),
      );
      continue;
    }
    seen.set(node.uniqueId, node.originalFilePath);
    out.unitTests.push(node);
  }
  return out;
}

function parseOne(item: RawUnitTest, context: UnitTestParseContext, out: ParsedUnitTests): UnitTestNode | undefined {
  const { entry, doc } = item;
  const name = entry.name as string;
  const errorsBefore = out.errors.length;
  const warn = (path: (string | number)[], message: string) => out.warnings.push(`${doc.file}:${doc.lineOf(at(item, path)) ?? '?'}: ${message}`);
  for (const key of Object.keys(entry)) if (!KNOWN_KEYS.has(key)) warn([key], `unit test '${name}': key '${key}' is not a unit test property; it is ignored.`);
  const config = isPlainObject(entry.config) ? entry.config : {};
  if (entry.config !== undefined && !isPlainObject(entry.config))
    out.errors.push(invalid(item, ['config'], `Unit test '${name}': \`config\` must be a mapping (tags, meta, enabled).`));
  for (const key of Object.keys(config))
    if (!['tags', 'meta', 'enabled'].includes(key)) warn(['config', key], `unit test '${name}': config '${key}' is not a unit test config; it is ignored.`);
  if (config.enabled === false) return undefined;
  if (typeof entry.model !== 'string' || entry.model === '') {
    out.errors.push(invalid(item, [], `Unit test '${name}' has no \`model\`: the model it tests.`, 'Add `model: <model name>`.'));
    return undefined;
  }
  const found = context.refable.get(entry.model);
  const model = found?.resourceType === 'model' ? context.models.get(found.uniqueId) : undefined;
  if (model === undefined) {
    const why = context.disabled.has(entry.model)
      ? 'which is disabled (enabled: false)'
      : context.refable.has(entry.model)
        ? `which is a ${context.refable.get(entry.model)!.resourceType}, not a model`
        : 'but no model has that name';
    out.errors.push(
      invalid(
        item,
        ['model'],
        `Unit test '${name}' tests model '${entry.model}', ${why}.${
          model === undefined && found === undefined
            ? didYouMean(
                entry.model,
                [...context.models.values()].map((m) => m.name),
              )
            : ''
        }`,
        'Unit tests test SQL models of this project: check the spelling of `model:`.',
      ),
    );
    return undefined;
  }
  if (entry.versions !== undefined)
    warn(['versions'], `unit test '${name}': \`versions\` is ignored, because tsdbt models have no versions; the test runs on '${model.name}'.`);
  if (model.config.materialized === 'ephemeral')
    out.errors.push(
      invalid(
        item,
        ['model'],
        `Unit test '${name}' tests '${model.name}', an ephemeral model; dbt cannot unit test those either.`,
        'Test the model that refs it, giving its input with `format: sql`.',
      ),
    );
  const given = readGiven(item, model, context, out);
  const expect = readRows(item, ['expect'], entry.expect, context, out, true);
  const overrides = readOverrides(item, out);
  if (out.errors.length > errorsBefore || given === undefined || expect === undefined) return undefined;
  return {
    uniqueId: `unit_test.${context.projectName}.${model.name}.${name}`,
    name,
    resourceType: 'unit_test',
    packageName: context.projectName,
    fqn: [...model.fqn, name],
    originalFilePath: doc.file,
    tags: stringList(config.tags) ?? [],
    config: { enabled: true, tags: stringList(config.tags) ?? [], meta: isPlainObject(config.meta) ? config.meta : {} },
    model: model.name,
    modelId: model.uniqueId,
    given,
    expect: { format: expect.format, rows: expect.rows, line: expect.line },
    overrides,
    dependsOn: { nodes: [model.uniqueId], macros: [] },
    description: typeof entry.description === 'string' ? entry.description : '',
    meta: isPlainObject(config.meta) ? config.meta : {},
    line: doc.lineOf(at(item, [])),
  };
}

/** `given:`: one entry per ref/source the model reads (and `this` for incremental runs). A parent left out is an error, as in dbt. */
function readGiven(item: RawUnitTest, model: ModelNode, context: UnitTestParseContext, out: ParsedUnitTests): UnitTestInput[] | undefined {
  const name = item.entry.name as string;
  const raw = item.entry.given ?? [];
  if (!Array.isArray(raw)) {
    out.errors.push(invalid(item, ['given'], `Unit test '${name}': \`given\` must be a list of inputs (\`- input: ref('…')\` with \`rows\`).`));
    return undefined;
  }
  const inputs: UnitTestInput[] = [];
  // Inputs named by an entry, even one whose rows are wrong (that entry has its own error).
  const named = new Set<string | undefined>();
  raw.forEach((entry, index) => {
    const path = ['given', index];
    if (!isPlainObject(entry) || typeof entry.input !== 'string') {
      out.errors.push(invalid(item, path, `Unit test '${name}': each \`given\` entry needs an \`input\`: ref('…'), source('…', '…') or this.`));
      return;
    }
    const call = parseInputCall(entry.input);
    if (call === undefined) {
      out.errors.push(
        invalid(item, [...path, 'input'], `Unit test '${name}': input ${JSON.stringify(entry.input)} is not ref('…'), source('…', '…') or this.`),
      );
      return;
    }
    let uniqueId: string | undefined;
    if (call.kind === 'ref') uniqueId = context.refable.get(call.name)?.uniqueId;
    if (call.kind === 'source') uniqueId = context.sources.get(`source.${context.projectName}.${call.source}.${call.table}`)?.uniqueId;
    if (call.kind !== 'this' && (uniqueId === undefined || !model.dependsOn.nodes.includes(uniqueId))) {
      out.errors.push(
        invalid(
          item,
          [...path, 'input'],
          `Unit test '${name}': input ${entry.input} is not something model '${model.name}' reads.`,
          `Model '${model.name}' reads: ${readsOf(model, context) || 'nothing'}.`,
        ),
      );
      return;
    }
    named.add(uniqueId);
    const seed = call.kind === 'ref' ? context.refable.get(call.name) : undefined;
    if (seed?.resourceType === 'seed' && entry.rows === undefined && entry.fixture === undefined) {
      // As in dbt, a seed given without rows stands for its own CSV file.
      inputs.push({ input: entry.input, uniqueId, format: 'csv', rows: '', seedFile: seed.originalFilePath, line: item.doc.lineOf(at(item, path)) });
      return;
    }
    const rows = readRows(item, path, entry, context, out, false);
    if (rows !== undefined) inputs.push({ input: entry.input, uniqueId, format: rows.format, rows: rows.rows, line: rows.line });
  });
  const missing = model.dependsOn.nodes.filter((id) => !named.has(id));
  if (missing.length > 0) {
    out.errors.push(
      invalid(
        item,
        ['given'],
        `Unit test '${name}' gives no rows for ${missing.map((id) => inputName(id, context)).join(', ')}, which model '${model.name}' reads.`,
        'Add a `given` entry for each ref() and source() of the model (`rows: []` for an empty input).',
      ),
    );
    return undefined;
  }
  return inputs;
}

function readRows(
  item: RawUnitTest,
  path: (string | number)[],
  raw: unknown,
  context: UnitTestParseContext,
  out: ParsedUnitTests,
  isExpect: boolean,
): { format: Format; rows: Record<string, unknown>[] | string; line: number | undefined } | undefined {
  const name = item.entry.name as string;
  const where = isExpect ? '`expect`' : `input ${String((raw as { input?: unknown })?.input)}`;
  if (!isPlainObject(raw)) {
    out.errors.push(
      invalid(item, path, `Unit test '${name}': ${where} must be a mapping with \`rows\` (or \`fixture\`).`, 'For example: `expect: {rows: [{id: 1}]}`.'),
    );
    return undefined;
  }
  // A misspelt `rows` would otherwise be an empty input in silence, and a test passing for nothing.
  const allowed = isExpect ? ['rows', 'format', 'fixture'] : ['input', 'rows', 'format', 'fixture'];
  const unknown = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    out.errors.push(
      invalid(
        item,
        [...path, unknown[0]!],
        `Unit test '${name}': ${where} has ${unknown.map((key) => `\`${key}\``).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not known.${didYouMean(unknown[0]!, allowed)}`,
        `${isExpect ? '`expect`' : 'A `given` entry'} takes ${allowed.join(', ')}.`,
      ),
    );
    return undefined;
  }
  if (raw.rows === undefined && raw.fixture === undefined) {
    out.errors.push(
      invalid(
        item,
        path,
        `Unit test '${name}': ${where} has neither \`rows\` nor \`fixture\`.`,
        'Give the rows (`rows: []` for none), or a fixture file name (a seed given without either stands for its CSV file).',
      ),
    );
    return undefined;
  }
  const format = raw.format ?? 'dict';
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format)) {
    out.errors.push(invalid(item, [...path, 'format'], `Unit test '${name}': format ${JSON.stringify(format)} of ${where} is not dict, csv or sql.`));
    return undefined;
  }
  const line = item.doc.lineOf(at(item, path));
  let rows: unknown = raw.rows;
  if (raw.fixture !== undefined) {
    if (rows !== undefined) out.errors.push(invalid(item, path, `Unit test '${name}': ${where} has both \`rows\` and \`fixture\`; give one.`));
    if (format === 'dict') out.errors.push(invalid(item, [...path, 'fixture'], `Unit test '${name}': a fixture needs \`format: csv\` or \`format: sql\`.`));
    const file = context.fixtures.find(
      (fixture) => fixture.path.endsWith(`/fixtures/${String(raw.fixture)}.${format}`) || fixture.path.endsWith(`/${String(raw.fixture)}.${format}`),
    );
    if (file === undefined) {
      out.errors.push(
        new TsdbtError({
          code: ErrorCodes.UNIT_TEST_FIXTURE_MISSING,
          message: `Unit test '${name}': fixture '${String(raw.fixture)}' not found (looked for tests/fixtures/${String(raw.fixture)}.${format}).`,
          file: item.doc.file,
          line: item.doc.lineOf(at(item, [...path, 'fixture'])),
          hint: 'Fixtures live under <test-path>/fixtures/, named <fixture>.csv or <fixture>.sql.',
        }),
      );
      return undefined;
    }
    rows = file.text;
  }
  if (format === 'dict') {
    if (rows === undefined || rows === null) rows = [];
    if (!Array.isArray(rows) || !rows.every(isPlainObject)) {
      out.errors.push(
        invalid(
          item,
          [...path, 'rows'],
          `Unit test '${name}': \`rows\` of ${where} must be a list of mappings (\`- {id: 1, name: a}\`) in dict format.`,
          'Or set `format: csv` / `format: sql` and give the rows as text.',
        ),
      );
      return undefined;
    }
    return { format, rows: rows as Record<string, unknown>[], line };
  }
  if (typeof rows !== 'string') {
    out.errors.push(invalid(item, [...path, 'rows'], `Unit test '${name}': \`rows\` of ${where} must be text in ${format} format.`));
    return undefined;
  }
  return { format: format as Format, rows, line };
}

function readOverrides(item: RawUnitTest, out: ParsedUnitTests): UnitTestNode['overrides'] {
  const raw = item.entry.overrides;
  const name = item.entry.name as string;
  const result: UnitTestNode['overrides'] = { macros: {}, vars: {}, envVars: {} };
  if (raw === undefined || raw === null) return result;
  if (!isPlainObject(raw)) {
    out.errors.push(invalid(item, ['overrides'], `Unit test '${name}': \`overrides\` must be a mapping with macros, vars and env_vars.`));
    return result;
  }
  for (const [key, value] of Object.entries(raw)) {
    if (!['macros', 'vars', 'env_vars'].includes(key)) {
      out.errors.push(invalid(item, ['overrides', key], `Unit test '${name}': \`overrides.${key}\` is not known; overrides are macros, vars and env_vars.`));
      continue;
    }
    if (!isPlainObject(value)) {
      out.errors.push(invalid(item, ['overrides', key], `Unit test '${name}': \`overrides.${key}\` must be a mapping of names to values.`));
      continue;
    }
    if (key === 'macros') result.macros = value;
    if (key === 'vars') result.vars = value;
    if (key === 'env_vars') result.envVars = Object.fromEntries(Object.entries(value).map(([env, text]) => [env, String(text)]));
  }
  if ('is_incremental' in result.macros && typeof result.macros.is_incremental !== 'boolean') {
    out.errors.push(invalid(item, ['overrides', 'macros', 'is_incremental'], `Unit test '${name}': \`is_incremental\` must be true or false.`));
  }
  return result;
}

function readsOf(model: ModelNode, context: UnitTestParseContext): string {
  return model.dependsOn.nodes.map((id) => inputName(id, context)).join(', ');
}

/** `ref('orders')` or `source('shop', 'raw_orders')`, as a user writes it. */
function inputName(id: string, context: UnitTestParseContext): string {
  const source = context.sources.get(id);
  if (source !== undefined) return `source('${source.sourceName}', '${source.name}')`;
  return `ref('${id.slice(id.lastIndexOf('.') + 1)}')`;
}

function at(item: RawUnitTest, path: (string | number)[]): (string | number)[] {
  return ['unit_tests', item.index, ...path];
}

function invalid(item: RawUnitTest, path: (string | number)[], message: string, hint?: string): TsdbtError {
  return new TsdbtError({ code: ErrorCodes.UNIT_TEST_INVALID, message, file: item.doc.file, line: item.doc.lineOf(at(item, path)), hint });
}
