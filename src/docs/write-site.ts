import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { SiteData } from './site-data.js';
import { PACKAGE_ROOT } from '../version.js';
import { CHUNK_CALLBACK, GRAPH_CALLBACK, SITE_PATHS } from './site-types.js';

/** The bundled page script and stylesheet (built by scripts/build-docs-client.mjs into dist/docs/client). */
export function clientAssetsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/docs/client beside this module when running from dist/ (the API); from the package root
  // when running from source (tests) or from the CLI's bundle in dist/cli-bundle.
  const built = PACKAGE_ROOT === undefined ? [] : [path.join(PACKAGE_ROOT, 'dist', 'docs', 'client')];
  const candidates = [path.join(here, 'client'), ...built];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'tsdbt-docs.js')) && existsSync(path.join(dir, 'tsdbt-docs.css')));
  if (found === undefined) {
    throw new TsdbtError({
      code: ErrorCodes.INTERNAL,
      message: `The docs site's page script is missing (looked for tsdbt-docs.js in ${candidates.join(' and ')}).`,
      hint: 'tsdbt was not fully built: run `npm run build` (npm ci does it too).',
    });
  }
  return found;
}

/**
 * Writes the site into `targetDir`: index.html, docs/ (page script, stylesheet, graph file and
 * detail chunks). docs/ is written beside the old one and swapped in, so a browser reloading
 * during a generate never sees half a site; index.html is replaced last.
 */
export function writeSite(targetDir: string, data: SiteData): string {
  const assets = clientAssetsDir();
  const folder = path.join(targetDir, SITE_PATHS.folder);
  const staging = `${folder}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(path.join(staging, 'data'), { recursive: true });
  const inStaging = (relative: string) => path.join(staging, path.relative(SITE_PATHS.folder, relative));
  copyFileSync(path.join(assets, 'tsdbt-docs.js'), inStaging(SITE_PATHS.script));
  copyFileSync(path.join(assets, 'tsdbt-docs.css'), inStaging(SITE_PATHS.style));
  writeFileSync(inStaging(SITE_PATHS.graph), `${GRAPH_CALLBACK}(${JSON.stringify(data.graph)});\n`);
  data.chunks.forEach((chunk, n) => writeFileSync(inStaging(SITE_PATHS.chunk(n)), `${CHUNK_CALLBACK}(${n},${JSON.stringify(chunk)});\n`));
  const old = `${folder}.${process.pid}.old`;
  if (existsSync(folder)) renameSync(folder, old);
  renameSync(staging, folder);
  rmSync(old, { recursive: true, force: true });

  const index = path.join(targetDir, SITE_PATHS.index);
  writeFileSync(`${index}.${process.pid}.tmp`, indexHtml(data.graph.project.name, data.graph.project.generatedAt));
  renameSync(`${index}.${process.pid}.tmp`, index);
  return index;
}

/** The page shell: everything is drawn by the page script once the graph file has loaded. */
export function indexHtml(projectName: string, version: string): string {
  const v = encodeURIComponent(version);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tsdbt docs">
<title>${escapeHtml(projectName)} · tsdbt docs</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${SITE_PATHS.style}?v=${v}">
</head>
<body>
<div id="app"><p class="loading">Loading the documentation of ${escapeHtml(projectName)}…</p></div>
<noscript><p>This documentation site needs JavaScript. manifest.json and catalog.json next to this file hold the same information.</p></noscript>
<script src="${SITE_PATHS.script}?v=${v}"></script>
<script src="${SITE_PATHS.graph}?v=${v}"></script>
</body>
</html>
`;
}

/** An inline icon, so browsers do not ask the server for /favicon.ico. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#151a26"/><path d="M4 5h8M8 5v7" stroke="#f5b400" stroke-width="2.2" stroke-linecap="round"/></svg>')}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
