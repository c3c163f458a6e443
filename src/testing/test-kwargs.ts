import { isPlainObject } from '../config/value-checks.js';
import type { Scope, TemplateEngine } from '../template/template-engine.js';

/** Strings dbt evaluates as Jinja expressions in test arguments: `to: ref('customers')`. */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;
const SINGLE_EXPRESSION = /^\s*\{\{((?:(?!\}\}).)*)\}\}\s*$/s;

/**
 * Evaluates a generic test's arguments as dbt does: `ref('x')`, `source('a', 'b')`, `var('v')`
 * become their values (a relation for ref/source), strings with `{{ }}` are rendered, the
 * rest is kept as written. `column_name` stays text; `model` is built by the caller.
 */
export function renderTestKwargs(engine: TemplateEngine, scope: Scope, kwargs: Record<string, unknown>, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === 'model' || key === 'column_name') continue;
    out[key] = renderValue(engine, scope, value, file);
  }
  if (typeof kwargs.column_name === 'string') out.column_name = kwargs.column_name;
  return out;
}

/**
 * False when `renderTestKwargs` would return the arguments as they are, calling nothing: no
 * value looks like a call or holds Jinja. Then rendering them records nothing either.
 */
export function kwargsNeedRendering(kwargs: Record<string, unknown>): boolean {
  for (const key in kwargs) {
    if (key !== 'model' && key !== 'column_name' && valueNeedsRendering(kwargs[key])) return true;
  }
  return false;
}

function valueNeedsRendering(value: unknown): boolean {
  // SINGLE_EXPRESSION can only match where `{{` is.
  if (typeof value === 'string') return LOOKS_LIKE_CALL.test(value) || /\{[{%]/.test(value);
  if (Array.isArray(value)) return value.some(valueNeedsRendering);
  if (isPlainObject(value)) return Object.values(value).some(valueNeedsRendering);
  return false;
}

function renderValue(engine: TemplateEngine, scope: Scope, value: unknown, file: string): unknown {
  if (typeof value === 'string') {
    if (LOOKS_LIKE_CALL.test(value)) return evaluate(engine, scope, value, file);
    // A value that is one `{{ expression }}` keeps the expression's type (dbt renders natively): a list stays a list.
    const single = SINGLE_EXPRESSION.exec(value);
    if (single) return evaluate(engine, scope, single[1]!, file);
    return /\{[{%]/.test(value) ? engine.renderString(value, scope, file) : value;
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(engine, scope, item, file));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(engine, scope, item, file)]));
  return value;
}

/** `ref('x')`, `ref('pkg', 'x')`, `source('a', 'b')` with literal arguments: called without compiling a template. */
const LITERAL_CALL = /^\s*(ref|source)\s*\(\s*'([^'\\]*)'\s*(?:,\s*'([^'\\]*)'\s*)?\)\s*$/;

/** The value of one Jinja expression (not its text), e.g. the Relation `ref('x')` returns. */
function evaluate(engine: TemplateEngine, scope: Scope, expression: string, file: string): unknown {
  const literal = LITERAL_CALL.exec(expression.replace(/"([^"\\]*)"/g, "'$1'"));
  const fn = literal === null ? undefined : scope[literal[1] as 'ref' | 'source'];
  if (literal !== null && typeof fn === 'function') {
    return literal[3] === undefined ? fn(literal[2]) : fn(literal[2], literal[3]);
  }
  let captured: unknown;
  const capture = (value: unknown) => {
    captured = value;
    return '';
  };
  engine.compile(file, `{{ __tsdbt_capture(${expression.trim()}) }}`).render(scope, { __tsdbt_capture: capture });
  return captured;
}
