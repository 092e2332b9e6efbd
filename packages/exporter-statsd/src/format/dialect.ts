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

/** Dialects, for option validation and messages. */
export const DIALECTS: readonly Dialect[] = ['datadog', 'statsd', 'telegraf'];

/**
 * LineFormat writes names, tags and lines in one dialect. Every piece of text that comes from a
 * metric name, a label or a global tag goes through its sanitisers, so no value can break a
 * line or inject another one.
 */
export interface LineFormat {
  /**
   * True when a negative gauge must be sent as `0` then the value: Etsy statsd and Telegraf read
   * a signed gauge value as a change of the current value, except when the gauge is 0.
   */
  readonly negativeGaugesNeedZeroFirst: boolean;
  /** Sanitises a metric name (or prefix). */
  name(raw: string): string;
  /** One sanitised tag; `''` when the value is empty (the tag is omitted). */
  tag(key: string, value: string): string;
  /** Sanitises a tag key the way `tag` does, to compare keys. */
  tagKey(raw: string): string;
  /** The tag text of a line from its tags in order (empty strings are skipped). */
  tagText(tags: readonly string[]): string;
  /** One line of a counter (`c`), gauge (`g`) or distribution (`d`, with its `|@rate` field or `''`). */
  line(name: string, tagText: string, value: number, type: 'c' | 'g' | 'd', rate?: string): string;
}

/**
 * Formats a finite number for a StatsD line: integers without a decimal point, other values in
 * JavaScript's shortest round-trip form, `-0` as `0`, large or tiny magnitudes with an exponent
 * (`1e+21`), which Etsy statsd (`Number`), the Datadog Agent and Telegraf (Go `ParseFloat`) all
 * parse. Callers skip non-finite values.
 */
export function formatNumber(value: number): string {
  return value === 0 ? '0' : String(value);
}

// Datadog metric names: ASCII letters, digits, `_` and `.`. Etsy statsd keeps [A-Za-z0-9_.-]
// and rewrites the rest: we rewrite first, so the key it stores is exactly the one we sent.
const DATADOG_NAME_UNSAFE = /[^A-Za-z0-9_.]/u;
const GRAPHITE_UNSAFE = /[^A-Za-z0-9_.-]/u;
// DogStatsD tags: `|` and `#` end the tag block, `,` separates tags, `@` starts a sample rate,
// whitespace and control characters end lines; a `:` in a key moves the key/value split.
const DATADOG_TAG_VALUE_UNSAFE = /[\s\p{Cc}|,#@]/u;
const DATADOG_TAG_KEY_UNSAFE = /[\s\p{Cc}|,#@:]/u;
// Telegraf tags sit in the name: `:`, `,`, `=`, `|`, `#`, `@`, backslash and whitespace go too.
const TELEGRAF_TAG_UNSAFE = /[\s\p{Cc}|,#@:=\\]/u;
// hot-shots' TCP transport keeps only the low byte of each character (`Ċ` U+010A would become
// `\n`, `ż` U+017C `|`): over it, only printable ASCII is safe.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/u;

function dialectFormats(asciiOnly: boolean): Readonly<Record<Dialect, LineFormat>> {
  const replacer = (unsafe: RegExp): ((raw: string) => string) => {
    const pattern = new RegExp(
      asciiOnly ? `${unsafe.source}|${NOT_PRINTABLE_ASCII.source}` : unsafe.source,
      'gu',
    );
    return (raw) => raw.replace(pattern, '_');
  };
  const graphite = replacer(GRAPHITE_UNSAFE);
  const tagsInName = (
    separator: string,
    tagKey: (raw: string) => string,
    tagValue: (raw: string) => string,
  ): LineFormat => ({
    negativeGaugesNeedZeroFirst: true,
    name: graphite,
    tag: (key, value) => (value === '' ? '' : `${tagKey(key)}=${tagValue(value)}`),
    tagKey,
    tagText: (tags) => tags.map((tag) => (tag === '' ? '' : separator + tag)).join(''),
    line: (name, tagText, value, type, rate = '') =>
      `${name}${tagText}:${formatNumber(value)}|${type}${rate}`,
  });
  const datadogTagKey = replacer(DATADOG_TAG_KEY_UNSAFE);
  const datadogTagValue = replacer(DATADOG_TAG_VALUE_UNSAFE);
  const telegrafTag = replacer(TELEGRAF_TAG_UNSAFE);
  return {
    datadog: {
      negativeGaugesNeedZeroFirst: false,
      name: replacer(DATADOG_NAME_UNSAFE),
      tag: (key, value) => (value === '' ? '' : `${datadogTagKey(key)}:${datadogTagValue(value)}`),
      tagKey: datadogTagKey,
      tagText: (tags) => tags.filter((tag) => tag !== '').join(','),
      line: (name, tagText, value, type, rate = '') =>
        tagText === ''
          ? `${name}:${formatNumber(value)}|${type}${rate}`
          : `${name}:${formatNumber(value)}|${type}${rate}|#${tagText}`,
    },
    statsd: tagsInName(';', graphite, graphite),
    telegraf: tagsInName(',', telegrafTag, telegrafTag),
  };
}

const UTF8_FORMATS = dialectFormats(false);
const ASCII_FORMATS = dialectFormats(true);

/**
 * The LineFormat of a dialect. With `asciiOnly`, names and tags keep only printable ASCII
 * (everything else becomes `_`), for transports that write text as ASCII (TCP in hot-shots 17).
 */
export function lineFormat(dialect: Dialect, asciiOnly = false): LineFormat {
  return (asciiOnly ? ASCII_FORMATS : UTF8_FORMATS)[dialect];
}
