import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { capYoungGeneration, holdYoungGeneration, holdYoungGenerationAt } from '../core/young-generation.js';
import type { IndexedYaml } from '../config/yaml-document.js';
import { IGNORED_DIRS } from './ignored-dirs.js';
import { readRegularProjectFile } from './read-file.js';
import { YamlThread } from './yaml-thread.js';

/** A text file of the project, with its path relative to the project root (forward slashes). */
export interface ProjectFile {
  path: string;
  text: string;
}

export interface ProjectFiles {
  models: ProjectFile[];
  macros: ProjectFile[];
  /** YAML property files found under model, seed, macro, snapshot and analysis paths. */
  properties: ProjectFile[];
  /** Seed CSV paths (read when seeding, not when compiling). */
  seeds: string[];
  /** SQL files under snapshot-paths (their `{% snapshot %}` blocks). */
  snapshots: ProjectFile[];
  /** `.py` files under model-paths: dbt Python models, which tsdbt does not build (said in a warning). */
  pythonModels: string[];
  /** `.sql` files under analysis-paths: compiled, never run. */
  analyses: ProjectFile[];
  /** Singular data tests (`tests/**\/*.sql`, not under `tests/fixtures/`). */
  tests: ProjectFile[];
  /** Unit test fixtures: `.csv` and `.sql` files under `<test-path>/fixtures/` (dbt's place for them). */
  fixtures: ProjectFile[];
  /** Markdown files that may hold `{% docs %}` blocks. */
  docs: ProjectFile[];
  selectorsFile: ProjectFile | undefined;
  /**
   * Set when the property files are read and parsed on another thread (readProjectFiles'
   * `yamlThread`): `properties` is empty until its `files()` hands them over, one by one.
   */
  propertiesInBackground?: BackgroundProperties;
}

/** Property files coming from the YAML thread (yaml-thread.ts), in the order readProjectFiles would have read them. */
export interface BackgroundProperties {
  /** Each file as the thread hands it over (waiting for it), added to `properties` as it goes. */
  files(): Generator<ProjectFile>;
  /** What js-yaml's event parser made of a file `files()` handed over, once; undefined: parse it here. */
  parsed(file: ProjectFile): IndexedYaml | undefined;
}

export interface ProjectPaths {
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  docsPaths: string[];
}

/** `tests/fixtures/…`: unit test fixtures, never singular tests (as in dbt). */
function isFixture(file: string, testPaths: string[]): boolean {
  return testPaths.some((dir) => file.startsWith(`${dir.replace(/\/+$/, '')}/fixtures/`));
}

/**
 * Reads everything the compiler needs, in a stable order. This module is the only place
 * that walks the project tree, so caching and watching can hook in here.
 */
export function readProjectFiles(projectDir: string, paths: ProjectPaths, options: { yamlThread?: boolean } = {}): ProjectFiles {
  const { read, list } = reader(projectDir);
  const yamlDirs = [...paths.modelPaths, ...paths.seedPaths, ...paths.macroPaths, ...paths.snapshotPaths, ...paths.analysisPaths, ...paths.testPaths];
  const listProperties = () => list(yamlDirs, ['.yml', '.yaml']);
  // Listed and started first, so that the thread parses while this one reads the rest.
  const listed = options.yamlThread === true ? listedEarly(listProperties) : undefined;
  const thread = listed === undefined ? undefined : YamlThread.start(projectDir, listed);
  const selectors = path.join(projectDir, 'selectors.yml');
  const modelFiles = list(paths.modelPaths, ['.sql', '.py']);
  // A large project's texts, kept to the end, would grow the young generation to its maximum.
  capYoungGeneration(modelFiles.length);
  const properties: ProjectFile[] = [];
  return {
    models: modelFiles
      .filter((file) => file.endsWith('.sql'))
      .map((file, index) => {
        holdYoungGenerationAt(index);
        return read(file);
      }),
    pythonModels: modelFiles.filter((file) => file.endsWith('.py')),
    ...readDefinitionFiles(projectDir, paths),
    properties: thread === undefined ? (listed ?? listProperties()).map(read) : properties,
    ...(thread === undefined ? {} : { propertiesInBackground: backgroundProperties(thread, read, properties) }),
    seeds: list(paths.seedPaths, ['.csv']),
    snapshots: list(paths.snapshotPaths, ['.sql']).map(read),
    analyses: list(paths.analysisPaths, ['.sql']).map(read),
    fixtures: list(paths.testPaths, ['.csv', '.sql'])
      .filter((file) => isFixture(file, paths.testPaths))
      .map(read),
    selectorsFile: existsSync(selectors) ? read('selectors.yml') : undefined,
  };
}

/** The property files, listed before the rest; undefined when the listing fails (readProjectFiles' own listing reports it where it always did). */
function listedEarly(listProperties: () => string[]): string[] | undefined {
  try {
    return listProperties();
  } catch {
    return undefined;
  }
}

function backgroundProperties(thread: YamlThread, read: (file: string) => ProjectFile, into: ProjectFile[]): BackgroundProperties {
  const parsed = new WeakMap<ProjectFile, IndexedYaml>();
  return {
    *files() {
      while (into.length < thread.count) {
        const got = thread.next();
        // A file the thread could not read is read here, failing as it would have without the thread.
        const file = got.text === undefined ? read(got.path) : { path: got.path, text: got.text };
        if (got.parsed !== undefined) parsed.set(file, got.parsed);
        // The thread has started by now, which let the young generation grow again.
        holdYoungGeneration();
        into.push(file);
        yield file;
      }
    },
    parsed(file) {
      const found = parsed.get(file);
      parsed.delete(file);
      return found;
    },
  };
}

/**
 * The files readProjectFiles reads that any render may use (macros, test-paths' `.sql` files, docs), read as it reads them.
 * With `listed`, every file under the folders `roots` (file-stamps.ts' filesUnder, known to be current): folders among
 * them are not walked again, their files are taken from that list.
 */
export function readDefinitionFiles(
  projectDir: string,
  paths: ProjectPaths,
  listed?: { roots: readonly string[]; files: readonly string[] },
): Pick<ProjectFiles, 'macros' | 'tests' | 'docs'> {
  const { read, list } = reader(projectDir, listed);
  const docsDirs = paths.docsPaths.length > 0 ? paths.docsPaths : [...paths.modelPaths, ...paths.seedPaths, ...paths.macroPaths, ...paths.testPaths];
  return {
    macros: list(paths.macroPaths, ['.sql', '.jinja', '.j2']).map(read),
    tests: list(paths.testPaths, ['.sql'])
      .filter((file) => !isFixture(file, paths.testPaths))
      .map(read),
    docs: list(docsDirs, ['.md']).map(read),
  };
}

function reader(projectDir: string, listed?: { roots: readonly string[]; files: readonly string[] }) {
  const read = (file: string): ProjectFile => ({ path: file, text: readRegularProjectFile(path.join(projectDir, file), file) });
  const roots = new Set(listed?.roots.map((root) => path.resolve(projectDir, root)));
  const list = (dirs: string[], extensions: string[]): string[] => {
    const out = new Set<string>();
    for (const dir of dirs) {
      const files =
        listed !== undefined && roots.has(path.resolve(projectDir, dir))
          ? listedUnder(projectDir, dir, extensions, listed.files)
          : walk(projectDir, dir, extensions);
      for (const file of files) out.add(file);
    }
    return [...out].sort();
  };
  return { read, list };
}

/** What walk finds, from a list of every file under `dir` (and maybe other folders) that filesUnder made: it walks the same way. */
function listedUnder(projectDir: string, dir: string, extensions: string[], files: readonly string[]): string[] {
  const root = path.resolve(projectDir, dir);
  if (!existsSync(root)) return [];
  if (!statSync(root).isDirectory()) return walk(projectDir, dir, extensions); // its error
  const relative = path.relative(projectDir, root).split(path.sep).join('/');
  const prefix = relative === '' ? '' : `${relative}/`;
  return files.filter((file) => file.startsWith(prefix) && extensions.some((extension) => file.endsWith(extension)));
}

function walk(projectDir: string, dir: string, extensions: string[]): string[] {
  const root = path.resolve(projectDir, dir);
  if (!existsSync(root)) return [];
  if (!statSync(root).isDirectory()) {
    throw new TsdbtError({
      code: ErrorCodes.CONFIG_INVALID,
      message: `The project path '${dir}' is a file, but it should be a folder.`,
      hint: 'Fix the *-paths settings in the project file.',
    });
  }
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) stack.push(full);
      } else if (extensions.some((extension) => entry.name.endsWith(extension))) {
        out.push(path.relative(projectDir, full).split(path.sep).join('/'));
      }
    }
  }
  return out;
}
