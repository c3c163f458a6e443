import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { ManifestNodeEntry } from './manifest-types.js';

/** Constraint types whose removal loosens what consumers were promised (those ClickHouse enforces). */
const ENFORCED = new Set(['not_null', 'check']);

/** Whether the contract itself (enforcement or its checksum of column names and types) changed: `state:modified.contract`. */
export function contractChanged(now: ManifestNodeEntry, before: ManifestNodeEntry): boolean {
  const a = now.contract;
  const b = before.contract;
  if (a === undefined && b === undefined) return false;
  return (a?.enforced ?? false) !== (b?.enforced ?? false) || (a?.checksum ?? null) !== (b?.checksum ?? null);
}

/**
 * dbt's breaking changes to an enforced contract, compared with the previous state: the contract
 * was disabled, a column was removed, a column's data_type changed, an enforced constraint was
 * removed. dbt warns for unversioned models and fails for versioned ones; tsdbt models have no
 * versions to move consumers to, so this is an error: the change must be made on purpose.
 */
export function contractBreakingChanges(now: ManifestNodeEntry, before: ManifestNodeEntry): string[] {
  if (before.contract?.enforced !== true) return [];
  if (now.contract?.enforced !== true) return ['The contract was disabled (contract: {enforced: false} or removed).'];
  const changes: string[] = [];
  const nowColumns = now.columns ?? {};
  const beforeColumns = before.columns ?? {};
  const removed = Object.keys(beforeColumns).filter((name) => nowColumns[name] === undefined);
  if (removed.length > 0) changes.push(`Columns were removed: ${removed.join(', ')}.`);
  const retyped = Object.keys(beforeColumns)
    .filter((name) => nowColumns[name] !== undefined && (nowColumns[name]!.data_type ?? null) !== (beforeColumns[name]!.data_type ?? null))
    .map((name) => `${name} (${String(beforeColumns[name]!.data_type)} -> ${String(nowColumns[name]!.data_type)})`);
  if (retyped.length > 0) changes.push(`Columns changed data_type: ${retyped.join(', ')}.`);
  const lostConstraints = Object.keys(beforeColumns).flatMap((name) => {
    const kept = new Set((nowColumns[name]?.constraints ?? []).map((constraint) => constraint.type));
    return (beforeColumns[name]!.constraints ?? [])
      .filter((constraint) => ENFORCED.has(String(constraint.type)) && !kept.has(constraint.type))
      .map((constraint) => `${String(constraint.type)} on ${name}`);
  });
  const keptModel = new Set((now.constraints ?? []).map((constraint) => `${String(constraint.type)}:${String(constraint.expression ?? '')}`));
  for (const constraint of before.constraints ?? []) {
    if (ENFORCED.has(String(constraint.type)) && !keptModel.has(`${String(constraint.type)}:${String(constraint.expression ?? '')}`))
      lostConstraints.push(`model-level ${String(constraint.type)}`);
  }
  if (lostConstraints.length > 0) changes.push(`Enforced constraints were removed: ${lostConstraints.join(', ')}.`);
  return changes;
}

export function breakingChangeError(now: ManifestNodeEntry, changes: string[]): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.CONTRACT_BREAKING_CHANGE,
    message: `Breaking change to the contract of model '${now.name ?? now.unique_id ?? '?'}', compared with the --state manifest:\n  - ${changes.join('\n  - ')}`,
    file: now.original_file_path,
    hint: "Consumers rely on a contracted model's columns and types. Restore them, or add the new shape beside the old one (a new model), move consumers, then remove the old one.",
  });
}
