export type { ExpressAppOptions } from './express-app.js';
export { createExpressApp } from './express-app.js';
export type { ExpressExampleOptions } from './express-example.js';
export { startExpressExample } from './express-example.js';
