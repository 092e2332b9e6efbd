import { runDemo } from '@internal/demo-harness';
import { startBasicExample } from './basic-example.js';

const port = Number(process.env.PORT ?? 9464);
await runDemo({
  command: 'pnpm --filter @example/basic start',
  ports: { PORT: port },
  start: () => startBasicExample({ port }),
  banner: (example) => `servermetrics demo: the lunch module is running.
  metrics:  ${example.server.url}
  try:      curl ${example.server.url}
            curl -H 'Accept: application/openmetrics-text' ${example.server.url}
Press Ctrl+C to stop.`,
});
