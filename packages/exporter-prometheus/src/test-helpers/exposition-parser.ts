/**
 * A small, strict parser of both exposition formats, for tests: it checks the structure our
 * renderer promises (HELP, when the metric has help, then TYPE, samples under their family, escapes, `# EOF` last in
 * OpenMetrics, a final newline) and returns families with unescaped help and label values.
 */

export interface ParsedSample {
  /** Sample name, e.g. `x_total` or `x_bucket`. */
  name: string;
  /** Label pairs in the order they appear. */
  labels: [name: string, value: string][];
  value: number;
}

export interface ParsedFamily {
  name: string;
  help: string | undefined;
  type: string;
  unit: string | undefined;
  samples: ParsedSample[];
}

export type ParseFormat = 'text' | 'openmetrics';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export class ExpositionParseError extends Error {}

function fail(lineNumber: number, message: string, line: string): never {
  throw new ExpositionParseError(`line ${lineNumber}: ${message}: ${JSON.stringify(line)}`);
}

/** Unescapes `\\`, `\n` and, when allowed, `\"`; any other escape is an error. */
function unescapeText(text: string, allowQuote: boolean, lineNumber: number, line: string): string {
  let result = '';
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character !== '\\') {
      result += character;
      continue;
    }
    const next = text[++index];
    if (next === '\\') result += '\\';
    else if (next === 'n') result += '\n';
    else if (next === '"' && allowQuote) result += '"';
    else fail(lineNumber, `invalid escape \\${next ?? ''}`, line);
  }
  return result;
}

function parseValue(text: string, lineNumber: number, line: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!NUMBER.test(text)) fail(lineNumber, `invalid value ${JSON.stringify(text)}`, line);
  return Number(text);
}

function parseSample(line: string, lineNumber: number): ParsedSample {
  const nameMatch = METRIC_NAME.exec(line);
  if (nameMatch === null) fail(lineNumber, 'sample without a metric name', line);
  const name = nameMatch[0];
  let position = name.length;
  const labels: [string, string][] = [];
  if (line[position] === '{') {
    position++;
    while (line[position] !== '}') {
      const labelMatch = LABEL_NAME.exec(line.slice(position));
      if (labelMatch === null) fail(lineNumber, 'bad label name', line);
      position += labelMatch[0].length;
      if (line.slice(position, position + 2) !== '="') fail(lineNumber, 'expected =" after label name', line);
      position += 2;
      let raw = '';
      while (position < line.length && line[position] !== '"') {
        if (line[position] === '\\') {
          raw += line.slice(position, position + 2);
          position += 2;
        } else {
          raw += line[position++];
        }
      }
      if (position >= line.length) fail(lineNumber, 'unterminated label value', line);
      position++;
      labels.push([labelMatch[0], unescapeText(raw, true, lineNumber, line)]);
      if (line[position] === ',') position++;
      else if (line[position] !== '}') fail(lineNumber, 'expected , or } after a label', line);
    }
    position++;
  }
  if (line[position] !== ' ') fail(lineNumber, 'expected one space before the value', line);
  const valueText = line.slice(position + 1);
  if (valueText.includes(' ')) fail(lineNumber, 'unexpected timestamp or trailing text', line);
  return { name, labels, value: parseValue(valueText, lineNumber, line) };
}

function sampleBelongs(family: ParsedFamily, sampleName: string, format: ParseFormat): boolean {
  const name = family.name;
  switch (family.type) {
    case 'counter':
      return format === 'openmetrics' ? sampleName === `${name}_total` : sampleName === name;
    case 'histogram':
      return (
        sampleName === `${name}_bucket` || sampleName === `${name}_sum` || sampleName === `${name}_count`
      );
    default:
      return sampleName === name;
  }
}

/** Parses a whole body. Throws ExpositionParseError on anything malformed. */
export function parseExposition(body: string, format: ParseFormat): ParsedFamily[] {
  if (body !== '' && !body.endsWith('\n')) throw new ExpositionParseError('body does not end with a newline');
  const lines = body === '' ? [] : body.slice(0, -1).split('\n');
  const families: ParsedFamily[] = [];
  const names = new Set<string>();
  let current: ParsedFamily | undefined;
  let sawEof = false;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (sawEof) fail(lineNumber, 'content after # EOF', line);
    if (line === '# EOF') {
      if (format !== 'openmetrics') fail(lineNumber, '# EOF in the text format', line);
      sawEof = true;
      return;
    }
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const space = rest.indexOf(' ');
      if (space < 0) fail(lineNumber, 'HELP without a space after the name', line);
      const name = rest.slice(0, space);
      if (names.has(name)) fail(lineNumber, `family ${name} declared twice`, line);
      names.add(name);
      // Like Prometheus's text parser, skip blanks before the text; OpenMetrics keeps them.
      const rawHelp =
        format === 'text' ? rest.slice(space + 1).replace(/^[ \t]+/, '') : rest.slice(space + 1);
      current = {
        name,
        help: unescapeText(rawHelp, format === 'openmetrics', lineNumber, line),
        type: '',
        unit: undefined,
        samples: [],
      };
      families.push(current);
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type, ...extra] = line.slice(7).split(' ');
      if (name !== undefined && current?.name !== name && !names.has(name)) {
        // A family without help: TYPE opens it.
        names.add(name);
        current = { name, help: undefined, type: '', unit: undefined, samples: [] };
        families.push(current);
      }
      if (current === undefined || current.name !== name || current.type !== '' || extra.length > 0) {
        fail(lineNumber, 'TYPE must follow the HELP of the same family, or open a family without help', line);
      }
      if (type !== 'counter' && type !== 'gauge' && type !== 'histogram')
        fail(lineNumber, 'unknown type', line);
      current.type = type;
      return;
    }
    if (line.startsWith('# UNIT ')) {
      const [name, unit, ...extra] = line.slice(7).split(' ');
      if (
        format !== 'openmetrics' ||
        current === undefined ||
        current.name !== name ||
        current.type === '' ||
        extra.length > 0
      ) {
        fail(lineNumber, 'UNIT must follow the TYPE of the same family, in OpenMetrics only', line);
      }
      if (current.samples.length > 0 || !name!.endsWith(`_${unit}`))
        fail(lineNumber, 'UNIT after samples or not a suffix of the name', line);
      current.unit = unit;
      return;
    }
    if (line.startsWith('#')) fail(lineNumber, 'unexpected comment', line);
    const sample = parseSample(line, lineNumber);
    if (current === undefined || current.type === '' || !sampleBelongs(current, sample.name, format)) {
      fail(lineNumber, 'sample outside its family', line);
    }
    current.samples.push(sample);
  });
  if (format === 'openmetrics' && !sawEof) throw new ExpositionParseError('OpenMetrics body without # EOF');
  if (format === 'openmetrics') {
    for (const family of families) if (family.type === 'histogram') checkOpenMetricsHistogram(family);
  }
  return families;
}

/**
 * OpenMetrics 1.0 histogram rules: a MetricPoint with a negative bucket threshold has no `_sum`,
 * and `_count` appears if and only if `_sum` does.
 */
function checkOpenMetricsHistogram(family: ParsedFamily): void {
  const points = new Map<string, { negative: boolean; sum: boolean; count: boolean }>();
  for (const sample of family.samples) {
    const key = JSON.stringify(sample.labels.filter(([name]) => name !== 'le'));
    let point = points.get(key);
    if (point === undefined) {
      point = { negative: false, sum: false, count: false };
      points.set(key, point);
    }
    if (sample.name === `${family.name}_sum`) point.sum = true;
    else if (sample.name === `${family.name}_count`) point.count = true;
    else if (Number(sample.labels.find(([name]) => name === 'le')?.[1]) < 0) point.negative = true;
  }
  for (const [labels, point] of points) {
    if (point.negative && point.sum) {
      throw new ExpositionParseError(`${family.name}${labels}: _sum with a negative bucket threshold`);
    }
    if (point.sum !== point.count) {
      throw new ExpositionParseError(`${family.name}${labels}: _count must appear if and only if _sum does`);
    }
  }
}

/** The label values of a sample as an object (for comparisons that ignore order). */
export function labelObject(sample: ParsedSample): Record<string, string> {
  return Object.fromEntries(sample.labels);
}
