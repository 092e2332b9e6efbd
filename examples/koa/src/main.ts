import { demoBanner, parseDemoArguments, runDemo } from '@internal/demo-harness';
import { startKoaExample } from './koa-example.js';

const options = parseDemoArguments(process.argv.slice(2), process.env, 3000);
await runDemo({
  command: 'pnpm --filter @example/koa start',
  ports: { PORT: options.port },
  start: () => startKoaExample(options),
  banner: (example) => demoBanner('a Koa app instrumented with @servermetrics/adapter-koa', example, options),
});
