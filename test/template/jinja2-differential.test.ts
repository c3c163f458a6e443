/**
 * tsdbt's Jinja against the real thing: every template of the corpus (hand-written edge cases,
 * every template in the repository and its fixtures, and seeded random ones) is rendered by
 * tsdbt and by Jinja2 3.1 (python3, test/support/jinja2-oracle.py, one process for all), and the
 * outputs must be identical, or both renders must fail. The differences tsdbt keeps on purpose are
 * listed in docs/jinja.md and asserted one by one below.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { CORPUS_MACROS, corpusContext, EDGE_CASES, randomTemplates } from '../support/jinja-corpus.js';
import { repoTemplates } from '../support/repo-templates.js';
import { templateEngine } from '../support/engine.js';

const ORACLE = path.join(REPO_ROOT, 'test', 'support', 'jinja2-oracle.py');
const RANDOM_COUNT = 2000;

/** The python3 with Jinja2 3.1 to compare against, or why there is none. */
function findPython(): { python: string } | { reason: string } {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import jinja2; print(jinja2.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0 && /^3\.1\./.test(probe.stdout.trim())) return { python };
  }
  return { reason: 'python3 with Jinja2 3.1 not found (Debian: apt-get install python3-jinja2)' };
}

type Outcome = { output: string } | { error: string };

/** All templates in one python process (started first, so both sides render at once). */
function renderWithJinja2(python: string, templates: Record<string, string>, macros: string): Promise<Record<string, Outcome>> {
  const request = JSON.stringify({ macros, templates: Object.entries(templates).map(([id, text]) => ({ id, text })) });
  return new Promise((resolve, reject) => {
    const child = spawn(python, [ORACLE], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`jinja2-oracle.py failed (${code}): ${stderr}`));
      else resolve((JSON.parse(Buffer.concat(stdout).toString('utf8')) as { results: Record<string, Outcome> }).results);
    });
    child.stdin.end(request);
  });
}

function renderWithTsdbt(templates: Record<string, string>, macros: string): Record<string, Outcome> {
  const { engine } = templateEngine({ 'macros/corpus.sql': macros });
  const out: Record<string, Outcome> = {};
  for (const [id, text] of Object.entries(templates)) {
    try {
      out[id] = { output: engine.compile(id, text).render({}, corpusContext()) };
    } catch (error) {
      out[id] = { error: String((error as Error).message) };
    }
  }
  return out;
}

/** dbt's `{% test name(...) %}` blocks, as tsdbt reads them (template-engine.ts), so Jinja2 can parse the file. */
function asJinja2(text: string): string {
  return text.replace(/\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(/g, '{%$1 macro test_$2(').replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}');
}

/**
 * Where tsdbt and Jinja2 differ on purpose (docs/jinja.md, "Differences"): the template, then what
 * Jinja2 renders and what tsdbt renders. Each is checked against both, so the list stays true.
 */
export const KNOWN_DIFFERENCES: Record<string, { text: string; jinja2: string; tsdbt: string }> = {
  'a float with no fraction prints as an integer': { text: '{{ 4 / 2 }} {{ 1.0 }}', jinja2: '2.0 1.0', tsdbt: '2 1' },
  'an empty list or dict is true as an and/or value, and in a nested inline if': {
    text: "{{ [] or 'x' }} {{ ('y' if [] else 'n') ~ '' }}",
    jinja2: 'x n',
    tsdbt: '[] y',
  },
  'tuples are lists (they print with brackets)': {
    text: "{{ (1, 'a') }} {{ {'b': 2} | dictsort }}",
    jinja2: "(1, 'a') [('b', 2)]",
    tsdbt: "[1, 'a'] [['b', 2]]",
  },
  'a variable set inside a loop changes the one outside (use namespace() for that in Jinja2)': {
    text: '{% set c = 0 %}{% for x in xs %}{% set c = c + x %}{% endfor %}{{ c }}',
    jinja2: '0',
    tsdbt: '6',
  },
  'a chain of inline ifs inside brackets needs parentheses': {
    text: "{{ greet('a' if f else 'b' if t else 'c') }}|{{ greet('a' if f else ('b' if t else 'c')) }}",
    jinja2: 'hello b|hello b',
    tsdbt: 'error',
  },
  'loop.cycle, loop.changed, loop.previtem/nextitem and loop.depth do not exist': {
    text: "{% for x in xs %}{{ loop.cycle('a', 'b') }}{% endfor %}",
    jinja2: 'aba',
    tsdbt: 'error',
  },
  'attribute access on an undefined name gives undefined, not an error': { text: '[{{ missing.attr }}]', jinja2: 'error', tsdbt: '[]' },
  '+ binds tighter than ~': { text: "{{ 'a' ~ 1 + 2 }}", jinja2: 'error', tsdbt: 'a3' },
  'is binds looser than ~ and the arithmetic operators': { text: "{{ 'a' ~ none is none }}", jinja2: 'aTrue', tsdbt: 'False' },
};

const found = findPython();
const python = 'python' in found ? found.python : undefined;

describe.skipIf(python === undefined)(`Jinja2 differential${python === undefined ? ` (skipped: ${'reason' in found ? found.reason : ''})` : ''}`, () => {
  const repo = Object.fromEntries(repoTemplates(REPO_ROOT).map((file) => [`repo ${path.relative(REPO_ROOT, file)}`, asJinja2(readFileSync(file, 'utf8'))]));
  const corpus = { ...EDGE_CASES, ...repo, ...randomTemplates(20261206, RANDOM_COUNT) };
  const differences = Object.fromEntries(Object.entries(KNOWN_DIFFERENCES).map(([name, { text }]) => [`difference ${name}`, text]));
  const everything = { ...corpus, ...differences };
  let jinja2: Record<string, Outcome> = {};
  let tsdbt: Record<string, Outcome> = {};

  it('renders the corpus with Jinja2 in one python process, and with tsdbt', async () => {
    const fromJinja2 = renderWithJinja2(python!, everything, CORPUS_MACROS);
    tsdbt = renderWithTsdbt(everything, CORPUS_MACROS);
    jinja2 = await fromJinja2;
    expect(Object.keys(jinja2).length).toBe(Object.keys(everything).length);
    // The random templates must mostly render (a corpus of errors would compare nothing).
    const rendered = Object.keys(corpus).filter((id) => 'output' in jinja2[id]!).length;
    expect(rendered / Object.keys(corpus).length).toBeGreaterThan(0.9);
  });

  it('gives the same output as Jinja2 for every edge case, repository template and random template', () => {
    const mismatches = Object.keys(corpus)
      .filter((id) => !same(jinja2[id]!, tsdbt[id]!))
      .map((id) => ({ id, template: corpus[id as keyof typeof corpus], jinja2: jinja2[id], tsdbt: tsdbt[id] }));
    expect({ count: mismatches.length, first: mismatches.slice(0, 6) }).toEqual({ count: 0, first: [] });
  });

  it.each(Object.entries(KNOWN_DIFFERENCES))('documented difference: %s', (name, { jinja2: expectedJinja2, tsdbt: expectedTsdbt }) => {
    const id = `difference ${name}`;
    expect(show(jinja2[id]!)).toBe(expectedJinja2);
    expect(show(tsdbt[id]!)).toBe(expectedTsdbt);
  });
});

function same(a: Outcome, b: Outcome): boolean {
  return 'output' in a && 'output' in b ? a.output === b.output : 'error' in a && 'error' in b;
}

function show(outcome: Outcome): string {
  return 'output' in outcome ? outcome.output : 'error';
}
