/**
 * The CLI bundle loads nunjucks from dist/cli-bundle/nunjucks.cjs (scripts/build-cli-bundle.mjs,
 * template/nunjucks-lib.ts), not module by module from node_modules, and a parse through it twice
 * (the second from target/template_cache.json) lists what the first did.
 */
import { describe, expect, it } from 'vitest';
import { projectYml, removeProject, runCli, writeProject } from '../support/cli.js';

describe('nunjucks in the CLI bundle', () => {
  it('is the one-file bundle, and a parse gives the same list with the kept macro code', async () => {
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
      expect(first.stderr).toMatch(/nunjucks\.cjs/);
      expect(first.stderr).not.toMatch(/node_modules\/nunjucks\//);
      const second = await runCli(['ls'], { cwd: dir, env });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      removeProject(dir);
    }
  });
});
