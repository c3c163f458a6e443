/**
 * The property files read and parsed on a second thread (src/project/yaml-thread.ts). The thread's
 * entry file exists only in the build (dist/project/, dist/cli-bundle/): run from the TypeScript
 * sources, as here, tsdbt parses on the main thread. So these tests drive the built modules (npm
 * test builds first) and compare them with the sources' single-threaded parse.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadProject } from '../../src/compile/load-project.js';
import { parseYamlFast } from '../../src/config/yaml-document.js';
import { YAML_THREAD_FROM_BYTES, YamlThread } from '../../src/project/yaml-thread.js';
import { REPO_ROOT } from '../support/cli.js';
import { tempHome, tempProject } from '../support/project.js';

type ThreadModule = typeof import('../../src/project/yaml-thread.js');
type DocumentModule = typeof import('../../src/config/yaml-document.js');
type ApiModule = typeof import('../../src/index.js');

const built = <T>(file: string): Promise<T> => import(pathToFileURL(path.join(REPO_ROOT, 'dist', file)).href) as Promise<T>;

const FILES: Record<string, string> = {
  'models/a.yml': 'version: 2\nmodels:\n  - name: a\n    description: "quoted"\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'models/broken.yml': 'models:\n  - name: b\n    description: [unclosed\n',
  'models/duplicate-keys.yml': 'models:\n  - name: c\n    name: d\n',
  'models/empty.yml': '# nothing but a comment\n',
  'models/z.yml': 'sources:\n  - name: s\n    tables:\n      - name: t\n',
};

describe('YamlThread', () => {
  it('hands over every file in order: the text, and the parse where js-yaml made one', async () => {
    const { YamlThread: Built } = await built<ThreadModule>('project/yaml-thread.js');
    const { indexedDocument } = await built<DocumentModule>('config/yaml-document.js');
    const dir = tempProject(FILES);
    const files = Object.keys(FILES);
    const thread = Built.start(dir, files, 0)!;
    expect(thread).toBeDefined();
    const got = files.map(() => thread.next());
    expect(got.map((file) => file.path)).toEqual(files);
    expect(got.map((file) => file.text)).toEqual(Object.values(FILES));
    // What the main thread would parse fully, for its errors (or its emptiness), comes without a parse.
    expect(got.map((file) => file.parsed !== undefined)).toEqual([true, false, false, false, true]);
    for (const file of got.filter((each) => each.parsed !== undefined)) {
      const here = parseYamlFast(file.text!, file.path)!;
      const there = indexedDocument(file.path, file.parsed!.value, file.parsed!.index);
      expect(there.value).toEqual(here.value);
      for (const at of [['models', 0, 'columns', 0, 'data_tests'], ['models', 0, 'description'], ['sources', 0, 'tables', 0, 'name'], ['nothing']])
        expect(there.lineOf(at)).toBe(here.lineOf(at));
    }
    expect(() => thread.next()).toThrow(/every file was taken/);
  });

  it("runs from the CLI bundle's copy of its entry file (dist/cli-bundle/, beside main.cjs)", async () => {
    const { YamlThread: Built } = await built<ThreadModule>('project/yaml-thread.js');
    const dir = tempProject(FILES);
    const files = Object.keys(FILES);
    const thread = Built.start(dir, files, 0, path.join(REPO_ROOT, 'dist', 'cli-bundle', 'yaml-thread-worker.js'))!;
    const got = files.map(() => thread.next());
    expect(got.map((file) => file.text)).toEqual(Object.values(FILES));
    expect(got.map((file) => file.parsed?.value)).toEqual([
      parseYamlFast(FILES['models/a.yml']!, 'a')!.value,
      undefined,
      undefined,
      undefined,
      parseYamlFast(FILES['models/z.yml']!, 'z')!.value,
    ]);
  });

  // In a child: V8's flags are the process's. The thread starts with a full young generation and
  // sets the flag back as it starts, so threads made later start as they would have.
  it.runIf(process.versions.v8.startsWith('11.'))("sets V8's starting young generation back for the threads made after it", async () => {
    const dir = tempProject(FILES);
    const module = (file: string) => JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'dist', file)).href);
    writeFileSync(
      path.join(dir, 'child.mjs'),
      `
      const { Worker } = await import('node:worker_threads');
      const { YamlThread } = await import(${module('project/yaml-thread.js')});
      // A thread's young generation as it starts, in bytes.
      const startSize = () => new Promise((resolve) => {
        const worker = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)", { eval: true });
        worker.once('message', (size) => worker.terminate().then(() => resolve(size)));
      });
      const before = await startSize();
      const files = ${JSON.stringify(Object.keys(FILES))};
      const thread = YamlThread.start(${JSON.stringify(dir)}, files, 0, process.argv[2]);
      const texts = files.map(() => thread.next().text);
      const after = await startSize();
      process.stdout.write(JSON.stringify({ before, after, texts: texts.every((text) => typeof text === 'string') }));
    `,
    );
    for (const entry of [
      path.join(REPO_ROOT, 'dist', 'project', 'yaml-thread-worker.js'),
      path.join(REPO_ROOT, 'dist', 'cli-bundle', 'yaml-thread-worker.js'),
    ]) {
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, 'child.mjs'), entry], {
        timeout: 60_000,
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      const seen = JSON.parse(stdout) as { before: number; after: number; texts: boolean };
      expect(seen.texts, 'the thread read every file').toBe(true);
      expect(seen.after, entry).toBe(seen.before);
    }
  });

  it('leaves every file to the main thread when the thread never starts', async () => {
    const { YamlThread: Built } = await built<ThreadModule>('project/yaml-thread.js');
    const dir = tempProject({ ...FILES, 'broken-entry.mjs': "throw new Error('this entry file does not load');\n" });
    const files = Object.keys(FILES);
    // Given up after the start window (here 500 ms instead of START_GIVE_UP_MS), not GIVE_UP_MS (60 s) per file.
    const thread = Built.start(dir, files, 0, path.join(dir, 'broken-entry.mjs'), 500)!;
    const started = Date.now();
    const got = files.map(() => thread.next());
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(got).toEqual(files.map((file) => ({ path: file, text: undefined, parsed: undefined })));
  }, 30_000);

  it('leaves the rest to the main thread, after a wait bounded by the file, when the thread stops mid-way', async () => {
    const { YamlThread: Built, giveUpMs } = await built<ThreadModule>('project/yaml-thread.js');
    // Starts, hands over the first file, then never posts again: as a thread that ran out of memory
    // in the middle of the second file, which cannot say so (the main thread is not in its event loop).
    const stopsMidWay = [
      "import { workerData } from 'node:worker_threads';",
      'const { port, signals } = workerData;',
      'Atomics.store(signals, 1, 1);',
      "port.postMessage({ text: 'first' });",
      'Atomics.add(signals, 0, 1);',
      'Atomics.notify(signals, 0);',
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
    ].join('\n');
    const dir = tempProject({ ...FILES, 'stops-mid-way.mjs': stopsMidWay });
    const files = Object.keys(FILES);
    const thread = Built.start(dir, files, 0, path.join(dir, 'stops-mid-way.mjs'), 5_000, 300)!;
    const started = Date.now();
    const got = files.map(() => thread.next());
    // One wait for the second file (300 ms and its bytes' share), not one per file, and not 60 s.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(got[0]).toEqual({ path: files[0], text: 'first', parsed: undefined });
    expect(got.slice(1)).toEqual(files.slice(1).map((file) => ({ path: file, text: undefined, parsed: undefined })));
    // The wait grows with the file (a large file takes the thread longer) from a base of 2 s.
    expect(giveUpMs(0)).toBe(2_000);
    expect(giveUpMs(1024 * 1024)).toBe(6_096);
  }, 30_000);

  it('is not started for a few bytes, for a file that is not a regular file, or without its entry file', async () => {
    const { YamlThread: Built } = await built<ThreadModule>('project/yaml-thread.js');
    const dir = tempProject(FILES);
    expect(Built.start(dir, Object.keys(FILES))).toBeUndefined();
    mkdirSync(path.join(dir, 'models', 'folder.yml'));
    expect(Built.start(dir, [...Object.keys(FILES), 'models/folder.yml'], 0)).toBeUndefined();
    expect(Built.start(dir, ['models/missing.yml'], 0)).toBeUndefined();
    // The sources have no entry file for the thread: src/project/yaml-thread-worker.js does not exist.
    expect(YamlThread.start(dir, Object.keys(FILES), 0)).toBeUndefined();
  });
});

/**
 * A project with more property-file bytes than YAML_THREAD_FROM_BYTES, so that the built
 * loadProject parses them on the thread, with warnings and errors deep in several files.
 */
function largeProject(withErrors: boolean): Record<string, string> {
  const files: Record<string, string> = { 'project.yml': 'name: demo\nprofile: demo\n' };
  const perFile = 300;
  for (let f = 0; f < 8; f += 1) {
    const lines = ['version: 2', ''];
    if (f === 6) lines.push('modles: []');
    lines.push('models:');
    for (let m = 0; m < perFile; m += 1) {
      const name = `m_${f}_${m}`;
      // Every tenth entry has its model (the others are warned about): the YAML is what is measured here.
      if (m % 10 === 0) files[`models/g${f}/${name}.sql`] = `select 1 as id -- ${name}`;
      lines.push(`  - name: ${withErrors && f === 7 && m === 50 ? 'm_2_3' : name}`);
      lines.push(
        f === 3 && m === 100
          ? '    descripton: "a typo"'
          : `    description: "model ${name}, ${'described at some length so that the files add up to a real size. '.repeat(4)}"`,
      );
      if (f === 1 && m === 5) lines.push('    config: {materialized: table, tags: [x, y]}');
      lines.push('    columns:');
      lines.push('      - name: id');
      lines.push(f === 5 && m === 200 ? '        data_typ: UInt8' : '        description: "Row key, kept from the first parent."');
      lines.push(withErrors && f === 4 && m === 120 ? '        data_tests: unique' : '        data_tests: [unique, not_null]');
      lines.push('      - name: amount');
      lines.push(`        description: "{{ 'Sum of the parents' ~ \\" amounts\\" }}"`);
    }
    files[`models/g${f}/_models.yml`] = `${lines.join('\n')}\n`;
  }
  if (withErrors) files['models/g9/_broken.yml'] = 'models:\n  - name: x\n    columns: [unclosed\n';
  return files;
}

/** The built loadProject, watched: `threads()` says how many of its YamlThread.start calls started a thread. */
async function builtLoadProject() {
  const { loadProject: load } = await built<ApiModule>('index.js');
  const { YamlThread: Built } = await built<ThreadModule>('project/yaml-thread.js');
  const start = vi.spyOn(Built, 'start');
  onTestFinished(() => start.mockRestore());
  return { load, threads: () => start.mock.results.filter((result) => result.value !== undefined).length };
}

function errorsOf(load: () => unknown): { message: string; file?: string; line?: number; hint?: string }[] {
  try {
    load();
  } catch (error) {
    const all = (error as { all?: () => { message: string; file?: string; line?: number; hint?: string }[] }).all;
    if (all === undefined) throw error;
    return all.call(error).map(({ message, file, line, hint }) => ({ message, file, line, hint }));
  }
  throw new Error('expected the project to fail');
}

describe('loadProject with the YAML thread', () => {
  it('is given a project large enough for the thread', () => {
    const bytes = Object.entries(largeProject(false))
      .filter(([file]) => file.endsWith('.yml') && file !== 'project.yml')
      .reduce((sum, [, text]) => sum + Buffer.byteLength(text), 0);
    expect(bytes).toBeGreaterThan(YAML_THREAD_FROM_BYTES);
  });

  it('gives the same nodes and the same warnings, with the same file:line, as the parse on one thread', async () => {
    const { load: builtLoad, threads } = await builtLoadProject();
    const dir = tempProject(largeProject(false));
    const home = tempHome();
    const here = loadProject({ projectDir: dir, env: { HOME: home } });
    rmSync(path.join(dir, 'target'), { recursive: true });
    const there = builtLoad({ projectDir: dir, env: { HOME: home } });
    expect(threads()).toBe(1);
    expect(there.warnings).toEqual(here.warnings);
    expect(here.warnings.join('\n')).toMatch(/g3\/_models\.yml:\d+: .*descripton/);
    expect(here.warnings.join('\n')).toMatch(/g5\/_models\.yml:\d+: .*data_typ/);
    expect(here.warnings.join('\n')).toMatch(/g6\/_models\.yml:\d+: .*modles/);
    const patchOf = (node: { description: string; patchPath?: string; patchLine?: number; columns: unknown; config: unknown; tests: unknown }) => [
      node.description,
      node.patchPath,
      node.patchLine,
      node.columns,
      node.config,
      node.tests,
    ];
    expect([...there.models.values()].map(patchOf)).toEqual([...here.models.values()].map(patchOf));
    expect([...there.tests.keys()]).toEqual([...here.tests.keys()]);
    // The next command finds partial_parse.json, so it parses on one thread, from the values kept there.
    expect(readFileSync(path.join(dir, 'target', 'partial_parse.json'), 'utf8')).toContain('m_7_299');
    const again = builtLoad({ projectDir: dir, env: { HOME: home } });
    expect(threads()).toBe(1);
    expect(again.warnings).toEqual(here.warnings);
  });

  it('gives the same errors, with the same file:line, as the parse on one thread', async () => {
    const { load: builtLoad, threads } = await builtLoadProject();
    const dir = tempProject(largeProject(true));
    const home = tempHome();
    const here = errorsOf(() => loadProject({ projectDir: dir, env: { HOME: home } }));
    rmSync(path.join(dir, 'target'), { recursive: true, force: true });
    const there = errorsOf(() => builtLoad({ projectDir: dir, env: { HOME: home } }));
    expect(threads()).toBe(1);
    expect(there).toEqual(here);
    const described = here.map((error) => `${error.file}:${error.line} ${error.message}`).join('\n');
    expect(described).toMatch(/g7\/_models\.yml:\d+ .*describes 'm_2_3' again; it is already described in models\/g2\/_models\.yml:\d+/);
    expect(described).toMatch(/g4\/_models\.yml:\d+ .*must be a list of tests/);
    expect(described).toMatch(/g9\/_broken\.yml:3 .*not valid YAML/);
  });
});
