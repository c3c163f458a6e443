// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into one CommonJS file,
// dist/cli-bundle/main.cjs, and makes a V8 code cache for it (dist/cli-bundle/main.cjs.v8cache).
// bin/tsdbt loads the file through src/cli/load-bundle.cts: one file instead of about 120 modules
// (no per-module resolve, read and link), compiled from the cache instead of from source where the
// cache was made for this Node and this very file. Node 20 can give V8 a code cache only for a
// script (vm.Script), not for an ES module, hence CommonJS. Modules a command loads on demand stay
// lazy inside the file (esbuild runs a dynamically imported module's body on first import).
// dist/index.js (the programmatic API) is not bundled. Part of `npm run build`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli-bundle');
const outfile = path.join(outdir, 'main.cjs');

// npm packages a parsing `tsdbt ls` runs go inside the file (and so inside the code cache); so do
// the ClickHouse client and chDB's JavaScript (its connection for the client, its query builder),
// which every command that opens the embedded engine loads: about 100 CommonJS modules through
// Node's loader, each resolved, read and compiled on its own, that cost more CPU than the rest of a
// small command (bench/notes.md). Their bodies still run only when a command connects. chDB's
// native engine stays outside: CHDB_NATIVE_LOADER says how. The others (chalk, csv-parse…) stay
// outside, loaded as installed when a command needs them. nunjucks' two small dependencies come
// with it.
const BUNDLED_PACKAGES = ['commander', 'js-yaml', 'nunjucks', 'a-sync-waterfall', 'asap', '@clickhouse/client', '@clickhouse/client-common', 'chdb'];

/**
 * chDB's index.js loads its native engine through this module of its own, which finds the
 * platform package (@chdb/lib-…) from where chDB is installed: the bundle loads that one file as
 * installed (through chDB's package.json, which chDB exports; the loader itself it does not), so
 * the engine is found exactly as without the bundle.
 */
const CHDB_NATIVE_LOADER = './dist/loader.js';
const chdbNativeLoader = `const path = require('node:path');
module.exports = require(path.join(path.dirname(require.resolve('chdb/package.json')), ${JSON.stringify(CHDB_NATIVE_LOADER)}));`;
let chdbNativeLoaderRedirected = false;

/**
 * The licences of the packages esbuild put in the file (MIT, BSD-2-Clause: each asks that its text
 * go with copies), word for word, found from the build's list of inputs: for LICENSES.txt beside it.
 */
function bundledLicences(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
    if (match) dirs.add(path.resolve(root, match[1]));
  }
  const texts = [...dirs].sort().map((dir) => {
    const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((base) => path.join(dir, base)).find((candidate) => existsSync(candidate));
    if (file === undefined) throw new Error(`build-cli-bundle: no licence file for ${name} in ${dir}`);
    return `${name} ${version}:\n${readFileSync(file, 'utf8')}`;
  });
  return `Packages bundled into main.cjs, each under its own licence:\n\n${texts.join('\n')}`;
}

/** How the bundle's first bytes name its build, followed by BUILD_ID_LENGTH hex digits (src/cli/load-bundle.cts reads them). */
const BUILD_ID_MARK = 'tsdbt-build:';
const BUILD_ID_LENGTH = 32;

/** What the bundle calls for `import()`: the loader passes it in (src/cli/load-bundle.cts). */
const IMPORT_FUNCTION = '__tsdbtImport';
/**
 * `import(` of anything esbuild does not bundle (it does relative paths and BUNDLED_PACKAGES):
 * installed packages, Node's modules, a project's file.
 */
const BUNDLED_SPECIFIER = BUNDLED_PACKAGES.map((name) => `${name.replace(/[./]/g, (char) => `\\${char}`)}(?:\\/[^'"]*)?`).join('|');
const OUTSIDE_IMPORT = new RegExp(`(?<![\\w$.])import\\((?!\\s*['"](?:\\.{1,2}\\/|(?:${BUNDLED_SPECIFIER})['"]))`, 'g');
let importsRewritten = 0;

/**
 * Rewrites of tsc's output as esbuild reads it, each checked so that a renamed file or changed
 * line fails the build instead of silently losing it:
 * - `import()` of what stays outside the bundle calls the loader's import function instead: a
 *   function V8 takes from a code cache loses the script's dynamic-import callback in Node 20
 *   (`ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING`), while the loader is an ordinary CommonJS module
 *   whose `import()` resolves installed packages from the same node_modules.
 * - nunjucks-lib loads nunjucks from the bundle (elsewhere, as installed).
 * - commander's `node:child_process` (used only to run executable subcommands, which tsdbt has
 *   none of) is required on first use, not at start-up.
 */
const rewrites = {
  name: 'tsdbt-cli-rewrites',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      if (/[\\/]dist[\\/]template[\\/]nunjucks-lib\.js$/.test(args.path)) {
        const installed = "createRequire(import.meta.url)('nunjucks')";
        if (!text.includes(installed)) throw new Error(`build-cli-bundle: ${args.path} no longer contains ${installed}`);
        text = text.replace(installed, "require('nunjucks')");
      }
      text = text.replace(OUTSIDE_IMPORT, () => {
        importsRewritten += 1;
        return `${IMPORT_FUNCTION}(`;
      });
      return { contents: text, loader: 'js' };
    });
    builder.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'node:child_process', namespace: 'lazy-builtin' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [path.join(root, 'dist', 'cli', 'main.js')],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Without whitespace, comments and long syntax the file is about a quarter smaller, and every
  // start reads it into a buffer, checks it and copies it into a string: fewer bytes and fresh pages
  // (bench/notes.md). Identifiers keep their names, so stack traces still name tsdbt's functions.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [
    rewrites,
    {
      // Every npm package outside the file except BUNDLED_PACKAGES.
      name: 'tsdbt-externals',
      setup(builder) {
        builder.onResolve({ filter: /^\./ }, (args) => {
          if (args.path !== CHDB_NATIVE_LOADER || !/[\\/]node_modules[\\/]chdb[\\/]index\.js$/.test(args.importer)) return undefined;
          chdbNativeLoaderRedirected = true;
          return { path: 'chdb-native-loader', namespace: 'chdb-installed' };
        });
        builder.onLoad({ filter: /.*/, namespace: 'chdb-installed' }, () => ({ contents: chdbNativeLoader, loader: 'js' }));
        builder.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || args.namespace === 'lazy-builtin') return undefined;
          if (args.namespace === 'chdb-installed') return { path: args.path, external: true };
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
          return BUNDLED_PACKAGES.includes(name) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
  inject: [path.join(root, 'scripts', 'cli-bundle', 'bundle-url.mjs')],
  define: { 'import.meta.url': 'bundleUrl' },
  write: false,
  metafile: true,
  logLevel: 'warning',
});
// A chDB whose index.js no longer requires its native loader by that path would have it bundled,
// where it cannot find the engine: fail here rather than at a user's first query.
if (!chdbNativeLoaderRedirected) throw new Error(`build-cli-bundle: chdb's index.js no longer requires ${CHDB_NATIVE_LOADER}`);
// ASCII only, so the loader reads it as latin1 (no UTF-8 decoding, a one-byte string for V8).
// esbuild escapes everything but comments already; a \u escape means the same character in a
// string, template, regular expression or identifier, and is plain text in a comment.
// The file is one function expression, src/cli/load-bundle.cts's to compile and call: Node's
// CommonJS wrapper with one more parameter, the bundle's import function. Written here rather than
// added by the loader, so that V8 compiles the file's own text (no 1.6 MB copy at every start);
// on the first line, so that line numbers stay the file's.
const wrapperStart = `(function (exports, require, module, __filename, __dirname, ${IMPORT_FUNCTION}) {`;
const banner = "/*! tsdbt's CLI, with the npm packages LICENSES.txt beside this file names, each under its own licence. */\n";
const wrapped = (wrapperStart + banner + result.outputFiles[0].text + '\n})').replace(
  /[\u0080-\uffff]/g,
  (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
);
// The build id, first in the file (a comment before the function, on its first line): the loader
// takes the code cache made for this id, instead of checksumming the whole bundle at every start. A
// hash of the rest, so that a build of the same code has the same id and any other another.
const code = `/*${BUILD_ID_MARK}${createHash('sha256').update(wrapped).digest('hex').slice(0, BUILD_ID_LENGTH)}*/${wrapped}`;
// Every `import()` left is one the rewrite made: a new one of another form would fail at run time.
const left = code.match(OUTSIDE_IMPORT)?.length ?? 0;
const calls = code.split(`${IMPORT_FUNCTION}(`).length - 1;
if (left > 0 || calls !== importsRewritten || calls === 0) {
  throw new Error(`build-cli-bundle: ${left} import() left in the bundle, ${calls} calls of ${IMPORT_FUNCTION} for ${importsRewritten} rewritten`);
}
mkdirSync(outdir, { recursive: true });
writeFileSync(outfile, code);

// The YAML thread's entry file (src/project/yaml-thread-worker.ts), bundled beside main.cjs, where
// src/project/yaml-thread.ts looks for it (`./yaml-thread-worker.js` from the bundle's URL). An ES
// module like tsc's output: dist/ is `"type": "module"`. Not cached: it is small, js-yaml and tsdbt's
// YAML reading only, and compiled on the thread it runs on.
await build({
  entryPoints: [path.join(root, 'dist', 'project', 'yaml-thread-worker.js')],
  outfile: path.join(outdir, 'yaml-thread-worker.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: "/*! tsdbt's YAML thread, with js-yaml inside under its own licence (LICENSES.txt beside this file). */" },
  plugins: [
    {
      // js-yaml goes inside; anything else the YAML reading may load on demand (the `yaml` library) stays outside.
      name: 'tsdbt-worker-externals',
      setup(builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('node:') || args.path === 'js-yaml' ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
  logLevel: 'warning',
});
writeFileSync(path.join(outdir, 'LICENSES.txt'), bundledLicences(result.metafile));

// The code cache: what V8 compiled while the built CLI ran `tsdbt ls` on a copy of the example
// project (the repository root), never compiled: its parse path, commander, nunjucks' compiler.
// A cache V8 or the loader refuses costs nothing but the compile it would have saved.
const project = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-code-cache-'));
try {
  for (const entry of ['project.yml', 'models', 'macros']) cpSync(path.join(root, entry), path.join(project, entry), { recursive: true });
  execFileSync(process.execPath, [path.join(root, 'bin', 'tsdbt'), 'ls'], {
    cwd: project,
    env: { ...process.env, HOME: project, TSDBT_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} finally {
  rmSync(project, { recursive: true, force: true });
}
if (!existsSync(`${outfile}.v8cache`)) throw new Error('build-cli-bundle: running `tsdbt ls` left no code cache');
