/**
 * The `args` block of run_results.json: which command ran and with which options, in dbt's
 * snake_case (`which`, `select`, `full_refresh`, `fail_fast`…). `tsdbt retry` reads it back
 * to run the same command the same way.
 */

/** Options that describe where output goes or how it looks, not what runs. */
const NOT_RECORDED = new Set(['debug', 'color', 'ids', 'retryBatches']);

export function invocationArgs(which: string, options: object): Record<string, unknown> {
  const args: Record<string, unknown> = { which };
  for (const [key, value] of Object.entries(options)) {
    if (NOT_RECORDED.has(key) || value === undefined || typeof value === 'function') continue;
    args[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = value;
  }
  return args;
}

/** The reverse: `args` back into command options (camelCase), without `which`. */
export function optionsFromArgs(args: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'which' || value === undefined || value === null) continue;
    options[key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())] = value;
  }
  return options;
}
