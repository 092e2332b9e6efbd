import {
  Counter,
  Gauge,
  Histogram,
  InvalidOptionError,
  type Logger,
  MetricRegistry,
} from '@servermetrics/core';
import { checkOpenMetrics, parseExposition } from '@servermetrics/testing';
import { describe, expect, it } from 'vitest';
import { renderMetrics } from './render-metrics.js';

function newRegistry(logger?: Logger): MetricRegistry {
  return new MetricRegistry({ logger: logger ?? { warn: () => {}, error: () => {} }, strict: true });
}

interface RenderCase {
  name: string;
  build: (registry: MetricRegistry) => void;
  text: string;
  openmetrics: string;
}

const cases: RenderCase[] = [
  {
    name: 'empty registry',
    build: () => {},
    text: '',
    openmetrics: '# EOF\n',
  },
  {
    name: 'unlabelled counter ending in _total',
    build: (registry) => registry.register('jobs_done_total', new Counter({ help: 'Jobs done.' })).inc(3),
    text: '# HELP jobs_done_total Jobs done.\n# TYPE jobs_done_total counter\njobs_done_total 3\n',
    openmetrics: '# HELP jobs_done Jobs done.\n# TYPE jobs_done counter\njobs_done_total 3\n# EOF\n',
  },
  {
    name: 'counter without _total: OpenMetrics family keeps the name, the sample gets _total',
    build: (registry) => registry.register('lunches', new Counter({ help: 'Lunches.' })).inc(0.5),
    text: '# HELP lunches Lunches.\n# TYPE lunches counter\nlunches 0.5\n',
    openmetrics: '# HELP lunches Lunches.\n# TYPE lunches counter\nlunches_total 0.5\n# EOF\n',
  },
  {
    name: 'gauge with a unit: # UNIT only in OpenMetrics',
    build: (registry) =>
      registry
        .register('room_temperature_celsius', new Gauge({ help: 'Temperature.', unit: 'celsius' }))
        .set(0.1),
    text: '# HELP room_temperature_celsius Temperature.\n# TYPE room_temperature_celsius gauge\nroom_temperature_celsius 0.1\n',
    openmetrics:
      '# HELP room_temperature_celsius Temperature.\n# TYPE room_temperature_celsius gauge\n# UNIT room_temperature_celsius celsius\n' +
      'room_temperature_celsius 0.1\n# EOF\n',
  },
  {
    name: 'counter with a unit: the OpenMetrics family name drops _total and ends in the unit',
    build: (registry) =>
      registry.register('cpu_seconds_total', new Counter({ help: 'CPU time.', unit: 'seconds' })).inc(1e-7),
    text: '# HELP cpu_seconds_total CPU time.\n# TYPE cpu_seconds_total counter\ncpu_seconds_total 1e-7\n',
    openmetrics:
      '# HELP cpu_seconds CPU time.\n# TYPE cpu_seconds counter\n# UNIT cpu_seconds seconds\ncpu_seconds_total 1e-7\n# EOF\n',
  },
  {
    name: '+Inf and -Inf values (NaN cannot reach a series: core rejects it; format-number covers it)',
    build: (registry) => {
      const gauge = registry.register(
        'edge_values',
        new Gauge({ help: 'Edges.', labels: { kind: 'string' } }),
      );
      gauge.set({ kind: 'plus' }, Number.POSITIVE_INFINITY);
      gauge.set({ kind: 'minus' }, Number.NEGATIVE_INFINITY);
      gauge.set({ kind: 'big' }, 1e21);
      gauge.set({ kind: 'negative' }, -2.5);
    },
    text:
      '# HELP edge_values Edges.\n# TYPE edge_values gauge\nedge_values{kind="plus"} +Inf\nedge_values{kind="minus"} -Inf\n' +
      'edge_values{kind="big"} 1e+21\nedge_values{kind="negative"} -2.5\n',
    openmetrics:
      '# HELP edge_values Edges.\n# TYPE edge_values gauge\nedge_values{kind="plus"} +Inf\nedge_values{kind="minus"} -Inf\n' +
      'edge_values{kind="big"} 1e+21\nedge_values{kind="negative"} -2.5\n# EOF\n',
  },
  {
    name: 'escaping: HELP backslash and newline (and quotes in OpenMetrics); label values \\ " and newline',
    build: (registry) => {
      const counter = registry.register(
        'escapes_total',
        new Counter({ help: 'Path C:\\temp\nsecond "line"', labels: { path: 'string', note: 'string' } }),
      );
      counter.inc({ path: 'C:\\dir\\"quoted"\nnext', note: '' });
      counter.inc({ path: 'ünïcødé ☃ 😀', note: '{}=,# ' });
    },
    text:
      '# HELP escapes_total Path C:\\\\temp\\nsecond "line"\n# TYPE escapes_total counter\n' +
      'escapes_total{path="C:\\\\dir\\\\\\"quoted\\"\\nnext",note=""} 1\n' +
      'escapes_total{path="ünïcødé ☃ 😀",note="{}=,# "} 1\n',
    openmetrics:
      '# HELP escapes Path C:\\\\temp\\nsecond \\"line\\"\n# TYPE escapes counter\n' +
      'escapes_total{path="C:\\\\dir\\\\\\"quoted\\"\\nnext",note=""} 1\n' +
      'escapes_total{path="ünïcødé ☃ 😀",note="{}=,# "} 1\n# EOF\n',
  },
  {
    name: 'labelled metric without series prints HELP and TYPE only',
    build: (registry) =>
      registry.register('idle_workers', new Gauge({ help: 'Idle.', labels: { pool: 'string' } })),
    text: '# HELP idle_workers Idle.\n# TYPE idle_workers gauge\n',
    openmetrics: '# HELP idle_workers Idle.\n# TYPE idle_workers gauge\n# EOF\n',
  },
  {
    name: 'empty HELP still prints the HELP line',
    build: (registry) => registry.register('no_help', new Gauge({ help: '' })).set(1),
    text: '# HELP no_help \n# TYPE no_help gauge\nno_help 1\n',
    openmetrics: '# HELP no_help \n# TYPE no_help gauge\nno_help 1\n# EOF\n',
  },
  {
    name: 'a metric created without help prints no HELP line',
    build: (registry) => {
      registry.register('requests_total', new Counter()).inc();
      registry.register('temperature_celsius', new Gauge({ initial: 5 }));
    },
    text:
      '# TYPE requests_total counter\nrequests_total 1\n' +
      '# TYPE temperature_celsius gauge\ntemperature_celsius 5\n',
    openmetrics:
      '# TYPE requests counter\nrequests_total 1\n' +
      '# TYPE temperature_celsius gauge\ntemperature_celsius 5\n# EOF\n',
  },
  {
    name: 'label order is declaration order; series grouped by first label value in first-seen order',
    build: (registry) => {
      const counter = registry.register(
        'responses_total',
        new Counter({ help: 'Responses.', labels: { zone: 'string', code: 'int', cached: 'boolean' } }),
      );
      counter.inc({ code: 500, zone: 'b', cached: false });
      counter.inc({ cached: true, code: 200, zone: 'a' }, 2);
      counter.inc({ zone: 'b', code: 200, cached: true }, 3);
    },
    text:
      '# HELP responses_total Responses.\n# TYPE responses_total counter\n' +
      'responses_total{zone="b",code="500",cached="false"} 1\nresponses_total{zone="b",code="200",cached="true"} 3\n' +
      'responses_total{zone="a",code="200",cached="true"} 2\n',
    openmetrics:
      '# HELP responses Responses.\n# TYPE responses counter\n' +
      'responses_total{zone="b",code="500",cached="false"} 1\nresponses_total{zone="b",code="200",cached="true"} 3\n' +
      'responses_total{zone="a",code="200",cached="true"} 2\n# EOF\n',
  },
  {
    name: 'histogram: cumulative buckets, le last, canonical le in OpenMetrics, then _sum and _count',
    build: (registry) => {
      const histogram = registry.register(
        'job_duration_seconds',
        new Histogram({
          help: 'Duration.',
          unit: 'seconds',
          buckets: [0.005, 1, 2.5, 100],
          labels: { queue: 'string' },
        }),
      );
      histogram.observe({ queue: 'q"1' }, 0.5);
      histogram.observe({ queue: 'q"1' }, 1);
      histogram.observe({ queue: 'q"1' }, 200);
    },
    text:
      '# HELP job_duration_seconds Duration.\n# TYPE job_duration_seconds histogram\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="0.005"} 0\njob_duration_seconds_bucket{queue="q\\"1",le="1"} 2\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="2.5"} 2\njob_duration_seconds_bucket{queue="q\\"1",le="100"} 2\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="+Inf"} 3\njob_duration_seconds_sum{queue="q\\"1"} 201.5\n' +
      'job_duration_seconds_count{queue="q\\"1"} 3\n',
    openmetrics:
      '# HELP job_duration_seconds Duration.\n# TYPE job_duration_seconds histogram\n# UNIT job_duration_seconds seconds\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="0.005"} 0\njob_duration_seconds_bucket{queue="q\\"1",le="1.0"} 2\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="2.5"} 2\njob_duration_seconds_bucket{queue="q\\"1",le="100.0"} 2\n' +
      'job_duration_seconds_bucket{queue="q\\"1",le="+Inf"} 3\njob_duration_seconds_sum{queue="q\\"1"} 201.5\n' +
      'job_duration_seconds_count{queue="q\\"1"} 3\n# EOF\n',
  },
  {
    name: 'histogram with a negative bucket bound: OpenMetrics leaves out _sum and so _count, text keeps both',
    build: (registry) => {
      const deviation = registry.register(
        'deviation_celsius',
        new Histogram({ help: 'Deviation.', buckets: [-1, 0, 1], labels: { sensor: 'string' } }),
      );
      deviation.observe({ sensor: 'a' }, -5);
      deviation.observe({ sensor: 'a' }, 0.5);
    },
    text:
      '# HELP deviation_celsius Deviation.\n# TYPE deviation_celsius histogram\n' +
      'deviation_celsius_bucket{sensor="a",le="-1"} 1\ndeviation_celsius_bucket{sensor="a",le="0"} 1\n' +
      'deviation_celsius_bucket{sensor="a",le="1"} 2\ndeviation_celsius_bucket{sensor="a",le="+Inf"} 2\n' +
      'deviation_celsius_sum{sensor="a"} -4.5\ndeviation_celsius_count{sensor="a"} 2\n',
    openmetrics:
      '# HELP deviation_celsius Deviation.\n# TYPE deviation_celsius histogram\n' +
      'deviation_celsius_bucket{sensor="a",le="-1.0"} 1\ndeviation_celsius_bucket{sensor="a",le="0.0"} 1\n' +
      'deviation_celsius_bucket{sensor="a",le="1.0"} 2\ndeviation_celsius_bucket{sensor="a",le="+Inf"} 2\n# EOF\n',
  },
  {
    name: "histogram with bounds >= 0 whose sum is negative: OpenMetrics leaves out that series' _sum and _count",
    build: (registry) => {
      const drift = registry.register(
        'clock_drift_seconds',
        new Histogram({ help: 'Drift.', buckets: [0, 1], labels: { host: 'string' } }),
      );
      drift.observe({ host: 'behind' }, -5);
      drift.observe({ host: 'ahead' }, 0.5);
      // A negative observation outweighed by positive ones: the sum is >= 0 again, so it is shown.
      drift.observe({ host: 'both' }, -1);
      drift.observe({ host: 'both' }, 3);
    },
    text:
      '# HELP clock_drift_seconds Drift.\n# TYPE clock_drift_seconds histogram\n' +
      'clock_drift_seconds_bucket{host="behind",le="0"} 1\nclock_drift_seconds_bucket{host="behind",le="1"} 1\n' +
      'clock_drift_seconds_bucket{host="behind",le="+Inf"} 1\nclock_drift_seconds_sum{host="behind"} -5\n' +
      'clock_drift_seconds_count{host="behind"} 1\n' +
      'clock_drift_seconds_bucket{host="ahead",le="0"} 0\nclock_drift_seconds_bucket{host="ahead",le="1"} 1\n' +
      'clock_drift_seconds_bucket{host="ahead",le="+Inf"} 1\nclock_drift_seconds_sum{host="ahead"} 0.5\n' +
      'clock_drift_seconds_count{host="ahead"} 1\n' +
      'clock_drift_seconds_bucket{host="both",le="0"} 1\nclock_drift_seconds_bucket{host="both",le="1"} 1\n' +
      'clock_drift_seconds_bucket{host="both",le="+Inf"} 2\nclock_drift_seconds_sum{host="both"} 2\n' +
      'clock_drift_seconds_count{host="both"} 2\n',
    openmetrics:
      '# HELP clock_drift_seconds Drift.\n# TYPE clock_drift_seconds histogram\n' +
      'clock_drift_seconds_bucket{host="behind",le="0.0"} 1\nclock_drift_seconds_bucket{host="behind",le="1.0"} 1\n' +
      'clock_drift_seconds_bucket{host="behind",le="+Inf"} 1\n' +
      'clock_drift_seconds_bucket{host="ahead",le="0.0"} 0\nclock_drift_seconds_bucket{host="ahead",le="1.0"} 1\n' +
      'clock_drift_seconds_bucket{host="ahead",le="+Inf"} 1\nclock_drift_seconds_sum{host="ahead"} 0.5\n' +
      'clock_drift_seconds_count{host="ahead"} 1\n' +
      'clock_drift_seconds_bucket{host="both",le="0.0"} 1\nclock_drift_seconds_bucket{host="both",le="1.0"} 1\n' +
      'clock_drift_seconds_bucket{host="both",le="+Inf"} 2\nclock_drift_seconds_sum{host="both"} 2\n' +
      'clock_drift_seconds_count{host="both"} 2\n# EOF\n',
  },
  {
    name: 'unlabelled histogram and families in name order',
    build: (registry) => {
      registry.register('zeta', new Gauge({ help: 'Last.' })).set(-1);
      registry.register('alpha_bytes', new Histogram({ help: 'Sizes.', buckets: [1e-7, 64] })).observe(10);
    },
    text:
      '# HELP alpha_bytes Sizes.\n# TYPE alpha_bytes histogram\nalpha_bytes_bucket{le="1e-7"} 0\nalpha_bytes_bucket{le="64"} 1\n' +
      'alpha_bytes_bucket{le="+Inf"} 1\nalpha_bytes_sum 10\nalpha_bytes_count 1\n# HELP zeta Last.\n# TYPE zeta gauge\nzeta -1\n',
    openmetrics:
      '# HELP alpha_bytes Sizes.\n# TYPE alpha_bytes histogram\nalpha_bytes_bucket{le="1e-7"} 0\nalpha_bytes_bucket{le="64.0"} 1\n' +
      'alpha_bytes_bucket{le="+Inf"} 1\nalpha_bytes_sum 10\nalpha_bytes_count 1\n# HELP zeta Last.\n# TYPE zeta gauge\nzeta -1\n# EOF\n',
  },
];

describe('renderMetrics', () => {
  describe.each(cases)('$name', (testCase) => {
    it('renders the text format exactly', () => {
      const registry = newRegistry();
      testCase.build(registry);
      const body = renderMetrics(registry, { format: 'text' });
      expect(body).toBe(testCase.text);
      expect(() => parseExposition(body, 'text')).not.toThrow();
    });

    it('renders OpenMetrics exactly, accepted by the reference parser', async () => {
      const registry = newRegistry();
      testCase.build(registry);
      const body = renderMetrics(registry, { format: 'openmetrics' });
      expect(await checkOpenMetrics(body)).toEqual({ ok: true, error: '' });
      expect(body).toBe(testCase.openmetrics);
      expect(() => parseExposition(body, 'openmetrics')).not.toThrow();
    });
  });

  it('defaults to the text format', () => {
    const registry = newRegistry();
    registry.register('jobs_total', new Counter({ help: 'Jobs.' })).inc();
    expect(renderMetrics(registry)).toBe(renderMetrics(registry, { format: 'text' }));
  });

  it('is deterministic: the same state gives the same bytes, and cached label blocks follow new series', () => {
    const registry = newRegistry();
    const counter = registry.register(
      'hits_total',
      new Counter({ help: 'Hits.', labels: { page: 'string' } }),
    );
    counter.inc({ page: 'a' });
    const first = renderMetrics(registry);
    expect(renderMetrics(registry)).toBe(first);
    counter.inc({ page: 'b' }, 2);
    counter.inc({ page: 'a' });
    expect(renderMetrics(registry)).toBe(
      '# HELP hits_total Hits.\n# TYPE hits_total counter\nhits_total{page="a"} 2\nhits_total{page="b"} 2\n',
    );
  });

  it('gathers several producers with core gatherFamilies (tested in core): a shared metric once, clashes left out', () => {
    const log: string[] = [];
    const first = newRegistry();
    const second = newRegistry();
    const third = newRegistry({
      warn: (message) => log.push(message),
      error: (message) => log.push(message),
    });
    const shared = new Counter({ help: 'Shared.' });
    first.register('shared_total', shared).inc(7);
    second.register('shared_total', shared);
    second.register('queue_depth', new Gauge({ help: 'Second.' })).set(2);
    third.register('queue_depth', new Gauge({ help: 'Third.' })).set(3);
    expect(renderMetrics([first, second, third])).toBe(
      '# HELP queue_depth Second.\n# TYPE queue_depth gauge\nqueue_depth 2\n' +
        '# HELP shared_total Shared.\n# TYPE shared_total counter\nshared_total 7\n',
    );
    expect(log).toHaveLength(1);
  });

  it('throws InvalidOptionError for something that is not a registry or an unknown format', () => {
    const registry = newRegistry();
    for (const bad of [undefined, {}, [], [registry, {}]]) {
      let error: unknown;
      try {
        renderMetrics(bad as never);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidOptionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/MetricRegistry/);
    }
    expect(() => renderMetrics(registry, { format: 'json' as never })).toThrow(
      /format must be 'text', 'openmetrics' or 'protobuf'/,
    );
  });

  it('a label value cannot inject a line, a label or a series', () => {
    const registry = newRegistry();
    const counter = registry.register(
      'attacks_total',
      new Counter({ help: 'Attacks.', labels: { payload: 'string' } }),
    );
    const payloads = [
      'x"} 1\nattacks_total{payload="injected"} 999\n# EOF',
      'x",admin="true',
      '\\',
      '\\"} 5\n',
      '\r\n# TYPE attacks_total gauge',
    ];
    for (const payload of payloads) counter.inc({ payload });
    for (const format of ['text', 'openmetrics'] as const) {
      const body = renderMetrics(registry, { format });
      const [family] = parseExposition(body, format);
      expect(body.split('\n').length).toBe(2 + payloads.length + (format === 'openmetrics' ? 2 : 1));
      expect(family!.samples.map((sample) => sample.labels)).toEqual(
        payloads.map((payload) => [['payload', payload]]),
      );
      expect(family!.samples.every((sample) => sample.value === 1)).toBe(true);
    }
  });
});
