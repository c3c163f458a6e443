import type { Problems, YamlDocument } from '../config/yaml-document.js';
import { describeType, isPlainObject, stringList } from '../config/value-checks.js';
import type { ConstraintProperties } from './nodes.js';

/** dbt's constraint types. ClickHouse enforces `not_null` (a non-Nullable column) and `check`; the rest are accepted and warned about. */
export const CONSTRAINT_TYPES = ['not_null', 'check', 'unique', 'primary_key', 'foreign_key', 'custom'] as const;

/**
 * Reads a `constraints:` list (on a column, or on the model with `columns:`). Problems are
 * collected with the YAML line; a constraint with an unknown type is not kept.
 */
export function readConstraints(raw: unknown, at: (string | number)[], doc: YamlDocument, problems: Problems, modelLevel: boolean): ConstraintProperties[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add(at, `must be a list of constraints (\`- type: not_null\`), but it is ${describeType(raw)}.`);
    return [];
  }
  const out: ConstraintProperties[] = [];
  raw.forEach((entry, index) => {
    const where = [...at, index];
    if (!isPlainObject(entry) || typeof entry.type !== 'string') {
      problems.add(where, 'must have a `type`.', `Constraint types: ${CONSTRAINT_TYPES.join(', ')}.`);
      return;
    }
    if (!(CONSTRAINT_TYPES as readonly string[]).includes(entry.type)) {
      problems.add([...where, 'type'], `is '${entry.type}', which is not a dbt constraint type.`, `Constraint types: ${CONSTRAINT_TYPES.join(', ')}.`);
      return;
    }
    const expression = entry.expression === undefined || entry.expression === null ? undefined : String(entry.expression);
    if (entry.type === 'check' && (expression === undefined || expression.trim() === '')) {
      problems.add(where, 'is a `check` constraint without an `expression`.', 'For example: `- type: check` with `expression: "amount >= 0"`.');
      return;
    }
    const columns = stringList(entry.columns);
    if (modelLevel && entry.type === 'not_null' && (columns === undefined || columns.length === 0)) {
      problems.add(where, 'is a model-level `not_null` constraint without `columns`.', 'List the columns: `columns: [id, name]`.');
      return;
    }
    out.push({
      type: entry.type,
      expression,
      name: typeof entry.name === 'string' ? entry.name : undefined,
      columns,
      warnUnsupported: entry.warn_unsupported !== false,
      file: doc.file,
      line: doc.lineOf(where),
    });
  });
  return out;
}
