import { closeOnSignal, demoBanner, parseDemoArguments } from '@example/demo-harness';
import { startExpressExample } from './express-example.js';

const options = parseDemoArguments(process.argv.slice(2), process.env, 3000);
const example = await startExpressExample(options);
console.log(demoBanner('an Express app instrumented with @servermetrics/adapter-express', example, options));
closeOnSignal(() => example.close());
