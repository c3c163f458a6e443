import { createHash, randomUUID } from 'node:crypto';
import { modernCapabilities } from '../adapter/capabilities.js';
import { quoteIdentifier, quoteString } from '../core/sql-literals.js';
import type { Capabilities } from '../core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { yamlLib } from '../config/yaml-lib.js';
import { apiGlobal } from './api-global.js';
import { tablePrinter } from './query-table.js';
import { pythonModules } from './py-modules.js';
import { jsonDumps } from './python-values.js';
import { splitArgs } from './call-args.js';
import { checkSecretEnvRead } from './secret-env.js';
import { dispatchMacro } from './dispatch.js';
import { PySet } from './python-operators.js';

export interface BaseGlobalsOptions {
  projectName: string;
  /** Project vars merged with --vars (CLI wins). */
  vars: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  invocationId?: string;
  /** Looks up a macro by name (for adapter.dispatch). */
  macro: (name: string) => ((...args: unknown[]) => unknown) | undefined;
  /** Returns a `{% docs %}` block's text. */
  doc: (name: string) => string | undefined;
}

/** Feature names templates may ask about with `adapter.supports('json_extract')`. */
const SUPPORTS: Record<string, keyof Capabilities> = {
  exchange_tables: 'exchangeTables',
  create_or_replace_view: 'createOrReplaceView',
  query_parameters: 'queryParameters',
  json_extract: 'jsonExtract',
  lightweight_delete: 'lightweightDelete',
  datetime64: 'dateTime64',
  alter_view_query: 'alterViewQuery',
  mutations_sync: 'mutationsSync',
};

/**
 * What templates see as `adapter`. `capabilities` are those of the connected server at run time
 * (see bindAdapterCapabilities); without a connection (compile, parse) a current server is assumed.
 */
export function adapterGlobal(macro: BaseGlobalsOptions['macro'], capabilities: Capabilities = modernCapabilities): Record<string, unknown> {
  return {
    // The engine replaces this with its own, which knows packages and built-ins (engine-adapter.ts).
    dispatch: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const flatOnly = {
        rootProject: '',
        dispatchConfig: [],
        isPackage: () => false,
        fromPackage: (_package: string, name: string) => macro(name),
        flat: macro,
      };
      return dispatchMacro(flatOnly, positional[0] ?? keywords.macro_name, positional[1] ?? keywords.macro_namespace);
    },
    supports: (feature: string) => {
      const key = SUPPORTS[String(feature)];
      if (key === undefined) {
        throw new TsdbtError({
          code: ErrorCodes.TEMPLATE_RENDER,
          message: `adapter.supports('${String(feature)}'): unknown feature.`,
          hint: `Known features: ${Object.keys(SUPPORTS).join(', ')}.`,
        });
      }
      return capabilities[key];
    },
    quote: (identifier: string) => quoteIdentifier(identifier),
    quote_as_configured: (identifier: string) => quoteIdentifier(identifier),
    type: () => 'clickhouse',
  };
}

/**
 * The names every template sees regardless of which node is rendered: var, env_var, log,
 * exceptions, adapter.dispatch… `target` is added once the profile is resolved.
 */
export function baseGlobals(options: BaseGlobalsOptions): Record<string, unknown> {
  const { vars, env, logger } = options;
  const invocationId = options.invocationId ?? randomUUID();
  const scopedVars = (vars[options.projectName] ?? {}) as Record<string, unknown>;
  tablePrinter.print = (text) => logger.log('info', 'template_print', text);
  return {
    var: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      const name = String(positional[0]);
      if (Object.hasOwn(vars, name) && name !== options.projectName) return vars[name];
      if (typeof scopedVars === 'object' && scopedVars !== null && Object.hasOwn(scopedVars, name)) return scopedVars[name];
      if (positional.length > 1) return positional[1];
      throw new TsdbtError({
        code: ErrorCodes.TEMPLATE_RENDER,
        message: `Required variable '${name}' has no value.`,
        hint: `Set it under \`vars:\` in the project file, pass --vars '{${name}: …}', or give a default: var('${name}', 'default').`,
      });
    },
    env_var: (...args: unknown[]) => {
      const { positional } = splitArgs(args);
      const name = String(positional[0]);
      checkSecretEnvRead(name);
      const value = env[name];
      if (value !== undefined) return value;
      if (positional.length > 1) return positional[1];
      throw new TsdbtError({
        code: ErrorCodes.ENV_VAR_MISSING,
        message: `Environment variable '${name}' is not set, and env_var('${name}') gives no default.`,
        hint: `Export ${name} before running tsdbt, or write env_var('${name}', 'default').`,
      });
    },
    // dbt-clickhouse's macro: a materialized view writing into an existing table (the ref also makes it a parent).
    materialization_target_table: (relation: unknown) => `-- materialization_target_table: ${String(relation)}\n`,
    log: (message: unknown, ...rest: unknown[]) => {
      const { keywords, positional } = splitArgs(rest);
      const info = keywords.info ?? positional[0];
      logger.log(info ? 'info' : 'debug', 'template_log', String(message));
      return '';
    },
    print: (message: unknown) => {
      logger.log('info', 'template_print', String(message));
      return '';
    },
    exceptions: {
      raise_compiler_error: (message: unknown) => {
        throw new TsdbtError({
          code: ErrorCodes.COMPILER_ERROR_RAISED,
          message: String(message),
          hint: 'This error was raised by the project itself (exceptions.raise_compiler_error).',
        });
      },
      warn: (message: unknown) => {
        logger.log('warn', 'template_warning', String(message));
        return '';
      },
    },
    adapter: adapterGlobal(options.macro),
    api: apiGlobal(),
    doc: (name: string) => {
      const text = options.doc(name);
      if (text === undefined) {
        throw new TsdbtError({
          code: ErrorCodes.TEMPLATE_RENDER,
          message: `Documentation block '${name}' is not defined.`,
          hint: `Add {% docs ${name} %}…{% enddocs %} to a .md file under models/.`,
        });
      }
      return text;
    },
    zip: (...lists: unknown[][]) => {
      const length = Math.min(...lists.map((list) => list.length));
      return Array.from({ length }, (_, i) => lists.map((list) => list[i]));
    },
    set: (items: unknown[] = []) => PySet.from(new Set(items)),
    tojson: (value: unknown, ...rest: unknown[]) => {
      const { positional, keywords } = splitArgs(rest);
      return jsonDumps(value, (keywords.sort_keys ?? positional[1]) === true);
    },
    fromjson: (value: string) => JSON.parse(value) as unknown,
    // Loaded on first use: importing `yaml` here loaded it for every command that renders (config/yaml-lib.ts).
    fromyaml: (value: string) => yamlLib().parse(String(value)) as unknown,
    toyaml: (value: unknown) => yamlLib().stringify(value),
    namespace: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return { ...((positional[0] ?? {}) as Record<string, unknown>), ...keywords };
    },
    local_md5: (value: string) => createHash('md5').update(value).digest('hex'),
    string_literal: (value: string) => quoteString(value),
    invocation_id: invocationId,
    run_started_at: new Date().toISOString(),
    project_name: options.projectName,
    flags: {},
    modules: pythonModules(),
    True: true,
    False: false,
    None: null,
  };
}

/** Makes `adapter.supports(…)` answer for the connected server (called once connected, before rendering). */
export function bindAdapterCapabilities(
  engine: {
    addGlobalValue(name: string, value: unknown): void;
    macro(name: string): { fn: (...args: unknown[]) => unknown } | undefined;
    adapterModern?: boolean;
  },
  capabilities: Capabilities,
): void {
  engine.addGlobalValue(
    'adapter',
    adapterGlobal((name) => engine.macro(name)?.fn, capabilities),
  );
  if ('adapterModern' in engine) engine.adapterModern = Object.values(SUPPORTS).every((key) => capabilities[key] === modernCapabilities[key]);
}
