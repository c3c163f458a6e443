/**
 * Every command README.md shows is run here, block by block, in a temporary copy of the example
 * project (blocks that `cd "$(mktemp -d)"` leave it for a fresh folder). `tsdbt` and `npx tsdbt` run
 * the built CLI; `npm` commands (install, pack, ci, test) are run by CI itself (`.ci/run` and
 * `.ci/install-check.sh` install the packed tarball and use it from outside the repository), so here
 * they are only checked to be one of those.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../e2e/example-project.js';
import { REPO_ROOT } from '../support/cli.js';
import { spawnSync } from 'node:child_process';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const BIN = path.join(REPO_ROOT, 'bin', 'tsdbt');
/** npm commands README may show; CI runs each of them for real. */
const NPM_RUN_BY_CI = /^npm (ci|test|pack|install --global|install --save-dev)\b/;

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

const PRELUDE = [
  'set -euo pipefail',
  `tsdbt() { node ${JSON.stringify(BIN)} "$@"; }`,
  `npx() { if [ "$1" = tsdbt ]; then shift; node ${JSON.stringify(BIN)} "$@"; else echo "unexpected npx $*" >&2; return 1; fi; }`,
  'npm() { echo "npm $* (run by CI)"; }',
  'export -f tsdbt npx npm',
].join('\n');

describe('README.md', () => {
  const blocks = shellBlocks(README);

  it('has shell blocks, and their npm commands are ones CI runs', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const npmCommands = blocks
      .flatMap((block) => block.split('\n'))
      .flatMap((line) => line.split('&&'))
      .map((part) => part.replace(/#.*$/, '').trim())
      .filter((part) => part.startsWith('npm '));
    for (const command of npmCommands) expect(command, command).toMatch(NPM_RUN_BY_CI);
  });

  it.each(blocks.map((block, index) => [index + 1, block]))(
    'block %i runs without an error',
    (_index, block) => {
      const example = copyExample();
      try {
        const result = spawnSync('bash', ['-c', `${PRELUDE}\n${block}`], {
          cwd: example.dir,
          env: {
            ...process.env,
            HOME: example.home,
            TMPDIR: example.home,
            NO_COLOR: '1',
            ASTROS_URL: 'http://offline.invalid/astros.json',
            TSDBT_PROFILES_DIR: undefined,
            DBT_PROFILES_DIR: undefined,
          },
          encoding: 'utf8',
          timeout: 120_000,
        });
        expect(result.status, `${block}\n--- stderr ---\n${result.stderr}`).toBe(0);
      } finally {
        example.remove();
      }
    },
    180_000,
  );
});
