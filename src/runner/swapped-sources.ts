import type { Project } from '../compile/load-project.js';
import type { ModelNode } from '../compile/nodes.js';
import { incrementalSettings } from '../materialize/model-settings.js';
import { parentsThroughEphemerals } from './ephemeral-parents.js';

/**
 * The first node a materialized view reads that tsdbt rebuilds by swapping in a new table (a
 * `table` or `distributed_table` model, a seed, an incremental staged and swapped or replacing
 * partitions): such a rebuild sends no INSERT through the view, so the view's target must be
 * rebuilt from the new source after it. Views over append and delete+insert incrementals and over
 * sources keep working by inserts. Returns the node's name, or undefined.
 */
export function sourceRebuiltBySwap(node: ModelNode, project: Project): string | undefined {
  for (const id of parentsThroughEphemerals(project, node.uniqueId)) {
    const seed = project.seeds.get(id);
    if (seed !== undefined) return seed.name;
    const parent = project.models.get(id);
    if (parent !== undefined && rebuildsBySwap(parent)) return parent.name;
  }
  return undefined;
}

function rebuildsBySwap(model: ModelNode): boolean {
  switch (model.config.materialized) {
    case 'table':
    case 'distributed_table':
      return true;
    case 'incremental': {
      const { strategy } = incrementalSettings(model.config).settings;
      return strategy === 'default' || strategy === 'insert_overwrite';
    }
    default:
      return false;
  }
}
