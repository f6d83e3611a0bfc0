import { describe, it, expect } from 'vitest';
import { parseRoute, routeHash } from './route';

describe('Ceremony route', () => {
  it('#/ceremony round-trips', () => {
    expect(parseRoute('#/ceremony')).toEqual({ page: 'ceremony' });
    expect(routeHash({ page: 'ceremony' })).toBe('#/ceremony');
  });
});
