/**
 * Selection text → expression.
 *
 *     selection    := word (whitespace word)*        union
 *     word         := atom (',' atom)*               intersection
 *     atom         := see parse-criterion.ts
 *
 * A union or intersection of one member is just that member, so `people` parses to a bare
 * criterion and the trees stay as small as what was written.
 */

import type { SelectionExpression } from './expression.js';
import { parseCriterion, type ReportAt } from './parse-criterion.js';
import { scanWords, type Word } from './scan-selection.js';
import { selectorError } from './selector-error.js';

/** Where the text was read from, when it came from a file rather than the command line. */
export interface TextOrigin {
  file: string;
  line: number;
  /** 1-based column of the text's first character on that line. */
  column: number;
}

/** Parses one `--select`/`--exclude` value; throws TsdbtError SELECTOR_INVALID with the offset. */
export function parseSelection(text: string, origin?: TextOrigin): SelectionExpression {
  const report: ReportAt = (offset, length, message, hint) => selectorError({ text, offset, length, ...origin }, message, hint);
  const words = scanWords(text);
  if (words.length === 0) {
    throw report(0, 0, 'The selection is empty.', "Give a model name or a method:value, for example 'people' or 'tag:nightly'.");
  }
  words.forEach((_word, index) => checkDangling(text, words, index, report));

  const members = words.map((word): SelectionExpression => {
    const atoms = word.atoms.map((atom, index) => {
      if (atom.text === '') throw emptyAtom(word, index, report);
      return parseCriterion(atom, report);
    });
    return atoms.length === 1 ? atoms[0]! : { kind: 'intersection', raw: word.text, members: atoms };
  });
  return members.length === 1 ? members[0]! : { kind: 'union', raw: text.trim(), members };
}

/**
 * `+ people` and `people +` are two words to the scanner, but the user meant one selector
 * with a stray space; say that rather than "`+` needs a model name".
 */
function checkDangling(text: string, words: Word[], index: number, report: ReportAt): void {
  const word = words[index]!;
  const next = words[index + 1];
  const previous = words[index - 1];
  if (next !== undefined && /^@?(\d*\+)?$/.test(word.text)) {
    const gap = word.offset + word.text.length;
    const quoted = text.slice(word.offset, next.offset + next.text.length);
    throw report(
      gap,
      next.offset - gap,
      `\`${word.text}\` needs a model name: '${quoted}' has a space at offset ${gap}.`,
      `Write it without the space: '${word.text}${next.text}'.`,
    );
  }
  if (previous !== undefined && /^\+\d*$/.test(word.text)) {
    const gap = previous.offset + previous.text.length;
    const quoted = text.slice(previous.offset, word.offset + word.text.length);
    throw report(
      gap,
      word.offset - gap,
      `\`${word.text}\` needs a model name before it: '${quoted}' has a space at offset ${gap}.`,
      `Write it without the space: '${previous.text}${word.text}'.`,
    );
  }
}

function emptyAtom(word: Word, index: number, report: ReportAt): Error {
  const atom = word.atoms[index]!;
  const hint = "A comma means 'and': 'tag:nightly,config.materialized:table' selects nodes matching both. Leave no spaces around the comma.";
  // Point at the comma that has nothing on one side: the one before an empty atom, or after it at the start.
  const comma = index === 0 ? atom.offset : atom.offset - 1;
  const side = index === 0 ? 'before' : 'after';
  return report(comma, 1, `There is no selector ${side} the ',' at offset ${comma}.`, hint);
}
