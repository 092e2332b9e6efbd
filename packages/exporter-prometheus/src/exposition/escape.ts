const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_SPECIAL_ALL = /[\\"\n]/g;
const TEXT_HELP_SPECIAL = /[\\\n]/;
const TEXT_HELP_SPECIAL_ALL = /[\\\n]/g;

function escapeCharacter(character: string): string {
  return character === '\n' ? '\\n' : `\\${character}`;
}

/**
 * Escapes a label value for both formats: backslash, double quote and newline become `\\`, `\"`
 * and `\n`. Every other character is kept, so no value can end the quoted string or the line.
 * Allocates only when something needs escaping.
 */
export function escapeLabelValue(value: string): string {
  return LABEL_VALUE_SPECIAL.test(value) ? value.replace(LABEL_VALUE_SPECIAL_ALL, escapeCharacter) : value;
}

/**
 * Escapes HELP text. The text format escapes only backslash and newline (it rejects `\"` in HELP);
 * OpenMetrics also requires double quotes escaped.
 */
export function escapeHelp(help: string, openMetrics: boolean): string {
  if (openMetrics) return escapeLabelValue(help);
  return TEXT_HELP_SPECIAL.test(help) ? help.replace(TEXT_HELP_SPECIAL_ALL, escapeCharacter) : help;
}
