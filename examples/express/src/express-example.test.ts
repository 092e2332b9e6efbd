import { exampleAppSuite } from '@internal/demo-harness/testing';
import { startExpressExample } from './express-example.js';

exampleAppSuite('express-example', startExpressExample);
