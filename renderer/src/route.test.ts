import { describe, it, expect } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('renderer routes', () => {
  it('round-trip through the hash, repository names encoded', () => {
    const r = { page: 'repository', name: '127.0.0.1:5000/lab/team', tab: 'signers' } as const;
    expect(routeHash(r)).toBe('#/repo/127.0.0.1%3A5000%2Flab%2Fteam/signers');
    expect(parseRoute(routeHash(r))).toEqual(r);
    expect(parseRoute('#/settings')).toEqual({ page: 'settings' });
    expect(parseRoute('')).toEqual({ page: 'repositories' });
  });

  it('an unknown tab opens the tags; garbage opens the repositories list', () => {
    expect(parseRoute('#/repo/a%2Fb/nope')).toEqual({ page: 'repository', name: 'a/b', tab: 'tags' });
    expect(parseRoute('#/whatever/else')).toEqual({ page: 'repositories' });
  });
});
