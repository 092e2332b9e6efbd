// `express4` is Express 4 installed under an alias for the tests; @types/express describes both
// majors closely enough for the test apps.
declare module 'express4' {
  import express from 'express';
  export default express;
}
