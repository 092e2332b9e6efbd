import { describe, expect, test } from 'vitest';
import { mountPathTemplate } from './mount-path-template.js';

describe('mountPathTemplate', () => {
  test('an empty or root mount path adds nothing', () => {
    expect(mountPathTemplate('', undefined)).toBe('');
    expect(mountPathTemplate('/', { id: '1' })).toBe('');
  });

  test('static mount paths are kept', () => {
    expect(mountPathTemplate('/api/v2/users', {})).toBe('/api/v2/users');
  });

  test('parameter values are put back as :name, from the last segment backwards', () => {
    expect(mountPathTemplate('/users/alice/posts', { userId: 'alice' })).toBe('/users/:userId/posts');
    expect(mountPathTemplate('/users/users', { name: 'users' })).toBe('/users/:name');
    expect(mountPathTemplate('/a/x/b/x', { first: 'x', second: 'x' })).toBe('/a/:second/b/:first');
  });

  test('encoded segments match their decoded parameter values', () => {
    expect(mountPathTemplate('/files/caf%C3%A9', { name: 'café' })).toBe('/files/:name');
    expect(mountPathTemplate('/files/%E0%A4%A', { name: 'x' })).toBe('/files/%E0%A4%A');
  });

  test('segments that still look like values become :param; words stay', () => {
    expect(mountPathTemplate('/orgs/17/teams/5', { teamId: '5' })).toBe('/orgs/:param/teams/:teamId');
    expect(mountPathTemplate('/o/123e4567-e89b-12d3-a456-426614174000', {})).toBe('/o/:param');
    expect(mountPathTemplate('/o/507f1f77bcf86cd799439011', {})).toBe('/o/:param');
    expect(mountPathTemplate('/o/deadbeefcafe/v2/facade', {})).toBe('/o/deadbeefcafe/v2/facade');
  });

  test('non-string parameters are ignored', () => {
    expect(mountPathTemplate('/a/b', { splat: ['a', 'b'], empty: '' })).toBe('/a/b');
  });
});
