// Bundles the docs site's page script and stylesheet (src/docs/client) into dist/docs/client/,
// with its libraries (dagre, marked, DOMPurify) and tsdbt's own selector grammar inside, so a
// generated site needs nothing from the network. Part of `npm run build`.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'docs', 'client');

await build({
  entryPoints: [
    { in: path.join(root, 'src/docs/client/main.ts'), out: 'tsdbt-docs' },
    { in: path.join(root, 'src/docs/client/tsdbt-docs.css'), out: 'tsdbt-docs' },
  ],
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'linked',
  logLevel: 'warning',
});
