import type { Adapter, RelationInfo } from '../core/adapter-types.js';
import type { ExistingRelation } from '../materialize/plan.js';

/**
 * What exists in each database, read with one query per database and kept up to date as the
 * run builds relations, so planning never costs a round trip per model.
 */
export class RelationCache {
  private readonly databases = new Map<string, Promise<Map<string, RelationInfo['kind']>>>();
  /** `CREATE DATABASE IF NOT EXISTS` statements that succeeded in this run. */
  private readonly created = new Set<string>();

  constructor(private readonly adapter: Adapter) {}

  async existing(database: string, name: string): Promise<ExistingRelation> {
    const relations = await this.load(database);
    return relations.get(name);
  }

  async set(database: string, name: string, kind: RelationInfo['kind'] | undefined): Promise<void> {
    const relations = await this.load(database);
    if (kind === undefined) relations.delete(name);
    else relations.set(name, kind);
  }

  /** Forget a database (after a failure the state is uncertain; the next lookup reads it again). */
  invalidate(database: string): void {
    this.databases.delete(database);
    this.created.clear();
  }

  /** Whether `statement` (a `CREATE DATABASE IF NOT EXISTS`) already ran in this run. */
  databaseCreated(statement: string): boolean {
    return this.created.has(statement);
  }

  markDatabaseCreated(statement: string): void {
    this.created.add(statement);
  }

  private load(database: string): Promise<Map<string, RelationInfo['kind']>> {
    let entry = this.databases.get(database);
    if (entry === undefined) {
      entry = this.adapter.listRelations(database).then((list) => new Map(list.map((relation) => [relation.name, relation.kind])));
      entry.catch(() => this.databases.delete(database));
      this.databases.set(database, entry);
    }
    return entry;
  }
}
