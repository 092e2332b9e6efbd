// `koa2` is Koa 2 installed under an alias for the tests; @types/koa describes both majors
// closely enough for the test apps.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
