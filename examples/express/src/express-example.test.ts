import { exampleAppSuite } from '@example/demo-harness/testing';
import { startExpressExample } from './express-example.js';

exampleAppSuite('express-example', startExpressExample);
