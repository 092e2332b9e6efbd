import { fileURLToPath } from 'node:url';
import { describeOptionalPeer } from '@servermetrics/testing';

const SUBPATH: string = '@servermetrics/adapter-koa/prometheus';

describeOptionalPeer({
  distDirectory: fileURLToPath(new URL('../dist/', import.meta.url)),
  peer: '@servermetrics/exporter-prometheus',
  rootExport: 'metricsMiddleware',
  subpath: SUBPATH,
  subpathFile: 'prometheus',
  subpathExports: ['basicAuthAuthorizer', 'bearerTokenAuthorizer', 'metricsHandler'],
  // Through the package's own exports map, as an app imports it (a string, so typecheck does not need the build).
  loadSubpath: () => import(SUBPATH),
});
