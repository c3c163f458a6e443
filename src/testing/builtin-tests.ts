import type { TsdbtError } from '../core/errors.js';
import type { TemplateEngine } from '../template/template-engine.js';

/**
 * dbt's built-in generic tests, as macros. Each `test_<name>` dispatches to
 * `clickhouse__test_<name>` or `default__test_<name>`, so a project can override either,
 * exactly as in dbt. Queries return the failing rows; a test passes when there are none.
 */
const BUILTIN_MACROS: Record<string, string> = {
  should_store_failures: `{% macro should_store_failures() -%}
  {{ return(config.get('store_failures') == true) }}
{%- endmacro %}`,

  test_not_null: `{% macro test_not_null(model, column_name) -%}
  {{ adapter.dispatch('test_not_null')(model, column_name) }}
{%- endmacro %}`,
  default__test_not_null: `{% macro default__test_not_null(model, column_name) -%}
select {{ '*' if should_store_failures() else column_name }}
from {{ model }}
where {{ column_name }} is null
{%- endmacro %}`,

  test_unique: `{% macro test_unique(model, column_name) -%}
  {{ adapter.dispatch('test_unique')(model, column_name) }}
{%- endmacro %}`,
  default__test_unique: `{% macro default__test_unique(model, column_name) -%}
select
    {{ column_name }} as unique_field,
    count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{%- endmacro %}`,

  test_accepted_values: `{% macro test_accepted_values(model, column_name, values, quote=true) -%}
  {{ adapter.dispatch('test_accepted_values')(model, column_name, values, quote) }}
{%- endmacro %}`,
  default__test_accepted_values: `{% macro default__test_accepted_values(model, column_name, values, quote=true) -%}
with all_values as (
    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
)
select *
from all_values
where value_field not in (
    {%- for value in values -%}
        {{ string_literal(value | string) if quote else value }}{{ ', ' if not loop.last }}
    {%- endfor -%}
)
{%- endmacro %}`,

  test_relationships: `{% macro test_relationships(model, column_name, to, field) -%}
  {{ adapter.dispatch('test_relationships')(model, column_name, to, field) }}
{%- endmacro %}`,
  default__test_relationships: `{% macro default__test_relationships(model, column_name, to, field) -%}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),
parent as (
    select {{ field }} as to_field
    from {{ to }}
)
select from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{%- endmacro %}`,
};

/** Where built-in macros say they come from (error messages, the manifest). */
export const BUILTIN_MACRO_DIR = '<tsdbt>/macros';

/**
 * Adds the built-in test macros the project does not define itself. Call it after the
 * project's macros are loaded: a project's `test_unique` or `default__test_unique` wins.
 */
export function addBuiltinTestMacros(engine: TemplateEngine): TsdbtError[] {
  for (const [name, text] of Object.entries(BUILTIN_MACROS)) {
    if (engine.macro(name) === undefined) engine.addBuiltinMacro(name, `${BUILTIN_MACRO_DIR}/${name}.sql`, text);
  }
  return [];
}

/** The built-in test macros' texts, by macro name (each text defines that one macro). */
export function builtinTestMacroTexts(): Readonly<Record<string, string>> {
  return BUILTIN_MACROS;
}

/** Test names tsdbt brings (dbt's four); any other needs a `{% test %}` block in the project. */
export const BUILTIN_TESTS = ['not_null', 'unique', 'accepted_values', 'relationships'] as const;
