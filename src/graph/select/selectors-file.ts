/**
 * selectors.yml: named selections, used with `--selector <name>`, in dbt's format:
 *
 *     selectors:
 *       - name: nightly
 *         description: Everything tagged nightly, and what feeds it
 *         default: false
 *         definition: { method: tag, value: nightly, parents: true }
 *
 * Every problem found is reported (one error carrying the rest), each with file:line.
 */

import type { Pair } from 'yaml';
import { expandAliases } from '../../config/yaml-expand-aliases.js';
import { yamlLib } from '../../config/yaml-lib.js';
import { ErrorCodes, throwCollected, TsdbtError } from '../../core/errors.js';
import { didYouMean } from './did-you-mean.js';
import type { SelectionExpression } from './expression.js';
import { definitionToExpression } from './selector-definition.js';
import { describeYaml, YamlPlace } from './yaml-place.js';

export interface SelectorDefinition {
  name: string;
  description?: string;
  /** Used when a command is given no --select, --exclude or --selector. */
  default: boolean;
  expression: SelectionExpression;
  file: string;
  line: number;
}

/** Selector definitions by name, in file order. */
export type Selectors = ReadonlyMap<string, SelectorDefinition>;

const SELECTOR_KEYS = ['name', 'description', 'default', 'definition'];

interface RawSelector {
  name: string;
  description?: string;
  default: boolean;
  definition: unknown;
  line: number;
  node: unknown;
}

export function parseSelectorsFile(yamlText: string, file: string): Selectors {
  const { document, place } = parseSelectorsYaml(yamlText, file);
  const errors: TsdbtError[] = [];
  const collect = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof TsdbtError)) throw error;
      errors.push(...error.all());
      return undefined;
    }
  };

  const raws = collect(() => readSelectorList(document.contents, place)) ?? [];
  const byName = uniqueSelectors(raws, place, errors);
  const expressionOf = selectorExpressions(byName, place);

  const selectors = new Map<string, SelectorDefinition>();
  for (const raw of byName.values()) {
    const expression = collect(() => expressionOf(raw.name, raw.node));
    if (expression === undefined) continue;
    const definition: SelectorDefinition = { name: raw.name, default: raw.default, expression, file, line: raw.line };
    if (raw.description !== undefined) definition.description = raw.description;
    selectors.set(raw.name, definition);
  }
  throwCollected([...new Set(errors)]);
  return selectors;
}

function parseSelectorsYaml(yamlText: string, file: string) {
  const lineCounter = new (yamlLib().LineCounter)();
  const document = yamlLib().parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const place = new YamlPlace(file, lineCounter);
  if (document.errors.length > 0) {
    throwCollected(
      document.errors.map((error) => {
        const { line } = lineCounter.linePos(error.pos[0]);
        return new TsdbtError({
          code: ErrorCodes.CONFIG_YAML_INVALID,
          message: `${file}:${line}: not valid YAML: ${error.message.split('\n')[0]}`,
          file,
          line,
          hint: 'Check indentation and quoting near that line.',
        });
      }),
    );
  }
  expandAliases(document, file, lineCounter);
  return { document, place };
}

/** The selectors by name; a name defined twice, or a second `default: true`, is an error in `errors`. */
function uniqueSelectors(raws: RawSelector[], place: YamlPlace, errors: TsdbtError[]): Map<string, RawSelector> {
  const byName = new Map<string, RawSelector>();
  for (const raw of raws) {
    const earlier = byName.get(raw.name);
    if (earlier !== undefined)
      errors.push(
        place.error(
          raw.node,
          `The selector '${raw.name}' is defined twice, first on line ${earlier.line}.`,
          'Selector names must be unique; rename or remove one.',
        ),
      );
    else byName.set(raw.name, raw);
  }
  const defaults = [...byName.values()].filter((raw) => raw.default);
  if (defaults.length > 1) {
    const [first, second] = defaults;
    errors.push(
      place.error(
        second!.node,
        `Only one selector can have 'default: true', but '${first!.name}' (line ${first!.line}) and '${second!.name}' (line ${second!.line}) both do.`,
      ),
    );
  }
  return byName;
}

function selectorExpressions(byName: ReadonlyMap<string, RawSelector>, place: YamlPlace) {
  // Selectors may refer to each other in any order, so expressions are built on demand and remembered.
  // A failure is remembered too, so a selector referring to a broken one repeats its error
  // object rather than reporting the same problem twice.
  const built = new Map<string, SelectionExpression | TsdbtError>();
  const building: string[] = [];
  const expressionOf = (name: string, referrer: unknown): SelectionExpression => {
    const done = built.get(name);
    if (done instanceof TsdbtError) throw done;
    if (done !== undefined) return done;
    const raw = byName.get(name);
    if (raw === undefined) throw place.error(referrer, `There is no selector named '${name}' to refer to.${didYouMean(name, [...byName.keys()])}`);
    if (building.includes(name)) {
      throw place.error(referrer, `The selector '${name}' refers to itself: ${[...building.slice(building.indexOf(name)), name].join(' > ')}.`);
    }
    building.push(name);
    try {
      const expression = definitionToExpression(raw.definition, { place, resolveSelector: expressionOf });
      built.set(name, expression);
      return expression;
    } catch (error) {
      if (error instanceof TsdbtError) built.set(name, error);
      throw error;
    } finally {
      building.pop();
    }
  };
  return expressionOf;
}

function readSelectorList(contents: unknown, place: YamlPlace): RawSelector[] {
  const root = yamlLib().isMap(contents) ? contents.items.find((pair) => yamlLib().isScalar(pair.key) && pair.key.value === 'selectors') : undefined;
  if (root === undefined)
    throw place.error(contents, "selectors.yml needs a top-level 'selectors:' list.", 'Start the file with `selectors:` followed by `- name: …` items.');
  if (!yamlLib().isSeq(root.value)) throw place.error(root, `'selectors' must be a list, but got ${describeYaml(root.value)}.`);

  const found: RawSelector[] = [];
  const errors: TsdbtError[] = [];
  for (const item of root.value.items) {
    try {
      found.push(readSelector(item, place));
    } catch (error) {
      if (!(error instanceof TsdbtError)) throw error;
      errors.push(error);
    }
  }
  throwCollected(errors);
  return found;
}

function readSelector(item: unknown, place: YamlPlace): RawSelector {
  if (!yamlLib().isMap(item))
    throw place.error(item, `Each entry under 'selectors' must be a mapping with 'name' and 'definition', but got ${describeYaml(item)}.`);
  const pairs = new Map<string, Pair>();
  for (const pair of item.items) {
    const key = yamlLib().isScalar(pair.key) ? String(pair.key.value) : '';
    if (!SELECTOR_KEYS.includes(key))
      throw place.error(pair, `'${key}' is not a valid key for a selector.${didYouMean(key, SELECTOR_KEYS)}`, `Valid keys: ${SELECTOR_KEYS.join(', ')}.`);
    pairs.set(key, pair);
  }
  const name = pairs.get('name')?.value;
  if (!yamlLib().isScalar(name) || typeof name.value !== 'string' || name.value === '')
    throw place.error(pairs.get('name') ?? item, "A selector needs a 'name' that is a non-empty string.");
  const definition = pairs.get('definition');
  if (definition === undefined) throw place.error(item, `The selector '${name.value}' has no 'definition'.`);
  const defaultNode = pairs.get('default')?.value;
  if (defaultNode !== undefined && !(yamlLib().isScalar(defaultNode) && typeof defaultNode.value === 'boolean')) {
    throw place.error(pairs.get('default'), `'default' must be true or false, but got ${describeYaml(defaultNode)}.`);
  }
  const descriptionNode = pairs.get('description')?.value;
  const raw: RawSelector = {
    name: name.value,
    default: yamlLib().isScalar(defaultNode) && defaultNode.value === true,
    definition: definition.value,
    line: place.at(item).line,
    node: item,
  };
  if (yamlLib().isScalar(descriptionNode) && descriptionNode.value !== null) raw.description = String(descriptionNode.value);
  return raw;
}

/** The expression of `--selector name`, or an error naming the selectors there are. */
export function findSelector(selectors: Selectors, name: string): SelectionExpression {
  const found = selectors.get(name);
  if (found !== undefined) return found.expression;
  const names = [...selectors.keys()];
  throw new TsdbtError({
    code: ErrorCodes.SELECTOR_INVALID,
    message: `There is no selector named '${name}'.${didYouMean(name, names)}`,
    file: [...selectors.values()][0]?.file ?? 'selectors.yml',
    hint: names.length === 0 ? 'Define it in selectors.yml at the project root.' : `Selectors in selectors.yml: ${names.join(', ')}.`,
  });
}

/** The selector marked `default: true`, if any. */
export function defaultSelector(selectors: Selectors): SelectorDefinition | undefined {
  return [...selectors.values()].find((selector) => selector.default);
}

/** The file's selectors as selection asks for them: one by name (`--selector`), and the default. */
export function selectorLookup(selectors: Selectors): {
  find: (name: string) => SelectionExpression;
  fallback: () => SelectorDefinition | undefined;
} {
  return { find: (name) => findSelector(selectors, name), fallback: () => defaultSelector(selectors) };
}
