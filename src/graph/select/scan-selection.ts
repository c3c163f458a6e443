/**
 * Splits selection text into its words (space = union) and each word into atoms
 * (comma = intersection), remembering where every piece starts so errors can point at it.
 */

export interface Piece {
  text: string;
  /** 0-based offset of `text` in the whole selection. */
  offset: number;
}

export interface Word extends Piece {
  atoms: Piece[];
}

/** Any whitespace separates words, so selections pasted from a multi-line shell command still parse. */
export function scanWords(text: string): Word[] {
  const words: Word[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const offset = match.index;
    words.push({ text: match[0], offset, atoms: splitAtoms(match[0], offset) });
  }
  return words;
}

function splitAtoms(word: string, wordOffset: number): Piece[] {
  const atoms: Piece[] = [];
  let start = 0;
  for (const part of word.split(',')) {
    atoms.push({ text: part, offset: wordOffset + start });
    start += part.length + 1;
  }
  return atoms;
}
