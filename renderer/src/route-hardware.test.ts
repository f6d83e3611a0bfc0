import { describe, it, expect } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('Hardware keys route', () => {
  it('#/hardware round-trips', () => {
    expect(parseRoute('#/hardware')).toEqual({ page: 'hardware' });
    expect(routeHash({ page: 'hardware' })).toBe('#/hardware');
  });
});
