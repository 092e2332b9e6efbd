import { Counter, MetricRegistry } from '@servermetrics/core';
import { startMetricsServer } from '@servermetrics/exporter-prometheus';
import { expect, test } from 'vitest';
import { QueueDepthProducer } from './queue-depth-producer.js';

test('the queue depths are read at scrape time and served beside a registry', async () => {
  const queues = new Map([
    ['email', ['welcome', 'reset-password']],
    ['thumbnails', [] as string[]],
  ]);
  const registry = new MetricRegistry();
  registry.register('jobs_done_total', new Counter({ help: 'Jobs done' })).inc(3);
  const server = await startMetricsServer({ port: 0, registry: [registry, new QueueDepthProducer(queues)] });
  try {
    const first = await (await fetch(server.url)).text();
    expect(first).toMatch(/^jobs_done_total 3$/m);
    expect(first).toContain('# TYPE jobs_queue_depth gauge\n');
    expect(first).toMatch(/^jobs_queue_depth\{queue="email"\} 2$/m);
    expect(first).toMatch(/^jobs_queue_depth\{queue="thumbnails"\} 0$/m);
    queues.get('thumbnails')!.push('a.png');
    queues.get('email')!.length = 0;
    const second = await (await fetch(server.url)).text();
    expect(second).toMatch(/^jobs_queue_depth\{queue="email"\} 0$/m);
    expect(second).toMatch(/^jobs_queue_depth\{queue="thumbnails"\} 1$/m);
  } finally {
    await server.close();
  }
});
