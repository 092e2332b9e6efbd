import type { Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** The OpenTelemetry library name used in tables. */
export const OPEN_TELEMETRY = 'opentelemetry';

/** OpenTelemetrySetup is a meter wired to a Prometheus reader that never starts its server. */
export interface OpenTelemetrySetup {
  readonly meter: Meter;
  /** Collects and serializes to Prometheus text, as the exporter does for a scrape. */
  scrape(): Promise<string>;
  /** Releases the provider. */
  shutdown(): Promise<void>;
}

/**
 * Creates an OpenTelemetry MeterProvider with a PrometheusExporter reader (server not started)
 * and a view raising the cardinality limit to `cardinalityLimit`, so large suites are not
 * silently folded into the overflow point.
 */
export function openTelemetrySetup(cardinalityLimit = 100_000): OpenTelemetrySetup {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    readers: [exporter],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: cardinalityLimit }],
  });
  const serializer = new PrometheusSerializer();
  return {
    meter: provider.getMeter('bench'),
    async scrape(): Promise<string> {
      const { resourceMetrics } = await exporter.collect();
      return serializer.serialize(resourceMetrics);
    },
    shutdown: (): Promise<void> => provider.shutdown(),
  };
}
