/**
 * Single characters that exposition writers must escape or carry through untouched, for
 * building random label values and HELP texts (fast-check string units): the escaped ones
 * (backslash, quote, newline), other controls (carriage return, tab, NUL), the label-block and
 * comment syntax, a blank, non-ASCII of two, three and four UTF-8 bytes, the line separator
 * U+2028 (a line break to some parsers) and two plain letters, one of them the `n` of `\n`.
 */
export const NASTY_CHARACTERS: readonly string[] = [
  '\\',
  '"',
  '\n',
  '\r',
  '\t',
  '{',
  '}',
  '=',
  ',',
  '#',
  ' ',
  '\u0000',
  'é',
  '☃',
  '😀',
  '\u2028',
  'n',
  'a',
];
