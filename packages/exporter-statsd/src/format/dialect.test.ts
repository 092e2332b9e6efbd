import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DIALECTS, type Dialect, formatNumber, lineFormat } from './dialect.js';

/** Parses a line back into name, tags, value and type, by each dialect's grammar; undefined when it does not parse. */
function parseLine(
  dialect: Dialect,
  line: string,
): { name: string; tags: [string, string][]; value: string; type: string } | undefined {
  if (/[\r\n]/.test(line)) return undefined;
  if (dialect === 'datadog') {
    const match = /^([A-Za-z0-9_.]+):([^:|]+)\|(c|g)(?:\|#([^|#@]*))?$/.exec(line);
    if (match === null) return undefined;
    const tags = match[4] === undefined ? [] : match[4].split(',');
    if (tags.some((tag) => tag === '' || !tag.includes(':') || /\s/.test(tag))) return undefined;
    return {
      name: match[1]!,
      value: match[2]!,
      type: match[3]!,
      tags: tags.map((tag) => [tag.slice(0, tag.indexOf(':')), tag.slice(tag.indexOf(':') + 1)]),
    };
  }
  const separator = dialect === 'statsd' ? ';' : ',';
  const match = /^([^:|@#\s]+):([^:|]+)\|(c|g)$/.exec(line);
  if (match === null) return undefined;
  const [name, ...tags] = match[1]!.split(separator);
  if (tags.some((tag) => tag.split('=').length !== 2 || tag.startsWith('=') || tag.endsWith('=')))
    return undefined;
  if (dialect === 'statsd' && !/^[A-Za-z0-9_.\-;=]+$/.test(match[1]!)) return undefined;
  return {
    name: name!,
    value: match[2]!,
    type: match[3]!,
    tags: tags.map((tag) => tag.split('=') as [string, string]),
  };
}

describe('formatNumber', () => {
  test.each([
    [3, '3'],
    [-3, '-3'],
    [0, '0'],
    [-0, '0'],
    [0.1, '0.1'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [1e-7, '1e-7'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ])('%s is written as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  test('every finite number round-trips through Number() and parseFloat (what statsd, the Agent and Telegraf parse)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatNumber(value);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
        expect(Number.parseFloat(text)).toBe(value === 0 ? 0 : value);
        expect(text).not.toMatch(/^\+/);
      }),
    );
  });
});

describe('line formats', () => {
  test.each([
    ['datadog', 'app.requests:2|c|#code:200,method:GET,region:eu'],
    ['statsd', 'app.requests;code=200;method=GET;region=eu:2|c'],
    ['telegraf', 'app.requests,code=200,method=GET,region=eu:2|c'],
  ] as const)('%s writes tags in its syntax', (dialect, expected) => {
    const format = lineFormat(dialect);
    const tags = format.tagText([
      format.tag('code', '200'),
      format.tag('method', 'GET'),
      format.tag('region', 'eu'),
    ]);
    expect(format.line('app.requests', tags, 2, 'c')).toBe(expected);
  });

  test.each([
    // DogStatsD keeps `:` and `/` in values; Graphite keeps only [A-Za-z0-9_.-]; Influx keeps `/`.
    ['datadog', 'a.b_c', 'k_e_y:v_l_u_e:/x'],
    ['statsd', 'a.b_c', 'k_e_y=v_l_u_e__x'],
    ['telegraf', 'a.b_c', 'k_e_y=v_l_u_e_/x'],
  ] as const)('%s replaces the characters that would break a line', (dialect, name, tag) => {
    const format = lineFormat(dialect);
    expect(format.name('a.b:c')).toBe(name);
    expect(format.tag('k|e,y', 'v@l#u\ne:/x')).toBe(tag);
    expect(
      parseLine(
        dialect,
        format.line(format.name('n'), format.tagText([format.tag('a=b c', 'd=e;f')]), 1, 'c'),
      )?.tags,
    ).toHaveLength(1);
  });

  test('asciiOnly formats write names and tags in printable ASCII only, and the lines still parse', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(fc.constantFrom(...DIALECTS), text, text, text, (dialect, name, key, value) => {
        const format = lineFormat(dialect, true);
        const tag = format.tag(key === '' ? 'k' : key, value);
        const line = format.line(format.name(name === '' ? 'n' : name), format.tagText([tag]), 1, 'c');
        expect(line).toMatch(/^[\x20-\x7e]+$/);
        expect(parseLine(dialect, line)?.tags).toHaveLength(value === '' ? 0 : 1);
      }),
      { numRuns: 500 },
    );
    expect(lineFormat('datadog', true).tag('note', 'a\u010Ab|c\u017Cd')).toBe('note:a_b_c_d');
    expect(lineFormat('datadog').tag('note', 'a\u010Ab|c\u017Cd')).toBe('note:a\u010Ab_c\u017Cd');
  });

  test('an empty tag value omits the tag', () => {
    for (const dialect of DIALECTS) {
      const format = lineFormat(dialect);
      expect(format.tag('key', '')).toBe('');
      expect(format.line('n', format.tagText([format.tag('key', '')]), 1, 'g')).toBe('n:1|g');
    }
  });

  test('no tag key or value can break a line or add a tag, in any dialect', () => {
    const special = fc.constantFrom(
      ':',
      '|',
      '@',
      '#',
      ',',
      '=',
      ';',
      ' ',
      '\n',
      '\r',
      '\t',
      '\\',
      '/',
      '.',
      '-',
      '_',
      'a',
      'é',
      '\u2028',
      '\u0085',
    );
    const text = fc.string({
      unit: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...DIALECTS),
        fc.array(
          fc.tuple(
            text.filter((key) => key !== ''),
            text,
          ),
          { maxLength: 4 },
        ),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (dialect, pairs, value) => {
          const format = lineFormat(dialect);
          const tags = pairs.map(([key, tagValue]) => format.tag(key, tagValue));
          const line = format.line(format.name('metric:name with spaces'), format.tagText(tags), value, 'c');
          const parsed = parseLine(dialect, line);
          expect(parsed, line).toBeDefined();
          expect(parsed!.tags).toHaveLength(pairs.filter(([, tagValue]) => tagValue !== '').length);
          expect(Number(parsed!.value)).toBe(value === 0 ? 0 : value);
        },
      ),
      { numRuns: 500 },
    );
  });
});
