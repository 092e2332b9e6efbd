import { Gauge } from '@servermetrics/core';
import type { RuntimeCollector } from '../runtime-collector.js';
import type { RuntimeGauge, StaticLabels } from '../static-labels.js';

/**
 * `nodejs_version_info{version,major,minor,patch}`, always 1: `version` is `process.version`
 * (`v20.19.0`), the others its numeric parts. Set once by `start()` (a constant: collections
 * never touch it, so push exporters send it once).
 */
export function createVersionCollector(labels: StaticLabels): RuntimeCollector {
  const [major = 0, minor = 0, patch = 0] = process.version.slice(1).split('.').map(Number);
  const series = labels.labelsWith({ version: process.version, major, minor, patch });
  const info: RuntimeGauge = new Gauge({
    help: 'Node.js version info.',
    labels: labels.schemaWith({ version: 'string', major: 'int', minor: 'int', patch: 'int' }),
  });
  return {
    metrics: [{ name: 'nodejs_version_info', metric: info }],
    start: () => info.set(series, 1),
    stop: () => {},
  };
}
