import Router15 from '@koa/router';
import Koa3 from 'koa';
import Router13 from 'koa-router13';
import Router14 from 'koa-router14';
import Koa2 from 'koa2';

/** The Koa class of either major. */
export type KoaClass = typeof Koa3;

/** The @koa/router class of any tested major. */
export type RouterClass = typeof Router15;

/** One Koa major with one @koa/router major, as the tests run them. */
export interface KoaStack {
  /** e.g. `koa 2 + @koa/router 13`. */
  readonly name: string;
  readonly Koa: KoaClass;
  readonly Router: RouterClass;
  /** The router's syntax for a path ending in a wildcard, after `/files`. */
  readonly wildcard: string;
}

const routers: [major: number, Router: RouterClass, wildcard: string][] = [
  [13, Router13, '/(.*)'],
  [14, Router14, '/{*path}'],
  [15, Router15, '/{*path}'],
];

/**
 * Every Koa major (2, 3) with every @koa/router major (13, 14, 15) the peer ranges promise: the
 * conformance suite and the Koa-specific tests run on each.
 */
export const KOA_STACKS: readonly KoaStack[] = [
  ['koa 2', Koa2],
  ['koa 3', Koa3],
].flatMap(([koaName, Koa]) =>
  routers.map(([major, Router, wildcard]) => ({
    name: `${koaName as string} + @koa/router ${major}`,
    Koa: Koa as KoaClass,
    Router,
    wildcard,
  })),
);

/** The router packages by major, as installed for the tests. */
export const ROUTER_PACKAGES: readonly [major: number, specifier: string][] = [
  [13, 'koa-router13'],
  [14, 'koa-router14'],
  [15, '@koa/router'],
];
