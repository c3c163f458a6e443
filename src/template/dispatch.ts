import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { DispatchEntry } from '../config/dispatch-config.js';

type MacroFunction = (...args: unknown[]) => unknown;

/** The name of dbt's internal namespace: `dbt.x`, and tsdbt's built-in macros. */
export const INTERNAL_NAMESPACE = 'dbt';

/** tsdbt's adapter first, then dbt's default: the prefixes dispatch tries within each package. */
export const ADAPTER_PREFIXES = ['clickhouse', 'default'] as const;

/**
 * The macro namespaces dispatch searches, as dbt's MacroNamespace holds them. Package macros plug
 * in through `fromPackage`/`isPackage`: dispatch itself only walks a list of package names.
 */
export interface MacroNamespaces {
  /** The root project's name. */
  rootProject: string;
  /** The project's `dispatch:` entries. */
  dispatchConfig: readonly DispatchEntry[];
  /** Whether `name` is an installed package (a dependency), not the root project or `dbt`. */
  isPackage(name: string): boolean;
  /** The macro `name` of one package: the root project (by its name), a package, or `dbt` (built-ins); undefined when that package has none or does not exist. */
  fromPackage(packageName: string, name: string): MacroFunction | undefined;
  /** What an unqualified call finds: the rendered node's own package, then the root project, then the built-ins. */
  flat(name: string): MacroFunction | undefined;
}

/**
 * Where `adapter.dispatch(…, macro_namespace)` looks, as dbt's `_get_search_packages`: the
 * project's `search_order` for the namespace; else, for a dependency (an installed package, the root
 * project, `dbt`), the root project then that package; else (no namespace, an unknown one) one
 * unqualified lookup (`null`).
 */
export function searchPackages(namespaces: MacroNamespaces, macroNamespace: unknown): (string | null)[] {
  if (macroNamespace === undefined || macroNamespace === null) return [null];
  if (typeof macroNamespace !== 'string') {
    throw new TsdbtError({
      code: ErrorCodes.DISPATCH_FAILED,
      message: `adapter.dispatch got a macro_namespace that is not a string (${JSON.stringify(macroNamespace) ?? String(macroNamespace)}).`,
      hint: "Pass the package name as a string: adapter.dispatch('macro_name', 'package_name').",
    });
  }
  const configured = namespaces.dispatchConfig.find((entry) => entry.macro_namespace === macroNamespace);
  if (configured !== undefined && configured.search_order.length > 0) return [...configured.search_order];
  // dbt's dependencies include the root project and its internal `dbt` package.
  const dependency = macroNamespace === namespaces.rootProject || macroNamespace === INTERNAL_NAMESPACE || namespaces.isPackage(macroNamespace);
  if (dependency) return [namespaces.rootProject, macroNamespace];
  return [null];
}

/**
 * dbt's `adapter.dispatch(macro_name, macro_namespace)`: for each package of the search order, the
 * first of `clickhouse__name`, `default__name` it defines. Never the bare `name` (that is the
 * dispatching macro itself).
 */
export function dispatchMacro(namespaces: MacroNamespaces, macroName: unknown, macroNamespace?: unknown): MacroFunction {
  const name = String(macroName);
  if (name.includes('.')) {
    const [suggestedNamespace, suggestedName] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    throw new TsdbtError({
      code: ErrorCodes.DISPATCH_FAILED,
      message: `adapter.dispatch got the macro name '${name}', but '.' is not part of a macro name.`,
      hint: `Did you mean adapter.dispatch('${suggestedName}', macro_namespace='${suggestedNamespace}')?`,
    });
  }
  const attempts: string[] = [];
  for (const packageName of searchPackages(namespaces, macroNamespace)) {
    for (const prefix of ADAPTER_PREFIXES) {
      const candidate = `${prefix}__${name}`;
      const found = packageName === null ? namespaces.flat(candidate) : namespaces.fromPackage(packageName, candidate);
      attempts.push(packageName === null ? candidate : `${packageName}.${candidate}`);
      if (found !== undefined) return found;
    }
  }
  const where = macroNamespace === undefined || macroNamespace === null ? '' : ` within namespace '${String(macroNamespace)}'`;
  throw new TsdbtError({
    code: ErrorCodes.DISPATCH_FAILED,
    message: `adapter.dispatch('${name}') found no macro${where}: searched for ${attempts.join(', ')}.`,
    hint: `Define one of them in macros/ (clickhouse__${name} or default__${name}), or list the package that has it in the project's \`dispatch:\` search_order.`,
  });
}
