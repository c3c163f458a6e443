import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlFast } from '../../src/config/yaml-document.js';
import { REPO_ROOT } from '../support/cli.js';
import { valuePaths } from '../support/value-paths.js';

/** The `yaml` library's document: what parseYaml falls back to, and the reference for values and lines. */
function full(text: string, _file: string) {
  return import('yaml').then(({ parseDocument, LineCounter }) => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, doc, lineCounter };
  });
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (['node_modules', '.git', 'dist', 'target', '.tsdbt', 'logs'].includes(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yamlFiles(full, out);
    else if (/\.ya?ml$/.test(entry)) out.push(full);
  }
  return out;
}

const SAMPLES: Record<string, string> = {
  flow: 'models: [{name: a, columns: [{name: id, tests: [unique]}]}, {name: b}]\n',
  scalars: 'a: 1\nb: 1.5\nc: 1e3\nd: true\ne: ~\nf: null\ng: "x\\ty"\nh: \'it\'\'s\'\ni: 0x1F\nj: 0o17\nk: .inf\nl: 2024-01-31\nm: 1_000\nn: "007"\no: yes\n',
  blocks: 'description: |\n  line one\n  line two\nfolded: >-\n  one\n  two\nafter: 1\n',
  anchors: 'base: &b {materialized: view}\nmodels:\n  - name: a\n    config: *b\n',
  comments: '# top\nversion: 2  # trailing\n\nmodels:\n  # a comment between items\n  - name: a\n\n  - name: b\n    description: "{{ doc(\'b\') }}"\n',
  dashNewline: 'models:\n  -\n    name: a\n  - name: b\n',
  emptyValues: 'models:\n  - name: a\n    description:\n    columns:\n',
  quotedKeys: '"quoted key": 1\n\'single\': {x: 2}\n',
};

describe('parseYamlFast', () => {
  const files = yamlFiles(REPO_ROOT).map((file) => [path.relative(REPO_ROOT, file), readFileSync(file, 'utf8')] as const);
  const cases = [...files, ...Object.entries(SAMPLES)];

  it.each(cases)('reads %s as the yaml library does: same value, same line for every path', async (file, text) => {
    const fast = parseYamlFast(text, file);
    const reference = await full(text, file);
    if (reference.doc.errors.length > 0 || reference.value === null) {
      // Broken or empty: parseYaml must read it fully, for the errors (or the null).
      expect(fast).toBeUndefined();
      return;
    }
    expect(fast).toBeDefined();
    expect(fast!.value).toEqual(reference.value);
    for (const at of valuePaths(reference.value)) {
      const expected = lineOfReference(reference, at);
      expect({ at, line: fast!.lineOf(at) }).toEqual({ at, line: expected });
    }
  });

  // A lookup resumes from the one before (yaml-event-index.ts): the order paths are asked in must not matter.
  it.each(cases)('gives %s the same lines whatever order the paths are asked in', (file, text) => {
    const inOrder = parseYamlFast(text, file);
    if (inOrder === undefined) return;
    const all = valuePaths(inOrder.value);
    const expected = new Map(all.map((at) => [JSON.stringify(at), inOrder.lineOf(at)]));
    // Backwards, then every third path from each start: jumps back, forward and across lists.
    const shuffled = [...all].reverse();
    for (let start = 0; start < 3; start += 1) for (let at = start; at < all.length; at += 3) shuffled.push(all[at]!);
    const again = parseYamlFast(text, file)!;
    for (const at of shuffled) expect({ at, line: again.lineOf(at) }).toEqual({ at, line: expected.get(JSON.stringify(at)) });
  });

  it('gives up on what only the full reader reports well', () => {
    for (const text of [
      '',
      '# only a comment\n',
      'a: 1\na: 2\n',
      'key: {{ env_var("X") }}\n',
      '[a, b]: 1\n',
      'a: 1\n---\nb: 2\n',
      'a: [1, 2\n',
      'a: !!binary aGVsbG8=\n',
    ]) {
      expect(parseYamlFast(text, 'x.yml')).toBeUndefined();
    }
  });

  it("keeps the full reader's errors, with file:line", () => {
    expect(() => parseYaml('a: 1\na: 2\n', 'dup.yml')).toThrow(/dup\.yml is not valid YAML/);
    expect(() => parseYaml('key: {{ env_var("X") }}\n', 'jinja.yml')).toThrow(/unquoted `\{\{ … \}\}` value/);
  });
});

/** lineOfPath of yaml-document.ts, on the yaml library's document (the reference for lines). */
function lineOfReference(reference: Awaited<ReturnType<typeof full>>, at: (string | number)[]): number | undefined {
  const { doc, lineCounter } = reference;
  for (let depth = at.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? doc.contents : doc.getIn(at.slice(0, depth), true);
    if (depth > 0) {
      const parent = (depth === 1 ? doc.contents : doc.getIn(at.slice(0, depth - 1), true)) as
        | { items?: { key: { value?: unknown; range?: number[] } }[] }
        | undefined;
      if (parent && Array.isArray(parent.items) && parent.constructor.name === 'YAMLMap') {
        const pair = parent.items.find((item) => item.key && String(item.key.value) === String(at[depth - 1]));
        if (pair?.key.range) return lineCounter.linePos(pair.key.range[0]!).line;
      }
    }
    const range = (node as { range?: number[] } | undefined)?.range;
    if (node !== null && typeof node === 'object' && range) return lineCounter.linePos(range[0]!).line;
  }
  return undefined;
}
