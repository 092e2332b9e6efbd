export type { KoaAppOptions } from './koa-app.js';
export { createKoaApp } from './koa-app.js';
export type { KoaExampleOptions } from './koa-example.js';
export { startKoaExample } from './koa-example.js';
