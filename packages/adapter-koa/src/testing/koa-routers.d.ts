// `koa-router13` and `koa-router14` are @koa/router 13 and 14 installed under aliases for the
// tests; @koa/router 15's types describe them closely enough for the test apps.
declare module 'koa-router13' {
  import Router from '@koa/router';
  export default Router;
}

declare module 'koa-router14' {
  import Router from '@koa/router';
  export default Router;
}
