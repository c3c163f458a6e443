/**
 * One atom of the grammar:
 *
 *     atom   := ['@'] [depth? '+'] [method ('.' arg)* ':'] value ['+' depth?]
 *
 * Read left to right with a cursor rather than by one big regular expression (as dbt does),
 * so each mistake can be reported at its own offset with its own sentence.
 */

import type { SelectionCriteria } from './expression.js';
import { checkMethod, checkValue, type CriterionProblem, type MethodName } from './method-names.js';
import type { Piece } from './scan-selection.js';

/** Builds the error for a problem at `[offset, offset + length)` of the whole selection text. */
export type ReportAt = (offset: number, length: number, message: string, hint?: string) => Error;

export function parseCriterion(atom: Piece, report: ReportAt): SelectionCriteria {
  const text = atom.text;
  let cursor = 0;

  const childrensParents = text.startsWith('@');
  if (childrensParents) cursor += 1;

  const parentsMatch = /^(\d*)\+/.exec(text.slice(cursor));
  const parents = parentsMatch !== null;
  const parentsDepth = parentsMatch?.[1] ? Number(parentsMatch[1]) : null;
  if (parentsMatch !== null) cursor += parentsMatch[0].length;

  const rest = text.slice(cursor);
  const childrenMatch = /\+(\d*)$/.exec(rest);
  const children = childrenMatch !== null;
  const childrenDepth = childrenMatch?.[1] ? Number(childrenMatch[1]) : null;
  const body = childrenMatch === null ? rest : rest.slice(0, childrenMatch.index);
  const bodyOffset = atom.offset + cursor;

  if (body === '') {
    const operator = text.slice(0, cursor) || '+';
    throw report(
      atom.offset,
      text.length,
      `\`${operator}\` needs a model name or a method:value next to it.`,
      "For example '+people', 'people+' or '@tag:nightly'.",
    );
  }
  if (childrensParents && children) {
    throw report(
      bodyOffset + body.length,
      childrenMatch![0].length,
      `'@' and a trailing '+' cannot be combined in '${text}'.`,
      "'@x' already selects x and all its descendants (with their ancestors); drop the trailing '+'.",
    );
  }

  const { method, methodArgs, value, valueStart } = splitMethod(body, bodyOffset, report);
  const stray = /[+@]/.exec(value);
  if (stray !== null) {
    const where = stray[0] === '@' ? 'at the start' : 'at the start or the end';
    throw report(
      valueStart + stray.index,
      1,
      `'${stray[0]}' can only come ${where} of a selector, not inside '${text}'.`,
      'Separate selectors with a space (union) or a comma (intersection).',
    );
  }
  const valueProblem = checkValue(method, value);
  if (valueProblem !== undefined) throw reportProblem(valueProblem, valueStart, value.length, report);

  return {
    kind: 'criteria',
    raw: text,
    offset: atom.offset,
    method,
    methodArgs,
    value,
    childrensParents,
    parents,
    parentsDepth,
    children,
    childrenDepth,
  };
}

interface MethodAndValue {
  method: MethodName;
  methodArgs: string[];
  value: string;
  valueStart: number;
}

function splitMethod(body: string, bodyOffset: number, report: ReportAt): MethodAndValue {
  const colon = body.indexOf(':');
  const before = colon < 0 ? '' : body.slice(0, colon);
  // `models/a:b` is a path that happens to hold a colon, not a method called `models/a`.
  if (colon < 0 || /[/\\]/.test(before)) {
    return { method: defaultMethod(body), methodArgs: [], value: body, valueStart: bodyOffset };
  }

  const [name = '', ...methodArgs] = before.split('.');
  const methodProblem = checkMethod(name, methodArgs);
  if (methodProblem !== undefined) {
    // Point at the method name, at its dotted arguments, or at the ':' where a missing `.key` belongs.
    const argsStart = bodyOffset + name.length + (methodArgs.length > 0 ? 1 : 0);
    const [offset, length] =
      methodProblem.part === 'method' ? [bodyOffset, Math.max(1, name.length)] : [argsStart, Math.max(1, before.length - name.length - 1)];
    throw reportProblem(methodProblem, offset, length, report);
  }

  const value = body.slice(colon + 1);
  const valueStart = bodyOffset + colon + 1;
  if (value === '') {
    throw report(valueStart - 1, 1, `'${before}:' needs a value after the colon.`, `For example '${EXAMPLES[name as MethodName]}'.`);
  }
  return { method: name as MethodName, methodArgs, value, valueStart };
}

/** dbt's rule: something that looks like a path is a path, a file name a file, anything else a name. */
function defaultMethod(value: string): MethodName {
  if (/[/\\]/.test(value)) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

function reportProblem(problem: CriterionProblem, offset: number, length: number, report: ReportAt): Error {
  return report(offset, length, problem.message, problem.hint);
}

/** One well-formed criterion per method, for hints. */
const EXAMPLES: Record<MethodName, string> = {
  fqn: 'fqn:marts.finance',
  tag: 'tag:nightly',
  path: 'path:models/staging',
  file: 'file:people.sql',
  config: 'config.materialized:table',
  source: 'source:astro.raw_astros',
  resource_type: 'resource_type:model',
  package: 'package:astro',
  test_type: 'test_type:generic',
  test_name: 'test_name:not_null',
  state: 'state:modified',
  result: 'result:error',
  source_status: 'source_status:fresher+',
  exposure: '+exposure:weekly_kpis',
  unit_test: 'unit_test:keeps_paid_orders',
  column: 'column:people.craft+',
};
