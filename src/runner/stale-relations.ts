import type { Adapter, RelationInfo } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type PlanContext, type Statement } from '../materialize/plan.js';
import { contextForDatabase } from '../materialize/ddl.js';
import { dropRelation } from '../materialize/plan-materialized-view.js';

/** Whether a relation is a temporary or backup relation tsdbt made beside a model. */
export function isLeftover(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) || name.endsWith(BACKUP_SUFFIX);
}

/** The DROP statement for each leftover among `relations`, by name (pure). */
export function leftoverDrops(relations: readonly RelationInfo[], context: PlanContext): { relation: RelationInfo; drop: Statement }[] {
  return relations
    .filter((relation) => isLeftover(relation.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((relation) => ({ relation, drop: dropRelation(relation.database, relation.name, relation.kind, contextForDatabase(relation.database, context), `drop ${relation.name}, left by an interrupted run`) }));
}

/** The databases a project builds into: those of its models, seeds and snapshots (enabled ones; all of them, not only the selected). */
export function projectDatabases(project: Project): string[] {
  const built = [...project.models.values()].filter((model) => model.config.materialized !== 'ephemeral');
  return [...new Set([...built, ...project.seeds.values(), ...(project.snapshots?.values() ?? [])].map((node) => node.relation.schema))].sort();
}

/**
 * Drops every `…__tsdbt_tmp` and `…__tsdbt_backup` relation in the project's databases: what a run
 * killed mid-build (or a failed cleanup) left behind. Run at the start of a run, before anything
 * is built. Names are fixed per model (no run id in them), so a leftover is also replaced by the
 * model's own next build; this sweep catches those of models not selected this time.
 * Two runs building into the same databases at the same time are not supported (as in dbt).
 * Returns the `db.name` of each relation dropped.
 */
export async function dropLeftoverRelations(project: Project, adapter: Adapter, context: PlanContext, databases: readonly string[] = projectDatabases(project)): Promise<string[]> {
  const dropped: string[] = [];
  for (const database of databases) {
    const relations = await adapter.listRelations(database);
    for (const { relation, drop } of leftoverDrops(relations, context)) {
      await adapter.execute(drop.sql);
      dropped.push(`${database}.${relation.name}`);
    }
  }
  return dropped;
}
