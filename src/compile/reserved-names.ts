import { ErrorCodes, TsdbtError } from '../core/errors.js';

/**
 * Suffixes of the relations tsdbt builds beside a model (kept equal to TEMP_SUFFIX and
 * BACKUP_SUFFIX of materialize/plan.ts, which compile may not import).
 */
export const RESERVED_SUFFIXES = ['__tsdbt_tmp', '__tsdbt_backup'] as const;

/**
 * A model or seed whose name or relation (alias) ends in one of tsdbt's own suffixes would be taken
 * for a leftover of an interrupted run, or collide with the temporary table of another model.
 */
export function reservedNameErrors(
  kind: 'Model' | 'Seed',
  name: string,
  identifier: string,
  at: { file: string; nameLine: number | undefined; aliasLine: () => { file: string; line: number | undefined } | undefined },
): TsdbtError[] {
  const suffix = (text: string) => RESERVED_SUFFIXES.find((reserved) => text.endsWith(reserved));
  const errors: TsdbtError[] = [];
  const hint = `Rename it: names ending in ${RESERVED_SUFFIXES.join(' or ')} are tsdbt's temporary and backup tables.`;
  const nameSuffix = suffix(name);
  if (nameSuffix !== undefined) {
    errors.push(
      new TsdbtError({
        code: ErrorCodes.RESERVED_NAME,
        message: `${kind} '${name}' ends in '${nameSuffix}', a suffix tsdbt keeps for its own temporary tables.`,
        file: at.file,
        line: at.nameLine,
        hint,
      }),
    );
  } else {
    const identifierSuffix = suffix(identifier);
    if (identifierSuffix !== undefined) {
      const where = at.aliasLine() ?? { file: at.file, line: at.nameLine };
      errors.push(
        new TsdbtError({
          code: ErrorCodes.RESERVED_NAME,
          message: `${kind} '${name}' is built as '${identifier}', which ends in '${identifierSuffix}', a suffix tsdbt keeps for its own temporary tables.`,
          ...where,
          hint,
        }),
      );
    }
  }
  return errors;
}
