/**
 * The empty shadow of a project's inputs for `tsdbt check`: each source and seed as an empty table
 * with the columns it would have in the target, in the scratch session. Where the columns are not
 * known, the source is left out and says why; models reading it are then reported as not checked,
 * never checked against a guess.
 */
import type { Project } from '../compile/load-project.js';
import type { SeedNode, SourceNode } from '../compile/nodes.js';
import type { Adapter } from '../core/adapter-types.js';
import { TsdbtError } from '../core/errors.js';
import { ensureLandingTables } from '../ingest/landing.js';
import { checkDatabase, type CheckColumn } from '../materialize/plan-check.js';
import { readProjectFile } from '../project/read-file.js';
import { readSeedTable } from '../seed/seed-table.js';
import type { CheckEngine } from './check-engine.js';

/** Why an input could not be shadowed (its dependants are not checked), by unique id. */
export type Unshadowed = Map<string, string>;

/** Creates the shadow of every source and seed in `ids`; returns those left out, with the reason. */
export async function createShadowInputs(adapter: Adapter, engine: CheckEngine, project: Project, ids: readonly string[]): Promise<Unshadowed> {
  const databases = onceEach((database) => adapter.execute(checkDatabase(database).sql));
  // All at once: the engine sends the tables together (see check-engine.ts).
  const reasons = await Promise.all(ids.map((id) => shadowInput(adapter, engine, project, id, databases)));
  const missing: Unshadowed = new Map();
  ids.forEach((id, index) => {
    const reason = reasons[index];
    if (reason !== undefined) missing.set(id, reason);
  });
  return missing;
}

/** Shadows one input; returns why it could not be, if it could not. */
async function shadowInput(adapter: Adapter, engine: CheckEngine, project: Project, id: string, databases: DatabaseMaker): Promise<string | undefined> {
  const source = project.sources.get(id);
  const seed = project.seeds.get(id);
  try {
    if (source !== undefined) return await shadowSource(adapter, engine, source, databases);
    if (seed !== undefined) return await shadowSeed(engine, project, seed, databases);
    // A snapshot, say: its columns are not known here, and guessing would check against the wrong thing.
    const node = project.nodes.get(id);
    return `${node?.resourceType ?? 'node'} '${node?.name ?? id}' has no shadow in check yet`;
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    return `${error.message.split('\n')[0]!}`;
  }
}

/** A source with an `ingest:` block gets its real landing table; otherwise its YAML `data_type`s. */
/** Creates each database once, however many inputs live in it. */
type DatabaseMaker = (database: string) => Promise<unknown>;

function onceEach(create: DatabaseMaker): DatabaseMaker {
  const made = new Map<string, Promise<unknown>>();
  return (database) => {
    let pending = made.get(database);
    if (pending === undefined) {
      pending = create(database);
      made.set(database, pending);
    }
    return pending;
  };
}

async function shadowSource(adapter: Adapter, engine: CheckEngine, source: SourceNode, databases: DatabaseMaker): Promise<string | undefined> {
  const { schema, identifier } = source.relation;
  if (source.ingestConfig !== undefined) {
    await ensureLandingTables(adapter, { database: schema, table: identifier, quarantine: source.ingestConfig.quarantine });
    return undefined;
  }
  const columns = Object.values(source.columns);
  const untyped = columns.filter((column) => column.dataType === undefined || column.dataType.trim() === '');
  if (columns.length === 0)
    return `source columns unknown: source '${source.sourceName}.${source.name}' declares no columns (give each a data_type in its YAML)`;
  if (untyped.length > 0)
    return `source columns unknown: column${untyped.length === 1 ? '' : 's'} ${untyped.map((column) => `'${column.name}'`).join(', ')} of source '${source.sourceName}.${source.name}' ha${untyped.length === 1 ? 's' : 've'} no data_type`;
  await databases(schema);
  await engine.createTable(
    schema,
    identifier,
    columns.map((column) => ({ name: column.name, type: column.dataType! })),
  );
  return undefined;
}

/** A seed's table with the types its CSV gets at `tsdbt seed` (column_types included); no row is loaded. */
async function shadowSeed(engine: CheckEngine, project: Project, seed: SeedNode, databases: DatabaseMaker): Promise<undefined> {
  const table = readSeedTable(readProjectFile(project.dir, seed.originalFilePath), {
    name: seed.name,
    file: seed.originalFilePath,
    delimiter: seed.config.delimiter as string | undefined,
    columnTypes: (seed.config.column_types ?? {}) as Record<string, string>,
  });
  const columns: CheckColumn[] = table.columns.map((column) => ({ name: column.name, type: column.type }));
  await databases(seed.relation.schema);
  await engine.createTable(seed.relation.schema, seed.relation.identifier, columns);
  return undefined;
}
