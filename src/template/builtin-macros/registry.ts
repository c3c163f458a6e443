import { dataTypeMacros } from './data-types.js';
import { dateMacros } from './dates.js';
import { setAndArrayMacros } from './sets-and-arrays.js';
import { stringMacros } from './strings.js';
import { relationMacros } from './relations.js';

/**
 * tsdbt's built-in macros: dbt's `dbt` namespace of cross-database macros (`dbt.type_string()`,
 * `dbt.dateadd(…)`, `current_timestamp()`…), implemented for ClickHouse.
 *
 * Each public macro `x` only dispatches (`adapter.dispatch('x', 'dbt')`) to `clickhouse__x` or
 * `default__x`, so a project or package overrides any of them by defining one of those. Dispatch
 * looks in the root project, then packages, then here (the last place searched). A project macro
 * named `x` itself also wins over the built-in `x` for bare calls, as in dbt; `dbt.x` always
 * means the built-in dispatcher.
 *
 * The macros are Jinja text compiled by the project's engine the first time one of a file's
 * macros is used, a file at a time (see TemplateEngine.builtinMacro), so a command that uses
 * none pays nothing.
 */
export const BUILTIN_MACRO_FILES: readonly { file: string; text: string }[] = [
  { file: '<tsdbt>/macros/data_types.sql', text: dataTypeMacros },
  { file: '<tsdbt>/macros/strings.sql', text: stringMacros },
  { file: '<tsdbt>/macros/dates.sql', text: dateMacros },
  { file: '<tsdbt>/macros/sets_and_arrays.sql', text: setAndArrayMacros },
  { file: '<tsdbt>/macros/relations.sql', text: relationMacros },
];

/** The macro names a file's text defines, read without compiling it. */
export function macroNamesIn(text: string): string[] {
  return [...text.matchAll(/\{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)].map((match) => match[1]!);
}

/** Every macro name the files define (dispatchers and implementations), read without compiling them. */
export const BUILTIN_MACRO_NAMES: readonly string[] = BUILTIN_MACRO_FILES.flatMap(({ text }) => macroNamesIn(text));

/**
 * The file that defines each built-in macro (the last one, when several do), so only that file is
 * compiled when the macro is first used; a name no file defines (the `clickhouse__x` that
 * adapter.dispatch tries first) compiles none.
 */
export const BUILTIN_MACRO_FILE_OF: ReadonlyMap<string, { file: string; text: string }> = new Map(
  BUILTIN_MACRO_FILES.flatMap((entry) => macroNamesIn(entry.text).map((name) => [name, entry] as const)),
);

/** The dispatchers: names a template may call bare (`current_timestamp()`) or as `dbt.x`. */
export const BUILTIN_DISPATCHERS: readonly string[] = BUILTIN_MACRO_NAMES.filter((name) => !name.includes('__'));

/** `order by x desc` → the sort key and its direction (clickhouse__listagg has no ORDER BY inside an aggregate). */
export function orderByParts(clause: unknown): { expression: string; descending: boolean } {
  const text = String(clause)
    .trim()
    .replace(/^order\s+by\s+/i, '');
  const descending = /\s+desc$/i.test(text);
  return { expression: text.replace(/\s+(asc|desc)$/i, ''), descending };
}

/** Plain functions the built-in macros call. */
export const BUILTIN_HELPERS: Readonly<Record<string, unknown>> = { tsdbt_order_by: orderByParts };
