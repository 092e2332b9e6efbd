import express5 from 'express';
import express4 from 'express4';
import { describe, expect, test } from 'vitest';
import { type LayerLike, matchLayer } from './express-layers.js';
import { mountTemplate } from './mount-template.js';

/** The template of the one layer `router.use(path, …)` made, for a request to `url`. */
function templateOf(
  factory: typeof express4,
  path: string | RegExp | string[],
  url: string,
): { template: string; constant: boolean } | undefined {
  const router = factory.Router();
  router.use(path as string, (_request, _response, next) => next());
  const layer = (router as unknown as { stack: LayerLike[] }).stack[0]!;
  const match = matchLayer(layer, url);
  return match === undefined ? undefined : mountTemplate(layer, match, url);
}

describe.each([
  ['express 4', express4],
  ['express 5', express5 as unknown as typeof express4],
])('%s mount templates', (_name, factory) => {
  test('parameters are named from the declaration, static words kept as declared', () => {
    expect(templateOf(factory, '/teams/:team/members', '/teams/members/members/3')).toEqual({
      template: '/teams/:team/members',
      constant: true,
    });
    expect(templateOf(factory, '/Reports/:year', '/REPORTS/2024/x')).toEqual({
      template: '/Reports/:year',
      constant: true,
    });
    expect(templateOf(factory, '/', '/anything')).toEqual({ template: '', constant: true });
  });

  test('several parameters in one segment', () => {
    expect(templateOf(factory, '/flights/:from-:to', '/flights/LAX-SFO/seats')?.template).toBe(
      '/flights/:from-:to',
    );
  });

  test('array mount paths give the matching entry and are not constant', () => {
    expect(templateOf(factory, ['/old', '/new/:id'], '/new/7/x')).toEqual({
      template: '/new/:id',
      constant: false,
    });
  });

  test('a RegExp mount never yields matched URL text', () => {
    const result = templateOf(factory, /^\/v\d+/, '/v42/status');
    expect(result?.template).not.toContain('42');
  });
});

test('express 4: segments not written in the RegExp become :param', () => {
  expect(templateOf(express4, /^\/v\d+/, '/v42/status')).toEqual({ template: '/:param', constant: false });
});
