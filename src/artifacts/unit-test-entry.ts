import type { ConstraintProperties, UnitTestNode } from '../compile/nodes.js';

/** A `unit_tests` entry of manifest.json, in dbt's v12 shape. */
export function unitTestEntry(node: UnitTestNode, schema: string, createdAt: number): Record<string, unknown> {
  const hasOverrides = Object.keys(node.overrides.macros).length + Object.keys(node.overrides.vars).length + Object.keys(node.overrides.envVars).length > 0;
  return {
    model: node.model,
    given: node.given.map((given) => ({ input: given.input, rows: given.rows, format: given.format, fixture: null })),
    expect: { rows: node.expect.rows, format: node.expect.format, fixture: null },
    name: node.name,
    resource_type: 'unit_test',
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    unique_id: node.uniqueId,
    fqn: node.fqn,
    description: node.description,
    overrides: hasOverrides ? { macros: node.overrides.macros, vars: node.overrides.vars, env_vars: node.overrides.envVars } : null,
    depends_on: { macros: [], nodes: node.dependsOn.nodes },
    config: node.config,
    checksum: null,
    schema,
    created_at: createdAt,
    versions: null,
    version: null,
  };
}

/** dbt's constraint entry (`type`, `name`, `expression`, `warn_unenforced`, `warn_unsupported`, `to`, `to_columns`, and `columns` on the model). */
export function constraintEntry(constraint: ConstraintProperties, modelLevel: boolean): Record<string, unknown> {
  return {
    type: constraint.type,
    name: constraint.name ?? null,
    expression: constraint.expression ?? null,
    warn_unenforced: true,
    warn_unsupported: constraint.warnUnsupported,
    to: null,
    to_columns: [],
    ...(modelLevel ? { columns: constraint.columns ?? [] } : {}),
  };
}
