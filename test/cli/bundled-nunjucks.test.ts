/**
 * The CLI bundle carries nunjucks inside dist/cli-bundle/main.cjs (scripts/build-cli-bundle.mjs,
 * template/nunjucks-lib.ts), so that its compiler is in the bundle's code cache; nothing of it is
 * loaded module by module from node_modules, and a parse through it twice (the second from
 * target/template_cache.json) lists what the first did.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectYml, REPO_ROOT, removeProject, runCli, writeProject } from '../support/cli.js';

describe('nunjucks in the CLI bundle', () => {
  it('is inside the CLI bundle, and a parse gives the same list with the kept macro code', async () => {
    const dir = writeProject({
      'project.yml': projectYml('demo'),
      'macros/pick.sql': "{% macro pick(x) %}{{ x if x else 'none' }}{% endmacro %}",
      'models/a.sql': 'select {{ pick(1) }} as x',
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    try {
      const env = { HOME: dir, NODE_DEBUG: 'module' };
      const first = await runCli(['ls'], { cwd: dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe('demo.a\ndemo.b\n');
      expect(readFileSync(path.join(REPO_ROOT, 'dist', 'cli-bundle', 'main.cjs'), 'latin1')).toMatch(/nunjucks\/src\/compiler\.js/);
      expect(first.stderr).not.toMatch(/node_modules\/nunjucks\//);
      const second = await runCli(['ls'], { cwd: dir, env });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      removeProject(dir);
    }
  });
});
