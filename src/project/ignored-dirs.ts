/**
 * Folders skipped while walking a project: never project sources. Shared by project-files.ts
 * (which reads the project) and file-stamps.ts (the record checks, which walk the same way); a
 * module of its own so that the record checks load nothing of the YAML reading with it.
 */
export const IGNORED_DIRS = new Set(['node_modules', '.git', 'target', 'dbt_packages', 'logs', '.tsdbt']);
