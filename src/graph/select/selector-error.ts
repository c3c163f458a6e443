/**
 * Selector syntax errors point into the text the user typed: the message says what is wrong
 * in a full sentence, and the two lines under it repeat the text with a caret under the spot
 * (the way vscode's context-key scanner reports "unexpected token at offset N").
 */

import { ErrorCodes, TsdbtError } from '../../core/errors.js';

export interface SelectorErrorPlace {
  /** The whole selection text the offset counts into. */
  text: string;
  /** 0-based position of the first offending character. */
  offset: number;
  /** How many characters to underline (at least one caret is drawn). */
  length: number;
  /** Set when the text came from a file (selectors.yml). */
  file?: string;
  line?: number;
  /** 1-based column where `text` starts on that line, so the error's column lands on the offset. */
  column?: number;
}

export function selectorError(place: SelectorErrorPlace, message: string, hint?: string): TsdbtError {
  return new TsdbtError({
    code: ErrorCodes.SELECTOR_INVALID,
    message: `${message}\n${caretLines(place.text, place.offset, place.length)}`,
    file: place.file,
    line: place.line,
    column: (place.column ?? 1) + place.offset,
    hint,
  });
}

/** The text, then carets under `[offset, offset + length)`; both indented two spaces. */
export function caretLines(text: string, offset: number, length: number): string {
  return `  ${text}\n  ${' '.repeat(offset)}${'^'.repeat(Math.max(1, length))}`;
}
