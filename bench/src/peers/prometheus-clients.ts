import * as prometheusIoClient from '@prometheus-io/client';
import * as promClient from 'prom-client';

/** The prom-client API, which @prometheus-io/client (its renamed successor) shares. */
export type PrometheusClientModule = typeof promClient;

/** PrometheusClientPeer is one of the two prom-client generations, under its npm name. */
export interface PrometheusClientPeer {
  readonly library: string;
  readonly module: PrometheusClientModule;
}

/** prom-client 15.1.3 (what most users run) and @prometheus-io/client 0.16.1 (its successor). */
export const PROMETHEUS_CLIENT_PEERS: readonly PrometheusClientPeer[] = [
  { library: 'prom-client', module: promClient },
  { library: '@prometheus-io/client', module: prometheusIoClient as unknown as PrometheusClientModule },
];

/** The prom-client peer alone (the reference of the memory targets). */
export const PROM_CLIENT_PEER: PrometheusClientPeer = PROMETHEUS_CLIENT_PEERS[0]!;

/** A fresh registry of `peer`, so suites never share the global one. */
export function freshRegistry(
  peer: PrometheusClientPeer,
  format: 'text' | 'openmetrics' = 'text',
): promClient.Registry {
  // prom-client's typings omit the constructor argument that both implementations accept.
  const Registry = peer.module.Registry as unknown as new (contentType?: string) => promClient.Registry;
  return format === 'text' ? new Registry() : new Registry(peer.module.Registry.OPENMETRICS_CONTENT_TYPE);
}
