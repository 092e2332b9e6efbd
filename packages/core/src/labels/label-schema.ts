/**
 * LabelType is the declared type of one label:
 * - `'string'`: any string;
 * - `'int'`: an integer number (`Number.isInteger`), rendered without a decimal point;
 * - `'number'`: any finite number;
 * - `'boolean'`: `true` or `false`;
 * - a readonly tuple of strings (`['GET', 'POST'] as const`): one of those strings (an enum label).
 */
export type LabelType = 'string' | 'int' | 'number' | 'boolean' | readonly string[];

/** LabelSchema maps each label name to its type, e.g. `{ action: 'string', response_code: 'int' }`. */
export type LabelSchema = { readonly [labelName: string]: LabelType };

/** NoLabels is the schema of an unlabelled metric. */
export type NoLabels = {};

/** LabelValue is what a label can hold at run time. */
export type LabelValue = string | number | boolean;

/** LabelValueOf maps one declared label type to the TypeScript type of its values. */
export type LabelValueOf<T extends LabelType> = T extends 'string'
  ? string
  : T extends 'int' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends readonly (infer Member)[]
        ? Member
        : never;

/** LabelValues is the label object a metric with schema `S` takes: every declared label, typed. */
export type LabelValues<S extends LabelSchema> = { readonly [K in keyof S]: LabelValueOf<S[K]> };

/** True when `S` declares no label at all. */
export type IsUnlabelled<S extends LabelSchema> = [keyof S] extends [never] ? true : false;
