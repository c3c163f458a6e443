/**
 * The selector methods tsdbt answers, and the rules each puts on its arguments and value.
 * Both the command-line parser and the selectors.yml reader check criteria here, so a
 * misspelt method or state reads the same wherever it was written.
 */

import type { ResourceType } from '../node.js';
import { didYouMean } from './did-you-mean.js';

export const METHOD_NAMES = [
  'fqn',
  'tag',
  'path',
  'file',
  'config',
  'source',
  'resource_type',
  'package',
  'test_type',
  'test_name',
  'state',
  'result',
  'source_status',
  'exposure',
  'unit_test',
  'column',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** dbt methods for resources tsdbt does not have (yet); named so the error says so instead of guessing. */
const DBT_ONLY_METHODS = ['metric', 'group', 'access', 'version', 'semantic_model', 'saved_query'];

export const STATE_VALUES = [
  'new',
  'old',
  'modified',
  'unmodified',
  'modified.body',
  'modified.configs',
  'modified.relation',
  'modified.macros',
  'modified.contract',
] as const;
export type StateValue = (typeof STATE_VALUES)[number];

/** Statuses a previous run_results.json can hold, as dbt writes them. */
export const RESULT_STATUSES = ['error', 'fail', 'success', 'skipped', 'warn', 'pass'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const RESOURCE_TYPES = [
  'model',
  'seed',
  'test',
  'unit_test',
  'source',
  'snapshot',
  'analysis',
  'operation',
  'exposure',
] as const satisfies readonly ResourceType[];

/** `source_status:fresher`: sources loaded since the --state run's `tsdbt source freshness`. */
export const SOURCE_STATUSES = ['fresher'] as const;

/** `unit` and `data` split unit tests from data tests (dbt 1.8); `schema` is dbt's old name for generic. */
export const TEST_TYPES = ['generic', 'singular', 'unit', 'data', 'schema'] as const;

/** Which part of a criterion a problem is about, so the caller can point at it. */
export type CriterionPart = 'method' | 'args' | 'value';

export interface CriterionProblem {
  part: CriterionPart;
  message: string;
  hint?: string;
}

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

/** Checks a method name with its dotted arguments; undefined when they are fine. */
export function checkMethod(name: string, args: readonly string[]): CriterionProblem | undefined {
  if (!isMethodName(name)) return unknownMethod(name);
  if (name === 'config') {
    if (args.length === 0 || args.some((arg) => arg === '')) {
      return {
        part: 'args',
        message: "'config' needs the config key to compare, after a dot.",
        hint: "Write it as config.<key>:<value>, for example 'config.materialized:table'.",
      };
    }
    return undefined;
  }
  if (args.length > 0) {
    return {
      part: 'args',
      message: `'${name}' takes no argument after a dot, but got '${name}.${args.join('.')}'.`,
      hint: name === 'state' ? "Sub-selectors go in the value: 'state:modified.body'." : `Write it as '${name}:<value>'.`,
    };
  }
  return undefined;
}

function unknownMethod(name: string): CriterionProblem {
  if (name === '') {
    return { part: 'method', message: "A method name is missing before ':'.", hint: `Valid methods: ${METHOD_NAMES.join(', ')}.` };
  }
  if (DBT_ONLY_METHODS.includes(name)) {
    return {
      part: 'method',
      message: `'${name}' is a dbt selector method that tsdbt does not support.`,
      hint: `Valid methods: ${METHOD_NAMES.join(', ')}.`,
    };
  }
  if (name === 'selector') {
    return {
      part: 'method',
      message: "'selector' can only be used inside selectors.yml.",
      hint: 'On the command line, pass the selector by name with --selector <name>.',
    };
  }
  // A bare config key (`materialized:table`) is a common slip for `config.materialized:table`.
  if (['materialized', 'schema', 'alias', 'database', 'enabled', 'engine', 'order_by', 'severity'].includes(name)) {
    return {
      part: 'method',
      message: `'${name}' is not a valid selector method. Did you mean 'config.${name}'?`,
      hint: `Valid methods: ${METHOD_NAMES.join(', ')}.`,
    };
  }
  return {
    part: 'method',
    message: `'${name}' is not a valid selector method.${didYouMean(name, METHOD_NAMES)}`,
    hint: `Valid methods: ${METHOD_NAMES.join(', ')}.`,
  };
}

/** Checks the value against the method's closed set of values, where it has one. */
export function checkValue(method: MethodName, value: string): CriterionProblem | undefined {
  switch (method) {
    case 'state':
      return oneOf('state', value, STATE_VALUES);
    case 'result':
      return oneOf('result', value, RESULT_STATUSES);
    case 'source_status':
      return oneOf('source status', value, SOURCE_STATUSES);
    case 'resource_type':
      return oneOf('resource type', value, RESOURCE_TYPES);
    case 'test_type':
      return oneOf('test type', value, TEST_TYPES);
    case 'column':
      if (value.split('.').length < 2 || value.split('.').some((part) => part === '')) {
        return {
          part: 'value',
          message: `'${value}' is not a valid column selector: it needs a model and a column.`,
          hint: "Write 'column:<model>.<column>' (or 'column:<source>.<table>.<column>'), with '+' for the models downstream: 'column:people.craft+'.",
        };
      }
      return undefined;
    case 'source':
      if (value.split('.').length > 3) {
        return {
          part: 'value',
          message: `'${value}' is not a valid source selector: it has more than three dotted parts.`,
          hint: "Write 'source:<source>', 'source:<source>.<table>' or 'source:<package>.<source>.<table>'.",
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

function oneOf(what: string, value: string, allowed: readonly string[]): CriterionProblem | undefined {
  if (allowed.includes(value)) return undefined;
  return {
    part: 'value',
    message: `'${value}' is not a valid ${what}.${didYouMean(value, allowed)}`,
    hint: `Valid values: ${allowed.join(', ')}.`,
  };
}
