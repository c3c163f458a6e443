/**
 * One `definition:` from selectors.yml → a selection expression. The YAML forms are dbt's:
 *
 *     definition: 'tag:nightly+'                     # string: the command-line grammar
 *     definition: { tag: nightly }                   # one method: value key
 *     definition:                                    # full form
 *       method: tag
 *       value: nightly
 *       children: true | children_depth: 2 | parents: true | parents_depth: 1
 *       childrens_parents: true | indirect_selection: cautious
 *       exclude: [ … ]
 *     definition:
 *       union: [ …definitions, { exclude: [ … ] } ]   # or intersection:
 *
 * plus `method: selector, value: <name>` to reuse another selector.
 */

import type { Pair, YAMLMap } from 'yaml';
import { yamlLib } from '../../config/yaml-lib.js';
import { TsdbtError } from '../../core/errors.js';
import { didYouMean } from './did-you-mean.js';
import type { IndirectSelection, SelectionCriteria, SelectionExpression } from './expression.js';
import { checkMethod, checkValue, type MethodName } from './method-names.js';
import { parseSelection } from './parse-selection.js';
import { describeYaml, type YamlPlace } from './yaml-place.js';

export interface DefinitionContext {
  place: YamlPlace;
  /** The expression of another selector, for `method: selector`; throws for unknown names and cycles. */
  resolveSelector(name: string, node: unknown): SelectionExpression;
}

const CRITERIA_KEYS = ['method', 'value', 'children', 'parents', 'children_depth', 'parents_depth', 'childrens_parents', 'indirect_selection', 'exclude'];
const INDIRECT_MODES: IndirectSelection[] = ['eager', 'cautious', 'empty'];

export function definitionToExpression(node: unknown, context: DefinitionContext): SelectionExpression {
  if (yamlLib().isScalar(node) && typeof node.value === 'string') return parseText(node, context.place);
  if (!yamlLib().isMap(node)) {
    throw context.place.error(
      node,
      `A selector definition must be a string or a mapping, but got ${describeYaml(node)}.`,
      "For example 'tag:nightly+' or { method: tag, value: nightly }.",
    );
  }
  const keys = node.items.map(keyOf);
  const setKey = keys.find((key) => key === 'union' || key === 'intersection');
  if (setKey !== undefined) {
    const other = keys.find((key) => key !== setKey);
    if (other !== undefined)
      throw context.place.error(
        node,
        `'${setKey}' must be the only key of its mapping, but this one also has '${other}'.`,
        "Move other criteria into the list under it, or into an '- exclude:' item.",
      );
    return setDefinition(setKey as 'union' | 'intersection', node.items[0]!, context);
  }
  if (keys.includes('method') || keys.includes('value')) return criteriaDefinition(node, context);
  if (keys.length === 1) return shorthandDefinition(node.items[0]!, context);
  throw context.place.error(
    node,
    `A selector definition mapping needs 'method' and 'value' keys, a single '<method>: <value>' key, or 'union'/'intersection', but got ${keys.map((key) => `'${key}'`).join(', ') || 'no keys'}.`,
  );
}

/** String forms use the command-line grammar; errors point into the string and name the file. */
function parseText(node: unknown, place: YamlPlace): SelectionExpression {
  const text = yamlLib().isScalar(node) ? String(node.value) : '';
  try {
    return parseSelection(text, place.textOrigin(node));
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    throw new TsdbtError({
      code: error.code,
      message: `${place.file}:${error.line}: ${error.message}`,
      file: error.file,
      line: error.line,
      column: error.column,
      hint: error.hint,
    });
  }
}

function setDefinition(kind: 'union' | 'intersection', pair: Pair, context: DefinitionContext): SelectionExpression {
  const list = pair.value;
  if (!yamlLib().isSeq(list)) throw context.place.error(pair, `'${kind}' needs a list of definitions, but got ${describeYaml(list)}.`);
  const members: SelectionExpression[] = [];
  let exclude: SelectionExpression | undefined;
  for (const item of list.items) {
    if (yamlLib().isMap(item) && item.items.some((entry) => keyOf(entry) === 'exclude') && !item.items.some((entry) => keyOf(entry) === 'method')) {
      if (exclude !== undefined)
        throw context.place.error(item, `A '${kind}' can have only one 'exclude' item.`, 'Put everything to exclude in one list under a single exclude:.');
      if (item.items.length > 1) throw context.place.error(item, "An 'exclude' item must have no other keys.");
      exclude = exclusion(item.items[0]!, context);
    } else {
      members.push(definitionToExpression(item, context));
    }
  }
  if (members.length === 0)
    throw context.place.error(pair, `'${kind}' needs at least one definition to ${kind === 'union' ? 'combine' : 'intersect'}, besides 'exclude'.`);
  const group: SelectionExpression = { kind, raw: members.map(rawInGroup).join(kind === 'union' ? ' ' : ','), members };
  return exclude === undefined ? group : difference(group, exclude);
}

function exclusion(pair: Pair, context: DefinitionContext): SelectionExpression {
  const list = pair.value;
  if (!yamlLib().isSeq(list) || list.items.length === 0)
    throw context.place.error(pair, `'exclude' needs a list of definitions, but got ${describeYaml(list)}.`, "For example exclude: ['tag:deprecated'].");
  const members = list.items.map((item) => definitionToExpression(item, context));
  return members.length === 1 ? members[0]! : { kind: 'union', raw: members.map(rawInGroup).join(' '), members };
}

function shorthandDefinition(pair: Pair, context: DefinitionContext): SelectionExpression {
  const method = keyOf(pair);
  if (method === 'selector') return context.resolveSelector(scalarText(pair.value, 'selector', context), pair.value);
  return buildCriteria({ method, methodNode: pair, value: scalarText(pair.value, method, context), valueNode: pair.value }, context);
}

function criteriaDefinition(map: YAMLMap, context: DefinitionContext): SelectionExpression {
  const entries = new Map<string, Pair>();
  for (const pair of map.items) {
    const key = keyOf(pair);
    if (!CRITERIA_KEYS.includes(key))
      throw context.place.error(
        pair,
        `'${key}' is not a valid key in a selector definition.${didYouMean(key, CRITERIA_KEYS)}`,
        `Valid keys: ${CRITERIA_KEYS.join(', ')}.`,
      );
    entries.set(key, pair);
  }
  const methodPair = entries.get('method');
  const valuePair = entries.get('value');
  if (methodPair === undefined || valuePair === undefined) {
    throw context.place.error(
      map,
      `A selector definition with '${methodPair === undefined ? 'value' : 'method'}' also needs '${methodPair === undefined ? 'method' : 'value'}'.`,
    );
  }
  const method = scalarText(methodPair.value, 'method', context);
  const value = scalarText(valuePair.value, 'value', context);

  let expression: SelectionExpression;
  if (method === 'selector') {
    const extra = [...entries.keys()].find((key) => !['method', 'value', 'exclude'].includes(key));
    if (extra !== undefined)
      throw context.place.error(entries.get(extra), `'${extra}' cannot be used with 'method: selector'; set it in the selector referred to.`);
    expression = context.resolveSelector(value, valuePair.value);
  } else {
    const flag = (key: string): boolean => booleanOf(entries.get(key), context);
    const childrenDepth = depthOf(entries.get('children_depth'), context);
    const parentsDepth = depthOf(entries.get('parents_depth'), context);
    expression = buildCriteria(
      {
        method,
        methodNode: methodPair.value,
        value,
        valueNode: valuePair.value,
        // A depth on its own asks for the walk too; dbt would silently ignore it.
        children: flag('children') || childrenDepth !== null,
        childrenDepth,
        parents: flag('parents') || parentsDepth !== null,
        parentsDepth,
        childrensParents: flag('childrens_parents'),
        indirectSelection: indirectOf(entries.get('indirect_selection'), context),
      },
      context,
    );
  }
  const excludePair = entries.get('exclude');
  return excludePair === undefined ? expression : difference(expression, exclusion(excludePair, context));
}

interface CriteriaFields {
  method: string;
  methodNode: unknown;
  value: string;
  valueNode: unknown;
  children?: boolean;
  childrenDepth?: number | null;
  parents?: boolean;
  parentsDepth?: number | null;
  childrensParents?: boolean;
  indirectSelection?: IndirectSelection | undefined;
}

function buildCriteria(fields: CriteriaFields, context: DefinitionContext): SelectionCriteria {
  const [name = '', ...methodArgs] = fields.method.split('.');
  const methodProblem = checkMethod(name, methodArgs);
  if (methodProblem !== undefined) throw context.place.error(fields.methodNode, methodProblem.message, methodProblem.hint);
  const method = name as MethodName;
  if (fields.value === '') throw context.place.error(fields.valueNode, `The '${fields.method}' selector needs a value.`);
  if (/[+@]/.test(fields.value)) {
    throw context.place.error(
      fields.valueNode,
      `'${fields.value}' holds a graph operator, which YAML definitions spell as keys.`,
      'Use parents: true, children: true, parents_depth, children_depth or childrens_parents: true.',
    );
  }
  const valueProblem = checkValue(method, fields.value);
  if (valueProblem !== undefined) throw context.place.error(fields.valueNode, valueProblem.message, valueProblem.hint);

  const criteria: SelectionCriteria = {
    kind: 'criteria',
    raw: '',
    offset: 0,
    method,
    methodArgs,
    value: fields.value,
    childrensParents: fields.childrensParents ?? false,
    parents: fields.parents ?? false,
    parentsDepth: fields.parentsDepth ?? null,
    children: fields.children ?? false,
    childrenDepth: fields.childrenDepth ?? null,
  };
  if (criteria.childrensParents && criteria.children) {
    throw context.place.error(
      fields.methodNode,
      "'childrens_parents' and 'children' cannot be combined.",
      "'childrens_parents' already selects all descendants (with their ancestors); drop 'children'.",
    );
  }
  if (fields.indirectSelection !== undefined) criteria.indirectSelection = fields.indirectSelection;
  criteria.raw = renderCriteria(criteria);
  return criteria;
}

/** The command-line spelling of a criterion, so messages about YAML criteria read like the CLI. */
function renderCriteria(criteria: SelectionCriteria): string {
  const method = [criteria.method, ...criteria.methodArgs].join('.');
  const before = `${criteria.childrensParents ? '@' : ''}${criteria.parents ? `${criteria.parentsDepth ?? ''}+` : ''}`;
  const after = criteria.children ? `+${criteria.childrenDepth ?? ''}` : '';
  return `${before}${method}:${criteria.value}${after}`;
}

function difference(include: SelectionExpression, exclude: SelectionExpression): SelectionExpression {
  return { kind: 'difference', raw: `${rawInGroup(include)} --exclude ${rawInGroup(exclude)}`, include, exclude };
}

function rawInGroup(expression: SelectionExpression): string {
  return expression.kind === 'criteria' ? expression.raw : `(${expression.raw})`;
}

function keyOf(pair: Pair): string {
  return yamlLib().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Values may be written unquoted as numbers or booleans (`config.enabled: true`); they compare as text. */
function scalarText(node: unknown, key: string, context: DefinitionContext): string {
  if (yamlLib().isScalar(node) && ['string', 'number', 'boolean'].includes(typeof node.value)) return String(node.value);
  throw context.place.error(node, `'${key}' needs a single value, but got ${describeYaml(node)}.`);
}

function booleanOf(pair: Pair | undefined, context: DefinitionContext): boolean {
  if (pair === undefined) return false;
  if (yamlLib().isScalar(pair.value) && typeof pair.value.value === 'boolean') return pair.value.value;
  throw context.place.error(pair, `'${keyOf(pair)}' must be true or false, but got ${describeYaml(pair.value)}.`);
}

function depthOf(pair: Pair | undefined, context: DefinitionContext): number | null {
  if (pair === undefined) return null;
  const value = yamlLib().isScalar(pair.value) ? pair.value.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw context.place.error(pair, `'${keyOf(pair)}' must be a whole number of generations (0 or more), but got ${describeYaml(pair.value)}.`);
}

function indirectOf(pair: Pair | undefined, context: DefinitionContext): IndirectSelection | undefined {
  if (pair === undefined) return undefined;
  const value = yamlLib().isScalar(pair.value) ? String(pair.value.value) : '';
  if ((INDIRECT_MODES as string[]).includes(value)) return value as IndirectSelection;
  throw context.place.error(
    pair,
    `'indirect_selection' must be one of ${INDIRECT_MODES.join(', ')}, but got ${describeYaml(pair.value)}.${didYouMean(value, INDIRECT_MODES)}`,
  );
}
