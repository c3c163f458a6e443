import { createInvocation } from '../../src/tasks/invocation.js';
import { show } from '../../src/tasks/show.js';

/**
 * `tsdbt show --inline SQL --output json --limit -1` in this process: the `show` task the CLI's
 * command calls (test/tasks/build-task.test.ts checks the API against the CLI; the CLI's own
 * `show` is tested in test/e2e/astros.test.ts and test/cli). Tests that only read back what a
 * command built use it, which saves starting Node and chDB for every query. `env` is what the CLI
 * would have been given (HOME, the source's URL); the rows go through JSON as the CLI prints them.
 */
export async function showInProcess<T = Record<string, unknown>>(projectDir: string, env: Record<string, string | undefined>, sql: string): Promise<T[]> {
  const invocation = createInvocation({ env: { ...process.env, TSDBT_PROFILES_DIR: undefined, DBT_PROFILES_DIR: undefined, ...env } });
  const result = await show(invocation, { projectDir, inline: sql, limit: -1 });
  if (result.status !== 'ok') throw new Error(`show ended with status ${result.status}: ${sql}`);
  return JSON.parse(JSON.stringify(result.rows)) as T[];
}
