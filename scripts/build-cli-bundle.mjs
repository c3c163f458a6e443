// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/cli-bundle/: tsdbt's own modules
// become a few files instead of about 120, so a command does not pay Node's per-module resolve,
// read and link for each of them at start-up. Modules a command loads only on demand stay in
// chunks of their own (code splitting), and npm packages stay outside, loaded as installed.
// dist/index.js (the programmatic API) is not bundled. Part of `npm run build`.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli-bundle');

rmSync(outdir, { recursive: true, force: true });

// commander is loaded by every command before anything else: from node_modules that is eight
// modules (its index, six lib files and the ESM wrapper) through Node's CommonJS loader, each
// resolved, read and compiled. The CLI imports it instead as one file built below, named by the
// package's own import map (package.json "imports"), which main.js and the chunks resolve alike.
const COMMANDER = '#tsdbt-commander';
const commanderOne = {
  name: 'commander-one-file',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^commander$/ }, () => ({ path: COMMANDER, external: true }));
  },
};

await build({
  entryPoints: [path.join(root, 'dist', 'cli', 'main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [commanderOne],
  logLevel: 'warning',
});

const commanderLicence = path.join(path.dirname(createRequire(import.meta.url).resolve('commander')), 'LICENSE');
await build({
  // commander's ESM entry, so that Node imports the file without scanning it for CommonJS exports.
  stdin: { contents: "export * from 'commander';", resolveDir: root, sourcefile: 'commander-entry.js' },
  outfile: path.join(outdir, 'commander.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // commander's own code, so its licence (MIT) goes with it, word for word; and a `require` for
  // its CommonJS code's require() of Node's modules, which an ES module does not have.
  banner: {
    js: `/*! commander, bundled by tsdbt.\n${readFileSync(commanderLicence, 'utf8').replaceAll('*/', '* /')}*/\nimport { createRequire as createRequireForCommander } from 'node:module';\nconst require = createRequireForCommander(import.meta.url);`,
  },
  logLevel: 'warning',
});

const nunjucksEntry = createRequire(import.meta.url).resolve('nunjucks');

// nunjucks in one CommonJS file, loaded by src/template/nunjucks-lib.ts from the chunks' folder's
// parent: loading its ~20 modules from node_modules one by one cost a parsing `tsdbt ls` about twice
// as much. chokidar (watching template folders) is only required by loaders tsdbt does not use.
await build({
  entryPoints: [nunjucksEntry],
  outfile: path.join(outdir, 'nunjucks.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['chokidar'],
  // The bundle is nunjucks' own code, so its licence (BSD-2-Clause) goes with it, word for word.
  banner: { js: `/*! nunjucks, bundled by tsdbt.\n${readFileSync(path.join(path.dirname(nunjucksEntry), 'LICENSE'), 'utf8').replaceAll('*/', '* /')}*/` },
  logLevel: 'warning',
});
