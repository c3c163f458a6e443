// Bundles the CLI (dist/cli/main.js, as tsc wrote it) into dist/cli-bundle/: tsdbt's own modules
// become a few files instead of about 120, so a command does not pay Node's per-module resolve,
// read and link for each of them at start-up. Modules a command loads only on demand stay in
// chunks of their own (code splitting), and npm packages stay outside, loaded as installed.
// dist/index.js (the programmatic API) is not bundled. Part of `npm run build`.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
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
