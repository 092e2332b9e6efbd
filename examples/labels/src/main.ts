import { runDemo } from '@internal/demo-harness';
import { startLabelsExample } from './labels-example.js';

const port = Number(process.env.PORT ?? 9465);
await runDemo({
  command: 'pnpm --filter @example/labels start',
  ports: { PORT: port },
  start: () => startLabelsExample({ port }),
  banner: (example) => `servermetrics labels example: a simulated API with labelled metrics.
  metrics:  ${example.server.url}
  try:      curl -s ${example.server.url} | grep -v '^#'
Each second it serves some requests, starts a session for a new user (sessions_by_user_total keeps
at most 10 series: watch servermetrics_evicted_cells_total grow) and makes a few instrumentation
mistakes, which servermetrics logs below (once a minute per kind of problem) and drops.
Press Ctrl+C to stop.
`,
});
