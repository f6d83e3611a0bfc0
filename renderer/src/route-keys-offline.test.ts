import { describe, it, expect } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('Keys and offline inspector routes', () => {
  it('the Keys page', () => {
    expect(parseRoute(routeHash({ page: 'keys' }))).toEqual({ page: 'keys' });
  });

  it('an offline repository round-trips with its path and name encoded; no Publish tab (read-only)', () => {
    const r = { page: 'offline', source: 'archive', path: '/tmp/a b/x.tdarchive', name: '127.0.0.1:5000/lab/app', tab: 'signers' } as const;
    expect(parseRoute(routeHash(r))).toEqual(r);
    expect(parseRoute(routeHash({ ...r, source: 'trust-dir', tab: 'publish' }))).toEqual({ ...r, source: 'trust-dir', tab: 'tags' });
    expect(parseRoute('#/offline/elsewhere/x/y/tags')).toEqual({ page: 'repositories' });
  });
});
