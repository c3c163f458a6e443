import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { REPO_ROOT } from '../support/cli.js';

/** docs/log-schema.json, compiled once: `problems(line)` lists why a JSON log line does not fit (empty when it does). */
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs', 'log-schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

export function schemaProblems(line: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return [`not JSON: ${(error as Error).message}: ${line}`];
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)} in ${line}`);
}

/** Every non-empty line of `text` must be a schema-valid log line; returns the parsed lines. */
export function parseLogLines(text: string): Record<string, unknown>[] {
  const lines = text.split('\n').filter((line) => line !== '');
  const problems = lines.flatMap(schemaProblems);
  if (problems.length > 0) throw new Error(`log lines that do not fit docs/log-schema.json:\n${problems.join('\n')}`);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
