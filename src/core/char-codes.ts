/**
 * The UTF-16 units tsdbt's hand-written scanners compare (the template lexer, the Jinja dialect
 * rewrite, JSON text): a unit compared by number rather than a one-character string or regular
 * expression per character, named once here.
 */
export const DOUBLE_QUOTE = 34; // "
export const HASH = 35; // #
export const PERCENT = 37; // %
export const SINGLE_QUOTE = 39; // '
export const OPEN_PAREN = 40; // (
export const CLOSE_PAREN = 41; // )
export const STAR = 42; // *
export const COMMA = 44; // ,
export const DASH = 45; // -
export const SLASH = 47; // /
export const EQUALS = 61; // =
export const OPEN_BRACKET = 91; // [
export const BACKSLASH = 92; // \
export const CLOSE_BRACKET = 93; // ]
export const LETTER_R = 114; // r
export const OPEN_BRACE = 123; // {
export const CLOSE_BRACE = 125; // }
