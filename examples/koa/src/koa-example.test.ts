import { exampleAppSuite } from '@internal/demo-harness/testing';
import { startKoaExample } from './koa-example.js';

exampleAppSuite('koa-example', startKoaExample);
