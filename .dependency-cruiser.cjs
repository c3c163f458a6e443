/**
 * Import rules for src/ (run by `npm run lint`; see ARCHITECTURE.md).
 *
 * The folders of src/ form one stack, highest first. A module may import its own folder and any folder
 * BELOW its own; an import that points up the stack is a back-edge and fails the lint. Because the order
 * is total, no two folders can import each other, so there are no folder cycles either. Type-only imports
 * count too (`tsPreCompilationDeps`): a type that a lower layer needs from a higher one belongs lower.
 *
 * Zero exceptions: there is no allow-list of known violations. Moving a folder in the stack is a design
 * decision; change LAYERS and ARCHITECTURE.md together.
 */

/** The stack, highest first, with the reason each folder sits where it does. */
const LAYERS = [
  ['cli', 'commander wiring and rendering of task results; the only place that prints or sets the exit code. Nothing imports it.'],
  ['tasks', 'one function per command over an invocation; orchestration sits above everything it orchestrates.'],
  ['report', 'log sinks, progress and event rendering; renders what runner and ingest emit, so it sits above them.'],
  ['docs', 'the docs site: reads artifacts and the parsed project, so it sits above artifacts and compile.'],
  ['artifacts', 'manifest.json, run_results.json: serialize the parsed project and run results, so above runner and compile.'],
  ['state', 'state comparison and deferral read a previous manifest and compare it with the parsed one: above compile.'],
  ['runner', 'parallel DAG execution: renders (compile), plans (materialize) and executes (adapter port) each node.'],
  ['compile', 'parse: project files, templates and config into nodes and the graph; seeds and tests are parsed here too.'],
  ['testing', "data tests' building blocks (built-in tests, kwargs, names, configs, edges, queries); compile assembles them."],
  ['template', 'Jinja (nunjucks + fidelity layer); asks the adapter folder only for static capability names.'],
  ['ingest', 'HTTP sources, backoff, landing; takes landing SQL from materialize and writes through the core adapter port.'],
  ['graph', 'DAG, cycles, selectors: pure graph logic over node shapes, used by everything that orders nodes.'],
  ['materialize', 'node -> plan (statements as data); all SQL text is built here. Pure: no I/O, no database.'],
  ['seed', 'CSV reading and column type inference: pure data, used by the seed plans and the runner.'],
  ['adapter', 'the only code that talks to ClickHouse (chDB or a server); knows nothing of nodes or plans.'],
  ['project', 'finding the project and reading its files from disk.'],
  ['config', 'project.yml, profiles, YAML and value checks: the vocabulary every layer above validates with.'],
  ['core', 'shared ports at the bottom: errors, the logger interface, SQL literals, adapter types. Imports nothing of tsdbt.'],
];

const names = LAYERS.map(([name]) => name);

/** Every folder above `index` in the stack, as one path pattern. */
function above(index) {
  return `^src/(${names.slice(0, index).join('|')})/`;
}

const layerRules = LAYERS.slice(1).map(([name, why], offset) => {
  const index = offset + 1;
  return {
    name: `${name}-imports-only-below`,
    comment: `src/${name}: ${why} It may import only ${names.slice(index + 1).join(', ')} (and src/version.ts).`,
    severity: 'error',
    from: { path: `^src/${name}/` },
    to: { path: above(index) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'nothing-imports-the-public-api',
      comment: 'src/index.ts is the programmatic API (the top of the stack beside cli); code inside src/ must not import it back.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/index\\.ts$' },
    },
    {
      name: 'version-is-a-leaf',
      comment: 'src/version.ts sits with core at the bottom: every layer may read the version, so it imports nothing of tsdbt.',
      severity: 'error',
      from: { path: '^src/version\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'no-folder-cycles',
      comment:
        'No two folders (src/graph and src/graph/select count as two) import each other, directly or around a loop: the layer rules imply it for top-level folders, this states it for every folder.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-circular',
      comment:
        'Modules import each other at run time in one direction only; a cycle makes load order fragile. A loop closed by an `import type` or a lazy `await import()` has no load-order effect, so it is allowed inside a folder.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } },
    },
    {
      name: 'only-adapter-talks-to-clickhouse',
      comment: 'The database drivers are imported by src/adapter alone, so every query goes through the Adapter port (logging, retries, error translation).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapter/' },
      to: { path: 'node_modules/(chdb|@clickhouse/client)/' },
    },
    {
      name: 'docs-client-runs-in-a-browser',
      comment: 'src/docs/client is bundled for the browser: it may not import Node built-ins or the Node side of the docs site.',
      severity: 'error',
      from: { path: '^src/docs/client/' },
      to: { path: '^src/docs/(?!client/|site-types\\.ts$)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'docs-client-no-node-builtins',
      comment: 'src/docs/client is bundled for the browser, where Node built-ins do not exist.',
      severity: 'error',
      from: { path: '^src/docs/client/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'runtime-code-uses-runtime-dependencies',
      comment: 'What src/ imports at run time must be a dependency in package.json, not a devDependency (the docs client is bundled at build time, so it may).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/docs/client/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a deleted file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    // Count `import type` too: a type a lower layer needs from a higher one belongs lower.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
