/**
 * usedMacros (src/compile/parse-models.ts) finds the names before each `(` by hand; it must list
 * what the regular expression it replaced listed, on random texts built from the characters that
 * expression cares about.
 */
import { describe, expect, it } from 'vitest';
import { usedMacros } from '../../src/compile/parse-models.js';
import type { TemplateEngine } from '../../src/template/template-engine.js';

/** An engine whose macros are `names`, noting the names it was asked for. */
function engineWith(names: string[]): { engine: TemplateEngine; asked: string[] } {
  const asked: string[] = [];
  const engine = { macro: (name: string) => (asked.push(name), names.includes(name) ? {} : undefined) } as unknown as TemplateEngine;
  return { engine, asked };
}

/** The expression usedMacros replaced. */
function byExpression(text: string, macros: string[]): string[] {
  const used = new Set<string>();
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) if (macros.includes(match[1]!)) used.add(`macro.${match[1]}`);
  return [...used].sort();
}

describe('usedMacros', () => {
  const macros = ['money', 'm2', '_x', 'a'];

  it('lists the macros called, once each and sorted, whatever stands between name and parenthesis', () => {
    const { engine, asked } = engineWith(macros);
    const text = "{{ money('a') }} {{ m2 ('b') }} {{ 2m2(x) }} {{ coalesce(money(1)) }} {{ _x\n(1) }} {{ m3(1) }} ((";
    expect(usedMacros(text, engine)).toEqual(['macro._x', 'macro.m2', 'macro.money']);
    expect(asked).toEqual(['money', 'm2', 'coalesce', '_x', 'm3']);
  });

  it('agrees with the expression on random texts', () => {
    const pieces = ['money', 'm2', '_x', 'a', '1', '9a', '(', ')', ' ', '\n', '\u00a0', '\t', '.', "'", 'b', '_', 'a(', 'money (', '2m2('];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let found = 0;
    for (let i = 0; i < 20000; i += 1) {
      let text = '';
      const length = 1 + random(20);
      for (let k = 0; k < length; k += 1) text += pieces[random(pieces.length)];
      const expected = byExpression(text, macros);
      found += expected.length;
      expect(usedMacros(text, engineWith(macros).engine), JSON.stringify(text)).toEqual(expected);
    }
    // The texts called macros, not only other names.
    expect(found).toBeGreaterThan(5000);
  });
});
