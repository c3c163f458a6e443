import type { Adapter, RelationInfo } from '../core/adapter-types.js';
import type { Project } from '../compile/load-project.js';
import { BACKUP_SUFFIX, TEMP_SUFFIX, type PlanContext, type Statement } from '../materialize/plan.js';
import { contextForDatabase } from '../materialize/ddl.js';
import { dropRelation } from '../materialize/plan-materialized-view.js';
import { madeRelationsFile, readMadeRelations, writeMadeRelations } from './made-relations.js';

/** Whether a relation is a temporary or backup relation tsdbt made beside a model. */
export function isLeftover(name: string): boolean {
  return name.endsWith(TEMP_SUFFIX) || name.endsWith(BACKUP_SUFFIX);
}

/** The DROP statement for each leftover among `relations`, by name (pure). */
export function leftoverDrops(relations: readonly RelationInfo[], context: PlanContext): { relation: RelationInfo; drop: Statement }[] {
  return relations
    .filter((relation) => isLeftover(relation.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((relation) => ({
      relation,
      drop: dropRelation(
        relation.database,
        relation.name,
        relation.kind,
        contextForDatabase(relation.database, context),
        `drop ${relation.name}, left by an interrupted run`,
      ),
    }));
}

/** The databases a project builds into: those of its models, seeds and snapshots (enabled ones; all of them, not only the selected). */
export function projectDatabases(project: Project): string[] {
  const built = [...project.models.values()].filter((model) => model.config.materialized !== 'ephemeral');
  return [...new Set([...built, ...project.seeds.values(), ...(project.snapshots?.values() ?? [])].map((node) => node.relation.schema))].sort();
}

/**
 * Drops the `…__tsdbt_tmp` and `…__tsdbt_backup` relations tsdbt's own record says it created
 * (see made-relations.ts) and that still exist: what a run killed mid-build (or a failed cleanup)
 * left behind. A relation carrying such a suffix that tsdbt did not record making is never
 * touched. Run at the start of a run, before anything is built; the record is then emptied (what
 * it named is gone). Two runs building into the same databases at once are not supported (as in dbt).
 * Returns the `db.name` of each relation dropped.
 */
export async function dropLeftoverRelations(project: Project, adapter: Adapter, context: PlanContext): Promise<string[]> {
  const file = madeRelationsFile(project.dir, project.target);
  const recorded = readMadeRelations(file);
  if (recorded.length === 0) return [];
  const dropped: string[] = [];
  for (const database of [...new Set(recorded.map((entry) => entry.database))].sort()) {
    const names = new Set(recorded.filter((entry) => entry.database === database).map((entry) => entry.name));
    const relations = (await adapter.listRelations(database)).filter((relation) => names.has(relation.name));
    for (const { relation, drop } of leftoverDrops(relations, context)) {
      await adapter.execute(drop.sql);
      dropped.push(`${database}.${relation.name}`);
    }
  }
  writeMadeRelations(file, []);
  return dropped;
}
