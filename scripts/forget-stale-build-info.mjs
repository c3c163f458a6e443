#!/usr/bin/env node
/**
 * Run before `tsc -b tsconfig.build.json` (`npm run build`). The build is incremental: tsc keeps
 * what it built in dist/tsconfig.build.tsbuildinfo and, when no source is newer, does nothing,
 * which is what makes `npm test`'s pretest build cheap after `npm ci` built everything. But tsc
 * trusts that record even when an output it wrote is gone (a deleted dist file stays deleted), so
 * when any source under src/ has no .js beside it in dist/, the record is removed here and tsc
 * builds everything again.
 *
 *   node scripts/forget-stale-build-info.mjs [project root, this repository by default]
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const record = path.join(root, 'dist', 'tsconfig.build.tsbuildinfo');
/** tsconfig.json leaves the docs page's browser script to its own build (scripts/build-docs-client.mjs). */
const notByTsc = `${path.join('docs', 'client')}${path.sep}`;
const OUTPUT_OF = { '.ts': '.js', '.cts': '.cjs', '.mts': '.mjs' };

function firstMissingOutput() {
  for (const relative of readdirSync(path.join(root, 'src'), { recursive: true })) {
    const extension = path.extname(relative);
    if (!(extension in OUTPUT_OF) || relative.endsWith(`.d${extension}`) || relative.startsWith(notByTsc)) continue;
    const output = path.join(root, 'dist', relative.slice(0, -extension.length) + OUTPUT_OF[extension]);
    if (!existsSync(output)) return output;
  }
  return undefined;
}

if (existsSync(record)) {
  const missing = firstMissingOutput();
  if (missing) {
    rmSync(record);
    console.log(`forget-stale-build-info: ${path.relative(root, missing)} is missing, so tsc builds everything again.`);
  }
}
