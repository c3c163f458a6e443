import type { Adapter } from '../core/adapter-types.js';
import { currentLineage } from '../artifacts/lineage-file.js';
import { buildManifest } from '../artifacts/manifest.js';
import { targetDir, writeJsonArtifact } from '../artifacts/write-artifacts.js';
import type { Project } from '../compile/load-project.js';
import { compileModels } from '../compile/render-model.js';
import { TsdbtError } from '../core/errors.js';
import { renderTest } from '../compile/render-test.js';
import { noteCompiled } from '../compile/run-state.js';
import { buildCatalogJson, emptyCatalog, projectDatabases, readCatalog, type Catalog } from './catalog.js';
import { readLastRunResults } from './run-results-file.js';
import { buildSiteData } from './site-data.js';
import { writeSite } from './write-site.js';

export interface GenerateDocsOptions {
  /** Where the catalog is read from; without one the catalog is empty (`--empty-catalog`). */
  adapter?: Adapter | undefined;
  now?: () => Date;
}

export interface GenerateDocsResult {
  indexFile: string;
  nodes: number;
  /** Relations found in the database. */
  relations: number;
  databases: string[];
  /** Models and tests that did not compile: the site shows them without compiled SQL. */
  compileErrors: TsdbtError[];
  warnings: string[];
}

/**
 * `tsdbt docs generate`: compiles every model and test, reads the catalog (one query per
 * database), and writes target/index.html with its data, manifest.json and catalog.json.
 * Compile errors do not stop it; they are returned for the caller to report.
 */
export async function generateDocs(project: Project, options: GenerateDocsOptions = {}): Promise<GenerateDocsResult> {
  const now = options.now ?? (() => new Date());
  // What the last `tsdbt check` derived, where still up to date: column lineage on the site and in manifest.json.
  project.run.columnLineage ??= currentLineage(project);
  const compileErrors = new Map<string, TsdbtError>();
  for (const id of project.models.keys()) {
    const [first] = compileModels(project, [id]);
    if (first !== undefined) compileErrors.set(id, first);
  }
  for (const test of project.tests.values()) {
    try {
      noteCompiled(project, test.uniqueId, renderTest(project, test));
    } catch (error) {
      if (!(error instanceof TsdbtError)) throw error;
      compileErrors.set(test.uniqueId, error);
    }
  }

  const databases = options.adapter === undefined ? [] : projectDatabases(project);
  const catalog: Catalog = options.adapter === undefined ? emptyCatalog() : await readCatalog(options.adapter, databases);
  const target = targetDir(project);
  const lastRun = readLastRunResults(target);
  const warnings = [...catalog.errors, ...(lastRun.warning === undefined ? [] : [lastRun.warning])];
  const generatedAt = now();
  const data = buildSiteData({
    project,
    catalog,
    ...(options.adapter === undefined ? { catalogNote: 'Generated with --empty-catalog: column types are those declared in YAML (data_type), if any.' } : {}),
    ...(lastRun.results === undefined ? {} : { lastRun: lastRun.results }),
    compileErrors: new Map([...compileErrors].map(([id, error]) => [id, error.message])),
    generatedAt,
  });
  writeJsonArtifact(project, 'manifest.json', buildManifest(project, generatedAt));
  writeJsonArtifact(project, 'catalog.json', buildCatalogJson(project, catalog, generatedAt));
  const indexFile = writeSite(target, data);
  return { indexFile, nodes: data.graph.nodes.length, relations: catalog.relations.size, databases, compileErrors: [...compileErrors.values()], warnings };
}
