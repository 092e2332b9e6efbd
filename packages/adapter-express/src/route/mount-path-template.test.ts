import { describe, expect, test } from 'vitest';
import type { MountLevel, RouteParams } from './mount-level.js';
import { mountTemplate, mountTextTemplate } from './mount-path-template.js';

/** Mount levels from the outermost: each entry is one mount's `baseUrl` and parameters. */
function levels(...mounts: [baseUrl: string, params: RouteParams | undefined][]): MountLevel | undefined {
  let level: MountLevel | undefined;
  for (const [baseUrl, params] of mounts) level = { baseUrl, params, parent: level };
  return level;
}

describe('mountTemplate', () => {
  test('no mount adds nothing; static mounts are kept', () => {
    expect(mountTemplate(undefined)).toBe('');
    expect(mountTemplate(levels(['/api', {}], ['/api/v2/users', {}]))).toBe('/api/v2/users');
  });

  test("each level's values are named from that level's own parameters", () => {
    expect(mountTemplate(levels(['/users/alice/posts', { userId: 'alice' }]))).toBe('/users/:userId/posts');
    expect(
      mountTemplate(levels(['/orgs/acme', { orgId: 'acme' }], ['/orgs/acme/teams/blue', { teamId: 'blue' }])),
    ).toBe('/orgs/:orgId/teams/:teamId');
  });

  test('mergeParams: inherited parameters are not looked for again unless they reappear', () => {
    const outer: RouteParams = { orgId: 'acme' };
    expect(
      mountTemplate(levels(['/orgs/acme', outer], ['/orgs/acme/teams/blue', { ...outer, teamId: 'blue' }])),
    ).toBe('/orgs/:orgId/teams/:teamId');
    expect(mountTemplate(levels(['/a/x', { id: 'x' }], ['/a/x/b/x', { id: 'x' }]))).toBe('/a/:id/b/:id');
  });

  test('repeated values go to the segments of their parameters, from the last backwards', () => {
    expect(mountTemplate(levels(['/a/x/b/x', { first: 'x', second: 'x' }]))).toBe('/a/:first/b/:second');
    expect(mountTemplate(levels(['/users/users', { name: 'users' }]))).toBe('/users/:name');
  });

  test('encoded segments match their decoded values; multi-segment values cover their run', () => {
    expect(mountTemplate(levels(['/files/caf%C3%A9', { name: 'café' }]))).toBe('/files/:name');
    expect(mountTemplate(levels(['/files/a/b/list', { 0: 'a/b' }]))).toBe('/files/:0/list');
    expect(mountTemplate(levels(['/files/a/b', { splat: ['a', 'b'] }]))).toBe('/files/*splat');
    expect(mountTemplate(levels(['/users', { id: undefined, rest: [] }]))).toBe('/users');
  });

  test('a value found only inside a segment makes that segment :param', () => {
    expect(mountTemplate(levels(['/flights/LAX-SFO', { from: 'LAX', to: 'SFO' }]))).toBe('/flights/:param');
  });

  test('a parameter whose value is nowhere to be found leaves no segment as literal text', () => {
    expect(mountTemplate(levels(['/users/alice', { userId: { id: 'alice' } }]))).toBe('/:param/:param');
    expect(mountTemplate(levels(['/files/%E0%A4%A', { name: 'x' }]))).toBe('/:param/:param');
    expect(mountTemplate(levels(['/api', {}], ['/api/t/acme', { tenant: 'ACME' }]))).toBe(
      '/api/:param/:param',
    );
  });

  test('segments no parameter names that look like values become :param; words stay', () => {
    expect(mountTemplate(levels(['/o/123e4567-e89b-12d3-a456-426614174000', {}]))).toBe('/o/:param');
    expect(mountTemplate(levels(['/v/2024/deadbeefcafe', undefined]))).toBe('/v/:param/deadbeefcafe');
  });
});

describe('mountTextTemplate (mount levels not captured)', () => {
  test('an empty or root mount path adds nothing; static mount paths are kept', () => {
    expect(mountTextTemplate('', undefined)).toBe('');
    expect(mountTextTemplate('/', { id: '1' })).toBe('');
    expect(mountTextTemplate('/api/v2/users', {})).toBe('/api/v2/users');
  });

  test('values of the parameters left on the request are named', () => {
    expect(mountTextTemplate('/users/alice/posts', { userId: 'alice', postId: '3' })).toBe(
      '/users/:userId/posts',
    );
  });

  test('other segments that look like values become :param; words stay', () => {
    expect(mountTextTemplate('/orgs/17/teams/5', { teamId: '5' })).toBe('/orgs/:param/teams/:teamId');
    expect(mountTextTemplate('/o/507f1f77bcf86cd799439011', {})).toBe('/o/:param');
    expect(mountTextTemplate('/o/deadbeefcafe/v2/facade', {})).toBe('/o/deadbeefcafe/v2/facade');
  });
});
