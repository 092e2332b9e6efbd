import { do_not_optimize } from 'mitata';
import type { Contender } from './compare-timings.js';

/** Sink hands a computed value to mitata's `do_not_optimize`, so the JIT must keep the work. */
export type Sink = (value: unknown) => void;

/** The sink passed to every isolated pass. */
export const sink: Sink = do_not_optimize;

/**
 * Compiles `pass` afresh from its source text and binds it to `state`.
 *
 * Why: V8 shares type feedback between closures created from the same function literal. If
 * prom-client and @prometheus-io/client ran the same loop closure, the `counter.inc` call site
 * inside it would see two classes and go polymorphic, slowing both. Recompiling gives every
 * contender its own feedback, as if its loop were written out by hand in its own file.
 *
 * Rules for `pass`: read everything from `state` (module imports are not in scope after
 * recompiling), hand the result to `state.sink`, and declare no named inner functions (the
 * TypeScript loader wraps those in a helper that is not in scope). Throws when the compiled
 * source refers to such a helper.
 */
export function isolatedPass<S>(pass: (state: S) => unknown, state: S): () => unknown {
  const source = pass.toString();
  if (source.includes('__name(')) {
    throw new Error(
      'isolatedPass: the pass declares a named inner function; use plain loops and arrow functions only.',
    );
  }
  const fresh = new Function(`'use strict'; return (${source});`)() as (state: S) => unknown;
  return () => fresh(state);
}

/**
 * A contender whose pass is `pass` compiled on its own (see isolatedPass) and bound to `state`
 * plus the sink. Suites can hand the same pass function to several libraries: each call
 * compiles it afresh, so each library still gets its own type feedback.
 */
export function isolatedContender<S extends object>(
  library: string,
  operationsPerPass: number,
  pass: (state: S & { readonly sink: Sink }) => unknown,
  state: S,
): Contender {
  return { library, operationsPerPass, pass: isolatedPass(pass, { ...state, sink }) };
}
