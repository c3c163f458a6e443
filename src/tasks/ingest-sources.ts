import type { Project } from '../compile/load-project.js';
import type { SourceNode } from '../compile/nodes.js';
import type { IngestSource } from '../ingest/ingest-source.js';
import { readRegularFile } from '../project/read-file.js';

/** Sources that carry an `ingest:` block, as the ingest engine wants them. */
export function ingestSources(project: Project, ids?: ReadonlySet<string>, useSample = false): IngestSource[] {
  return [...project.sources.values()]
    .filter((source): source is SourceNode & { ingestConfig: NonNullable<SourceNode['ingestConfig']> } => source.ingestConfig !== undefined)
    .filter((source) => ids === undefined || ids.has(source.uniqueId))
    .map((source) => ({
      name: `${source.sourceName}.${source.name}`,
      database: source.relation.schema,
      table: source.relation.identifier,
      config: source.ingestConfig,
      projectDir: project.dir,
      cluster: project.target.type === 'clickhouse' ? project.target.cluster : undefined,
      readLocal: readRegularFile,
      useSample,
    }));
}
