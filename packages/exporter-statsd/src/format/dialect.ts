import { formatNumber } from './format-number.js';

/**
 * Dialect is the StatsD flavour the exporter writes:
 * - `'datadog'`: DogStatsD, tags as `|#key:value,...` (Datadog Agent, or Telegraf with
 *   `datadog_extensions`);
 * - `'statsd'`: plain StatsD with Graphite-style tags inside the name, `name;key=value:1|c`
 *   (Etsy statsd, Graphite 1.1+, Prometheus statsd_exporter);
 * - `'telegraf'`: Influx-style tags inside the name, `name,key=value:1|c` (Telegraf's statsd input).
 */
export type Dialect = 'datadog' | 'statsd' | 'telegraf';

/**
 * How histograms go out: `'distribution'` (DogStatsD `|d`, one line per bucket that grew, so
 * Datadog computes percentiles; datadog dialect only) or `'buckets'` (`.count`, `.sum` and
 * `.bucket` counters tagged `le`, which any StatsD server adds up).
 */
export type HistogramsAs = 'distribution' | 'buckets';

/** The StatsD metric types the exporter sends: counters (`c`) and gauges (`g`). */
export type StatsdType = 'c' | 'g';

/**
 * LineFormat writes names, tags and lines in one dialect. Every piece of text that comes from a
 * metric name, a label or a global tag goes through its sanitisers, so no value can break a
 * line or inject another one.
 */
export interface LineFormat {
  readonly dialect: Dialect;
  /** True when names and tags are limited to printable ASCII (see `lineFormat`). */
  readonly asciiOnly: boolean;
  /**
   * True when a negative gauge must be sent as `0` then the value: Etsy statsd and Telegraf read
   * a signed gauge value as a change of the current value, except when the gauge is 0.
   */
  readonly negativeGaugesNeedZeroFirst: boolean;
  /** Sanitises a metric name (or prefix) for this dialect. */
  name(raw: string): string;
  /** One tag from a key and a value, sanitised; `''` when the value is empty (the tag is omitted). */
  tag(key: string, value: string): string;
  /** Sanitises a tag key the way `tag` does, to compare keys. */
  tagKey(raw: string): string;
  /** The tag text of a line from its tags in order (empty strings are skipped). */
  tagText(tags: readonly string[]): string;
  /** One line: `name`, `tagText` from `tagText`, a formatted value and a type. */
  line(name: string, tagText: string, value: number, type: StatsdType): string;
}

// Datadog metric names: ASCII letters, digits, `_` and `.`.
const DATADOG_NAME_UNSAFE = /[^A-Za-z0-9_.]/u;
// Etsy statsd keeps [A-Za-z0-9_.-] (plus `;` and `=` for Graphite tags) and rewrites the rest;
// we rewrite first, so the key the server stores is exactly the one we sent.
const GRAPHITE_UNSAFE = /[^A-Za-z0-9_.-]/u;
// DogStatsD tags: `|` and `#` end the tag block, `,` separates tags, `@` starts a sample rate,
// whitespace and control characters (newlines) end lines. A `:` in a key moves the key/value split.
const DATADOG_TAG_VALUE_UNSAFE = /[\s\p{Cc}|,#@]/u;
const DATADOG_TAG_KEY_UNSAFE = /[\s\p{Cc}|,#@:]/u;
// Telegraf: the tags sit in the name, so `:` (value separator), `,` and `=` (tag syntax), `|`,
// `#`, `@`, backslash, whitespace and control characters are all replaced.
const TELEGRAF_TAG_UNSAFE = /[\s\p{Cc}|,#@:=\\]/u;
// Over a transport that writes text as ASCII (hot-shots' TCP transport keeps only the low byte
// of each character, so `Ċ` U+010A would become `\n` and `ż` U+017C `|`), only printable ASCII
// is safe.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/u;

/** A sanitiser replacing every character that `unsafe` matches (plus non-ASCII when `asciiOnly`) with `_`. */
function replacer(unsafe: RegExp, asciiOnly: boolean): (raw: string) => string {
  const source = asciiOnly ? `${unsafe.source}|${NOT_PRINTABLE_ASCII.source}` : unsafe.source;
  const pattern = new RegExp(source, 'gu');
  return (raw: string): string => raw.replace(pattern, '_');
}

/** Joins non-empty tags, each preceded by `separator` (Graphite `;`, Influx `,`). */
function prefixedTags(separator: string): (tags: readonly string[]) => string {
  return (tags: readonly string[]): string => {
    let text = '';
    for (const tag of tags) if (tag !== '') text += separator + tag;
    return text;
  };
}

/** Lines with the tags inside the name, as Graphite and Influx put them. */
function tagsInName(name: string, tagText: string, value: number, type: StatsdType): string {
  return `${name}${tagText}:${formatNumber(value)}|${type}`;
}

/** The three dialects' formats, with sanitisers that also replace non-ASCII when `asciiOnly`. */
function dialectFormats(asciiOnly: boolean): Readonly<Record<Dialect, LineFormat>> {
  const datadogTagKey = replacer(DATADOG_TAG_KEY_UNSAFE, asciiOnly);
  const datadogTagValue = replacer(DATADOG_TAG_VALUE_UNSAFE, asciiOnly);
  const graphiteText = replacer(GRAPHITE_UNSAFE, asciiOnly);
  const telegrafTag = replacer(TELEGRAF_TAG_UNSAFE, asciiOnly);
  return {
    datadog: {
      dialect: 'datadog',
      asciiOnly,
      negativeGaugesNeedZeroFirst: false,
      name: replacer(DATADOG_NAME_UNSAFE, asciiOnly),
      tag: (key, value) => (value === '' ? '' : `${datadogTagKey(key)}:${datadogTagValue(value)}`),
      tagKey: datadogTagKey,
      tagText: (tags) => tags.filter((tag) => tag !== '').join(','),
      line: (name, tagText, value, type) =>
        tagText === ''
          ? `${name}:${formatNumber(value)}|${type}`
          : `${name}:${formatNumber(value)}|${type}|#${tagText}`,
    },
    statsd: {
      dialect: 'statsd',
      asciiOnly,
      negativeGaugesNeedZeroFirst: true,
      name: graphiteText,
      tag: (key, value) => (value === '' ? '' : `${graphiteText(key)}=${graphiteText(value)}`),
      tagKey: graphiteText,
      tagText: prefixedTags(';'),
      line: tagsInName,
    },
    telegraf: {
      dialect: 'telegraf',
      asciiOnly,
      negativeGaugesNeedZeroFirst: true,
      name: graphiteText,
      tag: (key, value) => (value === '' ? '' : `${telegrafTag(key)}=${telegrafTag(value)}`),
      tagKey: telegrafTag,
      tagText: prefixedTags(','),
      line: tagsInName,
    },
  };
}

const UTF8_FORMATS = dialectFormats(false);
const ASCII_FORMATS = dialectFormats(true);

/**
 * The LineFormat of a dialect. With `asciiOnly`, names and tags keep only printable ASCII
 * (everything else becomes `_`), for transports that write text as ASCII (TCP and stream
 * transports in hot-shots 17).
 */
export function lineFormat(dialect: Dialect, asciiOnly = false): LineFormat {
  return (asciiOnly ? ASCII_FORMATS : UTF8_FORMATS)[dialect];
}

/** Dialects, for option validation and messages. */
export const DIALECTS: readonly Dialect[] = ['datadog', 'statsd', 'telegraf'];
