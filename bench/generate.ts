/**
 * A deterministic synthetic project for the benchmarks and their regression test: the same
 * seed and size give byte-identical files. It is shaped like a real dbt project:
 *
 * - `sources:` in YAML (one landing table per staging group), staging views that read them,
 *   intermediate views and mart tables that `ref()` 3–8 earlier models (mostly nearby ones,
 *   some far back, so the graph is deep as well as wide);
 * - Jinja loops over a `var()` list, project macros (one through `adapter.dispatch`),
 *   `{{ config(…) }}` on some models, a few refs computed in a `{% for %}` loop (not statically
 *   extractable), incremental models with `is_incremental()`;
 * - one YAML property file per folder with descriptions, columns and 2–4 data tests per model
 *   (`unique`, `not_null`, `accepted_values`, `relationships`).
 *
 * Every model returns one row per `id` of its first parent, with the columns `id`, `category`,
 * `amount` plus one pivoted column per category, so the SQL builds on ClickHouse and every
 * declared test passes.
 *
 * `generateDataformProject` writes the same graph as Dataform SQLX (refs, loops through JS
 * includes, assertions), for the side-by-side compile benchmark.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './seeded-random.js';

export interface GenerateOptions {
  /** Number of models (at least 10). */
  models: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** Project name, also the database models are built in (default `bench`). */
  name?: string;
  /** Rows in each landing table (default 100). */
  rows?: number;
}

export type Layer = 'staging' | 'intermediate' | 'marts';

/** What the generator knows about one model: what its compiled output must show. */
export interface ModelSpec {
  name: string;
  layer: Layer;
  folder: string;
  /** Models it refs, in order (the first is the one whose ids it keeps). */
  refs: string[];
  /** `[source, table]` it reads (staging models). */
  source?: [string, string];
  /** Staging models are views; the others tables, except incremental ones and some that nothing refs (views). */
  materialized: 'view' | 'table' | 'incremental';
  /** The refs are written inside a `{% for %}` loop (no static extraction possible). */
  dynamicRefs: boolean;
  /** Sets `{{ config(…) }}` in the file (materialized as its folder says, or otherwise). */
  inFileConfig: boolean;
  /** The generic tests declared on it, by kind (`unique`, `not_null`, `accepted_values`, `relationships`). */
  tests: string[];
}

export interface GeneratedProject {
  name: string;
  /** Relative path → file text. */
  files: Map<string, string>;
  models: ModelSpec[];
  /** `[source, table]` of every landing table (to create before a run). */
  sources: [string, string][];
  sourceSchema: string;
  categories: string[];
  rows: number;
}

export const CATEGORIES = ['books', 'games', 'music', 'garden', 'tools', 'sports'];
const MODELS_PER_FOLDER = 100;
const SOURCE_NAME = 'raw';

export function modelName(index: number): string {
  return `m_${String(index).padStart(5, '0')}`;
}

/** The graph and per-model choices, shared by the tsdbt and the Dataform flavours. */
export function planModels(options: GenerateOptions): { models: ModelSpec[]; sources: [string, string][] } {
  const count = Math.max(10, Math.floor(options.models));
  const random = seededRandom(options.seed ?? 42);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const stagingCount = Math.max(8, Math.round(count * 0.1));
  const martStart = Math.round(count * 0.7);
  const models: ModelSpec[] = [];
  const sources: [string, string][] = [];
  for (let index = 0; index < count; index += 1) {
    const name = modelName(index);
    const layer: Layer = index < stagingCount ? 'staging' : index < martStart ? 'intermediate' : 'marts';
    const folder = `models/${layer}/group_${String(Math.floor(index / MODELS_PER_FOLDER)).padStart(3, '0')}`;
    const spec: ModelSpec = {
      name,
      layer,
      folder,
      refs: [],
      materialized: layer === 'marts' ? 'table' : 'view',
      dynamicRefs: false,
      inFileConfig: false,
      tests: [],
    };
    if (layer === 'staging') {
      const table = `events_${String(index).padStart(5, '0')}`;
      spec.source = [SOURCE_NAME, table];
      sources.push([SOURCE_NAME, table]);
    } else {
      const wanted = Math.min(index, int(3, 8));
      const chosen = new Set<number>();
      while (chosen.size < wanted) {
        // Mostly recent models (a window of 300), some from anywhere before: deep and wide.
        const pick = random() < 0.7 ? index - 1 - Math.floor(random() * Math.min(index, 300)) : Math.floor(random() * index);
        chosen.add(pick);
      }
      spec.refs = [...chosen].map(modelName);
      spec.dynamicRefs = random() < 0.05;
      spec.materialized = 'table';
    }
    spec.tests = ['unique', 'not_null'];
    if (random() < 0.5) spec.tests.push('accepted_values');
    if (spec.refs.length > 0 && random() < 0.3) spec.tests.push('relationships');
    models.push(spec);
  }
  // Materializations, once the graph is known: views over views over joins would make ClickHouse
  // inline exponentially large queries, so only staging models and models nothing refs are views.
  const hasChildren = new Set(models.flatMap((spec) => spec.refs));
  for (const spec of models) {
    if (spec.layer === 'staging') continue;
    const roll = random();
    if (roll < 0.2) spec.inFileConfig = true;
    else if (roll < 0.25) {
      spec.inFileConfig = true;
      spec.materialized = 'incremental';
    } else if (roll < 0.4 && !hasChildren.has(spec.name)) {
      spec.inFileConfig = true;
      spec.materialized = 'view';
    }
  }
  return { models, sources };
}

// ---------------------------------------------------------------------------------------------
// tsdbt / dbt flavour

const MACROS = `{#- Amount helpers used by every model. -#}

{% macro add_amounts(columns) -%}
    {%- for column in columns -%}
    coalesce({{ column }}, 0){{ ' + ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{% macro pivot_amounts(category_column, amount_column, categories) -%}
    {%- for category in categories %}
    if({{ category_column }} = '{{ category }}', {{ amount_column }}, 0) as amount_{{ category }}{{ ',' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{% macro money(column_name, scale=2) -%}
    {{ return(adapter.dispatch('money')(column_name, scale)) }}
{%- endmacro %}

{% macro default__money(column_name, scale) -%}
    round({{ column_name }}, {{ scale }})
{%- endmacro %}

{% macro category_case(column_name, categories) -%}
    multiIf(
    {%- for category in categories %}
        {{ column_name }} = '{{ category }}', '{{ category }}',
    {%- endfor %}
        '{{ categories[0] }}')
{%- endmacro %}
`;

function stagingSql(spec: ModelSpec): string {
  const [source, table] = spec.source!;
  return `-- ${spec.name}: landing rows of ${table}, cleaned
with landed as (
    select id, category, amount
    from {{ source('${source}', '${table}') }}
)

select
    id,
    {{ category_case('category', var('categories')) }} as category,
    {{ money('amount') }} as amount,
    {{ pivot_amounts('category', 'amount', var('categories')) }}
from landed
`;
}

function configCall(spec: ModelSpec): string {
  if (!spec.inFileConfig) return '';
  if (spec.materialized === 'incremental') return `{{ config(materialized='incremental', order_by='id', unique_key='id', tags=['incremental']) }}\n\n`;
  if (spec.materialized === 'table') return `{{ config(materialized='table', order_by='id', tags=['promoted']) }}\n\n`;
  return `{{ config(materialized='view', tags=['light']) }}\n\n`;
}

function derivedSql(spec: ModelSpec): string {
  const aliases = spec.refs.map((_, i) => `p${i}`);
  const parents = spec.dynamicRefs
    ? `{%- set parents = [${spec.refs.map((ref) => `'${ref}'`).join(', ')}] %}
{%- for parent in parents %}
p{{ loop.index0 }} as (
    select id, category, amount from {{ ref(parent) }}
),
{%- endfor %}`
    : spec.refs.map((ref, i) => `p${i} as (\n    select id, category, amount from {{ ref('${ref}') }}\n),`).join('\n');
  return `${configCall(spec)}${joinedBody(spec, {
    parents,
    addAmounts: `{{ add_amounts([${aliases.map((alias) => `'${alias}.amount'`).join(', ')}]) }}`,
    money: "{{ money('amount') }}",
    pivot: "{{ pivot_amounts('category', 'amount', var('categories')) }}",
    incremental: '\n{% if is_incremental() %}\nwhere id > (select max(id) from {{ this }})\n{% endif %}',
  })}`;
}

/** What both flavours write alike: the parents as CTEs, joined on id, amounts added up, rounded and pivoted. */
function joinedBody(spec: ModelSpec, dialect: { parents: string; addAmounts: string; money: string; pivot: string; incremental: string }): string {
  const joins = spec.refs
    .slice(1)
    .map((_, i) => `    left join p${i + 1} on p${i + 1}.id = p0.id`)
    .join('\n');
  return `-- ${spec.name}: ${spec.refs.length} parents joined on id
with
${dialect.parents}
joined as (
    select
        p0.id as id,
        p0.category as category,
        ${dialect.addAmounts} as amount
    from p0
${joins}
)

select
    id,
    category,
    ${dialect.money} as amount,
    ${dialect.pivot}
from joined${spec.materialized === 'incremental' ? dialect.incremental : ''}
`;
}

function propertiesYaml(specs: ModelSpec[]): string {
  const lines = ['version: 2', '', 'models:'];
  for (const spec of specs) {
    lines.push(`  - name: ${spec.name}`);
    lines.push(`    description: "${spec.layer} model ${spec.name}${spec.refs.length ? `, built from ${spec.refs.length} parents` : ''}."`);
    lines.push('    columns:');
    lines.push('      - name: id');
    lines.push('        description: "Row key, kept from the first parent."');
    lines.push('        data_tests:');
    lines.push('          - unique');
    lines.push('          - not_null');
    const accepted = spec.tests.includes('accepted_values');
    const relationship = spec.tests.includes('relationships');
    if (relationship) {
      lines.push('          - relationships:');
      lines.push(`              to: ref('${spec.refs[0]}')`);
      lines.push('              field: id');
    }
    lines.push('      - name: category');
    if (accepted) {
      lines.push('        data_tests:');
      lines.push('          - accepted_values:');
      lines.push(`              values: [${CATEGORIES.map((c) => `'${c}'`).join(', ')}]`);
    }
    lines.push('      - name: amount');
    lines.push('        description: "Sum of the parents\' amounts, rounded."');
  }
  return `${lines.join('\n')}\n`;
}

export function generateProject(options: GenerateOptions): GeneratedProject {
  const name = options.name ?? 'bench';
  const rows = options.rows ?? 100;
  const { models, sources } = planModels(options);
  const sourceSchema = `${name}_raw`;
  const files = new Map<string, string>();
  files.set(
    'project.yml',
    `# Generated by bench/generate.ts (${models.length} models, seed ${options.seed ?? 42}).
name: ${name}
profile: ${name}
model-paths: ["models"]
macro-paths: ["macros"]
test-paths: ["tests"]
vars:
  categories: [${CATEGORIES.join(', ')}]
models:
  ${name}:
    staging:
      +materialized: view
      +tags: ["staging"]
    intermediate:
      +materialized: table
      +order_by: id
      +tags: ["intermediate"]
    marts:
      +materialized: table
      +order_by: id
      +tags: ["mart"]
`,
  );
  files.set(
    'profiles.yml',
    `${name}:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      schema: ${name}\n      path: .tsdbt/chdb\n      threads: 4\n`,
  );
  files.set('macros/amounts.sql', MACROS);
  files.set(
    'models/sources.yml',
    `version: 2\n\nsources:\n  - name: ${SOURCE_NAME}\n    schema: ${sourceSchema}\n    description: "Landing tables."\n    tables:\n${sources
      .map(([, table]) => `      - name: ${table}\n        columns:\n          - name: id\n            data_tests: [not_null]\n`)
      .join('')}`,
  );
  files.set('models/overview.md', '{% docs overview %}\nA generated project for the tsdbt benchmarks.\n{% enddocs %}\n');
  files.set(
    'tests/assert_first_model_has_rows.sql',
    `-- Fails when the first staging model is empty.\nselect 1 from (select count(*) as n from {{ ref('${models[0]!.name}') }}) where n = 0\n`,
  );
  const byFolder = new Map<string, ModelSpec[]>();
  for (const spec of models) {
    files.set(`${spec.folder}/${spec.name}.sql`, spec.layer === 'staging' ? stagingSql(spec) : derivedSql(spec));
    const list = byFolder.get(spec.folder) ?? [];
    list.push(spec);
    byFolder.set(spec.folder, list);
  }
  for (const [folder, specs] of byFolder) files.set(`${folder}/_models.yml`, propertiesYaml(specs));
  return { name, files, models, sources, sourceSchema, categories: CATEGORIES, rows };
}

/** SQL that creates and fills the landing tables (run before `tsdbt run`, and before the baseline). */
export function landingTablesSql(project: GeneratedProject): string[] {
  const categories = `[${project.categories.map((c) => `'${c}'`).join(', ')}]`;
  const statements = [`CREATE DATABASE IF NOT EXISTS \`${project.sourceSchema}\``];
  for (const [, table] of project.sources) {
    statements.push(
      `CREATE OR REPLACE TABLE \`${project.sourceSchema}\`.\`${table}\` ENGINE = MergeTree ORDER BY id AS ` +
        `SELECT number AS id, ${categories}[number % ${project.categories.length} + 1] AS category, toFloat64(number) * 1.5 AS amount FROM numbers(${project.rows})`,
    );
  }
  return statements;
}

// ---------------------------------------------------------------------------------------------
// Dataform flavour: the same graph in SQLX.

function dataformStaging(spec: ModelSpec): string {
  const [, table] = spec.source!;
  return `config {
  type: "view",
  tags: ["staging"],
  description: "staging model ${spec.name}.",
  assertions: { uniqueKey: ["id"], nonNull: ["id"] }
}

-- ${spec.name}: landing rows of ${table}, cleaned
js {
  const { categories, categoryCase, money, pivotAmounts } = require("includes/amounts");
}

with landed as (
    select id, category, amount
    from \${ref("${table}")}
)

select
    id,
    \${categoryCase("category", categories)} as category,
    \${money("amount")} as amount,
    \${pivotAmounts("category", "amount", categories)}
from landed
`;
}

function dataformDerived(spec: ModelSpec): string {
  const aliases = spec.refs.map((_, i) => `p${i}`);
  const type = spec.materialized === 'incremental' ? 'incremental' : spec.materialized;
  const assertions = [`uniqueKey: ["id"]`, `nonNull: ["id"]`];
  if (spec.tests.includes('accepted_values')) assertions.push(`rowConditions: ["category in (${CATEGORIES.map((c) => `'${c}'`).join(', ')})"]`);
  const parents = spec.dynamicRefs
    ? `\${[${spec.refs.map((ref) => `"${ref}"`).join(', ')}].map((parent, i) => \`p\${i} as (
    select id, category, amount from \${ref(parent)}
),\`).join("\\n")}`
    : spec.refs.map((ref, i) => `p${i} as (\n    select id, category, amount from \${ref("${ref}")}\n),`).join('\n');
  return `config {
  type: "${type}",
  tags: ["${spec.layer}"],
  description: "${spec.layer} model ${spec.name}, built from ${spec.refs.length} parents.",
  assertions: { ${assertions.join(', ')} }
}

js {
  const { addAmounts, categories, money, pivotAmounts } = require("includes/amounts");
}

${joinedBody(spec, {
  parents,
  addAmounts: `\${addAmounts([${aliases.map((alias) => `"${alias}.amount"`).join(', ')}])}`,
  money: '${money("amount")}',
  pivot: '${pivotAmounts("category", "amount", categories)}',
  incremental: '\n${when(incremental(), `where id > (select max(id) from ${self()})`)}',
})}`;
}

const DATAFORM_INCLUDES = `const categories = ${JSON.stringify(CATEGORIES)};

function addAmounts(columns) {
  return columns.map((column) => \`coalesce(\${column}, 0)\`).join(" + ");
}

function pivotAmounts(categoryColumn, amountColumn, values) {
  return values.map((category) => \`if(\${categoryColumn} = '\${category}', \${amountColumn}, 0) as amount_\${category}\`).join(",\\n    ");
}

function money(columnName, scale = 2) {
  return \`round(\${columnName}, \${scale})\`;
}

function categoryCase(columnName, values) {
  return \`multiIf(\${values.map((category) => \`\${columnName} = '\${category}', '\${category}'\`).join(", ")}, '\${values[0]}')\`;
}

module.exports = { addAmounts, categories, categoryCase, money, pivotAmounts };
`;

/**
 * The same project for Dataform's CLI (`dataform compile`). `@dataform/core` is declared in a
 * package.json (its `node_modules` is the caller's to provide): with `dataformCoreVersion` in
 * workflow_settings.yaml instead, the CLI would copy the project and run `npm install` on every compile.
 */
export function generateDataformProject(options: GenerateOptions & { coreVersion: string }): Map<string, string> {
  const { models, sources } = planModels(options);
  const files = new Map<string, string>();
  files.set('workflow_settings.yaml', 'defaultProject: bench-project\ndefaultLocation: US\ndefaultDataset: bench\ndefaultAssertionDataset: bench_assertions\n');
  files.set('package.json', `${JSON.stringify({ name: 'bench-dataform', private: true, dependencies: { '@dataform/core': options.coreVersion } }, null, 2)}\n`);
  files.set('includes/amounts.js', DATAFORM_INCLUDES);
  files.set('definitions/sources.js', sources.map(([, table]) => `declare({ schema: "bench_raw", name: "${table}" });`).join('\n') + '\n');
  for (const spec of models) {
    const folder = spec.folder.replace(/^models\//, 'definitions/');
    files.set(`${folder}/${spec.name}.sqlx`, spec.layer === 'staging' ? dataformStaging(spec) : dataformDerived(spec));
  }
  return files;
}

export function writeFiles(dir: string, files: Map<string, string>): void {
  const made = new Set<string>();
  for (const [file, text] of files) {
    const full = path.join(dir, file);
    const parent = path.dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(full, text);
  }
}
