import { demoBanner, parseDemoArguments, runDemo } from '@internal/demo-harness';
import { startExpressExample } from './express-example.js';

const options = parseDemoArguments(process.argv.slice(2), process.env, 3000);
await runDemo({
  command: 'npm run demo',
  ports: { PORT: options.port },
  start: () => startExpressExample(options),
  banner: (example) =>
    demoBanner('an Express app instrumented with @servermetrics/adapter-express', example, options),
});
