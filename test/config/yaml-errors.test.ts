import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/yaml-document.js';
import { ErrorCodes, isTsdbtError, type TsdbtError } from '../../src/core/errors.js';

function errorsOf(text: string): TsdbtError[] {
  try {
    parseYaml(text, 'models/schema.yml', ErrorCodes.PROPERTIES_INVALID);
  } catch (error) {
    if (isTsdbtError(error)) return error.all();
    throw error;
  }
  throw new Error('expected a YAML error');
}

describe('YAML syntax errors: one per mistake, in plain words, at the line to edit', () => {
  it.each([
    {
      name: 'an unclosed double quote is reported where it opens, not where the file ends',
      text: 'version: 2\n\nmodels:\n  - name: a\n    description: "A starter\n    columns:\n      - name: id\n        description: x\n      - name: b\n',
      line: 5,
      message: 'the double-quoted value that starts on line 5 is never closed.',
    },
    {
      name: 'an unclosed single quote',
      text: "a: 'it\nb: 2\n",
      line: 1,
      message: 'the single-quoted value that starts on line 1 is never closed.',
    },
    {
      name: 'a list item indented one space short (the parser reports three errors for it)',
      text: 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n     - name: b\n',
      line: 6,
      message: 'line 6 is indented by 5 spaces, out of step with the lines around it (the line before is indented by 6).',
    },
    {
      name: 'a key without its colon',
      text: 'version: 2\nmodels:\n  - name: a\n    columns\n      - name: id\n',
      line: 4,
      message: 'line 4 (`columns`) is not a `key: value` pair or a list item.',
    },
    {
      name: 'a tab used to indent',
      text: 'version: 2\nmodels:\n\t- name: a\n',
      line: 3,
      message: 'line 3 is indented with a tab; YAML indents with spaces only.',
    },
    {
      name: 'a repeated key',
      text: 'version: 2\nversion: 3\n',
      line: 2,
      message: 'line 2 repeats the key `version`, which this mapping already has.',
    },
    {
      name: 'an unclosed flow mapping',
      text: 'models:\n  - name: a\n    config: {materialized: table\n    columns: []\n',
      line: 3,
      message: 'the mapping opened with `{` on line 3 is never closed with `}`.',
    },
  ])('$name', ({ text, line, message }) => {
    const errors = errorsOf(text);
    expect(errors.map((error) => [error.line, error.message])).toEqual([[line, `models/schema.yml is not valid YAML: ${message}`]]);
    expect(errors[0]!.hint).toBeTruthy();
  });
});
