import { exampleAppSuite } from '@example/demo-harness/testing';
import { startKoaExample } from './koa-example.js';

exampleAppSuite('koa-example', startKoaExample);
