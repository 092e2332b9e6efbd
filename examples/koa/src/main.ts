import { closeOnSignal, demoBanner, parseDemoArguments } from '@example/demo-harness';
import { startKoaExample } from './koa-example.js';

const options = parseDemoArguments(process.argv.slice(2), process.env, 3000);
const example = await startKoaExample(options);
console.log(demoBanner('a Koa app instrumented with @servermetrics/adapter-koa', example, options));
closeOnSignal(() => example.close());
