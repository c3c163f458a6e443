/**
 * Where a value stands in selectors.yml, read from the `yaml` package's node ranges, and
 * errors that say so: `selectors.yml:7: 'childs' is not a valid key …`.
 */

import type { LineCounter } from 'yaml';
import { yamlLib } from '../../config/yaml-lib.js';
import { ErrorCodes, TsdbtError } from '../../core/errors.js';
import type { TextOrigin } from './parse-selection.js';

const SELECTORS_FORMAT =
  "selectors.yml takes dbt's format: `selectors:`, then `- name: …` items, each with a `definition:` (a selector string such as 'tag:nightly+', or a mapping such as {method: tag, value: nightly}).";

export class YamlPlace {
  constructor(
    readonly file: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** 1-based line and column where `node` starts; line 1 when the node has no range. */
  at(node: unknown): { line: number; column: number } {
    const start = rangeStart(node);
    if (start === undefined) return { line: 1, column: 1 };
    const { line, col } = this.lineCounter.linePos(start);
    return { line, column: col };
  }

  /** Where a scalar's text begins, past an opening quote, for errors that point into it. */
  textOrigin(node: unknown): TextOrigin {
    const { line, column } = this.at(node);
    const quoted = yamlLib().isScalar(node) && (node.type === yamlLib().Scalar.QUOTE_DOUBLE || node.type === yamlLib().Scalar.QUOTE_SINGLE);
    return { file: this.file, line, column: column + (quoted ? 1 : 0) };
  }

  /** An error at `node`; without a hint of its own, it says what the file looks like. */
  error(node: unknown, message: string, hint?: string): TsdbtError {
    const { line, column } = this.at(node);
    return new TsdbtError({
      code: ErrorCodes.SELECTOR_INVALID,
      message: `${this.file}:${line}: ${message}`,
      file: this.file,
      line,
      column,
      hint: hint ?? SELECTORS_FORMAT,
    });
  }
}

function rangeStart(node: unknown): number | undefined {
  if (yamlLib().isPair(node)) return rangeStart(node.key);
  if (yamlLib().isScalar(node) || yamlLib().isMap(node) || yamlLib().isSeq(node)) return node.range?.[0];
  return undefined;
}

/** What a YAML value is, in words, for "expected a list, got a string" messages. */
export function describeYaml(node: unknown): string {
  if (yamlLib().isMap(node)) return 'a mapping';
  if (yamlLib().isSeq(node)) return 'a list';
  if (yamlLib().isScalar(node)) {
    const value = node.value;
    if (value === null) return 'nothing';
    return typeof value === 'string' ? `the string '${value}'` : `${typeof value} ${String(value)}`;
  }
  return 'nothing';
}
