import type { ProjectNode } from '../compile/nodes.js';

/** Where a node's compiled SQL goes: generic tests get a file of their own under their YAML file's name, as in dbt. */
export function compiledPathOf(node: ProjectNode): { originalFilePath: string } {
  if (node.resourceType === 'test' && node.testMetadata !== undefined) {
    const alias = typeof node.config.alias === 'string' ? node.config.alias : node.name;
    return { originalFilePath: `${node.originalFilePath}/${alias}.sql` };
  }
  // Unit tests: one file per test under its YAML file's name and the model's, as dbt writes them.
  if (node.resourceType === 'unit_test') return { originalFilePath: `${node.originalFilePath}/${node.model}/${node.name}.sql` };
  return node;
}
