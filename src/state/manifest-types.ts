/**
 * The parts of a manifest.json that state comparison and defer read. Fields are optional:
 * a state folder may come from an older tsdbt (or be hand-made), and a missing field makes
 * the comparison conservative (the node counts as modified), never a crash.
 */

export interface ManifestNodeEntry {
  unique_id?: string;
  resource_type?: string;
  name?: string;
  fqn?: string[];
  config?: Record<string, unknown>;
  checksum?: { name?: string; checksum?: string };
  depends_on?: { nodes?: string[]; macros?: string[] };
  schema?: string;
  alias?: string;
  /** Sources: the table's name in the database. */
  identifier?: string;
  relation_name?: string | null;
  loaded_at_field?: string | null;
  original_file_path?: string;
  /** Models: dbt's contract block, and the columns and constraints it is about. */
  contract?: { enforced?: boolean; alias_types?: boolean; checksum?: string | null };
  columns?: Record<string, { name?: string; data_type?: string | null; constraints?: ManifestConstraint[] }>;
  constraints?: ManifestConstraint[];
}

export interface ManifestConstraint {
  type?: string;
  expression?: string | null;
  columns?: string[];
}

export interface ManifestMacroEntry {
  unique_id?: string;
  name?: string;
  macro_sql?: string;
  checksum?: { name?: string; checksum?: string };
  depends_on?: { macros?: string[] };
}

export interface ManifestLike {
  metadata?: { project_name?: string; generated_at?: string; invocation_id?: string; dbt_schema_version?: string; tsdbt_version?: string };
  nodes: Record<string, ManifestNodeEntry>;
  sources: Record<string, ManifestNodeEntry>;
  macros: Record<string, ManifestMacroEntry>;
}
