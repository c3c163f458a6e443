import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { didYouMean } from '../config/value-checks.js';
import type { ExposureNode } from './exposures.js';

/** Names an exposure's `depends_on` may point at: refable nodes by name, sources by `source.table`. */
export interface ExposureTargets {
  refable: ReadonlyMap<string, { uniqueId: string }>;
  sources: ReadonlyMap<string, { uniqueId: string }>;
  disabled: ReadonlySet<string>;
}

/** Fills each exposure's `dependsOn.nodes`; an unknown ref or source is an error at its line, as in dbt. */
export function resolveExposures(exposures: readonly ExposureNode[], targets: ExposureTargets): TsdbtError[] {
  const errors: TsdbtError[] = [];
  for (const exposure of exposures) {
    const parents = new Set<string>();
    for (const dependency of exposure.dependencies) {
      if (dependency.kind === 'ref') {
        const name = dependency.args[dependency.args.length - 1]!;
        const parent = targets.refable.get(name);
        if (parent !== undefined) parents.add(parent.uniqueId);
        else if (!targets.disabled.has(name)) {
          errors.push(
            new TsdbtError({
              code: ErrorCodes.UNKNOWN_REF,
              message: `Exposure '${exposure.name}' depends on ref('${name}'), but no model or seed has that name.${didYouMean(name, [...targets.refable.keys()])}`,
              file: exposure.originalFilePath,
              line: dependency.line,
              hint: 'Check the spelling in `depends_on`.',
            }),
          );
        }
        continue;
      }
      const key = `${dependency.args[0]}.${dependency.args[1]}`;
      const source = targets.sources.get(key);
      if (source !== undefined) parents.add(source.uniqueId);
      else {
        errors.push(
          new TsdbtError({
            code: ErrorCodes.UNKNOWN_SOURCE,
            message: `Exposure '${exposure.name}' depends on source('${dependency.args[0]}', '${dependency.args[1]}'), which no sources: entry defines.${didYouMean(key, [...targets.sources.keys()])}`,
            file: exposure.originalFilePath,
            line: dependency.line,
            hint: 'Check the spelling in `depends_on`, or declare the source in a property file.',
          }),
        );
      }
    }
    exposure.dependsOn = { nodes: [...parents].sort(), macros: [] };
  }
  return errors;
}
