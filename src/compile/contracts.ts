import { createHash } from 'node:crypto';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { clickhouseType, type Contract } from '../materialize/contract.js';
import type { ConstraintProperties, ModelNode } from './nodes.js';

/** Materializations whose table tsdbt creates from the contract's columns (others are only checked). */
const SCHEMA_FROM_CONTRACT = new Set(['table', 'incremental']);
/** Constraint types ClickHouse enforces: `not_null` (a non-Nullable column) and `check` (CONSTRAINT … CHECK). */
const ENFORCED = new Set(['not_null', 'check']);

export interface ContractConfig {
  enforced: boolean;
  aliasTypes: boolean;
}

/** `config.contract`, read leniently (parse-time checks report a bad value). */
export function contractConfig(config: Record<string, unknown>): ContractConfig {
  const raw = config.contract;
  const value = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return { enforced: value.enforced === true, aliasTypes: value.alias_types !== false };
}

/** The enforced contract of a model, or undefined when it has none. */
export function modelContract(node: ModelNode): Contract | undefined {
  const { enforced, aliasTypes } = contractConfig(node.config);
  if (!enforced) return undefined;
  const modelConstraints = node.constraints ?? [];
  const notNullColumns = new Set(modelConstraints.filter((c) => c.type === 'not_null').flatMap((c) => c.columns ?? []));
  const checks: Contract['checks'] = [];
  const columns = Object.values(node.columns).map((column) => {
    (column.constraints ?? []).forEach((constraint, index) => {
      if (constraint.type === 'check') checks.push({ name: constraint.name ?? `${column.name}_check_${index + 1}`, expression: constraint.expression! });
    });
    const notNull = notNullColumns.has(column.name) || (column.constraints ?? []).some((constraint) => constraint.type === 'not_null');
    return { name: column.name, type: clickhouseType(column.dataType ?? '', aliasTypes), notNull };
  });
  modelConstraints.forEach((constraint, index) => {
    if (constraint.type === 'check') checks.push({ name: constraint.name ?? `check_${index + 1}`, expression: constraint.expression! });
  });
  return { columns, checks };
}

/** dbt's `contract.checksum`: a sha256 of the declared column names and types, when the contract is enforced. */
export function contractChecksum(node: ModelNode): string | null {
  if (!contractConfig(node.config).enforced) return null;
  const text = Object.values(node.columns)
    .map((column) => `${column.name}${column.dataType ?? ''}`)
    .sort()
    .join('');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Parse-time checks of every model's contract and constraints: an enforced contract needs a
 * `data_type` on each column; constraints ClickHouse does not enforce, and constraints on a
 * model without an enforced contract, are warned about (once each, where they are written).
 */
export function checkContracts(models: Iterable<ModelNode>): { errors: TsdbtError[]; warnings: string[] } {
  const errors: TsdbtError[] = [];
  const warnings: string[] = [];
  for (const node of models) {
    const raw = node.config.contract;
    const where = { file: node.patchPath ?? node.originalFilePath, line: node.patchPath === undefined ? undefined : node.patchLine };
    if (
      raw !== undefined &&
      raw !== null &&
      (typeof raw !== 'object' || Array.isArray(raw) || ('enforced' in raw && typeof (raw as { enforced: unknown }).enforced !== 'boolean'))
    ) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.CONTRACT_INVALID,
          message: `Model '${node.name}': config 'contract' must be a mapping like {enforced: true}, but it is ${JSON.stringify(raw)}.`,
          ...where,
          hint: "Write `contract: {enforced: true}` under the model's `config:`.",
        }),
      );
      continue;
    }
    const { enforced } = contractConfig(node.config);
    const constraints = [
      ...(node.constraints ?? []),
      ...Object.values(node.columns).flatMap((column) => (column.constraints ?? []).map((constraint) => ({ ...constraint, columns: [column.name] }))),
    ];
    if (!enforced) {
      for (const constraint of constraints)
        warnings.push(
          `${at(constraint)}: model '${node.name}': the ${constraint.type} constraint is not applied, because the model's contract is not enforced (dbt applies constraints only with contract: {enforced: true}).`,
        );
      continue;
    }
    const columns = Object.values(node.columns);
    const untyped = columns.filter((column) => column.dataType === undefined || column.dataType.trim() === '');
    if (columns.length === 0 || untyped.length > 0) {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.CONTRACT_INVALID,
          message:
            columns.length === 0
              ? `Model '${node.name}' has an enforced contract but declares no columns.`
              : `Model '${node.name}' has an enforced contract, but ${untyped.map((column) => `'${column.name}'`).join(', ')} ${untyped.length === 1 ? 'has' : 'have'} no data_type.`,
          ...where,
          hint: 'Under the model in YAML, list every column the query returns, each with `data_type:` (a ClickHouse type, or int/string/bigint/… which map to one).',
        }),
      );
    }
    if (node.config.materialized === 'ephemeral') {
      errors.push(
        new TsdbtError({
          code: ErrorCodes.CONTRACT_INVALID,
          message: `Model '${node.name}' is ephemeral and has an enforced contract; an ephemeral model has no relation to hold a contract (dbt refuses this too).`,
          ...where,
          hint: 'Materialize it as a view or table, or remove the contract.',
        }),
      );
      continue;
    }
    const known = new Set(columns.map((column) => column.name));
    for (const constraint of constraints) {
      const unknown = (constraint.columns ?? []).filter((column) => !known.has(column));
      if (unknown.length > 0)
        errors.push(
          new TsdbtError({
            code: ErrorCodes.CONTRACT_INVALID,
            message: `Model '${node.name}': the ${constraint.type} constraint names ${unknown.map((c) => `'${c}'`).join(', ')}, which the contract does not declare.`,
            file: constraint.file,
            line: constraint.line,
          }),
        );
      if (!constraint.warnUnsupported) continue;
      if (!ENFORCED.has(constraint.type)) {
        warnings.push(
          `${at(constraint)}: model '${node.name}': the ${constraint.type} constraint is not enforced: ClickHouse has no ${constraint.type.replace('_', ' ')} constraints (set warn_unsupported: false to silence this).`,
        );
      } else if (!SCHEMA_FROM_CONTRACT.has(String(node.config.materialized))) {
        warnings.push(
          `${at(constraint)}: model '${node.name}': the ${constraint.type} constraint is not enforced on a ${String(node.config.materialized)} model; only table and incremental models are created from their contract.`,
        );
      }
    }
  }
  return { errors, warnings };
}

function at(constraint: ConstraintProperties): string {
  return constraint.line === undefined ? constraint.file : `${constraint.file}:${constraint.line}`;
}
