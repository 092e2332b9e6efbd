/**
 * Label values that break naive exposition writers or parsers: quotes, backslashes, newlines,
 * an attempt to inject a series, unicode, control characters, blanks and the empty string.
 */
export const NASTY_VALUES: readonly string[] = [
  '',
  'plain',
  'say "hi"',
  'back\\slash',
  'trailing\\',
  'line\nbreak',
  '\\n is not a newline',
  'x"} 1\nevil_total 1',
  'ünïcødé ☃ 日本語 😀',
  '\u0000\t\r',
  ' leading and trailing ',
];
