import type { LabelType } from './label-schema.js';

/**
 * Returns undefined when `value` is a valid value for a label declared as `type`, otherwise a
 * description of the problem (for example `label "code" expects an integer but got "200"`).
 * Cost: a few comparisons; enum labels scan their allowed values.
 */
export function checkLabelValue(labelName: string, type: LabelType, value: unknown): string | undefined {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return undefined;
      return `label "${labelName}" expects a string but got ${describeValue(value)}`;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return undefined;
      return `label "${labelName}" expects an integer but got ${describeValue(value)}`;
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      return `label "${labelName}" expects a finite number but got ${describeValue(value)}`;
    case 'boolean':
      if (typeof value === 'boolean') return undefined;
      return `label "${labelName}" expects a boolean but got ${describeValue(value)}`;
    default:
      if (typeof value === 'string' && type.includes(value)) return undefined;
      return `label "${labelName}" expects one of ${type.map((member) => JSON.stringify(member)).join(', ')} but got ${describeValue(value)}`;
  }
}

/**
 * Finds the first problem with label values read from a label object (in declaration order), or
 * undefined when they are all valid: a missing label (undefined) or a wrongly typed value.
 * Unknown keys are the reader's business (see Metric). Cost: a few comparisons per label.
 */
export function findLabelValueProblem(
  labelNames: readonly string[],
  labelTypes: readonly LabelType[],
  values: readonly unknown[],
): string | undefined {
  for (let index = 0; index < labelNames.length; index++) {
    const name = labelNames[index]!;
    const value = values[index];
    if (value === undefined) return `missing label "${name}"`;
    const problem = checkLabelValue(name, labelTypes[index]!, value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Describes an exception thrown by the caller's code (a label getter, a Proxy trap) for a
 * message. Never throws, whatever was thrown; at most about 200 characters.
 */
export function describeThrown(thrown: unknown): string {
  try {
    const text =
      thrown instanceof Error ? `${String(thrown.name)}: ${String(thrown.message)}` : describeValue(thrown);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  } catch {
    return 'a value that cannot be described';
  }
}

/** Short, bounded description of a value for error messages: `"200"`, `200`, `null`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  try {
    if (Array.isArray(value)) return 'an array';
  } catch {
    return 'a revoked Proxy';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
