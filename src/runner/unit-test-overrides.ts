import type { UnitTestNode } from '../compile/nodes.js';
import { splitArgs, type TemplateEngine } from '../template/template-engine.js';

/**
 * Renders with a unit test's `overrides`: `vars` and `env_vars` answer first (the rest falls
 * through to the project's values), and each overridden macro returns the given value.
 * `is_incremental` is not a macro here: the runner passes it as the render's flag.
 */
export function withOverrides<T>(engine: TemplateEngine, overrides: UnitTestNode['overrides'], work: () => T): T {
  const replacements: Record<string, unknown> = {};
  if (Object.keys(overrides.vars).length > 0) {
    const original = engine.globalValue('var') as (...args: unknown[]) => unknown;
    replacements.var = (...args: unknown[]) => {
      const name = String(splitArgs(args).positional[0]);
      return Object.hasOwn(overrides.vars, name) ? overrides.vars[name] : original(...args);
    };
  }
  if (Object.keys(overrides.envVars).length > 0) {
    const original = engine.globalValue('env_var') as (...args: unknown[]) => unknown;
    replacements.env_var = (...args: unknown[]) => {
      const name = String(splitArgs(args).positional[0]);
      return Object.hasOwn(overrides.envVars, name) ? overrides.envVars[name] : original(...args);
    };
  }
  for (const [name, value] of Object.entries(overrides.macros)) {
    if (name === 'is_incremental') continue;
    // A macro returns its value; a non-callable global (invocation_id) is the value itself.
    replacements[name] = typeof engine.globalValue(name) === 'function' || engine.macro(name) !== undefined ? () => value : value;
  }
  return Object.keys(replacements).length === 0 ? work() : engine.withGlobals(replacements, work);
}
