import { describe, it, expect } from 'vitest';
import { ERROR_TEXT, errorText } from './error-text';
import { ERROR_CODES } from '../../shared/errors';

describe('error texts', () => {
  it('every core error code has plain words and a next step', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_TEXT[code]?.title, code).toBeTruthy();
      expect(ERROR_TEXT[code]?.next, code).toBeTruthy();
    }
    expect(errorText('SOMETHING_NEW').title).toBe(ERROR_TEXT.INTERNAL.title);
  });
});
