import type { ProjectNode } from '../compile/nodes.js';

/** Where a node's compiled SQL goes: generic tests get a file of their own under their YAML file's name, as in dbt. */
export function compiledPathOf(node: ProjectNode): { originalFilePath: string } {
  if (node.resourceType === 'test' && node.testMetadata !== undefined) {
    const alias = typeof node.config.alias === 'string' ? node.config.alias : node.name;
    return { originalFilePath: `${node.originalFilePath}/${alias}.sql` };
  }
  return node;
}
