/**
 * dbt's secret environment variables: `DBT_ENV_SECRET_…` (and tsdbt's own `TSDBT_ENV_SECRET_…`)
 * may be read only where a credential belongs (profiles.yml, ingest blocks, packages), never by a
 * model, macro or test, whose rendered text ends up in compiled SQL, manifest.json, run_results.json,
 * the docs and the log. Their values are also scrubbed from every output (see secretEnvValues).
 */
import { ErrorCodes, TsdbtError } from '../core/errors.js';

const SECRET_PREFIX = /^(?:DBT|TSDBT)_ENV_SECRET_/;

export function isSecretEnvName(name: string): boolean {
  return SECRET_PREFIX.test(name);
}

/** The values of the secret variables set in `env`, for the redaction of every output. */
export function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => isSecretEnvName(name) && value !== undefined && value !== '')
    .map(([, value]) => value!);
}

let allowed = 0;

/** Runs `render` where secret variables may be read (a profile value, an ingest block). */
export function allowingSecretEnv<T>(render: () => T): T {
  allowed += 1;
  try {
    return render();
  } finally {
    allowed -= 1;
  }
}

/** Throws SECRET_IN_MODEL unless secret variables may be read here. */
export function checkSecretEnvRead(name: string): void {
  if (allowed > 0 || !isSecretEnvName(name)) return;
  throw new TsdbtError({
    code: ErrorCodes.SECRET_IN_MODEL,
    message: `env_var('${name}') reads a secret variable, which only profiles.yml, packages.yml and ingest blocks may use: anywhere else its value would be written into compiled SQL, the artifacts and the log.`,
    hint: `Use it in profiles.yml or in an \`ingest:\` block; for a value a model may show, use a variable without the ${name.startsWith('DBT') ? 'DBT_ENV_SECRET_' : 'TSDBT_ENV_SECRET_'} prefix.`,
  });
}
