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
 * Finds the first problem with a label object against a schema, or undefined when it is valid:
 * not an object, a missing label, an unknown label, or a wrongly typed value.
 */
export function findLabelProblem(
  labelNames: readonly string[],
  labelTypes: readonly LabelType[],
  labels: unknown,
): string | undefined {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    return labelNames.length === 0
      ? `this metric has no labels, but got ${describeValue(labels)}`
      : `expected a label object with ${labelNames.map((name) => `"${name}"`).join(', ')} but got ${describeValue(labels)}`;
  }
  const record = labels as Record<string, unknown>;
  for (const key in record) {
    if (!labelNames.includes(key)) {
      return labelNames.length === 0
        ? `this metric has no labels, but got label "${key}"`
        : `unknown label "${key}" (declared labels: ${labelNames.join(', ')})`;
    }
  }
  for (let index = 0; index < labelNames.length; index++) {
    const name = labelNames[index]!;
    const value = record[name];
    if (value === undefined) return `missing label "${name}"`;
    const problem = checkLabelValue(name, labelTypes[index]!, value);
    if (problem !== undefined) return problem;
  }
  return undefined;
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
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
