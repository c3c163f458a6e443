/**
 * The property files' YAML crosses from the YAML thread (src/project/yaml-thread.ts) as plain data:
 * the value, and the event index as typed arrays moved with the message. What arrives must be the
 * document parseYamlFast makes here: the same value and the same line for every path.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { indexedDocument, parseYamlFast, readYamlFast } from '../../src/config/yaml-document.js';
import { indexFromPortable, portableIndex, type PortableEventIndex } from '../../src/config/yaml-event-index.js';
import { valuePaths } from '../support/value-paths.js';

const SAMPLES: Record<string, string> = {
  models: [
    'version: 2',
    'models:',
    '  - name: a',
    '    description: "quoted, so a special scalar"',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique, not_null]',
    "      - name: 'single quoted'",
    '        description: |',
    '          a block',
    '          of two lines',
    '  - name: b',
    '    config: {materialized: table, tags: [x, y]}',
    '    "quoted key": 1',
    '    "key\\twith a tab": 2',
    '    \'it\'\'s\': {"nested \\"quoted\\"": [3]}',
    '',
  ].join('\n'),
  anchors: 'base: &b {materialized: view}\nmodels:\n  - name: a\n    config: *b\n  - name: c\n    <<: *b\n',
  scalars: 'a: .inf\nb: -0\nc: ~\nd: "x\\ty"\n__proto__: 1\n',
};

/** Posts `message` through a real port, moving `transfer`, and returns what arrives. */
function acrossThreads<T>(message: T, transfer: ArrayBuffer[]): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(message, transfer);
  const received = receiveMessageOnPort(port2)!.message as T;
  port1.close();
  return received;
}

describe('a YAML document sent across threads', () => {
  it.each(Object.entries(SAMPLES))('%s: same value and same line for every path as parseYamlFast', (file, text) => {
    const here = parseYamlFast(text, file)!;
    const read = readYamlFast(text, file)!;
    const { portable, transfer } = portableIndex(read.index);
    const arrived = acrossThreads<{ text: string; value: unknown; index: PortableEventIndex }>({ text, value: read.value, index: portable }, transfer);
    // Moved, not copied: the sender's arrays are empty now.
    expect(read.index.kind.length).toBe(0);
    const there = indexedDocument(file, arrived.value, indexFromPortable(arrived.index, arrived.text));
    expect(there.value).toEqual(here.value);
    expect(Object.keys(there.value as object)).toEqual(Object.keys(here.value as object));
    for (const at of valuePaths(here.value)) expect({ at, line: there.lineOf(at) }).toEqual({ at, line: here.lineOf(at) });
  });

  it('keeps values JSON would lose', () => {
    const read = readYamlFast(SAMPLES.scalars!, 'scalars.yml')!;
    const arrived = acrossThreads(read.value, []) as Record<string, unknown>;
    expect(arrived.a).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(arrived.b, -0)).toBe(true);
    expect(Object.keys(arrived)).toContain('__proto__');
    expect(Object.getPrototypeOf(arrived)).toBe(Object.prototype);
  });
});
