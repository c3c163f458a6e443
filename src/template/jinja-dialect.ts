/**
 * Jinja2 syntax nunjucks does not read, rewritten into nunjucks' own before either front end
 * (fast-compile.ts or nunjucks) sees the template. Only the inside of `{{ }}` and `{% %}` tags
 * changes, and never its line breaks, so errors keep their lines:
 *
 * - trailing commas: `config(a=1, )`, `[1, 2, ]`, `{'a': 1, }`, `macro m(a, b, )` → comma dropped;
 * - tuples: `('id', 'Int32')`, `(x,)`, `()` in expression position → lists `['id', 'Int32']`
 *   (Jinja2 tuples and lists behave the same in templates, except for printing: see docs/jinja.md);
 * - `{% for (k, v) in … %}` → `{% for k, v in … %}`;
 * - `{% set ns.attr = value %}` (namespace assignment) → `{% do ns.update({'attr': (value)}) %}`;
 * - conditions of `{% if %}`/`{% elif %}`, loop filters and top-level inline ifs test truth as Python does (an empty list or
 *   dict is false): each operand of their top-level `and`/`or`/`not` goes through `tsdbt_truth`;
 * - loop filters, `{% for x in xs if cond %}`: the items are filtered first into a list the loop
 *   then walks, so `loop.index`, `loop.last` and `{% else %}` count the kept items, as in Jinja2.
 */
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  CLOSE_PAREN,
  DOUBLE_QUOTE,
  HASH,
  OPEN_BRACE,
  OPEN_BRACKET,
  OPEN_PAREN,
  PERCENT,
  SINGLE_QUOTE,
} from '../core/char-codes.js';

/** Words after which `(` opens a group, not a call. */
const KEYWORDS = new Set(['in', 'and', 'or', 'not', 'if', 'else', 'elif', 'is', 'return', 'for', 'set', 'do', 'with']);
const NAMESPACE_SET = /^(\s*-?\s*)set\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)([\s\S]*?)(\s*-?\s*)$/;

export function toNunjucksDialect(text: string): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  filteredLoops = 0;
  text = namespaceBlockSets(text);
  // Most templates need no change: the text is copied only up to a tag that changed, and not at all when none did.
  let out = '';
  let copied = 0;
  let index = 0;
  let raw = false;
  while (index < text.length) {
    const open = nextTag(text, index);
    if (open === -1) break;
    const kind = text.charCodeAt(open + 1);
    if (kind === HASH) {
      const end = text.indexOf('#}', open + 2);
      index = end === -1 ? text.length : end + 2;
      continue;
    }
    const statement = kind === PERCENT;
    const body = open + 2;
    const end = tagEnd(text, body, statement ? PERCENT : CLOSE_BRACE);
    if (end === -1) break; // unterminated: left to the parser to report
    const inside = text.slice(body, end);
    if (statement && ENDRAW.test(inside)) raw = false;
    if (!raw) {
      const rewritten = rewriteTag(inside, statement);
      if (rewritten !== inside) {
        out += text.slice(copied, body) + rewritten;
        copied = end;
      }
    }
    if (statement && RAW.test(inside)) raw = true;
    index = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const ENDRAW = /^\s*-?\s*endraw\b/;
const RAW = /^\s*-?\s*(raw|verbatim)\b/;

function nextTag(text: string, from: number): number {
  for (let i = text.indexOf('{', from); i !== -1 && i < text.length - 1; i = text.indexOf('{', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === OPEN_BRACE || next === PERCENT || next === HASH) return i;
  }
  return -1;
}

/** Where the tag's closing delimiter (`close` then `}`: `}}` or `%}`) starts, skipping strings. */
function tagEnd(text: string, from: number, close: number): number {
  let braces = 0; // Jinja2's lexer balances braces: `{{ {'a': {'b': 1}} }}` ends at the last `}}`
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) i = stringEnd(text, i);
    else if (code === close && braces === 0 && text.charCodeAt(i + 1) === CLOSE_BRACE) return i;
    else if (code === OPEN_BRACE) braces += 1;
    else if (code === CLOSE_BRACE) braces = Math.max(0, braces - 1);
  }
  return -1;
}

function stringEnd(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  for (let i = start + 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i += 1;
    else if (code === quote) return i;
  }
  return text.length - 1;
}

interface Open {
  at: number;
  char: string;
  group: boolean;
  commas: number;
  forTarget: boolean;
  /** A dict (`{`): where its top-level commas and colons are, to rewrite it when a key is computed. */
  separators?: number[];
  /** A call (`(`): where an unfinished `*args`/`**kwargs` argument starts. */
  splatAt?: number;
}

/** Tests that take an argument, which Jinja2 accepts without parentheses: `x is divisibleby 3`. */
const TEST_WITH_ARGUMENT =
  /(\bis\s+(?:not\s+)?)(divisibleby|sameas|equalto|eq|ne|lt|gt|le|ge|lessthan|greaterthan|in)\s+(-?\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?![A-Za-z0-9_.]|\s*[.([])/g;

/** Whether a tag may hold anything rewritten below (most tags do not: they are left as they are). */
const MAY_REWRITE = /[,(:]|\b(el)?if\b|\}\s*\}| is |^\s*-?\s*set\s+\w+\.|^\s*-?\s*for\b[\s\S]*\bif\b/;

function rewriteTag(inside: string, statement: boolean): string {
  if (inside.includes('\n') && (inside.includes("'") || inside.includes('"'))) inside = multilineStrings(inside);
  if (!MAY_REWRITE.test(inside)) return inside;
  if (inside.includes(' is '))
    inside = outsideStrings(inside, (code) =>
      code.replace(TEST_WITH_ARGUMENT, (_match, is: string, test: string, argument: string) => `${is}${test}(${argument})`),
    );
  if (statement) {
    const filtered = loopFilter(inside);
    if (filtered !== undefined) return filtered;
    const condition = /^(\s*-?\s*)(if|elif)\s+([\s\S]*?)(\s*-?\s*)$/.exec(inside);
    if (condition !== null) return `${condition[1]}${condition[2]} ${pythonTruth(rewriteExpression(condition[3]!))}${condition[4]}`;
  }
  if (statement) {
    const namespaceSet = NAMESPACE_SET.exec(inside);
    if (namespaceSet !== null) {
      const [, lead, name, attribute, value, trail] = namespaceSet;
      return `${lead}do ${name}.update({'${attribute}': (${rewriteExpression(value!)})})${trail}`;
    }
  }
  if (statement) {
    const assignment = /^(\s*-?\s*set\s+[A-Za-z_][A-Za-z0-9_, ]*=)([\s\S]*)$/.exec(inside);
    if (assignment !== null && !assignment[2]!.startsWith('=')) return assignment[1] + inlineIfTruth(rewriteExpression(assignment[2]!));
    return rewriteExpression(inside, statement);
  }
  return inlineIfTruth(rewriteExpression(inside));
}

/** `a if cond else b` at the top of an expression: `cond` tests truth as Python does. */
function inlineIfTruth(expression: string): string {
  const ifAt = topLevelWord(expression, 'if');
  if (ifAt === -1) return expression;
  const rest = expression.slice(ifAt + 2);
  const elseAt = topLevelWord(rest, 'else');
  const condition = elseAt === -1 ? rest.replace(/\s*-?\s*$/, '') : rest.slice(0, elseAt);
  const after = elseAt === -1 ? rest.slice(condition.length) : ` ${chainedElse(rest.slice(elseAt + 4))}`;
  return `${expression.slice(0, ifAt)}if ${pythonTruth(condition)}${after}`;
}

/** `else b if y else c`, which nunjucks cannot parse, as `else (b if y else c)` (Jinja2's grouping). */
function chainedElse(branch: string): string {
  if (topLevelWord(branch, 'if') === -1) return `else${branch}`;
  const trail = /\s*-?\s*$/.exec(branch)![0];
  return `else (${inlineIfTruth(branch.slice(0, branch.length - trail.length))})${trail}`;
}

/** Whether the UTF-16 unit `code` is what `/\s/` matches (tested against it for every unit). */
export function isSpaceCode(code: number): boolean {
  if (code < 0xa0) return code === 32 || (code >= 9 && code <= 13);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** `[A-Za-z_]`, by UTF-16 unit. */
function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

/** `[A-Za-z0-9_]`, by UTF-16 unit. */
function isNamePart(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

function rewriteExpression(source: string, statement = false): string {
  // Most tags need no change: the UTF-16 units (as the string indexes below) are split into an
  // array to edit only at the first change. Splitting every tag cost about a tenth of what the
  // parse-time render of 10,000 models allocates (bench/notes.md, issue 23).
  let chars: string[] | undefined;
  const edit = (): string[] => {
    chars ??= source.split('');
    return chars;
  };
  const charAt = (at: number): string | undefined => (chars === undefined ? source[at] : chars[at]);
  const endSplat = (open: Open | undefined, at: number) => {
    if (open?.splatAt === undefined) return;
    edit()[at] = `)${charAt(at)}`;
    open.splatAt = undefined;
  };
  const stack: Open[] = [];
  let previous = ''; // the last significant token: a word, a closer, a string, or punctuation
  let lastComma = -1;
  let words = 0;
  for (let i = 0; i < source.length; i += 1) {
    // Edits are made at or before `i` (the `**` of a splat skips the unit it blanks): unit `i` is the source's.
    const code = source.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      i = stringEnd(source, i);
      previous = 'string';
      continue;
    }
    if (isSpaceCode(code)) continue;
    if (isNameStart(code)) {
      let j = i;
      while (j + 1 < source.length && isNamePart(source.charCodeAt(j + 1))) j += 1;
      previous = source.slice(i, j + 1);
      words += 1;
      i = j;
      continue;
    }
    const char = source[i]!;
    if (char === '(' || char === '[' || char === '{') {
      const call =
        char === '(' &&
        previous !== '' &&
        (isNameStart(previous.charCodeAt(0)) ? !KEYWORDS.has(previous) : previous === ')' || previous === ']' || previous === 'string');
      const forTarget = statement && char === '(' && previous === 'for' && words === 1;
      const open: Open = { at: i, char, group: char === '(' && !call, commas: 0, forTarget };
      if (char === '{') open.separators = [];
      stack.push(open);
      previous = char;
      continue;
    }
    if (char === '*' && (previous === '(' || previous === ',')) {
      // `*args` / `**kwargs` as a call argument: marked for the runtime to spread (jinja-splat.ts).
      const top = stack[stack.length - 1];
      if (top !== undefined && top.char === '(' && !top.group) {
        const keywords = source[i + 1] === '*';
        edit()[i] = keywords ? 'tsdbt_splat_kw(' : 'tsdbt_splat(';
        if (keywords) edit()[(i += 1)] = '';
        top.splatAt = i;
        previous = '*';
        continue;
      }
    }
    if (char === ')' || char === ']' || char === '}') {
      if (previous === ',' && lastComma !== -1) edit()[lastComma] = charAt(lastComma)!.replace(/,$/, ' ');
      const open = stack.pop();
      endSplat(open, i);
      if (open?.separators !== undefined && open.separators.length > 0) computedKeys(source, edit(), open, i);
      if (open?.group === true && (open.commas > 0 || previous === '(')) {
        const [left, right] = open.forTarget ? [' ', ' '] : ['[', ']'];
        edit()[open.at] = left;
        edit()[i] = right;
      }
      // `}}` closing two dicts would end the tag for nunjucks: `} }`.
      if (char === '}' && charAt(i) === '}' && charAt(i + 1) === '}') edit()[i] = '} ';
      previous = char === ')' ? ')' : char === ']' ? ']' : '}';
      continue;
    }
    if (char === ',') {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.commas += 1;
      endSplat(top, i);
      top?.separators?.push(i);
      lastComma = i;
    }
    if (char === ':') stack[stack.length - 1]?.separators?.push(i);
    previous = char;
  }
  return chars === undefined ? source : chars.join('');
}

const STRING_LITERAL = /^\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*$/;

/**
 * A dict literal `{…}` closing at `close`: when a key is not a string literal (`{key.lower(): v}`,
 * `{name: v}`, `{1: v}`), Jinja2 evaluates it, where nunjucks refuses it or reads a name as a
 * string; it becomes `tsdbt_dict([[key, value], …])`.
 */
function computedKeys(source: string, chars: string[], open: Open, close: number): void {
  const separators = open.separators!.filter((at) => chars[at] === ':' || chars[at]!.endsWith(','));
  const keys: string[] = [];
  let start = open.at + 1;
  for (const at of separators) {
    if (chars[at] === ':') keys.push(source.slice(start, at));
    start = at + 1;
  }
  if (keys.length === 0 || keys.every((key) => STRING_LITERAL.test(key))) return;
  chars[open.at] = 'tsdbt_dict([[';
  for (const at of separators) chars[at] = chars[at] === ':' ? ',' : chars[at]!.replace(/,$/, '], [');
  chars[close] = ']])';
}

/**
 * String literals spanning lines, as Python reads them: a backslash before a line break joins the
 * lines (both go), and a line break inside the string is the character `\n`. The string is then
 * written on one line and its line breaks follow it, so the tag keeps its line count (nunjucks
 * also prints a call's name, string included, into the code it generates, where a raw line break
 * is a syntax error).
 */
function multilineStrings(inside: string): string {
  let out = '';
  for (let i = 0; i < inside.length; i += 1) {
    const quote = inside[i]!;
    if (quote !== "'" && quote !== '"') {
      out += quote;
      continue;
    }
    const end = stringEnd(inside, i);
    let literal = '';
    let breaks = '';
    for (let j = i; j <= end; j += 1) {
      const char = inside[j]!;
      if (char === '\\' && inside[j + 1] === '\n') {
        breaks += '\n';
        j += 1;
      } else if (char === '\\') {
        literal += char + (inside[j + 1] ?? '');
        j += 1;
      } else if (char === '\n') {
        literal += '\\n';
        breaks += '\n';
      } else literal += char;
    }
    out += literal + breaks;
    i = end;
  }
  return out;
}

/** Applies `rewrite` to the parts of a tag outside string literals. */
function outsideStrings(inside: string, rewrite: (code: string) => string): string {
  return inside
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/)
    .map((part, index) => (index % 2 === 1 ? part : rewrite(part)))
    .join('');
}

/**
 * Numbers the filtered loops of the template being rewritten, from 1 (toNunjucksDialect starts
 * it again). Unique within a template is enough: a list is set, filled and read by the tags one
 * loop becomes, and the loop iterates the list it read first even if a template it includes sets
 * the same name. Counted per template, the rewrite is a function of the text alone: the same
 * template gives the same code whatever the process rewrote before, and the compiled code store,
 * which looks code up by the rewritten text, finds it.
 */
let filteredLoops = 0;

/**
 * `for TARGET in ITEMS if COND` → `set L = []`, a loop appending the items COND keeps, and
 * `for TARGET in L`: one tag becomes several, all on the same line.
 */
function loopFilter(inside: string): string | undefined {
  const head = /^(\s*-?\s*)for\s+/.exec(inside);
  if (head === null || !/\bif\b/.test(inside)) return undefined;
  const rest = inside.slice(head[0].length);
  const inAt = topLevelWord(rest, 'in');
  if (inAt === -1) return undefined;
  const target = rest.slice(0, inAt).trim();
  const afterIn = rest.slice(inAt + 2);
  const ifAt = topLevelWord(afterIn, 'if');
  if (ifAt === -1) return undefined;
  const trail = /\s*-?\s*$/.exec(afterIn)![0];
  const items = afterIn.slice(0, ifAt);
  const condition = afterIn.slice(ifAt + 2, afterIn.length - trail.length);
  const list = `__tsdbt_loop_items_${(filteredLoops += 1)}`;
  const names = target.replace(/^\(|\)$/g, '').trim();
  const item = names.includes(',') ? `[${names}]` : names;
  return (
    `${head[1]}set ${list} = [] %}{% for ${target} in ${rewriteExpression(items)} %}{% if ${pythonTruth(rewriteExpression(condition))} %}` +
    `{% do ${list}.append(${item}) %}{% endif %}{% endfor %}{% for ${target} in ${list}${trail}`
  );
}

/** Where `word` stands alone outside strings and brackets, or -1. */
function topLevelWord(text: string, word: string): number {
  let depth = 0;
  const first = word.charCodeAt(0);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) i = stringEnd(text, i);
    else if (code === OPEN_PAREN || code === OPEN_BRACKET || code === OPEN_BRACE) depth += 1;
    else if (code === CLOSE_PAREN || code === CLOSE_BRACKET || code === CLOSE_BRACE) depth -= 1;
    else if (depth === 0 && code === first && text.startsWith(word, i) && !isNamePart(text.charCodeAt(i - 1)) && !isNamePart(text.charCodeAt(i + word.length)))
      return i;
  }
  return -1;
}

/** `a and not b or c` → `(a) | tsdbt_truth and not (b) | tsdbt_truth or (c) | tsdbt_truth`, split where Jinja2's precedence splits. */
function pythonTruth(condition: string): string {
  const split = (text: string, word: string): string[] => {
    const parts: string[] = [];
    let rest = text;
    for (let at = topLevelWord(rest, word); at !== -1; at = topLevelWord(rest, word)) {
      parts.push(rest.slice(0, at));
      rest = rest.slice(at + word.length);
    }
    parts.push(rest);
    return parts;
  };
  const atom = (text: string): string => {
    const negated = /^\s*not\b/.exec(text);
    if (negated !== null) return `not ${atom(text.slice(negated[0].length))}`;
    return text.trim() === '' ? text : `(${text.trim()}) | tsdbt_truth`;
  };
  return split(condition, 'or')
    .map((either) => split(either, 'and').map(atom).join(' and '))
    .join(' or ');
}

/** `{% set ns.attr %}…{% endset %}`: a block assigned to a namespace's attribute (dbt-utils' tests use it). */
const NAMESPACE_BLOCK_SET = /\{%(-?)\s*set\s+([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endset\s*(-?)%\}/g;

/**
 * nunjucks' block `set` takes names only: the block is captured into a name of tsdbt's, then put
 * into the namespace with `update`, as `{% set ns.attr = … %}` is (the closing `-%}` moves to that tag).
 */
function namespaceBlockSets(text: string): string {
  if (!/\bset\s+[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\s*-?%\}/.test(text)) return text;
  return text.replace(NAMESPACE_BLOCK_SET, (...groups: string[]) => {
    const [, openTrim, name, attribute, bodyTrim, body, endTrim, afterTrim] = groups;
    const capture = `__tsdbt_block_${attribute}`;
    // nunjucks' block set ignores its own `-%}`: the whitespace it would strip is dropped here.
    const kept = bodyTrim === '-' ? body!.replace(/^\s+/, '') : body;
    return `{%${openTrim} set ${capture} %}${kept}{%${endTrim} endset %}{% do ${name}.update({'${attribute}': ${capture}}) ${afterTrim}%}`;
  });
}
