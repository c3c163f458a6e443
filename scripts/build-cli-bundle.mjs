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
