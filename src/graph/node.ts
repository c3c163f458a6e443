/** The fields every node in the project graph carries; selectors and the runner read only these. */

export type ResourceType = 'model' | 'seed' | 'test' | 'unit_test' | 'source' | 'snapshot' | 'analysis' | 'operation' | 'exposure';

export interface GraphNode {
  /** `model.astro.people`, `source.astro.astro.raw_astros`, `seed.astro.countries`, `test.astro.not_null_people_name.1a2b3c`. */
  uniqueId: string;
  /** Model/seed/test name; for sources the table name. */
  name: string;
  resourceType: ResourceType;
  packageName: string;
  /** Fully qualified name: project, folders, name (`['astro', 'marts', 'people_per_craft']`; sources: `['astro', 'astro', 'raw_astros']`). */
  fqn: string[];
  /** File path relative to the project root, with forward slashes. */
  originalFilePath: string;
  tags: string[];
  /** Resolved config (materialized, schema, alias, enabled, …). */
  config: Record<string, unknown>;
  /** For sources: the source's name (`astro` in `source('astro', 'raw_astros')`). */
  sourceName?: string;
  /** Content checksum used by `state:modified`. */
  checksum?: string;
}
