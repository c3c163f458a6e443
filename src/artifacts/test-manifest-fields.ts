import { isTest } from '../compile/nodes.js';
import type { GraphNode } from '../graph/node.js';

/** The manifest fields dbt gives test nodes beyond the common ones. */
export function testManifestFields(node: GraphNode): Record<string, unknown> {
  if (!isTest(node)) return {};
  return {
    test_metadata:
      node.testMetadata === undefined ? undefined : { name: node.testMetadata.name, kwargs: node.testMetadata.kwargs, namespace: node.testMetadata.namespace },
    column_name: node.columnName ?? null,
    attached_node: node.attachedNode ?? null,
  };
}
