/**
 * A faster front end for nunjucks, for the templates models are made of.
 *
 * nunjucks compiles a template in four passes (a character-at-a-time lexer, a parser, a
 * transformer, a code generator) and then evaluates the generated JavaScript. For a typical
 * model the passes cost many times what rendering does (BENCHMARKS.md), and a large project compiles
 * every model once per command. This module does the same work in one quick pass for the part
 * of the language models use: text, comments, `{{ expression }}`, `{% if/elif/else %}`,
 * `{% for %}` (with `else`, and `k, v` pairs), `{% set x = … %}` and `{% do … %}`, and every
 * expression form (literals, lists, dicts, calls with keyword arguments, attribute and index
 * lookups, filters, tests, all operators, inline if), with whitespace control. Macro files are
 * compiled here too: `{% macro %}` and `{% call %}` give the code nunjucks' compiler gives with
 * tsdbt's patches (jinja-compiler-patches.ts, macro-frames.ts), which a parse of the project needs
 * for every macro file.
 *
 * It mirrors nunjucks 3.2.4 exactly: the same tokens (lexer.js), the same parse tree
 * (parser.js, including its operator precedence), and the same generated code (compiler.js),
 * so a template behaves the same whichever front end compiled it, errors and line numbers
 * included. Anything else (block sets, blocks, includes, raw, slices, regex literals, syntax
 * errors, and what nunjucks' compiler rejects though its parser accepts it, such as a macro
 * parameter that is not a name) makes it give up, and nunjucks compiles the template itself,
 * reporting its own errors.
 *
 * The work is split as nunjucks splits it: fast-lexer.ts, fast-parser.ts (statements) with
 * fast-parse-expression.ts, fast-tree.ts (the parse tree) and fast-codegen.ts. fast-closures.ts
 * runs the same tree as closures instead of generated code.
 */
import { CodeGenerator } from './fast-codegen.js';
import { GiveUp } from './fast-lexer.js';
import { parseTemplate } from './fast-parser.js';

/**
 * The JavaScript source nunjucks would generate for `text` (the body of a function returning
 * `{ root }`), or undefined when the template uses something left to nunjucks.
 * `extensionTags` maps the tag of each mirrored extension (`do`) to its registered name.
 */
export function fastTemplateSource(text: string, extensionTags: ReadonlyMap<string, string>): string | undefined {
  try {
    return new CodeGenerator().root(parseTemplate(text, extensionTags));
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}
