/**
 * The two YAML readers (js-yaml's event reader, the fast path, and the `yaml` library's document
 * reader, which reports lines and errors) must read the same value from the same text, merge keys
 * (`<<: *anchor`, `<<: [*a, *b]`, `<<: {…}`) included, with YAML 1.1's meaning: keys written in the
 * mapping win over merged ones, and among merged mappings the earlier wins. Random documents from
 * a seeded generator: anchors, aliases, merges, nested mappings and lists, scalars of every type.
 */
import { describe, expect, it } from 'vitest';
import { parseYaml, readWithDocumentReader, readWithEventReader } from '../../src/config/yaml-document.js';
import { seededRandom } from '../support/seeded-random.js';

const SEED = 20261206;
const DOCUMENTS = 400;

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const keys = ['a', 'b', 'c', 'type', 'schema', '+materialized', 'threads', 'x'];
  const scalars = ['1', '2.5', 'true', 'null', 'text', '"quoted"', "'single'", '~', '0x1F', '-3'];
  const anchors: string[] = [];
  let anchorCount = 0;

  /** A block mapping at `indent`, sometimes anchored, sometimes with a merge key. */
  const mapping = (indent: number, depth: number): string[] => {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    const used = new Set<string>();
    if (anchors.length > 0 && random() < 0.5) {
      const form = random();
      if (form < 0.5) lines.push(`${pad}<<: *${pick(anchors)}`);
      else if (form < 0.8) lines.push(`${pad}<<: [${[pick(anchors), pick(anchors)].map((name) => `*${name}`).join(', ')}]`);
      else lines.push(`${pad}<<: {${pick(keys)}: ${pick(scalars)}}`);
    }
    const count = 1 + Math.floor(random() * 4);
    for (let i = 0; i < count; i += 1) {
      const key = pick(keys);
      if (used.has(key)) continue;
      used.add(key);
      if (depth < 3 && random() < 0.35) {
        const anchor = random() < 0.5 ? `a${(anchorCount += 1)}` : undefined;
        lines.push(`${pad}${key}:${anchor === undefined ? '' : ` &${anchor}`}`);
        lines.push(...mapping(indent + 2, depth + 1));
        if (anchor !== undefined) anchors.push(anchor);
      } else if (depth < 3 && random() < 0.15) {
        lines.push(`${pad}${key}: [${pick(scalars)}, ${pick(scalars)}]`);
      } else if (anchors.length > 0 && random() < 0.15) {
        lines.push(`${pad}${key}: *${pick(anchors)}`);
      } else {
        lines.push(`${pad}${key}: ${pick(scalars)}`);
      }
    }
    return lines;
  };
  return () => {
    anchors.length = 0;
    return `${mapping(0, 0).join('\n')}\n`;
  };
}

describe('YAML readers agree (seeded differential)', () => {
  it(`${DOCUMENTS} random documents with anchors and merge keys read the same in both readers`, () => {
    const next = generator(SEED);
    let merges = 0;
    for (let i = 0; i < DOCUMENTS; i += 1) {
      const text = next();
      if (text.includes('<<:')) merges += 1;
      let fromDocument: unknown;
      try {
        fromDocument = readWithDocumentReader(text);
      } catch (error) {
        // A merge of something that is not a mapping (an alias to a scalar): both must refuse it.
        expect(() => readWithEventReader(text), text).toThrow();
        void error;
        continue;
      }
      expect(readWithEventReader(text), text).toEqual(fromDocument);
      // And what tsdbt itself reads (either path) is that value.
      expect(parseYaml(text, 'random.yml').value, text).toEqual(fromDocument);
    }
    expect(merges).toBeGreaterThan(DOCUMENTS / 10);
  });

  it('YAML 1.1 precedence: own keys win, then the earlier merged mapping', () => {
    const text = 'one: &one {a: 1, b: 1}\ntwo: &two {b: 2, c: 2}\nboth:\n  <<: [*one, *two]\n  c: 3\n';
    const expected = { one: { a: 1, b: 1 }, two: { b: 2, c: 2 }, both: { a: 1, b: 1, c: 3 } };
    expect(readWithEventReader(text)).toEqual(expected);
    expect(readWithDocumentReader(text)).toEqual(expected);
    expect(parseYaml(text, 'x.yml').value).toEqual(expected);
  });
});
