import type { Target } from '../config/target.js';
import type { TemplateEngine } from '../template/template-engine.js';
import type { RelationName } from './nodes.js';
import { nodeContext, type ContextNode } from './scopes.js';

/**
 * dbt's naming rules, overridable by the project's own `generate_schema_name` and
 * `generate_alias_name` macros: a custom schema is appended to the target's
 * (`analytics_staging`), and the alias defaults to the model name.
 */
export function schemaAndAlias(node: ContextNode, target: Target, engine: TemplateEngine): RelationName {
  const custom = typeof node.config.schema === 'string' && node.config.schema !== '' ? node.config.schema : null;
  const alias = typeof node.config.alias === 'string' && node.config.alias !== '' ? node.config.alias : null;
  const scope = { model: nodeContext(node) };
  const schema = engine.macro('generate_schema_name')
    ? String(engine.callMacro('generate_schema_name', scope, [custom, nodeContext(node)])).trim()
    : custom === null
      ? target.schema
      : `${target.schema}_${custom}`;
  const identifier = engine.macro('generate_alias_name')
    ? String(engine.callMacro('generate_alias_name', scope, [alias, nodeContext(node)])).trim()
    : (alias ?? node.name);
  return { schema, identifier };
}
